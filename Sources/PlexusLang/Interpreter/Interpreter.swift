import PlexusTensor
import PlexusNN
/// Evaluates the syntax tree: statements here, expressions in `Interpreter+Expressions.swift`, calls
/// in `Interpreter+Calls.swift`, operators in `Interpreter+Operators.swift`.
///
/// A tree-walking interpreter is plenty: the work of a Plexus program is in the tensor kernels the
/// builtins call, not in the loops around them. Every failure is a thrown `Diagnostic` with the span
/// of the offending expression; the interpreter never prints except through `write` (for `print`).
public final class Interpreter {
    /// User functions may nest this deep; deeper is reported as runaway recursion.
    public static let maxCallDepth = 400

    public let globals = Environment()
    public let builtins: BuiltinRegistry
    /// Where `print` writes.
    public var write: (String) -> Void
    /// Where `try` without `catch` reports the error it stops (the session renders it as any
    /// other diagnostic).
    public var reportCaught: (Diagnostic) -> Void = { _ in }
    /// Whether long builtins (fit, step) may redraw a progress bar with timings: true only when
    /// the output is a terminal. Scripts and transcripts get plain, deterministic lines.
    public var liveProgress = false
    /// The session's one seeded random generator (`:seed N`), for initialisers, shuffles and data.
    public var random: RandomGenerator
    var callDepth = 0

    public init(builtins: BuiltinRegistry = .standard(), seed: UInt64 = 0,
                write: @escaping (String) -> Void = { Swift.print($0, terminator: "") }) {
        self.builtins = builtins
        self.write = write
        self.random = RandomGenerator(seed: seed)
    }

    /// How a statement finished: normally, or by `return` (which unwinds to the function call).
    enum Flow {
        case normal
        case returned(Value)
    }

    /// Runs one top-level statement; returns the value of an expression statement (to print at the
    /// prompt), nil for other statements.
    ///
    /// - Throws: `Diagnostic`. Bindings made before the error stay; `Session` restores the globals.
    public func executeTopLevel(_ stmt: Stmt) throws -> Value? {
        if case .expression(let e) = stmt.kind { return try evaluate(e, in: globals) }
        _ = try execute(stmt, in: globals)
        return nil
    }

    /// Runs a statement. Like `evaluate`, a small dispatcher, to keep each recursion's frame small.
    func execute(_ stmt: Stmt, in env: Environment) throws -> Flow {
        switch stmt.kind {
        case .expression(let e):
            _ = try evaluate(e, in: env)
            return .normal
        case .assign(let target, let e):
            let value = try evaluate(e, in: env)
            if case .name(let name, _) = target {
                env.define(name, value)
            } else {
                try assign(target, value, in: env, valueSpan: e.span)
            }
            return .normal
        case .return(let e):
            guard let e else { return .returned(.nothing) }
            return .returned(try evaluate(e, in: env))
        case .ifElse: return try executeIf(stmt, in: env)
        case .tryCatch: return try executeTry(stmt, in: env)
        case .forLoop: return try executeFor(stmt, in: env)
        case .def(let decl):
            try define(decl, in: env)
            return .normal
        case .meta: throw metaOutsideSession(stmt)
        }
    }

    func executeIf(_ stmt: Stmt, in env: Environment) throws -> Flow {
        guard case .ifElse(let conditionExpr, let thenBlock, let elseBlock) = stmt.kind else { assertionFailure("dispatched"); return .normal }  // invariant
        if try condition(conditionExpr, in: env, what: "if condition") {
            return try executeBlock(thenBlock, in: env)
        }
        guard let elseBlock else { return .normal }
        return try executeBlock(elseBlock, in: env)
    }

    func executeFor(_ stmt: Stmt, in env: Environment) throws -> Flow {
        guard case .forLoop(let target, let sequenceExpr, let body) = stmt.kind else { assertionFailure("dispatched"); return .normal }  // invariant
        let sequence = try evaluate(sequenceExpr, in: env)
        var flow = Flow.normal
        try forEachElement(of: sequence, at: sequenceExpr.span) { element in
            try checkInterrupt(at: stmt.span)
            if case .name(let name, _) = target {
                env.define(name, element)
            } else {
                try assign(target, element, in: env, valueSpan: sequenceExpr.span)
            }
            flow = try executeBlock(body, in: env)
            if case .returned = flow { return false }
            return true
        }
        return flow
    }

    /// `def`: the defaults are evaluated now, once (as in Python).
    func define(_ decl: FunctionDecl, in env: Environment) throws {
        var defaults: [Value?] = []
        for p in decl.parameters { defaults.append(try p.defaultValue.map { try evaluate($0, in: env) }) }
        env.define(decl.name, .function(Function(declaration: decl, closure: env, defaults: defaults)))
    }

    @inline(never)
    func metaOutsideSession(_ stmt: Stmt) -> Diagnostic {
        guard case .meta(let name, _, let span) = stmt.kind else { return Diagnostic("not a meta command", at: stmt.span) }
        return Diagnostic("meta command ':\(name)' can only run in a session", at: span)
    }

    func executeBlock(_ body: [Stmt], in env: Environment) throws -> Flow {
        for stmt in body {
            let flow = try execute(stmt, in: env)
            if case .returned = flow { return flow }
        }
        return .normal
    }

    /// Evaluates a condition, which must be `true` or `false` (no truthiness: `if len(xs)` is a
    /// mistake worth pointing out).
    func condition(_ e: Expr, in env: Environment, what: String) throws -> Bool {
        let v = try evaluate(e, in: env)
        guard case .bool(let b) = v else { throw notABoolean(v, what, at: e.span) }
        return b
    }

    @inline(never)
    func notABoolean(_ v: Value, _ what: String, at span: SourceSpan) -> Diagnostic {
        Diagnostic("\(what) must be true or false, got \(v.kindAndValue)", at: span,
                   suggestion: v.integer != nil ? "compare explicitly, e.g. 'n > 0'" : nil)
    }

    /// Binds a target (a name, or a tuple of targets to destructure) to a value. All the checks
    /// happen before the first binding, so a failed destructuring binds nothing.
    func assign(_ target: Target, _ value: Value, in env: Environment, valueSpan: SourceSpan) throws {
        if case .name(let name, _) = target {
            env.define(name, value)
            return
        }
        var pairs: [(String, Value)] = []
        try destructure(target, value, valueSpan: valueSpan, into: &pairs)
        for (name, v) in pairs { env.define(name, v) }
    }

    func destructure(_ target: Target, _ value: Value, valueSpan: SourceSpan, into pairs: inout [(String, Value)]) throws {
        switch target {
        case .name(let name, _):
            pairs.append((name, value))
        case .tuple(let targets, let span):
            let count: Int
            switch value {
            case .tuple(let xs), .list(let xs): count = xs.count
            case .range(let r): count = r.count
            default:
                throw Diagnostic("cannot unpack \(value.kindAndValue) into \(targets.count) names", at: valueSpan,
                                 notes: [Diagnostic.Note("the names are here", span: span)])
            }
            guard count == targets.count else {
                throw Diagnostic("cannot unpack \(count) value\(count == 1 ? "" : "s") into \(targets.count) names",
                                 at: valueSpan, notes: [Diagnostic.Note("the names are here", span: span)])
            }
            var items: [Value] = []
            if case .range(let r) = value {
                items = (0..<count).map { .number(Double(r[$0])) }
            } else if case .tuple(let xs) = value {
                items = xs
            } else if case .list(let xs) = value {
                items = xs
            }
            for (t, v) in zip(targets, items) { try destructure(t, v, valueSpan: valueSpan, into: &pairs) }
        }
    }

    /// Calls `body` on each element of a list, tuple, range or string (characters), stopping when it
    /// returns false. Ranges are walked without building a list.
    func forEachElement(of sequence: Value, at span: SourceSpan, _ body: (Value) throws -> Bool) throws {
        switch sequence {
        case .list(let items), .tuple(let items):
            for item in items {
                if try !body(item) { return }
            }
        case .cuts(let c):
            for item in c.elements {
                if try !body(item) { return }
            }
        case .range(let r):
            var i = r.start
            let count = r.count
            var n = 0
            while n < count {
                if try !body(.number(Double(i))) { return }
                i += r.step
                n += 1
            }
        case .string(let s):
            for c in s {
                if try !body(.string(String(c))) { return }
            }
        default:
            throw Diagnostic("cannot loop over \(sequence.kindAndValue)", at: span,
                             suggestion: "loop over a list [a, b], a tuple or a range 1..n")
        }
    }
}
