/// One setting of a search-space parameter or model family, as scripts write it and the study
/// storage keeps it: plain JSON (`16`, `"relu"`, `true`, `[16, 32, 64]`) so `sqlite3 study.db`
/// shows what a trial trained.
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

extension ParameterValue {
    /// The value as a script writes it: `16`, `0.001`, `true`, `"adam"`, `[4, 8]`. A setting
    /// prints the same whether it is read from a spec, a decoded point or the study storage
    /// (the language's `Value.inline` writes these cases alike).
    public var inline: String {
        switch self {
        case .number(let v): return NumberFormat.plain(v)
        case .string(let s): return "\"" + s + "\""
        case .bool(let b): return b ? "true" : "false"
        case .list(let items): return "[" + items.map(\.inline).joined(separator: ", ") + "]"
        }
    }
}

extension ParameterValue {
    /// The setting as a whole number; `fallback` when it is not a number or has none (a
    /// `1e19` or `inf` is not an Int), never a trap. Values reach a spec or a plan only
    /// through their domain's checks, so the fallback marks a bug, not user input.
    public func int(default fallback: Int) -> Int {
        guard case .number(let v) = self else { return fallback }
        return Quantity(value: v.rounded()).exactInt ?? fallback
    }
}
