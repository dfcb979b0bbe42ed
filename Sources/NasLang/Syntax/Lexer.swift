/// Turns text into tokens. It never stops at the first problem: bad characters and
/// unterminated strings become diagnostics and lexing goes on, so `check` can report everything.
public struct Lexer {
    private let file: SourceFile
    private let bytes: [UInt8]
    private var pos = 0
    public private(set) var diagnostics: [Diagnostic] = []

    public init(file: SourceFile) {
        self.file = file
        self.bytes = file.bytes
    }

    public static func tokenize(_ file: SourceFile) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var lexer = Lexer(file: file)
        var tokens: [Token] = []
        while true {
            let t = lexer.next()
            tokens.append(t)
            if case .end = t.kind { break }
        }
        return (tokens, lexer.diagnostics)
    }

    private func peek(_ ahead: Int = 0) -> UInt8 {
        pos + ahead < bytes.count ? bytes[pos + ahead] : 0
    }

    private func span(_ start: Int) -> SourceSpan { SourceSpan(file: file, start: start, end: pos) }

    public mutating func next() -> Token {
        skipSpaceAndComments()
        let start = pos
        guard pos < bytes.count else { return Token(kind: .end, span: span(start)) }
        let c = bytes[pos]
        if c == UInt8(ascii: "\n") {
            pos += 1
            return Token(kind: .newline, span: span(start))
        }
        if Self.isDigit(c) || (c == UInt8(ascii: ".") && Self.isDigit(peek(1))) { return number(start) }
        if Self.isIdentStart(c) { return identifier(start) }
        if c == UInt8(ascii: "\"") { return string(start) }
        if let symbol = symbol() { return Token(kind: .symbol(symbol), span: span(start)) }
        // Skip a whole UTF-8 scalar so the caret lands on the character the user sees.
        pos += 1
        while pos < bytes.count, bytes[pos] & 0xC0 == 0x80 { pos += 1 }
        let text = file.slice(span(start))
        diagnostics.append(Diagnostic("unexpected character '\(text)'", at: span(start),
                                      hint: text == "'" ? "strings use double quotes: \"text\"" : nil))
        return next()
    }

    private mutating func skipSpaceAndComments() {
        while pos < bytes.count {
            let c = bytes[pos]
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") {
                pos += 1
            } else if c == UInt8(ascii: "#") {
                while pos < bytes.count, bytes[pos] != UInt8(ascii: "\n") { pos += 1 }
            } else if c == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "\n") {
                pos += 2  // explicit line continuation
            } else {
                return
            }
        }
    }

    private mutating func number(_ start: Int) -> Token {
        var digits: [UInt8] = []
        func eatDigits(_ lexer: inout Lexer) {
            while lexer.pos < lexer.bytes.count,
                  Self.isDigit(lexer.bytes[lexer.pos]) || lexer.bytes[lexer.pos] == UInt8(ascii: "_") {
                if lexer.bytes[lexer.pos] != UInt8(ascii: "_") { digits.append(lexer.bytes[lexer.pos]) }
                lexer.pos += 1
            }
        }
        eatDigits(&self)
        if peek() == UInt8(ascii: "."), Self.isDigit(peek(1)) {
            digits.append(UInt8(ascii: "."))
            pos += 1
            eatDigits(&self)
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            let sign = peek(1) == UInt8(ascii: "+") || peek(1) == UInt8(ascii: "-") ? 1 : 0
            if Self.isDigit(peek(1 + sign)) {
                digits.append(UInt8(ascii: "e"))
                if sign == 1 { digits.append(peek(1)) }
                pos += 1 + sign
                eatDigits(&self)
            }
        }
        let text = String(decoding: digits, as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            diagnostics.append(Diagnostic("number '\(file.slice(span(start)))' is out of range", at: span(start)))
            return Token(kind: .number(0), span: span(start))
        }
        return Token(kind: .number(value), span: span(start))
    }

    private mutating func identifier(_ start: Int) -> Token {
        while pos < bytes.count, Self.isIdentStart(bytes[pos]) || Self.isDigit(bytes[pos]) { pos += 1 }
        let text = file.slice(span(start))
        if let keyword = Keyword(rawValue: text) { return Token(kind: .keyword(keyword), span: span(start)) }
        return Token(kind: .identifier(text), span: span(start))
    }

    private mutating func string(_ start: Int) -> Token {
        pos += 1
        var out: [UInt8] = []
        while pos < bytes.count, bytes[pos] != UInt8(ascii: "\"") {
            let c = bytes[pos]
            if c == UInt8(ascii: "\n") { break }
            if c == UInt8(ascii: "\\"), pos + 1 < bytes.count {
                let escStart = pos
                pos += 2
                switch bytes[pos - 1] {
                case UInt8(ascii: "n"): out.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): out.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                default:
                    diagnostics.append(Diagnostic("unknown escape '\(file.slice(span(escStart)))'",
                                                  at: span(escStart), hint: "valid escapes: \\n \\t \\\" \\\\"))
                }
                continue
            }
            out.append(c)
            pos += 1
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") {
            pos += 1
        } else {
            diagnostics.append(Diagnostic("unterminated string", at: span(start),
                                          hint: "close it with \" on the same line"))
        }
        return Token(kind: .string(String(decoding: out, as: UTF8.self)), span: span(start))
    }

    private mutating func symbol() -> Symbol? {
        let two = String(decoding: [peek(), peek(1)], as: UTF8.self)
        if let s = Symbol(rawValue: two), two.utf8.count == 2 {
            pos += 2
            return s
        }
        if let s = Symbol(rawValue: String(UnicodeScalar(peek()))) {
            pos += 1
            return s
        }
        return nil
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    static func isIdentStart(_ c: UInt8) -> Bool {
        (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == UInt8(ascii: "_")
    }
}
