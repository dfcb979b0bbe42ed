import Foundation
import NasCore
import NasCost
import NasOptimize
import NasTrial

/// Costs of points of a space, from the cost model alone and memoized by architecture: the
/// strategies ask for thousands of candidates per proposal (feasibility under the budget and the
/// exact flash/RAM/MACs/latency objectives), and many candidates share one network shape.
///
/// The oracle knows a space only through `decode`, which maps a point of the unit cube to its
/// trial plan and a key naming its architecture (points with equal keys build the same
/// network, so its lowered graph is built once); bit-widths do not change the graph.
///
/// The memo is bounded (`capacity` graphs, the oldest forgotten first): a space with a
/// continuous knob that changes the graph (`channels in 0.0 ~ 0.5`) gives every rollout point
/// of ARS-MOBO a new key, and an unbounded memo grew past 12 GB in a 60-trial study. A
/// forgotten graph is rebuilt on demand, to the same value, so the bound changes no result.
public final class CostOracle: @unchecked Sendable {
    /// A point's plan and the key of its architecture.
    public typealias Decoded = (plan: TrialPlan, architecture: String)

    public let dimensions: Int
    public let runner: TrialRunner
    public let input: [Int]
    public let classes: Int
    private let decode: ([Double]) -> Decoded
    private var graphs: [String: DeploymentGraph?] = [:]
    /// Keys of `graphs` in the order they were stored: the eviction order.
    private var stored: [String] = []
    private var oldest = 0
    /// Graphs kept at most; one is tens of KB, so this stays within tens of MB.
    public static let capacity = 1024
    private let lock = NSLock()

    public init(dimensions: Int, runner: TrialRunner, input: [Int], classes: Int, decode: @escaping ([Double]) -> Decoded) {
        self.dimensions = dimensions
        self.runner = runner
        self.input = input
        self.classes = classes
        self.decode = decode
    }

    /// The lowered graph of the plan's compressed network; nil when it cannot be built.
    public func graph(_ plan: TrialPlan, architecture: String) -> DeploymentGraph? {
        let key = architecture + "|" + String(plan.channels)
        lock.lock()
        defer { lock.unlock() }
        if let cached = graphs[key] { return cached }
        let graph = try? runner.graph(of: plan, input: input, classes: classes)
        if graphs.count >= Self.capacity {
            graphs[stored[oldest]] = nil
            stored[oldest] = key
            oldest = (oldest + 1) % Self.capacity
        } else {
            stored.append(key)
        }
        graphs[key] = graph
        return graph
    }

    /// What the plan's compressed network costs on the board; nil when it cannot be built.
    public func cost(_ plan: TrialPlan, architecture: String) -> CostReport? {
        graph(plan, architecture: architecture).flatMap { try? runner.cost($0, bits: plan.bits, prune: plan.prune) }
    }

    /// The cost of the network at `x`.
    public func cost(at x: [Double]) -> CostReport? {
        let decoded = decode(x)
        return cost(decoded.plan, architecture: decoded.architecture)
    }

    /// How many weighted layers the plan's network has (per-layer lists are cut to it).
    /// Graphs held now (at most `capacity`).
    public var cachedGraphs: Int {
        lock.lock()
        defer { lock.unlock() }
        return graphs.count
    }

    public func weightedLayers(_ plan: TrialPlan, architecture: String) -> Int? {
        graph(plan, architecture: architecture)?.weightedOps.count
    }

    /// Largest value each cost metric reaches over the space's corners and a Sobol sample,
    /// measured with the cost model (nothing trained): the reference point of objectives the
    /// budget does not bound. Nil when no network of the space can be built.
    public func largestCosts(seed: UInt64) -> MetricValues? {
        let d = dimensions
        var points = [Array(repeating: 0.0, count: d), Array(repeating: 1.0, count: d)]
        if d > 0, d <= Sobol.maxDimensions {
            var sobol = Sobol(dimensions: d, seed: seed)
            points += (0..<32).map { _ in sobol.next() }
        }
        var most: MetricValues?
        for x in points {
            guard let report = cost(at: x) else { continue }
            let m = MetricValues(cost: report)
            guard var best = most else { most = m; continue }
            for (metric, value) in m { best[metric] = max(best[metric] ?? value, value) }
            most = best
        }
        return most
    }
}
