import EngineBuiltins
import NasCore
import XCTest
@testable import NasLang

/// A builtin parameter's declared type is its one check: `check` refuses a literal outside it
/// at the argument (file:line:col, caret, hint), the run refuses any value outside it before the
/// body runs, and `:help` shows it.
final class ParameterTypeTests: XCTestCase {
    /// One parameter of every kind, each optional so a call can give just one.
    static var probe: Builtin { Builtin("probe", [
        .init("count", .integer(1...10, odd: false), default: .number(1)),
        .init("kernel", .integer(1...9, odd: true), default: .number(3)),
        .init("rate", .fraction, default: .number(0)),
        .init("ram", .quantity(.memory, .positive), default: .number(Quantity(value: 1024, dimension: .memory))),
        .init("mode", .choice(["fast", "exact"]), default: .string("fast")),
        .init("flag", .bool, default: .bool(false)),
        .init("name", .string, default: .string("x")),
        .init("sizes", .list(.integer(1...4, odd: false)), default: .list([])),
        .init("bits", .perLayer(.integer(2...8, odd: false)), default: .number(8)),
        .init("space", .kind("space", hint: "declare one with `space name { ... }`"), default: Value.none),
        .init("f", .function, default: Value.none),
        .init("by", .either([.string, .function]), default: Value.none),
    ], doc: "Takes one parameter of every kind.") { _ in .string("ran") } }

    func interpreter(output: @escaping (String) -> Void = { _ in }) -> Interpreter {
        var registry = BuiltinRegistry.standard()
        registry.register(Self.probe)
        return Interpreter(registry: registry, modulePaths: [], output: output)
    }

    func checkReport(_ text: String) -> String {
        do {
            _ = try interpreter().check(SourceFile(name: "t.nas", text: text))
            return ""
        } catch let list as DiagnosticList {
            return list.render()
        } catch {
            return "unexpected: \(error)"
        }
    }

    func runReport(_ text: String) -> String {
        var registry = BuiltinRegistry.standard()
        registry.register(Self.probe)
        return runProgram(text, name: "t.nas", registry: registry, modulePaths: [])
    }

    /// Each kind refuses a wrong literal at `check`, pointing at the argument with the type's wording.
    func testCheckRefusesAWrongLiteralOfEveryKind() {
        let cases: [(argument: String, expected: String)] = [
            ("count: 11", "'count' must be a whole number from 1 to 10, not 11"),
            ("count: 2.5", "'count' must be a whole number from 1 to 10, not 2.5"),
            ("count: 1e19", "'count' must be a whole number from 1 to 10, not 1e+19"),
            ("kernel: 4", "'kernel' must be an odd whole number from 1 to 9, not 4"),
            ("rate: 1", "'rate' must be a number in [0, 1), not 1"),
            ("rate: -0.5", "'rate' must be a number in [0, 1), not -0.5"),
            ("ram: 256", "'ram' must be a finite byte count above 0, not the plain number 256"),
            ("ram: 80 MHz", "'ram' must be a finite byte count above 0, not a frequency"),
            ("ram: -1 KB", "'ram' must be a finite byte count above 0, not -"),
            ("mode: \"fsat\"", "'mode' must be one of \"fast\", \"exact\", not \"fsat\""),
            ("flag: 1", "'flag' must be true or false, not 1"),
            ("name: 3", "'name' must be a string, not 3"),
            ("sizes: [1, 5]", "'sizes' must be a list of numbers, not a list holding 5"),
            ("sizes: 3", "'sizes' must be a list of numbers, not 3"),
            ("bits: [8, 9]", "'bits' must be a whole number from 2 to 8, not 9"),
            ("bits: \"8\"", "'bits' must be a whole number from 2 to 8, not \"8\""),
            ("space: 3", "'space' must be a space, not number"),
            ("f: \"g\"", "'f' must be a function, not \"g\""),
            ("by: 3", "'by' must be a string or a function, not 3"),
        ]
        for (argument, expected) in cases {
            let text = "x = probe(\(argument))"
            let report = checkReport(text)
            // The error and its caret are at the argument's value, after "x = probe(label: ".
            let column = 11 + argument.prefix { $0 != ":" }.count + 2
            XCTAssertTrue(report.contains("t.nas:1:\(column): error: probe(): " + expected), "\(argument):\n\(report)")
            XCTAssertTrue(report.contains("  |" + String(repeating: " ", count: column) + "^"), "\(argument):\n\(report)")
        }
    }

    /// Hints come from the declaration: a did-you-mean from a choice's cases, the unit to
    /// write for a quantity, how to make a value of a kind.
    func testCheckHintsComeFromTheType() {
        XCTAssertTrue(checkReport("probe(mode: \"exatc\")").contains("did you mean 'exact'?"))
        XCTAssertTrue(checkReport("probe(ram: 256)").contains("write it with a unit, e.g. 256 KB"))
        XCTAssertTrue(checkReport("probe(space: none, f: 1)").contains("'f' must be a function"))
        XCTAssertTrue(checkReport("probe(space: 1)").contains("declare one with `space name { ... }`"))
    }

    /// What the types admit passes `check` and runs, positional arguments included.
    func testAdmittedLiteralsPassCheckAndRun() {
        let text = """
        x = probe(10, 9, 0.5, 1 KB, "exact", true, "n", [1, 4], [2, 8], none, fn(a) = a, "field")
        y = probe(sizes: 1..4, bits: 4, by: fn(a) = a)
        print(x, y)
        """
        XCTAssertEqual(checkReport(text), "")
        XCTAssertEqual(runReport(text), "ran ran\n")
    }

    /// A value only known when the program runs is checked by the same type before the body
    /// runs; the error points at the argument's label, as every run-time argument error does.
    func testTheRunChecksComputedValuesAgainstTheSameType() {
        let out = runReport("n = 5 + 6\nprobe(count: n)")
        XCTAssertTrue(out.contains("t.nas:2:7: error: probe: 'count' must be a whole number from 1 to 10, not 11"), out)
        let unit = runReport("m = 2 * 128\nprobe(ram: m)")
        XCTAssertTrue(unit.contains("probe: 'ram' must be a finite byte count above 0, not the plain number 256"), unit)
        XCTAssertTrue(unit.contains("write it with a unit, e.g. 256 KB"), unit)
    }

    /// A name the program binds is not a literal: `check` leaves it to the run.
    func testNamesBoundByTheProgramAreLeftToTheRun() {
        XCTAssertEqual(checkReport("fast = 3\nprobe(mode: fast)"), "")
    }

    /// `:help` lists each parameter with its type and default.
    func testHelpShowsEachParameterWithItsTypeAndDefault() {
        let help = Self.probe.help
        for line in ["  count: integer 1...10 = 1", "  kernel: odd integer 1...9 = 3", "  rate: number [0, 1) = 0",
                     "  ram: bytes > 0 = 1 KB", "  mode: one of fast, exact = \"fast\"", "  flag: bool = false",
                     "  sizes: list of integer 1...4 = []", "  bits: integer 2...8 (or a list, one per weighted layer) = 8",
                     "  space: space = none", "  by: string or function = none"] {
            XCTAssertTrue(help.contains(line + "\n"), "missing \(line) in:\n\(help)")
        }
    }

    /// Fuzz-style: every builtin the engine registers declares defaults its own types admit,
    /// and every type refuses a value of the wrong sort (each kind is checked by something).
    func testEveryBuiltinsDefaultsSatisfyItsDeclaredTypes() {
        let registry = BuiltinRegistry.withEngine()
        XCTAssertGreaterThan(registry.builtins.count, 40)
        var checked = 0
        for (name, builtin) in registry.builtins {
            for parameter in builtin.parameters {
                guard let value = parameter.defaultValue else { continue }
                checked += 1
                if let (shown, _) = parameter.problem(with: value) {
                    XCTFail("\(name)(\(parameter.name):) defaults to \(value.inline), which its type \(parameter.type.description) refuses (\(shown))")
                }
            }
        }
        XCTAssertGreaterThan(checked, 100)
    }

    /// Fuzz-style: random literal arguments to every engine builtin are refused by `check` exactly
    /// when the parameter's type refuses them, and never make `check` trap.
    func testCheckAgreesWithTheTypesOnRandomLiterals() {
        let registry = BuiltinRegistry.withEngine()
        var generator = SeededGenerator(seed: 14)
        let literals: [(text: String, value: Value)] = [
            ("0", .number(0)), ("1", .number(1)), ("-1", .number(-1)), ("2.5", .number(2.5)), ("1e19", .number(1e19)),
            ("8", .number(8)), ("0.5", .number(0.5)), ("\"x\"", .string("x")), ("true", .bool(true)), ("none", .none),
            ("256 KB", .number(Quantity(value: 256 * 1024, dimension: .memory))), ("80 MHz", .number(Quantity(value: 8e7, dimension: .frequency))),
            ("[2, 8]", .list([.number(2), .number(8)])), ("[\"a\"]", .list([.string("a")])),
        ]
        let interpreter = Interpreter(registry: registry, modulePaths: [], output: { _ in })
        for name in registry.builtins.keys.sorted() {
            let builtin = registry.builtins[name]!
            for parameter in builtin.parameters {
                let literal = literals[generator.nextInt(below: literals.count)]
                let text = "\(name)(\(parameter.name): \(literal.text))"
                let refused: Bool
                do {
                    _ = try interpreter.check(SourceFile(name: "t.nas", text: text))
                    refused = false
                } catch let list as DiagnosticList {
                    refused = list.diagnostics.contains { $0.message.contains("'\(parameter.name)' must be") }
                } catch {
                    XCTFail("check threw \(error) on \(text)")
                    continue
                }
                XCTAssertEqual(refused, parameter.problem(with: literal.value) != nil, text)
            }
        }
    }

    private enum Speed: String, CaseIterable { case slow, fast }

    /// A choice declared from an enum lists its cases, suggests from them, and reads back as a case.
    func testAChoiceFromAnEnumIsItsCases() {
        XCTAssertEqual(ParameterType.choice(of: Speed.self), .choice(["slow", "fast"]))
        var registry = BuiltinRegistry.standard()
        registry.register(Builtin("pace", [.init("speed", .choice(of: Speed.self), default: .string("slow"))], doc: "A speed.") { call in
            .string(try call.choice("speed", as: Speed.self) == .fast ? "zoom" : "stroll")
        })
        var out = ""
        let interpreter = Interpreter(registry: registry, modulePaths: [], output: { out += $0 })
        XCTAssertNoThrow(try LargeStack.run { try interpreter.run(SourceFile(name: "t.nas", text: "print(pace(speed: \"fast\"), pace())")) })
        XCTAssertEqual(out, "zoom stroll\n")
        do {
            _ = try interpreter.check(SourceFile(name: "t.nas", text: "pace(speed: \"fsat\")"))
            XCTFail("check accepted a speed that is no case")
        } catch let list as DiagnosticList {
            XCTAssertTrue(list.render().contains("pace(): 'speed' must be one of \"slow\", \"fast\", not \"fsat\""), list.render())
            XCTAssertTrue(list.render().contains("did you mean 'fast'?"), list.render())
        } catch {
            XCTFail("\(error)")
        }
    }
}
