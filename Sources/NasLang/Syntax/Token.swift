/// The smallest meaningful pieces of .nas text.
public enum TokenKind: Equatable, Sendable {
    case identifier(String)
    case number(Double)
    case string(String)
    case keyword(Keyword)
    case symbol(Symbol)
    case newline
    case end
}

/// Reserved words. Words that only matter in one place (`space`, `budget`, `maximize`, `per`,
/// `log`, ...) stay ordinary identifiers so users can still name things `budget` or call `log`.
public enum Keyword: String, CaseIterable, Sendable {
    case use, fn, `for`, `in`, `if`, `else`, `return`, `true`, `false`, none, and, or, not, show
}

public enum Symbol: String, CaseIterable, Sendable {
    case lparen = "(", rparen = ")", lbracket = "[", rbracket = "]", lbrace = "{", rbrace = "}"
    case comma = ",", dot = ".", colon = ":", semicolon = ";", tilde = "~"
    case assign = "=", plusAssign = "+=", minusAssign = "-="
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case plus = "+", minus = "-", star = "*", slash = "/", percent = "%", dotdot = ".."
}

public struct Token: Sendable {
    public let kind: TokenKind
    public let span: SourceSpan

    /// Text as the user wrote it, for messages like "unexpected ')'".
    public var describe: String {
        switch kind {
        case .identifier(let s): return "'\(s)'"
        case .number: return "number '\(span.file.slice(span))'"
        case .string: return "string"
        case .keyword(let k): return "'\(k.rawValue)'"
        case .symbol(let s): return "'\(s.rawValue)'"
        case .newline: return "end of line"
        case .end: return "end of input"
        }
    }
}
