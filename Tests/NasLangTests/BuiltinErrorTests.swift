import XCTest
@testable import NasLang

/// An engine error (not a diagnostic) thrown inside a builtin.
private struct EngineFailure: Error, CustomStringConvertible {
    var description: String { "the engine ran out of channels" }
}

/// Errors inside builtins reach the user once, at the call, with its span; the REPL, `run` and
/// `check` report failures through one `FailureReport`.
final class BuiltinErrorTests: XCTestCase {
    func interpreter(output: @escaping (String) -> Void = { _ in }) -> Interpreter {
        var registry = BuiltinRegistry.standard()
        registry.register(Builtin("explode", [.init("x", .real, default: .number(1))], doc: "Throws an engine error.") { _ in
            throw EngineFailure()
        })
        registry.register(Builtin("refuse", doc: "Throws a diagnostic of its own.") { call in
            throw call.error("refuse: no")
        })
        return Interpreter(registry: registry, modulePaths: [], output: output)
    }

    func failure(_ text: String) -> FailureReport? {
        do {
            try LargeStack.run { try interpreter().run(SourceFile(name: "t.nas", text: text)) }
            return nil
        } catch {
            return FailureReport(error)
        }
    }

    func testAnEngineErrorGetsTheCallsSpanAndCaret() throws {
        let report = try XCTUnwrap(failure("a = 1\nb = 2 + explode(x: 3)\n"))
        XCTAssertEqual(report.text, """
        t.nas:2:9: error: explode: the engine ran out of channels
        2 | b = 2 + explode(x: 3)
          |         ^~~~~~~~~~~~~

        """)
        XCTAssertEqual(report.errorCount, 1)
        XCTAssertFalse(report.interrupted)
        XCTAssertEqual(report.exitStatus, 1)
    }

    func testADiagnosticFromABuiltinIsNotWrappedAgain() throws {
        let report = try XCTUnwrap(failure("refuse()\n"))
        XCTAssertTrue(report.text.hasPrefix("t.nas:1:1: error: refuse: no\n"), report.text)
    }

    func testInsideAFunctionTheErrorPointsAtTheBuiltinCall() throws {
        let report = try XCTUnwrap(failure("fn f() {\n  return explode()\n}\nf()\n"))
        XCTAssertTrue(report.text.hasPrefix("t.nas:2:10: error: explode: the engine ran out of channels\n"), report.text)
    }

    func testReportsOfListsAndInterruptions() {
        let file = SourceFile(name: "x.nas", text: "a\nb\n")
        let list = DiagnosticList([Diagnostic("one", at: SourceSpan(file: file, start: 0, end: 1)),
                                   Diagnostic("two", at: SourceSpan(file: file, start: 2, end: 3))])
        let report = FailureReport(list)
        XCTAssertEqual(report.errorCount, 2)
        XCTAssertEqual(report.text, list.render())
        let stop = FailureReport(Interruption(span: SourceSpan(file: file, start: 2, end: 3)))
        XCTAssertTrue(stop.interrupted)
        XCTAssertEqual(stop.exitStatus, 130)
        XCTAssertTrue(stop.text.hasPrefix("interrupted at x.nas:2"), stop.text)
    }
}
