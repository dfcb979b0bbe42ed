import Foundation
import NasFiles
import XCTest

/// One test per rule of the trust boundary: a project reaches its own folder tree, reads the
/// standard library and shared datasets, and nothing else unless a grant says so.
final class FileAccessTests: XCTestCase {
    var root = ""
    var project = ""
    var outside = ""

    override func setUpWithError() throws {
        root = FileAccess.resolve(FileManager.default.temporaryDirectory.appendingPathComponent("access-\(UUID().uuidString)").path)
        project = root + "/project"
        outside = root + "/outside"
        for dir in [project + "/data", outside, root + "/stdlib"] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        try Data("1,2\n".utf8).write(to: URL(fileURLWithPath: outside + "/secret.csv"))
        try Data("1,2\n".utf8).write(to: URL(fileURLWithPath: project + "/data/x.csv"))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: root)
    }

    var access: FileAccess { FileAccess.confined(to: project, readable: [root + "/stdlib"]) }

    func refusal(_ body: () throws -> String) -> FileAccessError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error as? FileAccessError
        }
    }

    func testInsideTheProjectIsAllowedBothWays() throws {
        XCTAssertEqual(try access.checkRead("data/x.csv", relativeTo: project), project + "/data/x.csv")
        XCTAssertEqual(try access.checkWrite("out/model.c", relativeTo: project), project + "/out/model.c")
        XCTAssertEqual(try access.checkWrite(project), project)
    }

    func testReadOutsideIsRefusedNamingTheFlag() throws {
        let error = refusal { try access.checkRead(outside + "/secret.csv") }
        XCTAssertNotNil(error)
        XCTAssertTrue(error!.description.contains("cannot read '\(outside)/secret.csv'"), error!.description)
        XCTAssertTrue(error!.description.contains("--allow-path \(outside)"), error!.description)
        XCTAssertTrue(error!.description.contains("nasbook.allow"), error!.description)
    }

    func testWriteOutsideIsRefused() throws {
        XCTAssertNotNil(refusal { try access.checkWrite(outside + "/model.tflite") })
        XCTAssertNotNil(refusal { try access.checkWrite("/etc/cron.d/x") })
    }

    func testTildeIsExpandedThenChecked() throws {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        XCTAssertEqual(FileAccess.expandingTilde("~/.bashrc"), home + "/.bashrc")
        XCTAssertEqual(FileAccess.expandingTilde("~"), home)
        XCTAssertEqual(FileAccess.expandingTilde("~user/x"), "~user/x")
        let error = refusal { try access.checkWrite("~/.bashrc", relativeTo: project) }
        XCTAssertNotNil(error)
        XCTAssertEqual(error?.resolved, FileAccess.resolve(home + "/.bashrc"))
    }

    func testAbsolutePathsAreCheckedLikeAnyOther() throws {
        XCTAssertNotNil(refusal { try access.checkRead("/etc/passwd") })
        XCTAssertEqual(try access.checkRead(project + "/data/x.csv"), project + "/data/x.csv")
    }

    func testDotDotCannotLeave() throws {
        XCTAssertNotNil(refusal { try access.checkRead("../outside/secret.csv", relativeTo: project) })
        XCTAssertNotNil(refusal { try access.checkWrite("data/../../outside/new.c", relativeTo: project) })
        // Through a folder that does not exist yet, too.
        XCTAssertNotNil(refusal { try access.checkWrite("new/../../outside/x", relativeTo: project) })
        XCTAssertEqual(try access.checkRead("data/../data/x.csv", relativeTo: project), project + "/data/x.csv")
        // A sibling whose name starts with the project's is not inside it.
        try FileManager.default.createDirectory(atPath: project + "-evil", withIntermediateDirectories: true)
        XCTAssertNotNil(refusal { try access.checkRead(project + "-evil") })
    }

    func testSymlinksAreResolvedBeforeChecking() throws {
        try FileManager.default.createSymbolicLink(atPath: project + "/escape", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: project + "/secret.csv", withDestinationPath: outside + "/secret.csv")
        XCTAssertNotNil(refusal { try access.checkRead("escape/secret.csv", relativeTo: project) })
        XCTAssertNotNil(refusal { try access.checkRead("secret.csv", relativeTo: project) })
        XCTAssertNotNil(refusal { try access.checkWrite("escape/new/model.c", relativeTo: project) })
        // `link/..` is the parent of the link's target, not the project.
        XCTAssertEqual(FileAccess.resolve(project + "/escape/.."), root)
        // A link that stays inside is fine.
        try FileManager.default.createSymbolicLink(atPath: project + "/d", withDestinationPath: project + "/data")
        XCTAssertEqual(try access.checkRead("d/x.csv", relativeTo: project), project + "/data/x.csv")
    }

    func testAllowPathWidensIt() throws {
        let widened = FileAccess.confined(to: project, extra: [.init(path: outside, writable: true, origin: "--allow-path")])
        XCTAssertEqual(try widened.checkRead(outside + "/secret.csv"), outside + "/secret.csv")
        XCTAssertEqual(try widened.checkWrite(outside + "/out/m.c"), outside + "/out/m.c")
        XCTAssertNotNil(refusal { try widened.checkRead("/etc/passwd") })
    }

    func testAFileGrantCoversThatFileOnly() throws {
        let granted = FileAccess.confined(to: project, extra: [.init(path: outside + "/s.db", writable: true, isFile: true, origin: "--db")])
        XCTAssertNoThrow(try granted.checkWrite(outside + "/s.db"))
        XCTAssertNotNil(refusal { try granted.checkWrite(outside + "/s.db2") })
        XCTAssertNotNil(refusal { try granted.checkWrite(outside + "/s.db/x") })
    }

    func testStdlibAndDatasetFoldersAreReadOnly() throws {
        XCTAssertNoThrow(try access.checkRead(root + "/stdlib/boards.nas"))
        XCTAssertNoThrow(try access.checkRead("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
        let error = refusal { try access.checkWrite(root + "/stdlib/boards.nas") }
        XCTAssertEqual(error?.readOnlyGrant, true)
        XCTAssertTrue(error?.description.contains("may only be read") ?? false)
    }

    func testAllowFileListsFoldersRelativeToTheProject() throws {
        try Data("# data shared with another project\n../outside\nread /usr/lib  # system\nmissing/folder\n".utf8)
            .write(to: URL(fileURLWithPath: project + "/" + FileAccess.allowFileName))
        let (grants, problems) = FileAccess.allowFile(in: project)
        XCTAssertEqual(grants.map(\.path), [outside, FileAccess.resolve("/usr/lib")])
        XCTAssertEqual(grants.map(\.writable), [true, false])
        XCTAssertEqual(grants.map(\.origin), ["nasbook.allow:2", "nasbook.allow:3"])
        XCTAssertEqual(problems.count, 1)
        XCTAssertTrue(problems[0].contains("nasbook.allow:4"), problems[0])
        let widened = FileAccess.confined(to: project, extra: grants)
        XCTAssertNoThrow(try widened.checkWrite(outside + "/x"))
        XCTAssertNotNil(refusal { try widened.checkWrite("/usr/lib/x") })
    }

    func testUnrestrictedAllowsEverything() throws {
        XCTAssertEqual(try FileAccess.unrestricted.checkRead("/etc/passwd"), "/etc/passwd")
    }
}
