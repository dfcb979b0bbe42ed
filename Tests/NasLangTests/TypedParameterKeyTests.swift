import NasCore
import XCTest
@testable import NasLang

/// A typed parameter is declared once and read as its Swift type: the declaration drives
/// `check`, the run and `:help` exactly as a plain `Builtin.Parameter`, and the read gives
/// the argument (or the default, or nil for `none`) already converted.
final class TypedParameterKeyTests: XCTestCase {
    enum Mode: String, CaseIterable { case fast, exact }

    static let count = TypedParameter<Int>("count", .integer(atLeast: 1, atMost: 10), default: 2)
    static let rate = TypedParameter<Double>("rate", .fraction, default: 0.5)
    static let limit = TypedParameter<Int?>("limit", .integer(atLeast: 0, atMost: 100))
    static let mode = TypedParameter<Mode>("mode", default: .fast)
    static let flag = TypedParameter<Bool>("flag", default: false)
    static let label = TypedParameter<String?>("label")
    static let ram = TypedParameter<Quantity>("ram", .quantity(.memory, .positive), default: Quantity(value: 1024, dimension: .memory))

    /// Reads every key and prints what the body saw.
    static var probe: Builtin {
        Builtin("probe", declaring: [count, rate, limit, mode, flag, label, ram], doc: "Reads typed keys.") { call in
            let seen = [String(try call[count]), NumberFormat.plain(try call[rate]), try call[limit].map(String.init) ?? "nil",
                        try call[mode].rawValue, String(try call[flag]), try call[label] ?? "nil", try call[ram].description]
            return .string(seen.joined(separator: " "))
        }
    }

    func run(_ text: String) -> String {
        var registry = BuiltinRegistry.standard()
        registry.register(Self.probe)
        return runProgram(text, name: "t.nas", registry: registry, modulePaths: [])
    }

    func testTheBodyReadsDefaultsAndArgumentsAsTheirSwiftTypes() {
        XCTAssertEqual(run("print(probe())"), "2 0.5 nil fast false nil 1 KB\n")
        XCTAssertEqual(run(#"print(probe(count: 7, rate: 0.25, limit: 40, mode: "exact", flag: true, label: "x", ram: 64 KB))"#),
                       "7 0.25 40 exact true x 64 KB\n")
    }

    func testTheDeclarationIsTheCheckAndTheHelp() {
        XCTAssertTrue(run("print(probe(count: 11))").contains("'count' must be a whole number from 1 to 10, not 11"))
        XCTAssertTrue(run(#"print(probe(mode: "slow"))"#).contains(#"'mode' must be one of "fast", "exact", not "slow""#))
        let help = Self.probe.help
        XCTAssertTrue(help.contains("  count: integer 1...10 = 2\n"), help)
        XCTAssertTrue(help.contains("  limit: integer 0...100 = none\n"), help)
        XCTAssertTrue(help.contains("  mode: one of fast, exact = \"fast\"\n"), help)
        XCTAssertEqual(Self.count.declared.name, "count")
    }

    static let items = TypedParameter<[Value]>("items", .list(.any))
    static let each = TypedParameter<Function>(function: "each")
    static let pick = TypedParameter<Mode?>("pick")
    static let clock = TypedParameter<Quantity>("clock", .quantity(.frequency, .positive))

    /// Lists (a range read as its numbers), functions, an optional choice and a quantity in
    /// its dimension, read through their keys.
    static var collections: Builtin {
        Builtin("collections", declaring: [items, each, pick, clock], doc: "Reads list and function keys.") { call in
            let f = try call[each]
            let mapped = try call[items].map { try call.context.call(f, [$0], at: call.span).printed }
            return .string(mapped.joined(separator: ",") + " " + (try call[pick]?.rawValue ?? "nil") + " " + (try call[clock]).description)
        }
    }

    func testListFunctionOptionalChoiceAndDimensionedQuantityKeys() {
        var registry = BuiltinRegistry.standard()
        registry.register(Self.collections)
        let run = { (text: String) in runProgram(text, name: "t.nas", registry: registry, modulePaths: []) }
        XCTAssertEqual(run("print(collections(1..3, fn(x) = x * 2, clock: 80 MHz))"), "2,4,6 nil 80 MHz\n")
        XCTAssertEqual(run(#"print(collections([1], fn(x) = x, pick: "exact", clock: 1 GHz))"#), "1 exact 1 GHz\n")
        XCTAssertTrue(run(#"print(collections([1], fn(x) = x, pick: "slow", clock: 1 GHz))"#).contains(#"'pick' must be one of "fast", "exact", not "slow""#))
        let unitless = run("print(collections([1], fn(x) = x, clock: 80))")
        XCTAssertTrue(unitless.contains("'clock' must be a finite frequency above 0, not the plain number 80"), unitless)
        XCTAssertTrue(Self.collections.help.contains("  pick: one of fast, exact = none\n"), Self.collections.help)
    }
}
