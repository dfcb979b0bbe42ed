import NasCore

/// `value.name`: reading, writing, and listing members. One place, so evaluation, assignment
/// and Tab completion agree on what exists.
enum Members {
    static func get(_ value: Value, _ name: String) -> Value? {
        switch value {
        case .record(let r):
            return r[name]
        case .space(let s):
            if name == "name" { return .string(s.name) }
            if name == "parameters" { return .list(s.parameters.map { .record(describe($0)) }) }
            return s.parameter(name).map { .record(describe($0)) }
        case .budget(let b):
            guard let metric = Metric.searchable(named: name), let c = b.constraint(for: metric) else { return nil }
            return .number(c.limitQuantity)
        case .objectives(let o):
            if name == "metrics" { return .list(o.objectives.map { .string($0.metric.rawValue) }) }
            return nil
        case .native(let n):
            return n.member(name)
        default:
            return nil
        }
    }

    static func names(of value: Value) -> [String] {
        switch value {
        case .record(let r): return r.keys
        case .space(let s): return ["name", "parameters"] + s.parameters.map(\.name)
        case .budget(let b): return b.constraints.map(\.metric.rawValue)
        case .objectives: return ["metrics"]
        case .native(let n): return n.memberNames
        default: return []
        }
    }

    static func missing(_ value: Value, _ name: Name, baseText: String) -> Diagnostic {
        let names = names(of: value)
        let hint = Suggestions.hint(for: name.text, in: names)
        switch value {
        case .record(let r) where r.kind?.isModule == true:
            return Diagnostic("module '\(baseText)' has no member '\(name.text)'", at: name.span,
                              hint: hint ?? "see its members with: show \(baseText)")
        case .budget:
            return Diagnostic("budget has no limit on '\(name.text)'", at: name.span,
                              hint: hint ?? (Metric.searchable(named: name.text) != nil ? "set one with \(baseText).\(name.text) = ..." : nil))
        default:
            return Diagnostic("\(value.typeName) has no member '\(name.text)'", at: name.span,
                              hint: hint ?? (names.isEmpty ? nil : "members: " + names.prefix(12).joined(separator: ", ")))
        }
    }

    /// Returns `container` with `name` set to `value`.
    static func set(_ container: Value, _ name: Name, _ value: Value, span: SourceSpan) throws -> Value {
        switch container {
        case .record(var r):
            if r.kind?.isModule == true {
                throw Diagnostic("module members cannot be changed", at: name.span, hint: "copy it: x = module.\(name.text)")
            }
            r[name.text] = value
            return .record(r)
        case .budget(var b):
            let metric = try Metric.named(name)
            b.setLimit(metric, try Budgeting.limit(value, for: metric, at: span))
            return .budget(b)
        default:
            throw Diagnostic("cannot set member '\(name.text)' of \(container.typeName)", at: name.span)
        }
    }

    private static func describe(_ p: SearchParameter) -> Record {
        Record(kind: .parameter, [("name", .string(p.name)), ("domain", .string(p.domainDescription)),
                                   ("kind", .string(p.kindDescription)), ("per_layer", .bool(p.perLayer))])
    }
}
