import Foundation
import XCTest

/// `nasbook --save FILE` records a session; `nasbook replay FILE` runs it again and compares.
extension CLITests {
    /// A fresh directory with a `notes/` folder, removed when the test ends.
    func sessionDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-replay-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("notes"), withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// A training cell with a seed, a `:load` of a file beside the working directory, a failing cell.
    static let sessionScript = """
    data = take(dataset.shapes(size: 8), 64)
    r = train(cnn(width: 4, depth: 1), data, epochs: 2, seed: 3)
    r
    :load lib.nas
    twice(r.params)
    nope

    """

    /// Records `sessionScript` from `dir`, into `dir/notes/s.nasbook`: the session's working directory
    /// is the file's parent.
    func record(in dir: URL) throws -> String {
        try "fn twice(x) = 2 * x\n".write(to: dir.appendingPathComponent("lib.nas"), atomically: true, encoding: .utf8)
        let r = try nasbook(["--save", "notes/s.nasbook"], stdin: Self.sessionScript, directory: dir)
        XCTAssertEqual(r.status, 1, "the failing cell fails the piped run")
        XCTAssertTrue(r.out.contains("332\n"), r.out)
        return dir.appendingPathComponent("notes/s.nasbook").path
    }

    func testRecordedSessionReplaysFromAnywhere() throws {
        let dir = try sessionDirectory()
        let file = try record(in: dir)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertTrue(text.contains("\"directory\": \"..\""), text)
        XCTAssertTrue(text.contains("\"seeds\": [{\"builtin\": \"train\", \"seed\": 3}]"), text)
        // Its directory ("..") is outside the session's folder: replay refuses it unless allowed.
        let refused = try nasbook(["replay", file])
        XCTAssertEqual(refused.status, 2, refused.out + refused.err)
        XCTAssertTrue(refused.err.contains("the session's directory \"..\" leads to"), refused.err)
        // From the repository root: the cells still run in the directory they were recorded in.
        let r = try nasbook(["replay", "--allow-path", dir.path, file])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertTrue(r.out.contains("cell 2  ok       r = train("), r.out)
        XCTAssertTrue(r.out.contains("cell 4  ok       :load lib.nas"), r.out)
        XCTAssertTrue(r.out.contains("all 6 cells match"), r.out)
        XCTAssertEqual(r.err, "")
    }

    func testEditedOutputIsReportedAndFails() throws {
        let dir = try sessionDirectory()
        let file = try record(in: dir)
        var text = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertTrue(text.contains("\"output\": \"332\\n\""), text)
        text = text.replacingOccurrences(of: "\"output\": \"332\\n\"", with: "\"output\": \"333\\n\"")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try nasbook(["replay", "--allow-path", dir.path, file])
        XCTAssertEqual(r.status, 1, r.out + r.err)
        XCTAssertTrue(r.out.contains("cell 5  DIFFERS  twice(r.params)\n    --- recorded\n    +++ replayed\n    @@ -1 +1 @@\n    -333\n    +332\n"), r.out)
        XCTAssertTrue(r.out.contains("1 of 6 cells differ"), r.out)
    }

    func testBadFilesExitTwoNamingThePath() throws {
        let missing = try nasbook(["replay", "no/such.nasbook"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.err, "nasbook replay: cannot read 'no/such.nasbook': no such file or not readable\n")

        let bad = try sessionDirectory().appendingPathComponent("bad.nasbook").path
        try #"{"format": "nasbook-session", "version": 1, "nasbook": "0.1.0", "created": "2026-01-01T00:00:00.000Z", "input": "pipe", "directory": ".", "cells": [{"index": 1}]}"#
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let r = try nasbook(["replay", bad])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.err, "nasbook replay: '\(bad)' is not a nasbook session: cells[0].line: missing\n")
    }

    func testSaveDoesNotOverwriteAnExistingFile() throws {
        let file = try sessionDirectory().appendingPathComponent("kept.nasbook").path
        try "precious".write(toFile: file, atomically: true, encoding: .utf8)
        let r = try nasbook(["--save", file], stdin: "1 + 1\n")
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("'\(file)' already exists"), r.err)
        XCTAssertEqual(try String(contentsOfFile: file, encoding: .utf8), "precious")
    }
}
