/// Whether a value is better small (RAM, latency) or large (accuracy).
public enum Direction: String, Codable, Sendable, CaseIterable {
    case minimize, maximize
}

/// The quantities the engine measures for a trial, and a search can optimize or bound. One
/// list for the language (`minimize rom` is caught at `check`), the trial runner, the study
/// store (metric names are the database's keys) and the tables; each metric knows its unit
/// and which way is better. Values are in base units: bytes, seconds, fractions in [0, 1].
public enum Metric: String, CaseIterable, Codable, Sendable, Comparable {
    case accuracy, loss, flash, ram, macs, params, latency
    /// Accuracy of the compressed float model, beside `accuracy` (its int8 deployment), to show
    /// what quantization cost. Recorded, not searchable.
    case floatAccuracy = "float_accuracy"
    /// Objective 1, 2, ... of an analytic test problem (ZDT1, DTLZ2, ...), minimized: a problem
    /// search keeps its trials in a `StudyStorage` as a network search does, under these names.
    /// Recorded, not searchable.
    case f1, f2, f3, f4, f5, f6, f7, f8, f9, f10

    /// The test-problem objectives in order: `problemObjectives[k]` is objective k + 1.
    public static let problemObjectives: [Metric] = [.f1, .f2, .f3, .f4, .f5, .f6, .f7, .f8, .f9, .f10]

    /// What a script may name in `objectives` and `budget` blocks, in the order help lists them.
    public static let searchable: [Metric] = [.accuracy, .loss, .flash, .ram, .macs, .params, .latency]

    /// The metric's name as scripts, tables and the study database spell it.
    public var name: String { rawValue }

    public var dimension: Dimension {
        switch self {
        case .flash, .ram: return .memory
        case .latency: return .time
        case .accuracy, .floatAccuracy, .loss, .macs, .params: return .none
        case .f1, .f2, .f3, .f4, .f5, .f6, .f7, .f8, .f9, .f10: return .none
        }
    }

    /// Which way is better: the default direction of an objective and of a budget limit.
    public var direction: Direction { self == .accuracy || self == .floatAccuracy ? .maximize : .minimize }

    public var meaning: String {
        switch self {
        case .accuracy: return "top-1 accuracy of the compressed model (0..1)"
        case .floatAccuracy: return "top-1 accuracy of the compressed model in float, before int8 (0..1)"
        case .loss: return "validation loss"
        case .flash: return "flash bytes: packed weights, biases, quantization parameters, per-layer overhead"
        case .ram: return "RAM bytes: peak tensor arena plus scratch buffers"
        case .macs: return "multiply-accumulate operations per inference"
        case .params: return "number of parameters"
        case .latency: return "estimated inference time on the target board"
        case .f1, .f2, .f3, .f4, .f5, .f6, .f7, .f8, .f9, .f10:
            return "objective \(rawValue.dropFirst()) of a test problem (minimized)"
        }
    }

    /// A value of this metric as tables and trial lines print it (see `NumberFormat.measured`).
    public func format(_ value: Double) -> String {
        switch self {
        case .accuracy, .floatAccuracy, .loss: return NumberFormat.fraction(value)
        default: return NumberFormat.measured(Quantity(value: value, dimension: dimension))
        }
    }

    /// A value beside the limit it breaks, as a violation message prints it: `format(value)`,
    /// unless that reads the same as the limit at this precision (16.04 KB against 16 KB both
    /// print `16.0 KB`); then with up to 6 significant digits (`16.04 KB`), so the message
    /// always shows by how much the limit is broken.
    public func format(_ value: Double, beside limit: Double) -> String {
        let usual = format(value)
        guard value != limit, usual == format(limit), value.isFinite else { return usual }
        switch dimension {
        case .memory where abs(value) < 1_048_576: return NumberFormat.plain(value / 1024) + " KB"
        case .memory: return NumberFormat.plain(value / 1_048_576) + " MB"
        case .time where abs(value) < 1: return NumberFormat.plain(value * 1e3) + " ms"
        case .time: return NumberFormat.plain(value) + " s"
        default: return NumberFormat.plain(value)
        }
    }

    public static func < (a: Metric, b: Metric) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One objective of a search: a metric and which way is better.
public struct Objective: Codable, Hashable, Sendable {
    public var metric: Metric
    public var direction: Direction

    public init(_ metric: Metric, _ direction: Direction) {
        self.metric = metric
        self.direction = direction
    }

    /// The value in the minimization convention that `Pareto` and the strategies use.
    @inlinable
    public func minimized(_ value: Double) -> Double { direction == .maximize ? -value : value }

    /// `maximize accuracy`, as scripts write it.
    public var description: String { "\(direction.rawValue) \(metric.name)" }
}

/// A budget line such as `ram <= 64 KB`, kept in base units (bytes, seconds) so stored trials
/// can be re-checked against a new limit without knowing how the limit was written.
public struct Constraint: Codable, Hashable, Sendable {
    public enum Comparison: String, Codable, Sendable, CaseIterable {
        case lessOrEqual = "<=", less = "<", greaterOrEqual = ">=", greater = ">", equal = "=="
    }

    public var metric: Metric
    public var comparison: Comparison
    /// In the metric's base unit (bytes, seconds, a fraction).
    public var limit: Double

    public init(_ metric: Metric, _ comparison: Comparison, _ limit: Double) {
        self.metric = metric
        self.comparison = comparison
        self.limit = limit
    }

    /// The limit with the metric's unit, for messages: `64 KB`.
    public var limitQuantity: Quantity { Quantity(value: limit, dimension: metric.dimension) }

    /// Whether `value` (in base units) is within the limit: the one feasibility rule.
    @inlinable
    public func admits(_ value: Double) -> Bool {
        switch comparison {
        case .lessOrEqual: return value <= limit
        case .less: return value < limit
        case .greaterOrEqual: return value >= limit
        case .greater: return value > limit
        case .equal: return value == limit
        }
    }

    /// Whether a trial with these values is within the limit. A trial that lacks the metric
    /// is not known to fit, so it does not.
    @inlinable
    public func admits(_ values: MetricValues) -> Bool {
        guard let value = values[metric] else { return false }
        return admits(value)
    }

    /// `ram <= 64 KB`, as scripts write it.
    public var description: String { "\(metric.name) \(comparison.rawValue) \(limitQuantity.description)" }
}

extension Array where Element == Constraint {
    /// Whether every constraint admits `values`.
    public func admit(_ values: MetricValues) -> Bool { allSatisfy { $0.admits(values) } }

    /// The constraint on `metric`, if any.
    public func constraint(on metric: Metric) -> Constraint? { first { $0.metric == metric } }
}

/// A trial's measured values by metric. An unknown value (the accuracy of a network that was
/// never trained) is absent, never NaN. Stored as a JSON object keyed by metric name.
public struct MetricValues: Hashable, Sendable, Codable, ExpressibleByDictionaryLiteral, Sequence {
    private var values: [Metric: Double]

    public init() { values = [:] }

    public init(dictionaryLiteral elements: (Metric, Double)...) {
        values = [:]
        for (metric, value) in elements { self[metric] = value }
    }

    /// Setting NaN or nil removes the value.
    public subscript(metric: Metric) -> Double? {
        get { values[metric] }
        set { values[metric] = newValue.flatMap { $0.isNaN ? nil : $0 } }
    }

    /// The value with its unit, nil when unknown.
    public func quantity(_ metric: Metric) -> Quantity? {
        values[metric].map { Quantity(value: $0, dimension: metric.dimension) }
    }

    /// Values of `other` replace these.
    public mutating func merge(_ other: MetricValues) {
        for (metric, value) in other.values { values[metric] = value }
    }

    public var isEmpty: Bool { values.isEmpty }

    /// In `Metric`'s order, so iteration is the same on every run.
    public func makeIterator() -> IndexingIterator<[(metric: Metric, value: Double)]> {
        values.sorted { $0.key < $1.key }.map { (metric: $0.key, value: $0.value) }.makeIterator()
    }

    /// The objectives in the minimization convention, or nil when one is unknown.
    public func minimized(_ objectives: [Objective]) -> [Double]? {
        var vector: [Double] = []
        vector.reserveCapacity(objectives.count)
        for objective in objectives {
            guard let value = values[objective.metric] else { return nil }
            vector.append(objective.minimized(value))
        }
        return vector
    }

    public init(from decoder: any Decoder) throws {
        let byName = try decoder.singleValueContainer().decode([String: Double].self)
        values = [:]
        // A name this nasbook does not know (written by a newer one) is skipped, not an error:
        // the study still opens, and no objective or budget of this version can refer to it.
        for (name, value) in byName {
            if let metric = Metric(rawValue: name) { self[metric] = value }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(Dictionary(uniqueKeysWithValues: values.map { ($0.key.name, $0.value) }))
    }
}
