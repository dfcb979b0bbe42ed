/// Whether an objective is better small (RAM, latency) or large (accuracy).
public enum Direction: String, Codable, Sendable, CaseIterable {
    case minimize, maximize
}

/// One objective of a study: a metric name and which way is better.
public struct Objective: Codable, Hashable, Sendable {
    public var metric: String
    public var direction: Direction

    public init(_ metric: String, _ direction: Direction) {
        self.metric = metric
        self.direction = direction
    }

    /// The metric in the minimization convention that `Pareto` and the strategies use.
    @inlinable
    public func minimized(_ value: Double) -> Double { direction == .maximize ? -value : value }
}

/// A budget line such as `ram <= 64 KB`, kept in base units (bytes, seconds) so stored trials
/// can be re-checked against a new limit without knowing how the limit was written.
public struct Constraint: Codable, Hashable, Sendable {
    public enum Comparison: String, Codable, Sendable, CaseIterable {
        case lessOrEqual = "<=", less = "<", greaterOrEqual = ">=", greater = ">", equal = "=="
    }

    public var metric: String
    public var comparison: Comparison
    public var limit: Double

    public init(_ metric: String, _ comparison: Comparison, _ limit: Double) {
        self.metric = metric
        self.comparison = comparison
        self.limit = limit
    }

    /// A trial that lacks the metric is not known to fit, so it does not.
    @inlinable
    public func isSatisfied(by metrics: [String: Double]) -> Bool {
        guard let value = metrics[metric] else { return false }
        switch comparison {
        case .lessOrEqual: return value <= limit
        case .less: return value < limit
        case .greaterOrEqual: return value >= limit
        case .greater: return value > limit
        case .equal: return value == limit
        }
    }
}

/// Metric names the engine records, so the search loop, the budget and the tables agree on
/// spelling. Sizes are in bytes, times in seconds, accuracies in [0, 1].
public enum Metric {
    public static let accuracy = "accuracy"
    public static let loss = "loss"
    public static let ram = "ram"
    public static let flash = "flash"
    public static let macs = "macs"
    public static let params = "params"
    public static let latency = "latency"
    /// Accuracy of the float model and of its int8 deployment, to show what quantization cost.
    public static let floatAccuracy = "float_accuracy"
    public static let int8Accuracy = "int8_accuracy"
}

/// A decoded search-space parameter: stored as plain JSON (`16`, `"relu"`, `true`,
/// `[16, 32, 64]`) so `sqlite3 study.db` shows what a trial trained.
public indirect enum ParameterValue: Codable, Hashable, Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case list([ParameterValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Numbers first: they are most parameters, and each failed attempt throws. A JSON
        // `true` is not a Double to JSONDecoder, so the order cannot turn booleans into numbers.
        if let n = try? container.decode(Double.self) {
            self = .number(n)
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else {
            self = .list(try container.decode([ParameterValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let n): try container.encode(n)
        case .string(let s): try container.encode(s)
        case .bool(let b): try container.encode(b)
        case .list(let l): try container.encode(l)
        }
    }
}

/// What went wrong with the store, in words a user can act on.
public enum StudyStoreError: Error, Equatable, CustomStringConvertible {
    case duplicateStudy(String)
    case unsavedStudy(String)
    case unsavedTrial(Int)
    case trialStillRunning(Int)
    case corruptColumn(table: String, column: String, reason: String)
    /// Another process writes this study database (see `StudyLock`).
    case locked(path: String, holder: String)
    case cannotLock(path: String, reason: String)
    /// `PRAGMA quick_check` or SQLite itself found the file damaged.
    case corrupt(path: String, detail: String)

    public var description: String {
        switch self {
        case .duplicateStudy(let name): return "a study named \"\(name)\" already exists; resume it or choose another name"
        case .unsavedStudy(let name): return "study \"\(name)\" is not in the store yet; create it first"
        case .unsavedTrial(let n): return "trial \(n) was not started in the store"
        case .trialStillRunning(let n): return "trial \(n) is still running; complete, fail or mark it infeasible before finishing it"
        case .corruptColumn(let table, let column, let reason): return "\(table).\(column) holds unreadable data: \(reason)"
        case .locked(let path, let holder):
            return "\(path) is in use by \(holder); a study has one writer at a time: wait for it to finish or stop it, or use another --db"
        case .cannotLock(let path, let reason): return "cannot lock \(path): \(reason)"
        case .corrupt(let path, let detail):
            return "\(path) is damaged (\(detail)); its trials cannot be trusted: restore a backup, or move it away and start the study again"
        }
    }
}
