import Foundation
@testable import LineEditor
import XCTest
@testable import NasLang
@testable import NasREPL

/// Feeds scripted lines to the REPL loop, as a terminal or a pipe would.
final class ScriptedReader: LineReader {
    var results: [LineReadResult]
    var prompts: [String] = []
    var history: [String] = []

    init(_ results: [LineReadResult]) { self.results = results }

    func readLine(prompt: String) -> LineReadResult {
        prompts.append(prompt)
        return results.isEmpty ? .endOfInput : results.removeFirst()
    }

    func addHistory(_ line: String) { history.append(line) }
}

let stdlibPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("stdlib").path

func session(_ lines: [LineReadResult], interactive: Bool = true) -> (out: String, err: String, reader: ScriptedReader, repl: Repl) {
    var out = "", err = ""
    let reader = ScriptedReader(lines)
    let interpreter = Interpreter(modulePaths: [stdlibPath], output: { out += $0 })
    let repl = Repl(interpreter: interpreter, reader: reader, interactive: interactive,
                    writeOut: { out += $0 }, writeErr: { err += $0 })
    repl.run()
    if interactive, out.hasSuffix("\n\n") { out.removeLast() }  // the newline Ctrl-D leaves
    return (out, err, reader, repl)
}

final class ReplTests: XCTestCase {
    func testCellsContinueWhileBracketsAreOpen() {
        XCTAssertTrue(CellInput.needsMoreLines("fn f(x) = {"))
        XCTAssertTrue(CellInput.needsMoreLines("xs = [1,\n 2,"))
        XCTAssertTrue(CellInput.needsMoreLines("x = 1 + \\"))
        XCTAssertFalse(CellInput.needsMoreLines("xs = [1, 2]"))
        XCTAssertFalse(CellInput.needsMoreLines("s = \"(\""))
        XCTAssertFalse(CellInput.needsMoreLines("x = 1 # ("))
    }

    func testMultiLineDefinitionThenUse() {
        let s = session([.line("fn twice(x) {"), .line("  return x * 2"), .line("}"), .line("twice(21)")])
        XCTAssertEqual(s.err, "")
        XCTAssertTrue(s.out.hasSuffix("42\n"), s.out)
        XCTAssertEqual(s.reader.prompts, ["nas> ", "...> ", "...> ", "nas> ", "nas> "])
        XCTAssertEqual(s.reader.history, ["fn twice(x) {", "  return x * 2", "}", "twice(21)"])
    }

    func testErrorsDoNotEndTheSessionAndNameTheCell() {
        let s = session([.line("boards = 1"), .line("bords + 1"), .line("boards + 1")])
        XCTAssertTrue(s.err.contains("<cell 2>:1:1: error:"), s.err)
        XCTAssertTrue(s.err.contains("did you mean 'boards'"), s.err)
        XCTAssertTrue(s.out.hasSuffix("2\n"), s.out)
        XCTAssertTrue(s.repl.hadError)
    }

    func testInterruptDropsThePartialCell() {
        let s = session([.line("x = [1,"), .interrupted, .line("x = 5"), .line("x")])
        XCTAssertEqual(s.err, "")
        XCTAssertTrue(s.out.hasSuffix("5\n"), s.out)
    }

    func testInterruptStopsARunningCell() {
        // As the SIGINT handler would, from another thread while the cell runs.
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.2) { Interrupt.raise() }
        let s = session([.line("n = 0"), .line("for i in 0..1000000000 { n = n + 1 }"), .line("n > 0")])
        XCTAssertTrue(s.err.contains("interrupted"), s.err)
        XCTAssertTrue(s.out.hasSuffix("true\n"), "the session goes on after the interrupt: \(s.out)")
    }

    func testCommands() {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nasbook-repl-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("lib.nas")
        try? "answer = 6 * 7\n".write(to: file, atomically: true, encoding: .utf8)
        let s = session([.line(":help"), .line(":help board"), .line(":load \(file.path)"), .line("answer"),
                         .line(":lod x"), .line(":quit"), .line("1 + 1")])
        XCTAssertTrue(s.out.contains(":load FILE"), s.out)
        XCTAssertTrue(s.out.contains("board(name"), s.out)
        // `:help name` lists each parameter with its declared type and default.
        XCTAssertTrue(s.out.contains("  ram: bytes (0, 1e+18)\n"), s.out)
        XCTAssertTrue(s.out.contains("  cores: integer 1...1024 = 1\n"), s.out)
        XCTAssertTrue(s.out.contains("  fpu: bool = false\n"), s.out)
        XCTAssertTrue(s.out.contains("42\n"), s.out)
        XCTAssertFalse(s.out.contains("2\n2"), "cells after :quit must not run")
        XCTAssertTrue(s.err.contains("unknown command ':lod' (did you mean :load?)"), s.err)
    }

    func testPipedInputUsesScriptLineNumbers() {
        let s = session([.line("x = 1"), .line(""), .line("y = nope")], interactive: false)
        XCTAssertTrue(s.err.contains("<stdin>:3:5: error:"), s.err)
        XCTAssertFalse(s.out.contains("nasbook"), "no banner on piped input")
    }

    func testRecordsRenderAsTables() {
        let s = session([.line("use \"boards\""), .line("[boards.rpi_pico, boards.nano33_ble]")])
        XCTAssertEqual(s.err, "")
        XCTAssertTrue(s.out.contains("RP2040"), s.out)
        let lines = s.out.split(separator: "\n").filter { $0.contains("RP2040") || $0.contains("nRF52840") }
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines[0].range(of: "MHz")?.lowerBound.utf16Offset(in: lines[0]),
                       lines[1].range(of: "MHz")?.lowerBound.utf16Offset(in: lines[1]), "table columns are aligned")
    }

    func testCompletion() {
        let interpreter = Interpreter(modulePaths: [stdlibPath], output: { _ in })
        let repl = Repl(interpreter: interpreter, reader: ScriptedReader([]), interactive: false,
                        writeOut: { _ in }, writeErr: { _ in })
        repl.handle("use \"boards\"\nwidth_choices = [8, 16]")
        let completer = Completer(interpreter: interpreter)
        XCTAssertEqual(completer.complete("wid").candidates, ["width_choices"])
        XCTAssertEqual(completer.complete("x = ret").candidates, ["return"])
        XCTAssertTrue(completer.complete("pri").candidates.contains("print"))
        let members = completer.complete("boards.nucleo_")
        XCTAssertEqual(members.replaceFrom, 7)
        XCTAssertEqual(members.candidates, ["nucleo_f746zg", "nucleo_h743zi", "nucleo_l4r5zi"])
        XCTAssertEqual(completer.complete(":lo").candidates, [":load"])
        XCTAssertEqual(completer.complete("zzz").candidates, [])
    }

    func testListingLaysOutColumns() {
        let text = InteractiveLineReader.columns(["a", "bb", "ccc"], width: 10)
        XCTAssertEqual(text, "a    bb\nccc\n")
        XCTAssertEqual(InteractiveLineReader.commonPrefix(["nucleo_f", "nucleo_h"]), "nucleo_")
    }
}
