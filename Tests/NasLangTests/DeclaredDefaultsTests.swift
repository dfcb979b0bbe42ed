import EngineBuiltins
import XCTest
@testable import NasLang

/// What `search` takes when the call names no `objectives:` or `budget:`: the last unnamed
/// block of each declared at the top level (typed, not a lookup of whatever a global of that
/// name holds), with the budget's later edits.
final class DeclaredDefaultsTests: XCTestCase {
    func declared(_ text: String) throws -> Interpreter {
        let interpreter = Interpreter(registry: .withEngine(), modulePaths: [Repo.stdlib], output: { _ in })
        try interpreter.run(SourceFile(name: "t.nas", text: text))
        return interpreter
    }

    func testTheLastUnnamedBlocksAreTheDefaults() throws {
        let interpreter = try declared("""
        objectives { maximize accuracy; minimize ram }
        objectives { maximize accuracy; minimize flash }
        objectives other { maximize accuracy; minimize macs }
        budget { ram <= 64 KB }
        budget tight { ram <= 8 KB }
        budget.ram = 32 KB
        """)
        XCTAssertEqual(interpreter.declaredObjectives?.objectives.map(\.metric), [.accuracy, .flash], "the last unnamed block; a named one is passed by name")
        XCTAssertEqual(interpreter.declaredBudget?.name, "budget")
        XCTAssertEqual(interpreter.declaredBudget?.constraint(for: .ram)?.limit, 32 * 1024, "the edit of the declared budget counts")
    }

    func testAGlobalOfTheSameNameThatIsNoBlockIsNoDefault() throws {
        let interpreter = try declared("""
        objectives = 5
        budget = "none"
        fn f() {
          objectives { maximize accuracy; minimize ram }
          1
        }
        x = f()
        """)
        XCTAssertNil(interpreter.declaredObjectives, "a number named objectives, or a block inside a function, is not a declaration at the top level")
        XCTAssertNil(interpreter.declaredBudget)
    }
}
