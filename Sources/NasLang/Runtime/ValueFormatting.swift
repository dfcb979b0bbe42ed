import NasRender

extension Value {
    /// The most characters one value's one-line form takes; the rest is cut to `…`. Lists
    /// share their elements, so `x = [x, x]` forty times is cheap to build but has 2^40
    /// leaves: formatting must stop, not try to write them all.
    public static let maxInlineCharacters = 100_000
    /// Nesting shown in one-line form; deeper lists and records show as `[…]` and `{…}`.
    public static let maxInlineDepth = 32

    /// One-line form: how a value appears inside a list, a table cell, or after `=` in the REPL.
    public var inline: String {
        var budget = Self.maxInlineCharacters
        return inline(budget: &budget, depth: 0)
    }

    /// The one-line form using at most about `budget` characters (taken from it), `depth` levels in.
    private func inline(budget: inout Int, depth: Int) -> String {
        guard budget > 0 else { return "…" }
        let text: String
        switch self {
        case .list(let items):
            guard depth < Self.maxInlineDepth else { budget -= 3; return "[…]" }
            var out = "["
            budget -= 1
            for (i, item) in items.prefix(20).enumerated() {
                if budget <= 0 { out += i == 0 ? "…" : ", …"; break }
                if i > 0 { out += ", "; budget -= 2 }
                out += item.inline(budget: &budget, depth: depth + 1)
            }
            if items.count > 20 { out += ", ... (\(items.count) items)" }
            text = out + "]"
        case .record(let r):
            if let kind = r.kind, let name = r["name"], case .string(let n) = name {
                text = "<\(kind) \(n)>"
                budget -= text.count
                return text
            }
            if let kind = r.kind, kind.isModule {
                text = "<\(kind)>"
                budget -= text.count
                return text
            }
            guard depth < Self.maxInlineDepth else { budget -= 3; return "{…}" }
            var out = "{"
            budget -= 1
            for (i, field) in r.fields.enumerated() {
                if budget <= 0 { out += i == 0 ? "…" : ", …"; break }
                if i > 0 { out += ", "; budget -= 2 }
                out += field.key + ": "
                budget -= field.key.count + 2
                out += field.value.inline(budget: &budget, depth: depth + 1)
            }
            text = out + "}"
        default:
            let leaf = leafInline
            text = leaf.count > budget ? String(leaf.prefix(max(0, budget))) + "…" : leaf
            budget -= leaf.count
            return text
        }
        budget -= 1
        return text
    }

    /// The one-line form of a value that holds no other values.
    private var leafInline: String {
        switch self {
        case .none: return "none"
        case .bool(let b): return b ? "true" : "false"
        case .number(let q): return q.description
        case .string(let s): return "\"" + s + "\""
        case .range(let lo, let hi): return "\(lo)..\(hi)"
        case .function(let f): return "<fn \(f.name)(\(f.parameterNames.joined(separator: ", ")))>"
        case .space(let s): return "<space \(s.name): \(s.parameters.count) parameters>"
        case .objectives(let o):
            return "<objectives: " + o.objectives.map { ($0.direction == .maximize ? "max " : "min ") + $0.metric.rawValue }
                .joined(separator: ", ") + ">"
        case .budget(let b):
            return "<budget: " + b.constraints.map { "\($0.metric.rawValue) \($0.comparison.rawValue) \($0.limitQuantity.description)" }
                .joined(separator: ", ") + ">"
        case .native(let n): return n.summary
        case .list, .record: return ""
        }
    }

    /// Text for printing: strings without quotes, everything else inline.
    public var printed: String {
        if case .string(let s) = self { return s }
        return inline
    }

    /// Full form for `show` and REPL results: records and lists of records become aligned
    /// tables; declarations become tables of their entries.
    public var rendered: String {
        switch self {
        case .record(let r):
            let table = TextTable(title: r.kind.map { kind in
                if let name = r["name"], case .string(let n) = name { return "\(kind) \(n)" }
                return kind.description
            }, columns: [.init("field"), .init("value")], rows: r.fields.map { [$0.key, $0.value.cell] })
            return table.render()
        case .list(let items) where !items.isEmpty && items.allSatisfy({ if case .record = $0 { return true }; return false }):
            var columns: [String] = []
            for case .record(let r) in items { for k in r.keys where !columns.contains(k) { columns.append(k) } }
            let rows = items.map { item -> [String] in
                guard case .record(let r) = item else { return [] }
                return columns.map { r[$0]?.cell ?? "" }
            }
            let numeric = columns.map { key in
                items.allSatisfy { item in
                    guard case .record(let r) = item, let v = r[key] else { return true }
                    if case .number = v { return true }
                    return false
                }
            }
            return TextTable(columns: zip(columns, numeric).map { .init($0, $1 ? .right : .left) }, rows: rows).render()
        case .space(let s):
            return TextTable(title: Self.title("space", s.name),
                             columns: [.init("parameter"), .init("domain"), .init("kind"), .init("per layer")],
                             rows: s.parameters.map { [$0.name, $0.domainDescription, $0.kindDescription, $0.perLayer ? "yes" : ""] })
                .render()
        case .objectives(let o):
            return TextTable(title: Self.title("objectives", o.name), columns: [.init("goal"), .init("metric"), .init("meaning")],
                             rows: o.objectives.map { [$0.direction.rawValue, $0.metric.rawValue, $0.metric.meaning] })
                .render()
        case .budget(let b):
            return TextTable(title: Self.title("budget", b.name), columns: [.init("metric"), .init("limit", .right)],
                             rows: b.constraints.map { ["\($0.metric.rawValue) \($0.comparison.rawValue)", $0.limitQuantity.description] })
                .render()
        case .native(let n):
            return n.render()
        default:
            return printed
        }
    }

    /// `budget` for an unnamed block (whose name is its kind), `budget tight` for a named one.
    private static func title(_ kind: String, _ name: String) -> String {
        name == kind ? kind : "\(kind) \(name)"
    }

    /// Table cells show strings bare.
    var cell: String { printed }
}
