import NasCore

/// Recursive-descent parser for the grammar in `grammar/nas.ebnf`.
///
/// Newlines end statements, except inside `( )`, `[ ]` and record braces, where they are
/// layout only. On an error the parser records a diagnostic, skips to the next statement and
/// goes on, so one run reports every syntax error in a file.
public struct Parser {
    private let tokens: [Token]
    private var index = 0
    /// One entry per open bracket: true where newlines are insignificant.
    private var newlineInsensitive: [Bool] = [false]
    private var depth = 0
    public private(set) var diagnostics: [Diagnostic]

    /// Deep enough for any real program; shallow enough that recursion never exhausts the stack.
    static let maxDepth = 128
    static let maxHeight = 256
    /// Syntax errors (lexical ones included) after which parsing stops.
    public static let maxDiagnostics = 300

    public init(file: SourceFile) {
        let (tokens, diagnostics) = Lexer.tokenize(file)
        self.tokens = tokens
        self.diagnostics = diagnostics
    }

    /// Parses a whole file; the statements parsed and every diagnostic found.
    public static func parse(_ file: SourceFile) -> (statements: [Stmt], diagnostics: [Diagnostic]) {
        var parser = Parser(file: file)
        let statements = parser.parseProgram()
        return (statements, parser.diagnostics)
    }

    // MARK: - Token access

    private var ignoringNewlines: Bool { newlineInsensitive.last ?? false }

    private mutating func current() -> Token {
        if ignoringNewlines {
            while case .newline = tokens[index].kind { index += 1 }
        }
        return tokens[index]
    }

    /// The token after the current one, without consuming anything (newlines count here).
    private func rawPeek(_ ahead: Int) -> Token {
        tokens[min(index + ahead, tokens.count - 1)]
    }

    @discardableResult
    private mutating func advance() -> Token {
        let t = current()
        if index < tokens.count - 1 { index += 1 }
        return t
    }

    private mutating func check(_ symbol: Symbol) -> Bool {
        if case .symbol(symbol) = current().kind { return true }
        return false
    }

    private mutating func check(_ keyword: Keyword) -> Bool {
        if case .keyword(keyword) = current().kind { return true }
        return false
    }

    private mutating func match(_ symbol: Symbol) -> Bool {
        if check(symbol) { advance(); return true }
        return false
    }

    @discardableResult
    private mutating func expect(_ symbol: Symbol, _ context: String) throws -> Token {
        if check(symbol) { return advance() }
        let t = current()
        throw Diagnostic("expected '\(symbol.rawValue)' \(context), found \(t.describe)", at: t.span)
    }

    private mutating func expectName(_ what: String) throws -> Name {
        let t = current()
        if case .identifier(let s) = t.kind {
            advance()
            return Name(text: s, span: t.span)
        }
        if case .keyword(let k) = t.kind {
            throw Diagnostic("'\(k.rawValue)' is a reserved word and cannot be used as \(what)", at: t.span,
                             hint: "pick another name, e.g. '\(k.rawValue)_'")
        }
        throw Diagnostic("expected \(what), found \(t.describe)", at: t.span)
    }

    private mutating func withNewlines<T>(ignored: Bool, _ body: (inout Parser) throws -> T) rethrows -> T {
        newlineInsensitive.append(ignored)
        defer { newlineInsensitive.removeLast() }
        return try body(&self)
    }

    private mutating func nested<T>(_ span: SourceSpan, _ body: (inout Parser) throws -> T) throws -> T {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth {
            throw Diagnostic("program is nested too deeply (more than \(Self.maxDepth) levels)", at: span)
        }
        return try body(&self)
    }

    // MARK: - Statements

    mutating func parseProgram() -> [Stmt] {
        parseStatements(until: nil)
    }

    /// Statements up to `closer` (a `}`) or the end of input, recovering after each error.
    private mutating func parseStatements(until closer: Symbol?) -> [Stmt] {
        var statements: [Stmt] = []
        while true {
            skipSeparators()
            let t = current()
            if case .end = t.kind { break }
            if let closer, case .symbol(closer) = t.kind { break }
            // Past this many errors the input is not a program being edited but junk; stop, so
            // a megabyte of it costs a bounded report.
            if diagnostics.count >= Self.maxDiagnostics {
                index = tokens.count - 1
                break
            }
            let start = index
            do {
                statements.append(try parseStatement())
                try endStatement()
            } catch let error as Diagnostic {
                diagnostics.append(error)
                synchronize()
                // A stray closer stops synchronize where it began; step over it so parsing goes on.
                if index == start { index += 1 }
            } catch {
                preconditionFailure("parser throws only diagnostics")
            }
        }
        return statements
    }

    private mutating func skipSeparators() {
        while true {
            switch current().kind {
            case .newline, .symbol(.semicolon): advance()
            default: return
            }
        }
    }

    private mutating func endStatement() throws {
        let t = current()
        switch t.kind {
        case .newline, .symbol(.semicolon): advance()
        case .end, .symbol(.rbrace): break
        default:
            throw Diagnostic("expected end of statement, found \(t.describe)", at: t.span,
                             hint: "put each statement on its own line or separate them with ';'")
        }
    }

    /// Skips to the start of the next statement at the current nesting level.
    private mutating func synchronize() {
        var level = 0
        while true {
            let t = tokens[index]
            switch t.kind {
            case .end: return
            case .newline, .symbol(.semicolon):
                if level <= 0 {
                    index += 1
                    return
                }
            case .symbol(.lparen), .symbol(.lbracket), .symbol(.lbrace): level += 1
            case .symbol(.rparen), .symbol(.rbracket): level -= 1
            case .symbol(.rbrace):
                if level <= 0 { return }
                level -= 1
            default: break
            }
            index += 1
        }
    }

    private mutating func parseStatement() throws -> Stmt {
        let t = current()
        return try nested(t.span) { p in
            switch t.kind {
            case .keyword(.use):
                p.advance()
                let s = p.current()
                guard case .string(let path) = s.kind else {
                    throw Diagnostic("expected a module name in quotes after 'use'", at: s.span,
                                     hint: "for example: use \"boards\"")
                }
                p.advance()
                return Stmt(kind: .use(path), span: t.span.to(s.span))
            case .keyword(.fn):
                if case .identifier = p.rawPeek(1).kind {
                    let decl = try p.parseFunction()
                    return Stmt(kind: .function(decl), span: t.span.to(p.previousSpan))
                }
            case .keyword(.for):
                p.advance()
                let variable = try p.expectName("a loop variable")
                guard p.check(.in) else {
                    throw Diagnostic("expected 'in' after the loop variable", at: p.current().span,
                                     hint: "for example: for w in [8, 16, 32] { ... }")
                }
                p.advance()
                let sequence = try p.parseExpression()
                let body = try p.parseBlock("for the loop body")
                return Stmt(kind: .forLoop(variable, sequence, body), span: t.span.to(p.previousSpan))
            case .keyword(.if):
                return try p.parseIf()
            case .keyword(.return):
                p.advance()
                switch p.current().kind {
                case .newline, .end, .symbol(.semicolon), .symbol(.rbrace):
                    return Stmt(kind: .returnValue(nil), span: t.span)
                default:
                    let value = try p.parseExpression()
                    return Stmt(kind: .returnValue(value), span: t.span.to(value.span))
                }
            case .keyword(.show):
                p.advance()
                let value = try p.parseExpression()
                return Stmt(kind: .show(value), span: t.span.to(value.span))
            case .identifier(let word):
                if let decl = try p.parseDeclaration(word, t) { return decl }
            default:
                break
            }
            return try p.parseExpressionStatement()
        }
    }

    private var previousSpan: SourceSpan { tokens[max(0, index - 1)].span }

    private mutating func parseExpressionStatement() throws -> Stmt {
        let target = try parseExpression()
        let t = current()
        let op: BinaryOp?
        switch t.kind {
        case .symbol(.assign): op = nil
        case .symbol(.plusAssign): op = .add
        case .symbol(.minusAssign): op = .subtract
        default: return Stmt(kind: .expression(target), span: target.span)
        }
        switch target.kind {
        case .name, .member, .index: break
        default:
            throw Diagnostic("cannot assign to this expression", at: target.span,
                             hint: "assign to a name (x = 1), a field (budget.ram = 64 KB) or an element (xs[0] = 1)")
        }
        advance()
        let value = try parseExpression()
        return Stmt(kind: .assign(target, op, value), span: target.span.to(value.span))
    }

    private mutating func parseIf() throws -> Stmt {
        let start = advance().span
        let condition = try parseExpression()
        let then = try parseBlock("after the condition")
        var otherwise: [Stmt]?
        // `else` may follow the closing brace on the next line.
        var look = index
        while case .newline = tokens[look].kind { look += 1 }
        if case .keyword(.else) = tokens[look].kind {
            index = look + 1
            if check(.if) {
                otherwise = [try nested(current().span) { try $0.parseIf() }]
            } else {
                otherwise = try parseBlock("after 'else'")
            }
        }
        return Stmt(kind: .ifElse(condition, then, otherwise), span: start.to(previousSpan))
    }

    private mutating func parseBlock(_ context: String) throws -> [Stmt] {
        try expect(.lbrace, context)
        let body = withNewlines(ignored: false) { $0.parseStatements(until: .rbrace) }
        try expect(.rbrace, "to close the block")
        return body
    }

    /// `fn name(params) { body }`, `fn name(params) = expr`, and the nameless forms.
    private mutating func parseFunction() throws -> FunctionDecl {
        advance()  // fn
        var name: Name?
        if case .identifier = current().kind { name = try expectName("a function name") }
        try expect(.lparen, "to start the parameter list")
        let parameters = try withNewlines(ignored: true) { p -> [Parameter] in
            var params: [Parameter] = []
            while !p.check(.rparen) {
                let pname = try p.expectName("a parameter name")
                if params.contains(where: { $0.name.text == pname.text }) {
                    throw Diagnostic("duplicate parameter '\(pname.text)'", at: pname.span)
                }
                var defaultValue: Expr?
                if p.match(.assign) { defaultValue = try p.parseExpression() }
                params.append(Parameter(name: pname, defaultValue: defaultValue))
                if !p.match(.comma) { break }
            }
            try p.expect(.rparen, "to close the parameter list")
            return params
        }
        if check(.assign) {
            let equals = advance()
            if check(.lbrace), !startsRecordLiteral(at: index) {
                throw Diagnostic("a function body block follows the parameters without '='", at: equals.span,
                                 hint: "write fn name(...) { ... }, or fn name(...) = expression")
            }
            let value = try parseExpression()
            return FunctionDecl(name: name, parameters: parameters,
                                body: [Stmt(kind: .returnValue(value), span: value.span)])
        }
        guard check(.lbrace) else {
            throw Diagnostic("expected '=' or '{' after the parameters, found \(current().describe)",
                             at: current().span, hint: "fn area(w, h) = w * h   or   fn area(w, h) { return w * h }")
        }
        return FunctionDecl(name: name, parameters: parameters, body: try parseBlock("for the function body"))
    }

    /// Whether the `{` at `position` opens a record (`{}` or `{name: ...`) rather than a block.
    private func startsRecordLiteral(at position: Int) -> Bool {
        var i = position + 1
        while i < tokens.count, case .newline = tokens[i].kind { i += 1 }
        guard i < tokens.count else { return false }
        if case .symbol(.rbrace) = tokens[i].kind { return true }
        guard case .identifier = tokens[i].kind else { return false }
        var j = i + 1
        while j < tokens.count, case .newline = tokens[j].kind { j += 1 }
        if j < tokens.count, case .symbol(.colon) = tokens[j].kind { return true }
        return false
    }

    // MARK: - Declarations: space, objectives, budget

    /// Recognizes `space name {`, `objectives [name] {`, `budget [name] {`, `export name ...` and
    /// `save name(...) to ...`;
    /// nil otherwise.
    private mutating func parseDeclaration(_ word: String, _ start: Token) throws -> Stmt? {
        func isBrace(_ t: Token) -> Bool { if case .symbol(.lbrace) = t.kind { return true }; return false }
        func isIdent(_ t: Token) -> Bool { if case .identifier = t.kind { return true }; return false }
        let named = isIdent(rawPeek(1)) && isBrace(rawPeek(2))
        switch word {
        case "space" where named:
            advance()
            let name = try expectName("a space name")
            let entries = try parseDeclarationBody { try $0.parseSpaceEntry() }
            return Stmt(kind: .space(name, entries), span: start.span.to(previousSpan))
        case "objectives" where named || isBrace(rawPeek(1)):
            advance()
            let name = named ? try expectName("a name") : nil
            let entries = try parseDeclarationBody { try $0.parseObjective() }
            return Stmt(kind: .objectives(name, entries), span: start.span.to(previousSpan))
        case "budget" where named || isBrace(rawPeek(1)):
            advance()
            let name = named ? try expectName("a name") : nil
            let entries = try parseDeclarationBody { try $0.parseConstraint() }
            return Stmt(kind: .budget(name, entries), span: start.span.to(previousSpan))
        case "export" where isIdent(rawPeek(1)):
            return try parseExport(start)
        case "save" where isIdent(rawPeek(1)):
            return try parseSave(start)
        default:
            return nil
        }
    }

    /// `export model [as c|tflite] to path`: sugar for the call `export(model, to: path, format:)`,
    /// so the statement and the builtin are one feature. `export(` stays an ordinary call.
    private mutating func parseExport(_ start: Token) throws -> Stmt {
        advance()
        let model = try parseExpression()
        var format = "c"
        if case .identifier("as") = current().kind {
            advance()
            let name = try expectName("a format after 'as'")
            guard ["c", "tflite"].contains(name.text) else {
                throw Diagnostic("unknown export format '\(name.text)'", at: name.span,
                                 hint: "export model to \"dir\" writes C sources; export model as tflite to \"m.tflite\"")
            }
            format = name.text
        }
        guard case .identifier("to") = current().kind else {
            throw Diagnostic("expected 'to' and a path after the model to export, found \(current().describe)", at: current().span,
                             hint: "for example: export r.model to \"out\"")
        }
        let to = Name(text: "to", span: advance().span)
        let path = try parseExpression()
        let span = start.span.to(path.span)
        let callee = Expr(kind: .name("export"), span: start.span)
        let arguments = [Argument(label: nil, value: model), Argument(label: to, value: path),
                         Argument(label: Name(text: "format", span: span), value: Expr(kind: .string(format), span: span))]
        return Stmt(kind: .expression(Expr(kind: .call(callee, arguments), span: span)), span: span)
    }

    /// `save plot(s, x: ram, y: accuracy) to "front.svg"`: sugar for the same call with `to:`, so
    /// any builtin that writes files when given `to:` (plot, bars) can be saved this way.
    private mutating func parseSave(_ start: Token) throws -> Stmt {
        advance()
        let call = try parseExpression()
        guard case .call(let callee, let arguments) = call.kind else {
            throw Diagnostic("'save' needs a call such as plot(...) to save", at: call.span,
                             hint: "save plot(s, x: ram, y: accuracy) to \"front.svg\"")
        }
        guard case .identifier("to") = current().kind else {
            throw Diagnostic("expected 'to' and a file after what to save, found \(current().describe)", at: current().span,
                             hint: "save plot(s, x: ram, y: accuracy) to \"front.svg\"")
        }
        let to = Name(text: "to", span: advance().span)
        let path = try parseExpression()
        let span = start.span.to(path.span)
        return Stmt(kind: .expression(Expr(kind: .call(callee, arguments + [Argument(label: to, value: path)]), span: span)), span: span)
    }

    private mutating func parseDeclarationBody<T>(_ entry: (inout Parser) throws -> T) throws -> [T] {
        try expect(.lbrace, "to open the block")
        var entries: [T] = []
        try withNewlines(ignored: false) { p in
            while true {
                p.skipSeparators()
                if p.check(.rbrace) { break }
                if case .end = p.current().kind {
                    throw Diagnostic("unclosed block: expected '}'", at: p.current().span)
                }
                do {
                    entries.append(try entry(&p))
                    try p.endStatement()
                } catch let error as Diagnostic {
                    p.diagnostics.append(error)
                    p.synchronize()
                }
            }
        }
        try expect(.rbrace, "to close the block")
        return entries
    }

    private mutating func parseSpaceEntry() throws -> SpaceEntry {
        let name = try expectName("a parameter name")
        if match(.assign) {
            let value = try parseExpression()
            return SpaceEntry(name: name, domain: .fixed(value), perLayer: false, span: name.span.to(value.span))
        }
        guard check(.in) else {
            throw Diagnostic("expected 'in' or '=' after '\(name.text)'", at: current().span,
                             hint: "width in [8, 16, 32]   depth in 1..4   lr in 1e-3 ~ 1e-1 log   epochs = 5")
        }
        advance()
        let low = try parseExpression()
        var domain = SpaceEntry.Domain.values(low)
        if match(.tilde) {
            let high = try parseExpression()
            var log = false
            if case .identifier("log") = current().kind {
                advance()
                log = true
            }
            domain = .interval(low, high, log: log)
        }
        var perLayer = false
        if case .identifier("per") = current().kind {
            advance()
            guard case .identifier("layer") = current().kind else {
                throw Diagnostic("expected 'layer' after 'per'", at: current().span)
            }
            advance()
            perLayer = true
        }
        return SpaceEntry(name: name, domain: domain, perLayer: perLayer, span: name.span.to(previousSpan))
    }

    private mutating func parseObjective() throws -> ObjectiveDecl {
        let t = current()
        guard case .identifier(let word) = t.kind, word == "maximize" || word == "minimize" else {
            throw Diagnostic("expected 'maximize' or 'minimize', found \(t.describe)", at: t.span,
                             hint: Suggestions.hint(for: t.span.file.slice(t.span), in: ["maximize", "minimize"]))
        }
        advance()
        let name = try expectName("a metric name")
        return ObjectiveDecl(direction: word == "maximize" ? .maximize : .minimize, metric: try Metric.named(name), metricSpan: name.span,
                             span: t.span.to(name.span))
    }

    private mutating func parseConstraint() throws -> ConstraintDecl {
        let name = try expectName("a metric name")
        let metric = try Metric.named(name)
        let t = advance()
        let comparison: Constraint.Comparison
        switch t.kind {
        case .symbol(.lessEqual): comparison = .lessOrEqual
        case .symbol(.less): comparison = .less
        case .symbol(.greaterEqual): comparison = .greaterOrEqual
        case .symbol(.greater): comparison = .greater
        default:
            throw Diagnostic("expected a comparison (<=, <, >=, >) after '\(name.text)', found \(t.describe)",
                             at: t.span, hint: "for example: ram <= 256 KB")
        }
        let limit = try parseExpression()
        return ConstraintDecl(metric: metric, metricSpan: name.span, comparison: comparison, limit: limit, span: name.span.to(limit.span))
    }

    // MARK: - Expressions

    public mutating func parseExpression() throws -> Expr {
        let expr = try nested(current().span) { try $0.parseOr() }
        if expr.height > Self.maxHeight {
            throw Diagnostic("expression is too long (more than \(Self.maxHeight) operations deep)", at: expr.span,
                             hint: "split it into several assignments")
        }
        return expr
    }

    private mutating func parseOr() throws -> Expr {
        var left = try parseAnd()
        while check(.or) {
            advance()
            let right = try parseAnd()
            left = Expr(kind: .binary(.or, left, right), span: left.span.to(right.span))
        }
        return left
    }

    private mutating func parseAnd() throws -> Expr {
        var left = try parseNot()
        while check(.and) {
            advance()
            let right = try parseNot()
            left = Expr(kind: .binary(.and, left, right), span: left.span.to(right.span))
        }
        return left
    }

    private mutating func parseNot() throws -> Expr {
        if check(.not) {
            let start = advance().span
            let operand = try nested(start) { try $0.parseNot() }
            return Expr(kind: .unary(.not, operand), span: start.to(operand.span))
        }
        return try parseComparison()
    }

    private mutating func comparisonOp() -> BinaryOp? {
        switch current().kind {
        case .symbol(.equal): return .equal
        case .symbol(.notEqual): return .notEqual
        case .symbol(.less): return .less
        case .symbol(.lessEqual): return .lessEqual
        case .symbol(.greater): return .greater
        case .symbol(.greaterEqual): return .greaterEqual
        default: return nil
        }
    }

    private mutating func parseComparison() throws -> Expr {
        let left = try parseRange()
        guard let op = comparisonOp() else { return left }
        advance()
        let right = try parseRange()
        if comparisonOp() != nil {
            throw Diagnostic("comparisons cannot be chained", at: current().span,
                             hint: "write a < b and b < c")
        }
        return Expr(kind: .binary(op, left, right), span: left.span.to(right.span))
    }

    private mutating func parseRange() throws -> Expr {
        let left = try parseAdditive()
        guard match(.dotdot) else { return left }
        let right = try parseAdditive()
        return Expr(kind: .range(left, right), span: left.span.to(right.span))
    }

    private mutating func parseAdditive() throws -> Expr {
        var left = try parseMultiplicative()
        while true {
            let op: BinaryOp
            if check(.plus) { op = .add } else if check(.minus) { op = .subtract } else { return left }
            advance()
            let right = try parseMultiplicative()
            left = Expr(kind: .binary(op, left, right), span: left.span.to(right.span))
        }
    }

    private mutating func parseMultiplicative() throws -> Expr {
        var left = try parseUnary()
        while true {
            let op: BinaryOp
            if check(.star) { op = .multiply } else if check(.slash) { op = .divide }
            else if check(.percent) { op = .remainder } else { return left }
            advance()
            let right = try parseUnary()
            left = Expr(kind: .binary(op, left, right), span: left.span.to(right.span))
        }
    }

    private mutating func parseUnary() throws -> Expr {
        if check(.minus) {
            let start = advance().span
            let operand = try nested(start) { try $0.parseUnary() }
            return Expr(kind: .unary(.negate, operand), span: start.to(operand.span))
        }
        return try parsePostfix()
    }

    private mutating func parsePostfix() throws -> Expr {
        var expr = try parsePrimary()
        while true {
            // A call or index must start on the same line as its callee.
            let next = rawPeek(0)
            if case .symbol(.lparen) = next.kind {
                advance()
                let args = try withNewlines(ignored: true) { try $0.parseArguments() }
                expr = Expr(kind: .call(expr, args), span: expr.span.to(previousSpan))
            } else if case .symbol(.lbracket) = next.kind {
                advance()
                let key = try withNewlines(ignored: true) { p -> Expr in
                    let key = try p.parseExpression()
                    try p.expect(.rbracket, "to close the index")
                    return key
                }
                expr = Expr(kind: .index(expr, key), span: expr.span.to(previousSpan))
            } else if check(.dot) {
                advance()
                let name = try expectName("a member name after '.'")
                expr = Expr(kind: .member(expr, name), span: expr.span.to(name.span))
            } else {
                return expr
            }
        }
    }

    private mutating func parseArguments() throws -> [Argument] {
        var args: [Argument] = []
        while !check(.rparen) {
            var label: Name?
            if case .identifier(let s) = current().kind, case .symbol(.colon) = rawPeekSkippingNewlines(1) {
                label = Name(text: s, span: current().span)
                advance()
                advance()
            }
            let value = try parseExpression()
            if let label {
                if args.contains(where: { $0.label?.text == label.text }) {
                    throw Diagnostic("argument '\(label.text)' given twice", at: label.span)
                }
            } else if let named = args.last?.label {
                throw Diagnostic("positional argument after named argument '\(named.text)'", at: value.span,
                                 hint: "put positional arguments first")
            }
            args.append(Argument(label: label, value: value))
            if !match(.comma) { break }
        }
        try expect(.rparen, "to close the argument list")
        return args
    }

    private func rawPeekSkippingNewlines(_ ahead: Int) -> TokenKind {
        var i = index, seen = 0
        while i < tokens.count - 1 {
            if case .newline = tokens[i].kind { i += 1; continue }
            if seen == ahead { return tokens[i].kind }
            seen += 1
            i += 1
        }
        return .end
    }

    private mutating func parsePrimary() throws -> Expr {
        let t = current()
        switch t.kind {
        case .number(let value):
            advance()
            // A unit is the identifier right after the number, on the same line.
            if case .identifier(let unit) = rawPeek(0).kind, UnitSuffix.all[unit] != nil {
                let u = advance()
                return Expr(kind: .number(value, unit: unit), span: t.span.to(u.span))
            }
            return Expr(kind: .number(value, unit: nil), span: t.span)
        case .string(let s):
            advance()
            return Expr(kind: .string(s), span: t.span)
        case .keyword(.true):
            advance()
            return Expr(kind: .bool(true), span: t.span)
        case .keyword(.false):
            advance()
            return Expr(kind: .bool(false), span: t.span)
        case .keyword(.none):
            advance()
            return Expr(kind: .none, span: t.span)
        case .identifier(let s):
            advance()
            return Expr(kind: .name(s), span: t.span)
        case .keyword(.fn):
            let decl = try parseFunction()
            return Expr(kind: .function(decl), span: t.span.to(previousSpan))
        case .symbol(.lparen):
            advance()
            return try withNewlines(ignored: true) { p in
                let inner = try p.parseExpression()
                try p.expect(.rparen, "to close the parenthesis")
                return Expr(kind: inner.kind, span: t.span.to(p.previousSpan))
            }
        case .symbol(.lbracket):
            advance()
            return try withNewlines(ignored: true) { p in
                var items: [Expr] = []
                while !p.check(.rbracket) {
                    items.append(try p.parseExpression())
                    if !p.match(.comma) { break }
                }
                try p.expect(.rbracket, "to close the list")
                return Expr(kind: .list(items), span: t.span.to(p.previousSpan))
            }
        case .symbol(.lbrace):
            advance()
            return try withNewlines(ignored: true) { p in
                var fields: [Field] = []
                while !p.check(.rbrace) {
                    let name = try p.expectName("a field name")
                    if fields.contains(where: { $0.name.text == name.text }) {
                        throw Diagnostic("duplicate field '\(name.text)'", at: name.span)
                    }
                    try p.expect(.colon, "after the field name")
                    fields.append(Field(name: name, value: try p.parseExpression()))
                    if !p.match(.comma) { break }
                }
                try p.expect(.rbrace, "to close the record")
                return Expr(kind: .record(fields), span: t.span.to(p.previousSpan))
            }
        default:
            throw Diagnostic("expected an expression, found \(t.describe)", at: t.span)
        }
    }
}
