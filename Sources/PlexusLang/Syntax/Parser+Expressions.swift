/// Expressions by precedence climbing, as Lua's `lparser.c` parses them (`subexpr` with a table of
/// left and right priorities): one recursive call per operand rather than one per precedence level,
/// so nesting costs few stack frames.
///
/// Priorities, lowest first: `|>`, `or`, `and`, `not` (prefix), comparisons, `..`, `+ -`, `* / %`,
/// unary `-` (prefix), `**` (right associative: its right priority is below its left).
extension Parser {
    static let notPriority = 4
    static let comparisonPriority = 5
    static let rangePriority = 6
    static let unaryMinusPriority = 9

    /// Left and right priority of a binary operator token (nil for any other token).
    static func priority(_ kind: TokenKind) -> (left: Int, right: Int)? {
        switch kind {
        case .pipe: return (1, 1)
        case .kwOr: return (2, 2)
        case .kwAnd: return (3, 3)
        case .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual:
            return (comparisonPriority, comparisonPriority)
        case .dotDot: return (rangePriority, rangePriority)
        case .plus, .minus: return (7, 7)
        case .star, .slash, .slashSlash, .percent: return (8, 8)
        case .starStar: return (11, 10)
        default: return nil
        }
    }

    // expr -> subexpr(0)
    mutating func expression() throws -> Expr {
        try subexpression(0)
    }

    // subexpr -> ( postfix | 'not' subexpr | '-' subexpr ) { binop subexpr }
    //   where binop is any binary operator with a left priority higher than 'limit'
    mutating func subexpression(_ limit: Int) throws -> Expr {
        try enter(at: peek)
        var levels = 1
        defer { depth -= levels }
        var left = try prefixOperand()
        var previous: TokenKind?
        while let (leftPriority, rightPriority) = Parser.priority(peek.kind), leftPriority > limit {
            // Comparisons and ranges do not chain: `a < b < c` and `1..2..3` are mistakes.
            if let p = previous, leftPriority == Parser.comparisonPriority || leftPriority == Parser.rangePriority,
               Parser.priority(p)?.left == leftPriority {
                throw chainedNonAssociative(leftPriority)
            }
            let op = advance()
            // Each link deepens the tree (evaluating and freeing it recurses once per link).
            try enter(at: op)
            levels += 1
            let right = try subexpression(rightPriority)
            left = Expr(Parser.combine(op.kind, left, right), left.span.through(right.span))
            previous = op.kind
        }
        return left
    }

    /// `not x`, `-x`, or a postfix expression.
    mutating func prefixOperand() throws -> Expr {
        switch peek.kind {
        case .kwNot:
            let op = advance()
            let operand = try subexpression(Parser.notPriority)
            return Expr(.not(operand), op.span.through(operand.span))
        case .minus:
            let op = advance()
            let operand = try subexpression(Parser.unaryMinusPriority)
            return Expr(.unary(.negate, operand), op.span.through(operand.span))
        default:
            return try postfix()
        }
    }

    static func combine(_ kind: TokenKind, _ a: Expr, _ b: Expr) -> ExprKind {
        switch kind {
        case .pipe: return .pipe(a, b)
        case .kwOr: return .logical(.or, a, b)
        case .kwAnd: return .logical(.and, a, b)
        case .dotDot: return .range(a, b)
        case .plus: return .binary(.add, a, b)
        case .minus: return .binary(.subtract, a, b)
        case .star: return .binary(.multiply, a, b)
        case .slash: return .binary(.divide, a, b)
        case .slashSlash: return .binary(.floorDivide, a, b)
        case .percent: return .binary(.remainder, a, b)
        case .starStar: return .binary(.power, a, b)
        case .equalEqual: return .binary(.equal, a, b)
        case .bangEqual: return .binary(.notEqual, a, b)
        case .less: return .binary(.less, a, b)
        case .lessEqual: return .binary(.lessEqual, a, b)
        case .greater: return .binary(.greater, a, b)
        case .greaterEqual: return .binary(.greaterEqual, a, b)
        default: assertionFailure("priority() admits only the tokens above"); return .binary(.greaterEqual, a, b)  // invariant
        }
    }

    @inline(never)
    func chainedNonAssociative(_ priority: Int) -> ParseError {
        priority == Parser.comparisonPriority
            ? errorHere("comparisons cannot be chained", suggestion: "write 'a < b and b < c'")
            : errorHere("ranges cannot be chained")
    }

    // postfix -> primary { '(' [ args ] ')' | '[' expr ']' | '.' NAME }
    mutating func postfix() throws -> Expr {
        var e = try primary()
        var links = 0
        defer { depth -= links }
        while true {
            switch peek.kind {
            case .leftParen:
                try enter(at: peek); links += 1
                e = try callSuffix(e)
            case .leftBracket:
                try enter(at: peek); links += 1
                e = try indexSuffix(e)
            case .dot:
                try enter(at: peek); links += 1
                e = try memberSuffix(e)
            default:
                return e
            }
        }
    }

    // call -> '(' [ args ] ')'
    mutating func callSuffix(_ callee: Expr) throws -> Expr {
        advance()
        let args = try arguments()
        guard let close = match(.rightParen) else { throw unclosedArguments() }
        return Expr(.call(callee, args), callee.span.through(close.span))
    }

    @inline(never)
    func unclosedArguments() -> ParseError {
        expectedError("',' or ')' in the argument list",
                      suggestion: check(.equal) ? "keyword arguments are written 'name: value'" : nil)
    }

    // index -> '[' expr ']'
    mutating func indexSuffix(_ base: Expr) throws -> Expr {
        advance()
        let index = try expression()
        let close = try expect(.rightBracket, "to close the index")
        return Expr(.index(base, index), base.span.through(close.span))
    }

    // member -> '.' NAME
    mutating func memberSuffix(_ base: Expr) throws -> Expr {
        advance()
        guard case .identifier(let name) = peek.kind else { throw expectedError("a member name after '.'") }
        let nameToken = advance()
        return Expr(.member(base, name: name, nameSpan: nameToken.span), base.span.through(nameToken.span))
    }

    // args -> arg { ',' arg } [',']          arg -> [ NAME ':' ] expr
    mutating func arguments() throws -> [Argument] {
        var args: [Argument] = []
        while !check(.rightParen) {
            args.append(try argument(after: args))
            if match(.comma) == nil { break }
        }
        return args
    }

    mutating func argument(after previous: [Argument]) throws -> Argument {
        if case .identifier(let label) = peek.kind, peekKind(1) == .colon {
            if previous.contains(where: { $0.label == label }) { throw repeatedKeyword(label) }
            let labelToken = advance()
            advance() // ':'
            return Argument(label: label, labelSpan: labelToken.span, value: try expression())
        }
        let value = try expression()
        if previous.last?.label != nil { throw positionalAfterKeyword(value.span) }
        return Argument(value: value)
    }

    @inline(never)
    func repeatedKeyword(_ label: String) -> ParseError {
        errorHere("keyword argument '\(label)' given twice")
    }

    @inline(never)
    func positionalAfterKeyword(_ span: SourceSpan) -> ParseError {
        error("positional argument after keyword arguments", span: span, suggestion: "put positional arguments first")
    }

    // primary -> NUMBER | STRING | 'true' | 'false' | 'none' | NAME | parenthesized | list
    mutating func primary() throws -> Expr {
        let kind: ExprKind
        switch peek.kind {
        case .number(let v): kind = .number(v)
        case .string(let s): kind = .string(s)
        case .kwTrue: kind = .bool(true)
        case .kwFalse: kind = .bool(false)
        case .kwNone: kind = .noneLiteral
        case .identifier(let name): kind = .name(name)
        case .leftParen: return try parenthesized()
        case .leftBracket: return try listLiteral()
        default: throw expectedError("an expression")
        }
        return Expr(kind, advance().span)
    }

    // parenthesized -> '(' ')' | '(' expr ')' | '(' expr ',' [ expr { ',' expr } [','] ] ')'
    mutating func parenthesized() throws -> Expr {
        let open = advance()
        if check(.rightParen) { return Expr(.tuple([]), open.span.through(advance().span)) }
        return try parenthesizedRest(open, try expression())
    }

    mutating func parenthesizedRest(_ open: Token, _ first: Expr) throws -> Expr {
        if let close = match(.rightParen) {
            var e = first
            e.span = open.span.through(close.span)
            return e
        }
        guard match(.comma) != nil else { throw expectedError("')' or ',' after the expression") }
        var items = [first]
        while !check(.rightParen) {
            items.append(try expression())
            if match(.comma) == nil { break }
        }
        let close = try expect(.rightParen, "to close the tuple")
        return Expr(.tuple(items), open.span.through(close.span))
    }

    // list -> '[' [ expr { ',' expr } [','] ] ']'
    mutating func listLiteral() throws -> Expr {
        let open = advance()
        var items: [Expr] = []
        while !check(.rightBracket) {
            items.append(try expression())
            if match(.comma) == nil { break }
        }
        let close = try expect(.rightBracket, "to close the list")
        return Expr(.list(items), open.span.through(close.span))
    }
}
