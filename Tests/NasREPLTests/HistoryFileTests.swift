import Foundation
import LineEditor
import XCTest

/// The history file is only ever libedit's: any other file given as `--history` is left alone.
final class HistoryFileTests: XCTestCase {
    func file(_ contents: String?) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString)").path
        if let contents { try contents.write(toFile: path, atomically: true, encoding: .utf8) }
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testLibeditHistoryEmptyOrMissingFilesAreAccepted() throws {
        XCTAssertNil(HistoryFile.check(try file("_HiStOrY_V2_\nx\\040=\\0401\n")))
        XCTAssertNil(HistoryFile.check(try file("")))
        XCTAssertNil(HistoryFile.check(try file(nil)))
    }

    func testAnyOtherFileIsRefusedWithAWarning() throws {
        let notes = try file("my notes, not history\n")
        let warning = try XCTUnwrap(HistoryFile.check(notes))
        XCTAssertTrue(warning.contains("'\(notes)' is not a nasbook (libedit) history file; it is left untouched"), warning)
        XCTAssertTrue(warning.contains("--history"), warning)
        XCTAssertNotNil(HistoryFile.check(FileManager.default.temporaryDirectory.path), "a folder is refused")
    }

    /// The reader warns through its callback and then never writes the file, however many
    /// lines are added.
    func testTheReaderLeavesARefusedFileUntouched() throws {
        let notes = try file("my notes, not history\n")
        var warnings: [String] = []
        let reader = InteractiveLineReader(historyFile: notes, warn: { warnings.append($0) }, completer: { _ in (0, []) })
        reader.addHistory("x = 1")
        reader.addHistory("y = 2")
        XCTAssertEqual(warnings.count, 1, "\(warnings)")
        XCTAssertEqual(try String(contentsOfFile: notes, encoding: .utf8), "my notes, not history\n")
    }

    func testTheReaderSavesItsOwnHistoryAtomically() throws {
        let path = try file(nil)
        let reader = InteractiveLineReader(historyFile: path, completer: { _ in (0, []) })
        reader.addHistory("x = 1")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("_HiStOrY_V2_\n"), text)
        XCTAssertTrue(text.contains("x"), text)
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".\(name).tmp") }, [])
    }

    /// A history save that fails (a full disk) keeps the previous history and warns once.
    func testAFailedSaveKeepsThePreviousHistory() throws {
        let path = try file(nil)
        var warnings: [String] = []
        let reader = InteractiveLineReader(historyFile: path, warn: { warnings.append($0) }, completer: { _ in (0, []) })
        reader.addHistory("x = 1")
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        setenv("NASBOOK_FAULT_DISK_FULL", "1", 1)
        defer { unsetenv("NASBOOK_FAULT_DISK_FULL") }
        reader.addHistory("y = 2")
        reader.addHistory("z = 3")
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), saved)
        XCTAssertEqual(warnings.count, 1, "\(warnings)")
        XCTAssertTrue(warnings[0].contains("the history was not saved: cannot write '\(path)': No space left on device"), warnings[0])
    }
}
