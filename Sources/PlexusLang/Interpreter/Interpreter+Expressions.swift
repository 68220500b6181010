import PlexusNN
extension Interpreter {
    /// Evaluates an expression. The parser bounds the tree's depth, so this recursion is bounded
    /// within one function body; calls between functions are bounded in `callFunction`.
    ///
    /// A dispatcher handing each compound kind to its own function: debug builds give every
    /// temporary its own stack slot, so one big switch would make each level of recursion cost
    /// kilobytes of stack.
    public func evaluate(_ expr: Expr, in env: Environment) throws -> Value {
        switch expr.kind {
        case .number(let d): return .number(d)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .noneLiteral: return .nothing
        case .name(let name):
            if let v = env.lookup(name) { return v }
            return try builtinOrUnknown(name, in: env, at: expr.span)
        case .tuple, .list: return try evaluateCollection(expr, in: env)
        case .unary, .not: return try evaluatePrefix(expr, in: env)
        case .binary: return try evaluateBinary(expr, in: env)
        case .logical: return try evaluateLogical(expr, in: env)
        case .range: return try evaluateRange(expr, in: env)
        case .pipe: return try evaluatePipe(expr, in: env)
        case .call: return try evaluateCall(expr, in: env)
        case .index, .member: return try evaluateAccess(expr, in: env)
        }
    }

    func evaluateCollection(_ expr: Expr, in env: Environment) throws -> Value {
        let items: [Value]
        switch expr.kind {
        case .tuple(let exprs), .list(let exprs): items = try exprs.map { try evaluate($0, in: env) }
        default: assertionFailure("evaluate dispatches only tuples and lists here"); return .nothing  // invariant
        }
        // Literals are the only way to nest lists: the cap here bounds every walk over values
        // (printing, ==, freeing) far from the end of the stack.
        let depth = 1 + (items.map(\.nesting).max() ?? 0)
        guard depth <= Value.maximumNesting else {
            throw Diagnostic("lists and tuples nest at most \(Value.maximumNesting) deep; this one would nest \(depth) deep", at: expr.span)
        }
        if case .tuple = expr.kind { return .tuple(items) }
        return .list(items)
    }

    func evaluatePrefix(_ expr: Expr, in env: Environment) throws -> Value {
        switch expr.kind {
        case .unary(.negate, let operand):
            let v = try evaluate(operand, in: env)
            if case .number(let d) = v { return .number(-d) }
            if let negated = try networkNegate(v, at: expr.span) { return negated }
            throw cannotNegate(v, at: expr.span)
        case .not(let operand):
            return .bool(!(try condition(operand, in: env, what: "the operand of 'not'")))
        default: assertionFailure("evaluate dispatches only prefix operators here"); return .nothing  // invariant
        }
    }

    func evaluateBinary(_ expr: Expr, in env: Environment) throws -> Value {
        guard case .binary(let op, let left, let right) = expr.kind else { assertionFailure("dispatched"); return .nothing }  // invariant
        let a = try evaluate(left, in: env)
        let b = try evaluate(right, in: env)
        if op == .add, case .number(let x) = a, case .number(let y) = b { return .number(x + y) } // the common case
        return try binary(op, a, b, at: expr.span, leftSpan: left.span, rightSpan: right.span)
    }

    func evaluateLogical(_ expr: Expr, in env: Environment) throws -> Value {
        guard case .logical(let op, let left, let right) = expr.kind else { assertionFailure("dispatched"); return .nothing }  // invariant
        let a = try condition(left, in: env, what: op == .and ? "the left side of 'and'" : "the left side of 'or'")
        if op == .and, !a { return .bool(false) }
        if op == .or, a { return .bool(true) }
        return .bool(try condition(right, in: env, what: op == .and ? "the right side of 'and'" : "the right side of 'or'"))
    }

    func evaluateRange(_ expr: Expr, in env: Environment) throws -> Value {
        guard case .range(let low, let high) = expr.kind else { assertionFailure("dispatched"); return .nothing }  // invariant
        let a = try evaluate(low, in: env), b = try evaluate(high, in: env)
        guard let lo = a.integer else { throw rangeBoundError(a, low.span) }
        guard let hi = b.integer else { throw rangeBoundError(b, high.span) }
        return .range(RangeValue(inclusive: lo, hi))
    }

    func evaluatePipe(_ expr: Expr, in env: Environment) throws -> Value {
        guard case .pipe(let left, let right) = expr.kind else { assertionFailure("dispatched"); return .nothing }  // invariant
        let input = try evaluate(left, in: env)
        let f = try evaluate(right, in: env)
        return try call(f, [CallArgument(value: input, span: left.span)], at: expr.span, calleeSpan: right.span,
                        piped: true)
    }

    func evaluateCall(_ expr: Expr, in env: Environment) throws -> Value {
        guard case .call(let calleeExpr, let argExprs) = expr.kind else { assertionFailure("dispatched"); return .nothing }  // invariant
        let callee = try evaluate(calleeExpr, in: env)
        var args: [CallArgument] = []
        args.reserveCapacity(argExprs.count)
        for a in argExprs {
            args.append(CallArgument(label: a.label, labelSpan: a.labelSpan, value: try evaluate(a.value, in: env),
                                     span: a.value.span))
        }
        return try call(callee, args, at: expr.span, calleeSpan: calleeExpr.span)
    }

    func evaluateAccess(_ expr: Expr, in env: Environment) throws -> Value {
        switch expr.kind {
        case .index(let base, let index):
            let b = try evaluate(base, in: env)
            let i = try evaluate(index, in: env)
            return try self.index(b, i, at: expr.span, indexSpan: index.span)
        case .member(let base, let name, let nameSpan):
            return try member(try evaluate(base, in: env), name, at: nameSpan)
        default: assertionFailure("evaluate dispatches only index and member here"); return .nothing  // invariant
        }
    }

    @inline(never)
    func cannotNegate(_ v: Value, at span: SourceSpan) -> Diagnostic {
        Diagnostic("cannot negate \(v.kindAndValue)", at: span)
    }

    func rangeBoundError(_ v: Value, _ span: SourceSpan) -> Diagnostic {
        Diagnostic("range bounds must be integers, got \(v.kindAndValue)", at: span)
    }

    /// A name not bound in any scope: a builtin, or an error with a suggestion.
    func builtinOrUnknown(_ name: String, in env: Environment, at span: SourceSpan) throws -> Value {
        if let b = builtins.lookup(name) { return b.value ?? .builtin(b) }
        throw unknownName(name, in: env, at: span)
    }

    /// "unknown name 'conv2D': did you mean conv2d?"
    public func unknownName(_ name: String, in env: Environment? = nil, at span: SourceSpan) -> Diagnostic {
        // The user's own names first: between a variable and a builtin equally close, the
        // variable is the likelier meaning (`unit` after `units = 64` is not `init`).
        let variables = (env ?? globals).visibleNames
        let guessed = didYouMean(name, candidates: variables).flatMap { v in
            editDistance(name.lowercased(), v.lowercased()) <= 1 ? v : nil
        } ?? didYouMean(name, candidates: variables + builtins.names + ["true", "false", "none"])
        if let guess = guessed {
            return Diagnostic("unknown name '\(name)': did you mean \(guess)?", at: span)
        }
        return Diagnostic("unknown name '\(name)'", at: span, suggestion: "':vars' lists your variables, ':help' the builtins")
    }

    /// `base.name`. The basic values have no members; the network values have theirs in
    /// `Value+Members.swift`.
    func member(_ base: Value, _ name: String, at span: SourceSpan) throws -> Value {
        if let v = try networkMember(base, name, at: span) { return v }
        throw Diagnostic("\(base.kindName) has no member '\(name)'", at: span)
    }

    /// `base[i]` with an integer (negative counts from the end) or `base[a..b]` with a range (each
    /// index of the range, so `xs[0..2]` is the first three elements).
    func index(_ base: Value, _ index: Value, at span: SourceSpan, indexSpan: SourceSpan) throws -> Value {
        let count: Int
        let element: (Int) -> Value
        switch base {
        case .list(let xs), .tuple(let xs):
            count = xs.count
            element = { xs[$0] }
        case .range(let r):
            count = r.count
            element = { .number(Double(r[$0])) }
        case .cuts(let c):
            count = c.cuts.count
            element = { c.elements[$0] }
        case .string(let s):
            let chars = Array(s)
            count = chars.count
            element = { .string(String(chars[$0])) }
        default:
            if let v = try networkIndex(base, index, at: span, indexSpan: indexSpan) { return v }
            throw Diagnostic("\(base.kindName) cannot be indexed", at: span)
        }
        func resolve(_ i: Int) throws -> Int {
            let j = i < 0 ? i + count : i
            guard j >= 0, j < count else {
                let valid = count == 0 ? "it is empty" : "valid indices are 0..\(count - 1), or -\(count)..-1 from the end"
                throw Diagnostic("index \(i) is out of range for \(base.kindName) of \(count) element\(count == 1 ? "" : "s")",
                                 at: indexSpan, notes: [Diagnostic.Note(valid)])
            }
            return j
        }
        switch index {
        case .number:
            guard let i = index.integer else {
                throw Diagnostic("an index must be an integer, got \(index.kindAndValue)", at: indexSpan)
            }
            return element(try resolve(i))
        case .range(let r):
            try r.checkEnds(resolve)
            var picked: [Value] = []
            picked.reserveCapacity(r.count)
            for k in 0..<r.count { picked.append(element(try resolve(r[k]))) }
            switch base {
            case .tuple: return .tuple(picked)
            case .string: return .string(picked.map(\.description).joined())
            default: return .list(picked)
            }
        default:
            throw Diagnostic("\(base.kindName) is indexed by an integer or a range, got \(index.kindAndValue)",
                             at: indexSpan)
        }
    }
}
