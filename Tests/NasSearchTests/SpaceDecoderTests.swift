import NasCore
import NasCost
import NasData
import NasNN
import NasOptimize
import NasStudy
import NasTrial
import XCTest
@testable import NasSearch

/// The network-search use case without the language: a space of knobs decodes into trial
/// plans, names nasbook does not know are typed problems, and a search over a tiny CNN runs
/// on `SearchLoop` with the decoder, the cost oracle and the trial runner alone.
final class SpaceDecoderTests: XCTestCase {
    static let board = TargetBoard(name: "test board", core: .cortexM7, clockHz: 216e6, ramBytes: 320 << 10, flashBytes: 1 << 20)
    static let base = ModelSpec(family: .cnn, settings: [("width", .number(8)), ("depth", .number(2)), ("kernel", .number(3)),
                                                         ("batchnorm", .bool(true)), ("dropout", .number(0))])

    /// width in [4, 8]; lr in 0.001 ~ 0.1 log; epochs = 1; bits in [4, 8] per layer.
    static let space = NetworkSpace(name: "tiny", parameters: [
        .init("width", .categorical([.number(4), .number(8)])),
        .init("lr", .continuous(0.001, 0.1, log: true)),
        .init("epochs", .fixed(.number(1))),
        .init("bits", .categorical([.number(4), .number(8)]), perLayer: true),
    ])

    func decoder() throws -> SpaceDecoder {
        try SpaceDecoder(space: Self.space, base: Self.base, input: [8, 8, 3], classes: 4)
    }

    func testEachSearchedParameterIsADimensionAndPerLayerOnesOnePerWeightedLayer() throws {
        let decoder = try decoder()
        // Two convolutions and the classifier: three weighted layers, one bits slot each.
        XCTAssertEqual(decoder.layerSlots, 3)
        XCTAssertEqual(decoder.dimensions.map(\.parameter.name), ["width", "lr", "bits", "bits", "bits"])
        XCTAssertEqual(decoder.dimensions.map(\.layer), [nil, nil, 0, 1, 2])
        XCTAssertEqual(decoder.descriptors.map(\.layer), [nil, nil, 0, 1, 2])
        XCTAssertEqual(decoder.layerFeatures.last?.last, 1, "the last weighted layer is the classifier")
    }

    func testAPointDecodesIntoSettingsASpecAndAPlan() throws {
        let decoder = try decoder()
        let low = decoder.decode([0, 0, 0, 0.9, 0])
        XCTAssertEqual(low.settings.map(\.0), ["width", "lr", "epochs", "bits"])
        XCTAssertEqual(low.settings.first { $0.0 == "bits" }?.1, .list([.number(4), .number(8), .number(4)]))
        XCTAssertEqual(low.spec.summary, "cnn(width: 4, depth: 2, kernel: 3, batchnorm: true, dropout: 0)")
        XCTAssertEqual(low.plan.training.epochs, 1)
        XCTAssertEqual(Double(low.plan.training.learningRate), 0.001, accuracy: 1e-9)
        XCTAssertEqual(low.plan.bits, .layers(try [4, 8, 4].map { try BitWidth(checking: $0) }))
        let high = decoder.decode([1, 1, 1, 1, 1])
        XCTAssertEqual(high.spec.summary, "cnn(width: 8, depth: 2, kernel: 3, batchnorm: true, dropout: 0)")
        XCTAssertEqual(Double(high.plan.training.learningRate), 0.1, accuracy: 1e-7)
        // Outside the unit cube is clamped, never a trap.
        XCTAssertEqual(decoder.decode([7, -5, 2, -1, 0.5]).spec.summary, high.spec.summary)
    }

    func testTheCostOracleCutsPerLayerListsToTheNetworksLayers() throws {
        let decoder = try decoder()
        let oracle = CostOracle(decoder: decoder, runner: TrialRunner(board: Self.board), input: [8, 8, 3], classes: 4)
        let configuration = decoder.decode([0.9, 0.5, 0, 0, 0])
        XCTAssertNotNil(oracle.cost(configuration))
        XCTAssertEqual(oracle.settings(configuration).first { $0.0 == "bits" }?.1, .list([.number(4), .number(4), .number(4)]))
    }

    func testUnknownNamesAndPerLayerMisuseAreTypedProblemsNamingTheParameter() {
        let typo = NetworkSpace(name: "s", parameters: [.init("width", .fixed(.number(8))), .init("widht", .integer(4, 8))])
        XCTAssertEqual(SpaceDecoder.nameProblem(in: typo), .unknownParameter(1))
        XCTAssertThrowsError(try SpaceDecoder(space: typo, base: Self.base, input: [8, 8, 3], classes: 4)) { error in
            XCTAssertEqual(error as? SpaceProblem, .unknownParameter(1))
        }
        let perLayerWidth = NetworkSpace(name: "s", parameters: [.init("width", .integer(4, 8), perLayer: true)])
        XCTAssertEqual(SpaceDecoder.nameProblem(in: perLayerWidth), .notPerLayer(0))
        XCTAssertNil(SpaceDecoder.nameProblem(in: Self.space))
        XCTAssertTrue(SpaceDecoder.knownNames.contains("filters") && SpaceDecoder.knownNames.contains("finetune_lr"))
    }

    func testAPerLayerKnobNeedsABuildableNetwork() {
        // A 3x3 input cannot take 8 max-pooled stages.
        let space = NetworkSpace(name: "s", parameters: [.init("depth", .fixed(.number(8))),
                                                          .init("prune", .continuous(0, 0.5, log: false), perLayer: true)])
        XCTAssertThrowsError(try SpaceDecoder(space: space, base: Self.base, input: [3, 3, 1], classes: 2)) { error in
            XCTAssertEqual(error as? SpaceProblem, .noBuildableNetwork)
        }
    }

    func testFamiliesAndKnobDomains() {
        let space = NetworkSpace(name: "s", parameters: [.init("family", .categorical([.string("mlp"), .string("resnet")]))])
        XCTAssertEqual(SpaceDecoder.families(of: space, base: Self.base), [.cnn, .mlp, .resnet])
        XCTAssertEqual(KnobDomain.knob("kernel", families: [.cnn]), [.whole(1...1024, odd: true)])
        XCTAssertEqual(KnobDomain.knob("kernel", families: [.mlp]), [], "an MLP has no kernel")
        XCTAssertEqual(KnobDomain.knob("epochs", families: []), [.whole(1...10_000)])
        XCTAssertEqual(ParameterValue.number(1e19).int(default: -1), -1, "no trap on a number without an Int")
        XCTAssertEqual(ParameterValue.number(.infinity).int(default: -1), -1)
        XCTAssertEqual(ParameterValue.number(4.6).int(default: -1), 5)
    }

    func testModelSpecsBuildAndRefuseHugeRequests() throws {
        XCTAssertEqual(ModelSpec(family: .resnet).summary, "resnet(width: 16, stacks: 3, blocks: 1)")
        for family in ModelSpec.Family.allCases {
            let input = family.defaultInput
            XCTAssertNoThrow(try ModelSpec(family: family).build(input: input.shape, classes: input.classes, seed: 1), family.rawValue)
        }
        let huge = ModelSpec(family: .mlp, settings: [("units", .number(1024)), ("layers", .number(16)), ("batchnorm", .bool(false)),
                                                       ("dropout", .number(0))])
        XCTAssertThrowsError(try huge.build(input: [100_000], classes: 2, seed: 1))
    }

    /// A search as `search` runs it, minus the language: decode, cost, train, tell.
    func search(seed: UInt64) throws -> [(x: [Double], accuracy: Double, ram: Double)] {
        let decoder = try decoder()
        let runner = TrialRunner(board: Self.board)
        let oracle = CostOracle(decoder: decoder, runner: runner, input: [8, 8, 3], classes: 4)
        let data = TrialData(Synthetic.shapes(count: 96, size: 8, seed: 1), validationFraction: 0.25, seed: 2)
        var strategy: any Strategy = RandomSearch(seed: seed)
        let domain = SearchDomain(dimensions: decoder.dimensions.count, descriptors: decoder.descriptors)
        var loop = SearchLoop(trials: 3)
        var trials: [(x: [Double], accuracy: Double, ram: Double)] = []
        let ending = try loop.run(strategy: &strategy, domain: domain) { x -> SearchLoop.Told in
            let configuration = decoder.decode(x)
            let planned = try XCTUnwrap(oracle.cost(configuration))
            var interrupted = false
            let outcome = runner.run(configuration.plan, on: data, seed: 7, interrupted: &interrupted)
            XCTAssertEqual(outcome.status, .complete, outcome.reason ?? "")
            let metrics = try XCTUnwrap(outcome.metrics)
            XCTAssertEqual(metrics[.ram], Double(planned.ramBytes), "the oracle's cost is the trained network's")
            trials.append((x, try XCTUnwrap(metrics[.accuracy]), try XCTUnwrap(metrics[.ram])))
            return .evaluated(Observation(x: x, objectives: [-(metrics[.accuracy] ?? 0), metrics[.ram] ?? 0]))
        }
        XCTAssertEqual(ending, .completed)
        return trials
    }

    func testASearchOverATinyNetworkRunsWithoutTheLanguageAndTheSeedFixesIt() throws {
        let first = try search(seed: 11)
        XCTAssertEqual(first.count, 3)
        let again = try search(seed: 11)
        XCTAssertEqual(first.map(\.x), again.map(\.x))
        XCTAssertEqual(first.map(\.accuracy), again.map(\.accuracy))
        XCTAssertEqual(first.map(\.ram), again.map(\.ram))
    }
}
