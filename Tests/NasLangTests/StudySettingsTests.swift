import XCTest
@testable import NasLang

/// `nasbook run --db/--resume` reach the builtins through the interpreter.
final class StudySettingsTests: XCTestCase {
    func testBuiltinsSeeTheInterpretersStudySettings() throws {
        var registry = BuiltinRegistry.standard()
        registry.register(Builtin("study_settings", doc: "test: the settings a search would see") { call in
            let s = call.context.studySettings
            return .string("\(s.databasePath ?? "memory") resume=\(s.resume)")
        })
        var out = ""
        let interpreter = Interpreter(registry: registry, output: { out += $0 })
        try interpreter.run(SourceFile(name: "a.nas", text: "print(study_settings())\n"))
        interpreter.studySettings = StudySettings(databasePath: "runs/kws.db", resume: true)
        try interpreter.run(SourceFile(name: "b.nas", text: "print(study_settings())\n"))
        XCTAssertEqual(out, "memory resume=false\nruns/kws.db resume=true\n")
    }

    func testDefaultDatabaseSitsBesideTheScript() {
        XCTAssertEqual(StudySettings.defaultDatabasePath(forScript: "examples/kws.nas"), "examples/kws.db")
        XCTAssertEqual(StudySettings.defaultDatabasePath(forScript: "kws"), "kws.db")
    }
}
