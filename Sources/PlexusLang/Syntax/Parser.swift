/// The result of parsing a piece of source.
public enum ParseOutcome: Equatable {
    case complete([Stmt])
    /// The source stops in the middle of a statement (inside an open bracket or brace, after `|>`,
    /// `,` or an operator): the REPL reads another line instead of reporting an error. The
    /// diagnostic is what to report if no more input comes (end of a script file).
    case incomplete(Diagnostic)
    case failure(Diagnostic)
}

/// A syntax error, and whether it was found at the end of the input (the Lua `lua.c` trick: an
/// error at `<eof>` means "read another line").
struct ParseError: Error {
    var diagnostic: Diagnostic
    var atEnd: Bool
}

/// A recursive-descent parser. Each function opens with the grammar production it parses.
///
/// Precedence, lowest first: `|>`, `or`, `and`, `not`, comparisons, `..`, `+ -`, `* / %`, unary `-`,
/// `**` (right associative), then calls, indexing and member access.
public struct Parser {
    /// Deeper nesting (brackets, blocks, operator chains) is an error rather than a stack overflow.
    public static let maxDepth = 200

    let tokens: [Token]
    var current = 0
    var depth = 0
    /// How many `def` bodies enclose the current statement (`return` is legal only inside one).
    var functionDepth = 0
    /// How many blocks enclose the current statement (meta commands are legal only at top level).
    var blockDepth = 0

    init(tokens: [Token]) {
        self.tokens = tokens
    }

    /// Lexes and parses a whole source.
    public static func parse(_ source: SourceFile) -> ParseOutcome {
        let tokens: [Token]
        do {
            tokens = try Lexer.tokenize(source)
        } catch let d as Diagnostic {
            return .failure(d)
        } catch {
            // invariant: the lexer throws only diagnostics.
            assertionFailure("the lexer threw \(error)")
            return .failure(Diagnostic("\(error)", at: SourceSpan(source: source, start: SourceLocation(line: 1, column: 1, offset: 0), length: 0)))
        }
        var parser = Parser(tokens: tokens)
        do {
            return .complete(try parser.program())
        } catch let e as ParseError {
            return e.atEnd ? .incomplete(e.diagnostic) : .failure(e.diagnostic)
        } catch let d as Diagnostic {
            return .failure(d)
        } catch {
            return .failure(Diagnostic("\(error)", at: parser.peek.span))
        }
    }

    /// Parses source text (a convenience for tests and the shell).
    public static func parse(_ text: String, name: String = "<input>") -> ParseOutcome {
        parse(SourceFile(name: name, text: text))
    }

    // MARK: - Token helpers

    /// The current token; the token list always ends with `.eof`, which is never consumed.
    var peek: Token { tokens[min(current, tokens.count - 1)] }

    func peekKind(_ ahead: Int) -> TokenKind {
        tokens[min(current + ahead, tokens.count - 1)].kind
    }

    func check(_ kind: TokenKind) -> Bool { peek.kind == kind }

    @discardableResult
    mutating func advance() -> Token {
        let token = peek
        if current < tokens.count - 1 { current += 1 }
        return token
    }

    mutating func match(_ kind: TokenKind) -> Token? {
        check(kind) ? advance() : nil
    }

    mutating func expect(_ kind: TokenKind, _ context: String, suggestion: String? = nil) throws -> Token {
        if let token = match(kind) { return token }
        throw expectedError("'\(kind.spelling)' \(context)", suggestion: suggestion)
    }

    // Errors are built out of line: debug builds give every temporary of a function its own stack
    // slot, and message building inside the recursive functions would multiply their frames.

    /// "expected X, found Y" at the current token.
    @inline(never)
    func expectedError(_ what: String, suggestion: String? = nil) -> ParseError {
        error("expected \(what), found \(peek.kind.display)", at: peek, suggestion: suggestion)
    }

    /// An error at the current token.
    @inline(never)
    func errorHere(_ message: String, suggestion: String? = nil) -> ParseError {
        error(message, at: peek, suggestion: suggestion)
    }

    @inline(never)
    func error(_ message: String, at token: Token, suggestion: String? = nil) -> ParseError {
        ParseError(diagnostic: Diagnostic(message, at: token.span, suggestion: suggestion),
                   atEnd: token.kind == .eof)
    }

    func error(_ message: String, span: SourceSpan, suggestion: String? = nil) -> ParseError {
        ParseError(diagnostic: Diagnostic(message, at: span, suggestion: suggestion), atEnd: false)
    }

    /// Enters one level of nesting; callers undo it with `depth -= 1`.
    mutating func enter(at token: Token) throws {
        depth += 1
        if depth > Parser.maxDepth || StackGuard.isNearlyExhausted() { throw tooDeep(token) }
    }

    @inline(never)
    func tooDeep(_ token: Token) -> ParseError {
        let limit = depth > Parser.maxDepth ? "more than \(Parser.maxDepth) levels"
            : "the stack runs out at \(depth) levels"
        return ParseError(
            diagnostic: Diagnostic("nesting too deep: \(limit) of brackets, blocks or chained operators",
                                   at: token.span, suggestion: "split it into smaller statements with variables"),
            atEnd: false)
    }

    mutating func skipSeparators() {
        while check(.newline) || check(.semicolon) { advance() }
    }

    // MARK: - Statements

    // program -> { sep } { statement { sep } } EOF        sep -> NEWLINE | ';'
    mutating func program() throws -> [Stmt] {
        var statements: [Stmt] = []
        skipSeparators()
        while !check(.eof) {
            statements.append(try statement())
            try endOfStatement()
            skipSeparators()
        }
        return statements
    }

    /// A statement ends at a newline, `;`, the end of input, or the `}` closing its block.
    mutating func endOfStatement() throws {
        switch peek.kind {
        case .newline, .semicolon, .eof: return
        case .rightBrace where blockDepth > 0: return
        case .equal:
            throw error("unexpected '=' after the statement", at: peek,
                        suggestion: "assign to a name (x = ...) or compare with '=='")
        default:
            try rejectIs()
            throw error("expected end of statement (a newline or ';'), found \(peek.kind.display)", at: peek)
        }
    }

    // statement -> meta | def | for | if | try | return | simple
    mutating func statement() throws -> Stmt {
        let token = peek
        switch token.kind {
        case .meta(let name, let argument):
            guard blockDepth == 0 else {
                throw error("meta command ':\(name)' inside a block", at: token,
                            suggestion: "meta commands run at the top level of a session or script")
            }
            advance()
            return Stmt(.meta(name: name, argument: argument, span: token.span), token.span)
        case .kwDef: return try defStatement()
        case .kwFor: return try forStatement()
        case .kwIf: return try ifStatement()
        case .kwReturn: return try returnStatement()
        case .kwTry: return try tryStatement()
        case .kwCatch:
            throw error("'catch' without a 'try'", at: token,
                        suggestion: "put 'catch' after the '}' that closes the try block")
        case .kwElse:
            throw error("'else' without an 'if'", at: token,
                        suggestion: "put 'else' after the '}' that closes the if block")
        default: return try simpleStatement()
        }
    }

    // simple -> exprlist [ '=' exprlist ]          exprlist -> expr { ',' expr }
    mutating func simpleStatement() throws -> Stmt {
        let left = try expressionList()
        guard let equal = match(.equal) else {
            return Stmt(.expression(left), left.span)
        }
        let target = try assignmentTarget(left, equal: equal)
        let right = try expressionList()
        if check(.equal) {
            throw error("chained assignment (a = b = c) is not supported", at: peek,
                        suggestion: "assign in two statements")
        }
        return Stmt(.assign(target, right), left.span.through(right.span))
    }

    // exprlist -> expr { ',' expr }      (two or more make a tuple)
    mutating func expressionList() throws -> Expr {
        let first = try expression()
        guard check(.comma) else { return first }
        var items = [first]
        while match(.comma) != nil {
            items.append(try expression())
        }
        return Expr(.tuple(items), first.span.through(items[items.count - 1].span))
    }

    /// Turns the left side of `=` into what it binds: a name or a (nested) tuple of names.
    func assignmentTarget(_ e: Expr, equal: Token) throws -> Target {
        switch e.kind {
        case .name(let n):
            return .name(n, e.span)
        case .tuple(let items), .list(let items):
            return .tuple(try items.map { try assignmentTarget($0, equal: equal) }, e.span)
        case .member, .index:
            throw error("cannot assign to a member or an element", span: e.span,
                        suggestion: "values are immutable; build a new one and assign it to a name")
        default:
            throw error("cannot assign to this expression", span: e.span,
                        suggestion: "the left side of '=' must be a name or a tuple of names; use '==' to compare")
        }
    }

    // def -> 'def' NAME '(' [ param { ',' param } [','] ] ')' block       param -> NAME [ ':' expr ]
    mutating func defStatement() throws -> Stmt {
        let defToken = advance()
        guard case .identifier(let name) = peek.kind else {
            throw error("expected a function name after 'def', found \(peek.kind.display)", at: peek)
        }
        let nameToken = advance()
        _ = try expect(.leftParen, "after the function name")
        var parameters: [Parameter] = []
        while !check(.rightParen) {
            guard case .identifier(let p) = peek.kind else {
                throw error("expected a parameter name, found \(peek.kind.display)", at: peek)
            }
            let pToken = advance()
            if parameters.contains(where: { $0.name == p }) {
                throw error("duplicate parameter '\(p)'", at: pToken)
            }
            var defaultValue: Expr?
            if match(.colon) != nil {
                defaultValue = try expression()
            } else if parameters.last?.defaultValue != nil {
                throw error("parameter '\(p)' without a default follows one with a default", at: pToken,
                            suggestion: "give '\(p)' a default (\(p): value) or move it before the defaulted parameters")
            } else if check(.equal) {
                throw error("defaults are written '\(p): value'", at: peek)
            }
            parameters.append(Parameter(name: p, span: pToken.span, defaultValue: defaultValue))
            if match(.comma) == nil { break }
        }
        _ = try expect(.rightParen, "to close the parameter list")
        functionDepth += 1
        defer { functionDepth -= 1 }
        let (body, close) = try block("the body of '\(name)'")
        let span = defToken.span.through(close.span)
        let decl = FunctionDecl(name: name, nameSpan: nameToken.span, parameters: parameters, body: body, span: span)
        return Stmt(.def(decl), span)
    }

    // for -> 'for' target 'in' expr block
    mutating func forStatement() throws -> Stmt {
        let forToken = advance()
        let target = try forTarget()
        _ = try expect(.kwIn, "after the loop variable")
        let sequence = try expression()
        let (body, close) = try block("the loop body")
        return Stmt(.forLoop(target, sequence, body: body), forToken.span.through(close.span))
    }

    // target -> item { ',' item }      item -> NAME | '(' target [','] ')'
    mutating func forTarget() throws -> Target {
        let first = try targetItem()
        guard check(.comma) else { return first }
        var items = [first]
        while match(.comma) != nil { items.append(try targetItem()) }
        return .tuple(items, first.span.through(items[items.count - 1].span))
    }

    mutating func targetItem() throws -> Target {
        if case .identifier(let name) = peek.kind {
            return .name(name, advance().span)
        }
        if let open = match(.leftParen) {
            try enter(at: open)
            defer { depth -= 1 }
            var items: [Target] = []
            while !check(.rightParen) {
                items.append(try targetItem())
                if match(.comma) == nil { break }
            }
            let close = try expect(.rightParen, "to close the loop variables")
            return .tuple(items, open.span.through(close.span))
        }
        throw error("expected a loop variable name, found \(peek.kind.display)", at: peek)
    }

    // if -> 'if' expr block [ [NEWLINE] 'else' ( if | block ) ]
    mutating func ifStatement() throws -> Stmt {
        let ifToken = advance()
        let condition = try expression()
        if check(.equal) {
            throw error("expected '{' after the if condition, found '='", at: peek,
                        suggestion: "use '==' to compare")
        }
        try rejectIs()
        let (thenBlock, close) = try block("the if body")
        var end = close.span
        // `else` may follow the closing brace on the same line or start the next one.
        if check(.newline), peekKind(1) == .kwElse { advance() }
        guard match(.kwElse) != nil else {
            return Stmt(.ifElse(condition, then: thenBlock, else: nil), ifToken.span.through(end))
        }
        let elseBlock: [Stmt]
        if check(.kwIf) {
            let nested = try nestedIf()
            elseBlock = [nested]
            end = nested.span
        } else {
            let (b, elseClose) = try block("the else body")
            elseBlock = b
            end = elseClose.span
        }
        return Stmt(.ifElse(condition, then: thenBlock, else: elseBlock), ifToken.span.through(end))
    }

    /// Python's `x is none` after an expression: Plexus compares with `==` (`none` is one value).
    func rejectIs() throws {
        guard case .identifier("is") = peek.kind else { return }
        let negated = peekKind(1) == .kwNot
        throw error("'is' is not an operator in Plexus", at: peek,
                    suggestion: negated ? "compare with '!=': x != none" : "compare with '==': x == none")
    }

    // try -> 'try' block [ [NEWLINE] 'catch' [ NAME ] block ]
    mutating func tryStatement() throws -> Stmt {
        let tryToken = advance()
        let (body, close) = try block("the try body")
        // `catch` may follow the closing brace on the same line or start the next one.
        if check(.newline), peekKind(1) == .kwCatch { advance() }
        guard match(.kwCatch) != nil else {
            return Stmt(.tryCatch(body: body, catch: nil), tryToken.span.through(close.span))
        }
        var name: String?
        var nameSpan: SourceSpan?
        if case .identifier(let n) = peek.kind {
            name = n
            nameSpan = advance().span
        }
        let (handler, handlerClose) = try block("the catch body")
        return Stmt(.tryCatch(body: body, catch: CatchClause(name: name, nameSpan: nameSpan, handler: handler)),
                    tryToken.span.through(handlerClose.span))
    }

    /// An `else if` chain counts toward the nesting limit like the blocks it stands for.
    mutating func nestedIf() throws -> Stmt {
        try enter(at: peek)
        defer { depth -= 1 }
        return try ifStatement()
    }

    // return -> 'return' [ exprlist ]
    mutating func returnStatement() throws -> Stmt {
        let token = advance()
        guard functionDepth > 0 else {
            throw error("'return' outside a function", at: token)
        }
        switch peek.kind {
        case .newline, .semicolon, .rightBrace, .eof:
            return Stmt(.return(nil), token.span)
        default:
            let value = try expressionList()
            return Stmt(.return(value), token.span.through(value.span))
        }
    }

    // block -> [NEWLINE] '{' { sep } { statement { sep } } '}'
    mutating func block(_ what: String) throws -> ([Stmt], close: Token) {
        if check(.newline), peekKind(1) == .leftBrace { advance() }
        let open = try expect(.leftBrace, "to open \(what)")
        try enter(at: open)
        blockDepth += 1
        defer { depth -= 1; blockDepth -= 1 }
        var statements: [Stmt] = []
        skipSeparators()
        while !check(.rightBrace) {
            if check(.eof) {
                throw error("expected '}' to close \(what), found end of input", at: peek)
            }
            statements.append(try statement())
            try endOfStatement()
            skipSeparators()
        }
        return (statements, advance())
    }
}
