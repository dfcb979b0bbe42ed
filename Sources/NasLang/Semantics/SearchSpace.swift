import NasCore

/// A declared search space: what the optimizer may choose, and how.
public struct SearchSpace {
    public var name: String
    public var parameters: [SearchParameter]

    public func parameter(_ name: String) -> SearchParameter? {
        parameters.first { $0.name == name }
    }

    /// Number of searched dimensions; a per-layer parameter counts once here, once per layer
    /// when a model fixes the layer count.
    public var searchedCount: Int { parameters.filter { !$0.domain.isFixed }.count }
}

public struct SearchParameter {
    public enum Domain {
        case categorical([Value])
        case integer(Int, Int)
        case continuous(Quantity, Quantity, log: Bool)
        case fixed(Value)

        public var isFixed: Bool { if case .fixed = self { return true }; return false }
    }

    public var name: String
    public var domain: Domain
    public var perLayer: Bool
    public var span: SourceSpan

    /// `[8, 16, 32]`, `1..4`, `0.001 ~ 0.1 log`, `= 5`.
    public var domainDescription: String {
        switch domain {
        case .categorical(let values): return "[" + values.map { $0.inline }.joined(separator: ", ") + "]"
        case .integer(let lo, let hi): return "\(lo)..\(hi)"
        case .continuous(let lo, let hi, let log): return "\(lo.description) ~ \(hi.description)" + (log ? " log" : "")
        case .fixed(let v): return "= " + v.inline
        }
    }

    public var kindDescription: String {
        switch domain {
        case .categorical: return "choice"
        case .integer: return "integer"
        case .continuous(_, _, let log): return log ? "log-uniform" : "uniform"
        case .fixed: return "fixed"
        }
    }
}

/// What to optimize, in order.
public struct ObjectiveSet {
    public var name: String
    public var objectives: [Objective]

    public init(name: String, objectives: [Objective]) {
        self.name = name
        self.objectives = objectives
    }
}

