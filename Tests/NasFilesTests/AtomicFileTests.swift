import Foundation
import NasFiles
import XCTest

/// A write either replaces the whole file or leaves the old one as it was.
final class AtomicFileTests: XCTestCase {
    func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nasfiles-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    func contents(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Names in the folder other than `keep`: a failed or finished write leaves no temporary file.
    func strays(in dir: String, besides keep: Set<String>) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { !keep.contains($0) }
    }

    func testWritesAndReplaces() throws {
        let dir = try folder()
        let path = dir + "/model.c"
        try AtomicFile.write(Data("first".utf8), to: path)
        XCTAssertEqual(contents(path), "first")
        try AtomicFile.write(Data("second, longer".utf8), to: path)
        XCTAssertEqual(contents(path), "second, longer")
        XCTAssertEqual(try strays(in: dir, besides: ["model.c"]), [])
    }

    func testReplacingKeepsPermissions() throws {
        let dir = try folder()
        let path = dir + "/run.sh"
        try AtomicFile.write(Data("a".utf8), to: path)
        XCTAssertEqual(chmod(path, 0o750), 0)
        try AtomicFile.write(Data("b".utf8), to: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o750)
    }

    func testFullDiskKeepsTheOldFile() throws {
        let dir = try folder()
        let path = dir + "/model.tflite"
        try AtomicFile.write(Data("good export".utf8), to: path)
        setenv(AtomicFile.diskFullVariable, "1", 1)
        defer { unsetenv(AtomicFile.diskFullVariable) }
        XCTAssertThrowsError(try AtomicFile.write(Data(repeating: 7, count: 10_000), to: path)) { error in
            let failure = error as? FileWriteError
            XCTAssertEqual(failure?.isDiskFull, true, "\(error)")
            XCTAssertTrue("\(error)".contains("No space left on device"), "\(error)")
        }
        XCTAssertEqual(contents(path), "good export")
        XCTAssertEqual(try strays(in: dir, besides: ["model.tflite"]), [])
    }

    func testFailingFillKeepsTheOldFile() throws {
        let dir = try folder()
        let path = dir + "/history"
        try AtomicFile.write(Data("old".utf8), to: path)
        struct Refused: Error {}
        XCTAssertThrowsError(try AtomicFile.replace(path) { temporary in
            try Data("half".utf8).write(to: URL(fileURLWithPath: temporary))
            throw Refused()
        })
        XCTAssertEqual(contents(path), "old")
        XCTAssertEqual(try strays(in: dir, besides: ["history"]), [])
    }

    func testMissingFolderIsAnErrorNamingThePath() throws {
        let dir = try folder()
        XCTAssertThrowsError(try AtomicFile.write(Data("x".utf8), to: dir + "/no/such/file")) { error in
            XCTAssertTrue("\(error)".contains(dir + "/no/such/file"), "\(error)")
        }
    }

    /// A real full disk, where one can be made: a 64 KB tmpfs (needs root and a kernel that lets
    /// this process mount; skipped otherwise).
    func testRealFullDiskOnATinyTmpfs() throws {
        let dir = try folder()
        let mount = dir + "/tiny"
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        guard getuid() == 0, run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mount]) == 0 else {
            throw XCTSkip("cannot mount a tmpfs here (needs root)")
        }
        defer { _ = run("/bin/umount", [mount]) }
        let path = mount + "/model.c"
        try AtomicFile.write(Data(repeating: 65, count: 40_000), to: path)
        XCTAssertThrowsError(try AtomicFile.write(Data(repeating: 66, count: 50_000), to: path)) { error in
            XCTAssertEqual((error as? FileWriteError)?.isDiskFull, true, "\(error)")
        }
        XCTAssertEqual(FileManager.default.contents(atPath: path), Data(repeating: 65, count: 40_000))
        XCTAssertEqual(try strays(in: mount, besides: ["model.c"]), [])
    }

    func run(_ tool: String, _ arguments: [String]) -> Int32 {
        guard FileManager.default.isExecutableFile(atPath: tool) else { return -1 }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = Pipe()
        guard (try? process.run()) != nil else { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
