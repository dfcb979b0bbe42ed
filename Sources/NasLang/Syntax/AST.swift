import NasCore

/// The program as the parser understood it. Every node keeps its span so that runtime errors
/// point at the exact text, just like parse errors.
public struct Expr: Sendable {
    public indirect enum Kind: Sendable {
        case number(Double, unit: String?)
        case string(String)
        case bool(Bool)
        case none
        case name(String)
        case list([Expr])
        case record([Field])
        case unary(UnaryOp, Expr)
        case binary(BinaryOp, Expr, Expr)
        case range(Expr, Expr)
        case call(Expr, [Argument])
        case member(Expr, Name)
        case index(Expr, Expr)
        case function(FunctionDecl)
    }
    public let kind: Kind
    public let span: SourceSpan
    /// Depth of the tree below this node. The parser rejects very tall expressions, which
    /// bounds the recursion of every later pass.
    public let height: Int

    public init(kind: Kind, span: SourceSpan) {
        self.kind = kind
        self.span = span
        self.height = 1 + Self.childHeight(kind)
    }

    /// The variable an assignment target starts from: `budget` in `budget.ram` or `xs[0].y`.
    public var rootName: String? {
        switch kind {
        case .name(let n): return n
        case .member(let base, _), .index(let base, _): return base.rootName
        default: return nil
        }
    }

    private static func childHeight(_ kind: Kind) -> Int {
        switch kind {
        case .number, .string, .bool, .none, .name, .function: return 0
        case .list(let items): return items.map(\.height).max() ?? 0
        case .record(let fields): return fields.map(\.value.height).max() ?? 0
        case .unary(_, let e): return e.height
        case .binary(_, let l, let r), .range(let l, let r), .index(let l, let r): return max(l.height, r.height)
        case .call(let callee, let args): return max(callee.height, args.map(\.value.height).max() ?? 0)
        case .member(let base, _): return base.height
        }
    }
}

/// An identifier with its own span (member names, parameters, loop variables).
public struct Name: Sendable {
    public let text: String
    public let span: SourceSpan
}

public struct Field: Sendable {
    public let name: Name
    public let value: Expr
}

public struct Argument: Sendable {
    public let label: Name?
    public let value: Expr
}

public struct Parameter: Sendable {
    public let name: Name
    public let defaultValue: Expr?
}

public struct FunctionDecl: Sendable {
    public let name: Name?
    public let parameters: [Parameter]
    public let body: [Stmt]
}

public enum UnaryOp: String, Sendable { case negate = "-", not = "not" }

public enum BinaryOp: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", remainder = "%"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and, or
}

public struct Stmt: Sendable {
    public indirect enum Kind: Sendable {
        case expression(Expr)
        /// `target = value`, `target += value`; target is a name, member chain or index.
        case assign(Expr, BinaryOp?, Expr)
        case function(FunctionDecl)
        case forLoop(Name, Expr, [Stmt])
        case ifElse(Expr, [Stmt], [Stmt]?)
        case returnValue(Expr?)
        case use(String)
        case show(Expr)
        case space(Name, [SpaceEntry])
        case objectives(Name?, [ObjectiveDecl])
        case budget(Name?, [ConstraintDecl])
    }
    public let kind: Kind
    public let span: SourceSpan
}

/// One line of a `space` block.
public struct SpaceEntry: Sendable {
    public enum Domain: Sendable {
        /// `x in <expr>`: a list (categorical) or an integer range.
        case values(Expr)
        /// `x in lo ~ hi [log]`: a continuous interval.
        case interval(Expr, Expr, log: Bool)
        /// `x = expr`: fixed, not searched.
        case fixed(Expr)
    }
    public let name: Name
    public let domain: Domain
    /// `per layer`: one choice per layer, the ARS agents' action.
    public let perLayer: Bool
    public let span: SourceSpan
}

public struct ObjectiveDecl: Sendable {
    public let direction: Direction
    public let metric: Metric
    public let metricSpan: SourceSpan
    public let span: SourceSpan
}

public struct ConstraintDecl: Sendable {
    public let metric: Metric
    public let metricSpan: SourceSpan
    public let comparison: Constraint.Comparison
    public let limit: Expr
    public let span: SourceSpan
}
