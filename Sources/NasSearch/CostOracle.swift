import Foundation
import NasCore
import NasCost
import NasOptimize
import NasTrial

/// Costs of points of a space, from the cost model alone and memoized by network shape: the
/// strategies ask for thousands of candidates per proposal (feasibility under the budget and the
/// exact flash/RAM/MACs/latency objectives), and many candidates share one network.
///
/// The oracle knows a space only through `decode`, which maps a point of the unit cube to its
/// trial plan and a key naming its architecture (points with equal keys build the same
/// network). Structured pruning changes that network only through how many channels each
/// prunable convolution keeps (`TrialRunner.keptChannels`), so the lowered graph is memoized
/// by the architecture and those counts, not by the continuous `channels` fraction: ARS-MOBO's
/// rollouts visit thousands of fractions per proposal that keep the same counts. A cost is
/// memoized by that shape and the plan's bit-widths and prune rates, the cost model's only
/// other inputs. Both memos return exactly what a rebuild would (same graph, same report), so
/// they change no result, only how often the network is built and planned.
///
/// The memos are bounded (`capacity` entries each, the oldest forgotten first): a space with a
/// continuous knob that does change the network or its cost (`prune in 0.0 ~ 0.8 per layer`)
/// gives most rollout points a new key, and an unbounded memo of graphs grew past 12 GB in a
/// 60-trial study. A forgotten entry is rebuilt on demand, to the same value.
public final class CostOracle: @unchecked Sendable {
    /// A point's plan and the key of its architecture.
    public typealias Decoded = (plan: TrialPlan, architecture: String)

    public let dimensions: Int
    public let runner: TrialRunner
    public let input: [Int]
    public let classes: Int
    private let decode: ([Double]) -> Decoded
    /// Per architecture: its untrained network (`TrialRunner.costingNetwork`) and the output
    /// channels of its prunable convolutions (nil: it cannot be built). Building the network
    /// (drawing its throwaway weights) is most of what a graph costs, so it is done once per
    /// architecture and pruned at each new shape.
    private var architectures = BoundedMemo<TrialRunner.CostingNetwork?>(capacity: CostOracle.architectureCapacity)
    /// Per network shape (`shapeKey`): its lowered graph (nil: it cannot be built).
    private var graphs = BoundedMemo<DeploymentGraph?>(capacity: CostOracle.capacity)
    /// Per shape, bit-widths and prune rates: the cost report (nil: no cost).
    private var costs = BoundedMemo<CostReport?>(capacity: CostOracle.costCapacity)
    /// How many untrained networks were built: what the architecture memo saves (tests, profiles).
    public private(set) var builtArchitectures = 0
    /// The point asked for last and its cost.
    private var last: (x: [Double], report: CostReport?)?
    /// Graphs kept at most; a graph holds its pruned network's weights, tens of KB to a MB for
    /// a microcontroller's network, so this stays within about a GB at worst.
    public static let capacity = 1024
    /// Untrained networks kept at most (each as large as its architecture's weights).
    public static let architectureCapacity = 64
    /// Cost reports kept at most (a few KB each: per-layer costs and the arena plan).
    public static let costCapacity = 16384
    private let lock = NSLock()

    public init(dimensions: Int, runner: TrialRunner, input: [Int], classes: Int, decode: @escaping ([Double]) -> Decoded) {
        self.dimensions = dimensions
        self.runner = runner
        self.input = input
        self.classes = classes
        self.decode = decode
    }

    /// The plan's untrained architecture and its prunable channels. Caller holds `lock`.
    private func architecture(_ plan: TrialPlan, named architecture: String) -> TrialRunner.CostingNetwork? {
        if let known = architectures[architecture] { return known }
        let built = try? runner.costingNetwork(of: plan, input: input, classes: classes)
        builtArchitectures += 1
        architectures[architecture] = built
        return built
    }

    /// What names the plan's compressed network: its architecture and the channels each prunable
    /// convolution keeps. Caller holds `lock`.
    private func shapeKey(_ plan: TrialPlan, architecture name: String) -> String {
        // A fraction pruning refuses, or an architecture that cannot be built, keeps its own key.
        guard let channels = architecture(plan, named: name)?.prunableChannels, (0..<1).contains(plan.channels) else {
            return name + "|" + String(plan.channels)
        }
        return name + "|" + TrialRunner.keptChannels(channels, fraction: plan.channels).map(String.init).joined(separator: ",")
    }

    /// The graph of the shape `key`, built from `plan` when not held. Caller holds `lock`.
    private func graph(_ plan: TrialPlan, architecture name: String, key: String) -> DeploymentGraph? {
        if let cached = graphs[key] { return cached }
        let graph = architecture(plan, named: name).flatMap { try? runner.graph(of: $0, channels: plan.channels) }
        graphs[key] = graph
        return graph
    }

    /// The lowered graph of the plan's compressed network; nil when it cannot be built.
    public func graph(_ plan: TrialPlan, architecture: String) -> DeploymentGraph? {
        lock.lock()
        defer { lock.unlock() }
        return graph(plan, architecture: architecture, key: shapeKey(plan, architecture: architecture))
    }

    /// What the plan's compressed network costs on the board; nil when it cannot be built.
    public func cost(_ plan: TrialPlan, architecture: String) -> CostReport? {
        lock.lock()
        defer { lock.unlock() }
        let shape = shapeKey(plan, architecture: architecture)
        let key = shape + "|" + Self.describe(plan.bits) { String($0.bits) } + "|" + Self.describe(plan.prune) { String($0) }
        if let cached = costs[key] { return cached }
        let report = graph(plan, architecture: architecture, key: shape).flatMap { try? runner.cost($0, bits: plan.bits, prune: plan.prune) }
        costs[key] = report
        return report
    }

    /// A per-layer setting as a memo key: its values as given (before fitting to the network,
    /// which the shape decides).
    private static func describe<Value>(_ values: PerLayer<Value>, _ text: (Value) -> String) -> String {
        switch values {
        case .uniform(let value): return "u" + text(value)
        case .layers(let list): return list.map(text).joined(separator: ",")
        }
    }

    /// The cost of the network at `x`.
    public func cost(at x: [Double]) -> CostReport? {
        // A strategy asks twice for most points it scores (within the budget? its exact costs?):
        // the second asks for the point just decoded.
        lock.lock()
        if let last, last.x == x {
            lock.unlock()
            return last.report
        }
        lock.unlock()
        let decoded = decode(x)
        let report = cost(decoded.plan, architecture: decoded.architecture)
        lock.lock()
        last = (x, report)
        lock.unlock()
        return report
    }

    /// Graphs held now (at most `capacity`).
    public var cachedGraphs: Int {
        lock.lock()
        defer { lock.unlock() }
        return graphs.count
    }

    /// How many weighted layers the plan's network has (per-layer lists are cut to it).
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

/// A memo that holds at most `capacity` entries, forgetting the oldest stored first.
struct BoundedMemo<Value> {
    let capacity: Int
    private var entries: [String: Value] = [:]
    /// Keys in the order they were stored: the eviction order (a ring once full).
    private var order: [String] = []
    private var oldest = 0

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { entries.count }

    /// The value stored for `key`; storing forgets the oldest entry when the memo is full.
    subscript(key: String) -> Value? {
        get { entries[key] }
        set {
            guard let newValue else { return }  // the memo only grows; a nil Value is stored as .some(nil)
            if entries[key] != nil { entries[key] = newValue; return }
            if entries.count >= capacity {
                entries[order[oldest]] = nil
                order[oldest] = key
                oldest = (oldest + 1) % capacity
            } else {
                order.append(key)
            }
            entries[key] = newValue
        }
    }
}
