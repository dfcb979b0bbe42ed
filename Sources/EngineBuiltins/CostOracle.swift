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
        graph(configuration).flatMap { try? runner.cost($0, bits: configuration.plan.bits, prune: configuration.plan.prune) }
    }

    /// The settings with per-layer lists cut to the layers this network has (a space's lists
    /// are sized for its largest network), as tables and the database show them.
    func settings(_ configuration: SpaceDecoder.Configuration) -> [(String, Value)] {
        guard let layers = graph(configuration)?.weightedOps.count else { return configuration.settings }
        return configuration.settings.map { name, value in
            if case .list(let items) = value, items.count > layers { return (name, .list(Array(items.prefix(layers)))) }
            return (name, value)
        }
    }

    private func graph(_ configuration: SpaceDecoder.Configuration) -> DeploymentGraph? {
        let key = configuration.spec.summary + "|" + String(configuration.plan.channels)
        lock.lock()
        defer { lock.unlock() }
        if let cached = graphs[key] { return cached }
        let graph = try? runner.graph(of: configuration.plan, input: input, classes: classes)
        graphs[key] = graph
        return graph
    }

    func cost(at x: [Double]) -> CostReport? { cost(decoder.decode(x)) }
}
