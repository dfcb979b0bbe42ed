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

    /// The most diagnostics one file's lexing keeps: a megabyte of junk must cost a bounded
    /// report, not one diagnostic (and one copy of its line) per bad byte.
    public static let maxDiagnostics = 200

    public mutating func next() -> Token {
        // A loop, not recursion: a line of 60,000 bad characters must not overflow the stack.
        while true {
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
            skipUnexpected(from: start)
        }
    }

    /// Steps over a run of characters no token starts with and reports the run once: `@@@@`
    /// is one mistake to the reader, and one diagnostic keeps junk input cheap to report.
    private mutating func skipUnexpected(from start: Int) {
        var scalars = 0
        repeat {
            // Skip a whole UTF-8 scalar so the caret lands on the character the user sees.
            pos += 1
            while pos < bytes.count, bytes[pos] & 0xC0 == 0x80 { pos += 1 }
            scalars += 1
        } while pos < bytes.count && startsNoToken(at: pos)
        let text = file.slice(SourceSpan(file: file, start: start, end: min(pos, start + 64)))
        let shown = pos - start > 64 ? text + "…" : text
        guard diagnostics.count < Self.maxDiagnostics else { return }
        diagnostics.append(Diagnostic(scalars == 1 ? "unexpected character '\(shown)'"
                                                   : "unexpected characters '\(shown)'",
                                      at: span(start),
                                      hint: text.hasPrefix("'") ? "strings use double quotes: \"text\"" : nil))
    }

    /// True where the byte at `offset` begins no token and is no layout (space, comment,
    /// newline): part of a run of unexpected characters.
    private func startsNoToken(at offset: Int) -> Bool {
        let c = bytes[offset]
        if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") || c == UInt8(ascii: "\n")
            || c == UInt8(ascii: "#") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c == UInt8(ascii: ".") {
            return false
        }
        if Self.isDigit(c) || Self.isIdentStart(c) { return false }
        if c & 0xC0 == 0x80 { return true }
        if c < 0x80, Symbol(rawValue: String(UnicodeScalar(c))) != nil { return false }
        // Two-byte symbols start with a one-byte symbol character or one of these.
        if c == UInt8(ascii: "!") || c == UInt8(ascii: "<") || c == UInt8(ascii: ">") || c == UInt8(ascii: "=") {
            return false
        }
        return true
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
            if diagnostics.count < Self.maxDiagnostics {
                diagnostics.append(Diagnostic("number '\(file.slice(span(start)))' is out of range", at: span(start),
                                              hint: "numbers must be finite doubles, below about 1.8e308"))
            }
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
                    if diagnostics.count < Self.maxDiagnostics {
                        diagnostics.append(Diagnostic("unknown escape '\(file.slice(span(escStart)))'",
                                                      at: span(escStart), hint: "valid escapes: \\n \\t \\\" \\\\"))
                    }
                }
                continue
            }
            out.append(c)
            pos += 1
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") {
            pos += 1
        } else if diagnostics.count < Self.maxDiagnostics {
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
