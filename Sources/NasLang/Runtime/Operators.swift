import NasCore

/// Arithmetic, comparison and indexing on values, with unit checking.
enum Operators {
    static func unary(_ op: UnaryOp, _ value: Value, span: SourceSpan) throws -> Value {
        switch (op, value) {
        case (.negate, .number(var q)):
            q.value = -q.value
            return .number(q)
        case (.not, .bool(let b)):
            return .bool(!b)
        default:
            throw Diagnostic("cannot apply '\(op.rawValue)' to \(value.typeName)", at: span)
        }
    }

    static func binary(_ op: BinaryOp, _ left: Value, _ right: Value, span: SourceSpan) throws -> Value {
        switch op {
        case .equal: return .bool(try Value.equal(left, right, at: span))
        case .notEqual: return .bool(try !Value.equal(left, right, at: span))
        case .and, .or:
            guard case .bool(let a) = left, case .bool(let b) = right else {
                throw Diagnostic("'\(op.rawValue)' needs true or false on both sides", at: span)
            }
            return .bool(op == .and ? a && b : a || b)
        default: break
        }
        switch (left, right) {
        case (.number(let a), .number(let b)):
            return try arithmetic(op, a, b, span: span)
        case (.string(let a), .string(let b)):
            switch op {
            case .add:
                try checkSize(a.utf8.count + b.utf8.count, span: span)
                return .string(a + b)
            case .less: return .bool(a < b)
            case .lessEqual: return .bool(a <= b)
            case .greater: return .bool(a > b)
            case .greaterEqual: return .bool(a >= b)
            default: break
            }
        case (.list(let a), .list(let b)) where op == .add:
            try checkSize(a.count + b.count, span: span)
            return .list(a + b)
        default: break
        }
        var hint: String?
        if case .string = left, case .number = right, op == .add { hint = "convert the number first: str(x)" }
        throw Diagnostic("cannot apply '\(op.rawValue)' to \(left.typeName) and \(right.typeName)", at: span, hint: hint)
    }

    /// Strings and lists may not grow without bound: a doubling loop must fail, not eat memory.
    static let maxSize = 16_000_000

    private static func checkSize(_ size: Int, span: SourceSpan) throws {
        if size > maxSize { throw Diagnostic("result would have \(size) elements, more than the limit of \(maxSize)", at: span) }
    }

    private static func arithmetic(_ op: BinaryOp, _ a: Quantity, _ b: Quantity, span: SourceSpan) throws -> Value {
        func sameDimension() throws {
            guard a.dimension == b.dimension else {
                let plain = a.dimension == .none ? a : b.dimension == .none ? b : nil
                let unitHint = plain.map { _ in
                    "give both sides a unit, e.g. 64 KB rather than 64"
                }
                throw Diagnostic("cannot apply '\(op.rawValue)' to \(a.dimension.noun) and \(b.dimension.noun)",
                                 at: span, hint: unitHint)
            }
        }
        switch op {
        case .add:
            try sameDimension()
            return .number(Quantity(value: a.value + b.value, dimension: a.dimension))
        case .subtract:
            try sameDimension()
            return .number(Quantity(value: a.value - b.value, dimension: a.dimension))
        case .multiply:
            return .number(Quantity(value: a.value * b.value, dimension: a.dimension + b.dimension))
        case .divide:
            guard b.value != 0 else { throw Diagnostic("division by zero", at: span) }
            return .number(Quantity(value: a.value / b.value, dimension: a.dimension - b.dimension))
        case .remainder:
            try sameDimension()
            guard b.value != 0 else { throw Diagnostic("remainder of division by zero", at: span) }
            let r = a.value.truncatingRemainder(dividingBy: b.value)
            return .number(Quantity(value: r, dimension: a.dimension))
        case .less, .lessEqual, .greater, .greaterEqual:
            try sameDimension()
            switch op {
            case .less: return .bool(a.value < b.value)
            case .lessEqual: return .bool(a.value <= b.value)
            case .greater: return .bool(a.value > b.value)
            default: return .bool(a.value >= b.value)
            }
        case .equal, .notEqual, .and, .or:
            preconditionFailure("handled by the caller")
        }
    }

    /// `xs[i]` (negative counts from the end), `record["key"]`, `range[i]`.
    static func index(_ container: Value, _ key: Value, span: SourceSpan) throws -> Value {
        switch container {
        case .list(let items):
            return items[try position(key, count: items.count, span: span)]
        case .range(let lo, let hi):
            let count = hi >= lo ? hi - lo + 1 : 0
            return .number(Double(lo + (try position(key, count: count, span: span))))
        case .string(let s):
            let chars = Array(s)
            return .string(String(chars[try position(key, count: chars.count, span: span)]))
        case .record(let r):
            guard case .string(let k) = key else {
                throw Diagnostic("records are indexed by field name (a string), not \(key.typeName)", at: span)
            }
            if let v = r[k] { return v }
            throw Diagnostic("no field '\(k)'", at: span, hint: Suggestions.hint(for: k, in: r.keys))
        default:
            throw Diagnostic("\(container.typeName) cannot be indexed", at: span)
        }
    }

    static func setIndex(_ container: Value, _ key: Value, _ value: Value, span: SourceSpan) throws -> Value {
        switch container {
        case .list(var items):
            items[try position(key, count: items.count, span: span)] = value
            return .list(items)
        case .record(var r):
            guard case .string(let k) = key else {
                throw Diagnostic("records are indexed by field name (a string), not \(key.typeName)", at: span)
            }
            r[k] = value
            return .record(r)
        default:
            throw Diagnostic("cannot assign into \(container.typeName) by index", at: span)
        }
    }

    private static func position(_ key: Value, count: Int, span: SourceSpan) throws -> Int {
        guard case .number(let q) = key, q.dimension == .none, let i = q.exactInt else {
            throw Diagnostic("index must be a whole number, not \(key.inline)", at: span)
        }
        let p = i < 0 ? count + i : i
        guard p >= 0, p < count else {
            throw Diagnostic("index \(i) is out of bounds for \(count) item\(count == 1 ? "" : "s")", at: span)
        }
        return p
    }
}
