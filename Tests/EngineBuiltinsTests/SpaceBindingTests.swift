import NasCore
import NasSearch
import NasStudy
import XCTest
@testable import EngineBuiltins
@testable import NasLang

/// The language's side of the network space: a setting prints the same as a stored value and
/// as a script value, a declared space reads as the engine's `NetworkSpace`, and each knob's
/// domain is the builtin parameter type of the same name.
final class SpaceBindingTests: XCTestCase {
    func testASettingPrintsAlikeAsAStoredValueAndAsAScriptValue() {
        let settings: [ParameterValue] = [.number(16), .number(0.001), .number(-2.5), .number(1e19), .number(.infinity), .bool(true),
                                          .string("adam"), .list([.number(4), .number(8)]), .list([])]
        for setting in settings {
            XCTAssertEqual(Value(setting).inline, setting.inline)
            XCTAssertEqual(ParameterValue(Value(setting)), setting, "the round trip keeps the value")
        }
    }

    func testEachKnobDomainIsTheParameterTypeOfItsName() {
        XCTAssertEqual(KnobDomain.named("epochs").type, .integer(1...10_000, odd: false))
        XCTAssertEqual(KnobDomain.named("optimizer").type, .choice(["sgd", "nesterov", "adam", "adamw"]))
        XCTAssertEqual(KnobDomain.named("gradual").type, .bool)
        XCTAssertEqual(KnobDomain.family(.cnn, "kernel")?.type, .integer(1...1024, odd: true))
        XCTAssertEqual(KnobDomain.named("warmup").type, .fraction)
    }

    func testADeclaredSpaceReadsAsTheEnginesSpace() throws {
        let span = SourceSpan(file: SourceFile(name: "t.nas", text: "x"), start: 0, end: 1)
        let declared = SearchSpace(name: "s", parameters: [
            SearchParameter(name: "width", domain: .categorical([.number(8), .number(16)]), perLayer: false, span: span),
            SearchParameter(name: "lr", domain: .continuous(Quantity(value: 0.001), Quantity(value: 0.1), log: true), perLayer: false, span: span),
            SearchParameter(name: "bits", domain: .integer(4, 8), perLayer: true, span: span),
            SearchParameter(name: "optimizer", domain: .fixed(.string("adam")), perLayer: false, span: span),
        ])
        let space = NetworkSpace(declared)
        XCTAssertEqual(space.parameters.map(\.name), ["width", "lr", "bits", "optimizer"])
        XCTAssertEqual(space.parameters.map(\.perLayer), [false, false, true, false])
        XCTAssertEqual(space.parameter("width")?.domain.values, [.number(8), .number(16)])
        XCTAssertEqual(space.parameter("lr")?.domain.values, [.number(0.001), .number(0.1)])
        XCTAssertEqual(space.parameter("optimizer")?.domain.values, [.string("adam")])
    }
}
