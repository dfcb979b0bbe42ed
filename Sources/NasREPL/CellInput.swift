import NasLang

/// Decides when typed lines form a complete cell: a cell goes on while brackets are open or
/// the last line ends with a `\` continuation.
public enum CellInput {
    public static func needsMoreLines(_ text: String) -> Bool {
        if text.hasSuffix("\\") { return true }
        let (tokens, _) = Lexer.tokenize(SourceFile(name: "<input>", text: text))
        var depth = 0
        for token in tokens {
            guard case .symbol(let s) = token.kind else { continue }
            switch s {
            case .lparen, .lbracket, .lbrace: depth += 1
            case .rparen, .rbracket, .rbrace: depth -= 1
            default: break
            }
        }
        return depth > 0
    }
}
