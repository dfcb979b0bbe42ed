import Foundation
import NasCost
import NasLang
import NasNN
import NasTrial

/// Costs of points of a space, from the cost model alone and memoized by architecture: the
/// strategies ask for thousands of candidates per proposal (feasibility under the budget and the
/// exact flash/RAM/MACs/latency objectives), and many candidates share one network shape.
final class CostOracle: @unchecked Sendable {
    let decoder: SpaceDecoder
    let runner: TrialRunner
    let input: [Int]
    let classes: Int
    private var graphs: [String: DeploymentGraph?] = [:]
    private let lock = NSLock()

    init(decoder: SpaceDecoder, runner: TrialRunner, input: [Int], classes: Int) {
        self.decoder = decoder
        self.runner = runner
        self.input = input
        self.classes = classes
    }

    /// The cost of the compressed network at `x`; nil when it cannot be built.
    func cost(_ configuration: SpaceDecoder.Configuration) -> CostReport? {
        let key = configuration.spec.summary + "|" + String(configuration.plan.channels)
        lock.lock()
        defer { lock.unlock() }
        let graph: DeploymentGraph?
        if let cached = graphs[key] {
            graph = cached
        } else {
            graph = try? runner.graph(of: configuration.plan, input: input, classes: classes)
            graphs[key] = graph
        }
        return graph.map { runner.cost($0, bits: configuration.plan.bits) }
    }

    func cost(at x: [Double]) -> CostReport? { cost(decoder.decode(x)) }
}
