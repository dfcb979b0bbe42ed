import NasCore

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
