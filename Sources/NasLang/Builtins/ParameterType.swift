import NasCore

/// What a builtin parameter accepts, declared once with the parameter. The one declaration
/// serves three readers: `check` (the resolver refuses a literal argument outside it, at the
/// argument, before anything runs), the interpreter (every argument is checked against it before
/// the builtin's body runs, so a body never re-checks what its signature says) and `:help`
/// (`trials: integer 1...100000 = 20`).
///
/// Kinds the language cannot name itself (a dataset, a model, a board) are matched by the name
/// values of that kind give (`Value.typeName`), so engine types need no case here.
public indirect enum ParameterType: Sendable, Equatable {
    /// Any value; the body decides (`print`'s items, `str(value)`).
    case any
    case bool
    case string
    /// A whole number in `range`; `odd` for kernel sizes.
    case integer(ClosedRange<Int>, odd: Bool)
    /// A plain number (no unit) within `limits`.
    case number(NumberLimits)
    /// A number with a unit of `dimension` (`256 KB`, `80 MHz`), or of any unit (a plain number
    /// too) when `dimension` is nil, within `limits`.
    case quantity(Dimension?, NumberLimits)
    /// One of a few names (`optimizer: "adam"`); a typo gets a did-you-mean from them.
    case choice([String])
    /// A list (a range counts as the list of its numbers) whose items are each `element`.
    case list(ParameterType)
    /// One `element` for every weighted layer, or a list of them, one per layer (`prune:`, `bits:`).
    case perLayer(ParameterType)
    /// A value whose `typeName` is `name` ("dataset", "model", "board", "space"), with a hint
    /// saying how to make one.
    case kind(String, hint: String?)
    case function
    /// Any of these (`validation:` is a fraction or a dataset).
    case either([ParameterType])

    /// A whole number from `lower` up.
    public static func integer(atLeast lower: Int = 1, atMost upper: Int = Int(Int32.max)) -> ParameterType {
        .integer(lower...upper, odd: false)
    }
    public static func kind(_ name: String) -> ParameterType { .kind(name, hint: nil) }
    /// A record of `kind` (`board(...)`, a study's trial), matched by its type name.
    public static func record(_ kind: RecordKind, hint: String? = nil) -> ParameterType { .kind(kind.description, hint: hint) }
    /// One of an enum's cases by their raw values, in declaration order: the enum the body
    /// switches over is the declaration, so a new case is accepted, suggested and listed at once.
    public static func choice<E: CaseIterable & RawRepresentable>(of type: E.Type) -> ParameterType where E.RawValue == String {
        .choice(E.allCases.map(\.rawValue))
    }
    /// A plain number in [0, 1) (`validation: 0.2`, `prune: 0.5`).
    public static let fraction = ParameterType.number(.fraction)
    /// Any plain number.
    public static let real = ParameterType.number(.all)
    /// Any number, with any unit or none (`abs(x)` keeps the unit).
    public static let anyQuantity = ParameterType.quantity(nil, .all)
    /// A random seed: a whole number from 0 up to 2^53 - 1, the largest a number literal holds
    /// exactly (a seed that rounded would silently be another seed).
    public static let seed = ParameterType.integer(0...(1 << 53) - 1, odd: false)

    /// The type as `:help` shows it: `integer 1...100000`, `one of c, tflite`, `bytes > 0`.
    public var description: String {
        switch self {
        case .any: return "value"
        case .bool: return "bool"
        case .string: return "string"
        case .integer(let r, let odd): return (odd ? "odd " : "") + "integer \(r.lowerBound)...\(r.upperBound)"
        case .number(let limits): return limits.isAll ? "number" : "number \(limits.interval)"
        case .quantity(let d, let limits):
            let unit = d.map(Self.unitName) ?? "quantity"
            return limits.isAll ? unit : "\(unit) \(limits.interval)"
        case .choice(let names): return "one of " + names.joined(separator: ", ")
        case .list(let element): return "list of \(element.description)"
        case .perLayer(let element): return "\(element.description) (or a list, one per weighted layer)"
        case .kind(let name, _): return name
        case .function: return "function"
        case .either(let types): return types.map(\.description).joined(separator: " or ")
        }
    }

    /// What is accepted, as an error message says it: "a whole number from 1 to 1024".
    public var expectation: String {
        switch self {
        case .any: return "a value"
        case .bool: return "true or false"
        case .string: return "a string"
        case .integer(let r, let odd): return "\(odd ? "an odd" : "a") whole number from \(r.lowerBound) to \(r.upperBound)"
        case .number(let limits): return limits.expectation(noun: "number")
        case .quantity(let d, let limits):
            guard let d else { return limits.isAll ? "a number (with or without a unit)" : limits.expectation(noun: "number") }
            return limits.isAll ? d.noun : limits.expectation(noun: d.noun.hasPrefix("a ") ? String(d.noun.dropFirst(2)) : d.noun)
        case .choice(let names): return "one of " + names.map { "\"\($0)\"" }.joined(separator: ", ")
        case .list(let element): return "a list of \(element.plural)"
        // The list form's items are checked one by one, so a message names the element's type.
        case .perLayer(let element): return element.expectation
        case .kind(let name, _): return (name.first.map { "aeiou".contains($0) } == true ? "an " : "a ") + name
        case .function: return "a function"
        case .either(let types):
            let each = types.map(\.expectation)
            return each.count <= 2 ? each.joined(separator: " or ") : each.dropLast().joined(separator: ", ") + " or " + each.last!
        }
    }

    /// Items of this type, for "a list of ...".
    private var plural: String {
        switch self {
        case .string: return "strings"
        case .bool: return "booleans"
        case .kind(let name, _): return name + "s"
        case .any: return "values"
        case .list(let element): return "lists of \(element.plural)"
        case .number, .quantity, .integer: return "numbers"
        default: return "items that are each \(expectation)"
        }
    }

    /// Nil when the type admits `value`; otherwise the value as a message shows it and a hint
    /// (a did-you-mean for a choice, how to make a value of a kind, the unit to write).
    public func problem(with value: Value) -> (shown: String, hint: String?)? {
        switch (self, value) {
        case (.any, _), (.bool, .bool), (.string, .string), (.function, .function): return nil
        case (.integer(let range, let odd), .number(let q)) where q.dimension == .none:
            // Compare as Double first: converting 1e19 or inf to Int would trap.
            let v = q.value
            guard v.isFinite, v.rounded() == v, v >= Double(range.lowerBound), v <= Double(range.upperBound) else {
                return (NumberFormat.plain(v), nil)
            }
            if odd, Int(v) % 2 == 0 { return (String(Int(v)), "3, 5 or 7") }
            return nil
        case (.number(let limits), .number(let q)) where q.dimension == .none:
            return limits.admits(q.value) ? nil : (NumberFormat.plain(q.value), nil)
        case (.quantity(let d, let limits), .number(let q)):
            guard let d else { return limits.admits(q.value) ? nil : (q.description, nil) }
            guard q.dimension == d else {
                return (q.dimension == .none ? "the plain number \(q.description)" : q.dimension.noun, Self.unitHint(d))
            }
            return limits.admits(q.value) ? nil : (q.description, nil)
        case (.choice(let names), .string(let s)):
            return names.contains(s) ? nil : ("\"\(s)\"", Suggestions.hint(for: s, in: names))
        case (.list(let element), .list(let items)):
            for item in items { if let (shown, hint) = element.problem(with: item) { return ("a list holding \(shown)", hint) } }
            return nil
        case (.list(let element), .range(let lo, let hi)):
            // A range's items are whole numbers; checking its ends checks every one between.
            guard hi >= lo else { return nil }
            for end in [lo, hi] {
                if let (shown, hint) = element.problem(with: .number(Double(end))) { return ("a range holding \(shown)", hint) }
            }
            return nil
        case (.perLayer(let element), .list(let items)):
            for item in items { if let (shown, hint) = element.problem(with: item) { return (shown, hint) } }
            return nil
        case (.perLayer(let element), _):
            return element.problem(with: value)
        case (.kind(let name, let hint), _):
            return value.typeName == name ? nil : (value.typeName, hint)
        case (.either(let types), _):
            var hint: String?
            for type in types {
                guard let problem = type.problem(with: value) else { return nil }
                hint = hint ?? problem.hint
            }
            return (Self.shown(value), hint)
        default:
            return (Self.shown(value), nil)
        }
    }

    /// A value as a type error shows it: numbers by value (`1e+19`, `inf`), others by type.
    private static func shown(_ value: Value) -> String {
        if case .number(let q) = value, q.dimension == .none { return NumberFormat.plain(q.value) }
        if case .string(let s) = value { return "\"\(s)\"" }
        return value.typeName
    }

    private static func unitName(_ d: Dimension) -> String {
        switch d {
        case .memory: return "bytes"
        case .time: return "seconds"
        case .frequency: return "hertz"
        case .none: return "number"
        default: return "quantity in \(Quantity(value: 1, dimension: d).unitSuffix)"
        }
    }

    private static func unitHint(_ d: Dimension) -> String? {
        switch d {
        case .memory: return "write it with a unit, e.g. 256 KB"
        case .frequency: return "write it with a unit, e.g. 80 MHz"
        case .time: return "write it with a unit, e.g. 20 ms"
        default: return nil
        }
    }
}
