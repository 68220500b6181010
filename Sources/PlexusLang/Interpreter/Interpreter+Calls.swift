extension Interpreter {
    /// Calls a value with evaluated arguments: a builtin, a user function, a layer, a model or an
    /// activation (`Interpreter+Network.swift`). `x |> f` arrives here as `f(x)` with `piped` set,
    /// for a clearer message.
    public func call(_ callee: Value, _ args: [CallArgument], at span: SourceSpan, calleeSpan: SourceSpan,
                     piped: Bool = false) throws -> Value {
        switch callee {
        case .builtin(let b):
            if piped, let v = try pipeIntoLayerBuiltin(b, args, at: span, calleeSpan: calleeSpan) { return v }
            return try callBuiltin(b, args, at: span)
        case .function(let f): return try callFunction(f, args, at: span)
        default:
            if let v = try callNetworkValue(callee, args, at: span, calleeSpan: calleeSpan, piped: piped) { return v }
            throw notCallable(callee, at: calleeSpan, piped: piped)
        }
    }

    func callBuiltin(_ b: Builtin, _ args: [CallArgument], at span: SourceSpan) throws -> Value {
        let bound = try b.signature.bind(args, callee: b.name, callSpan: span)
        do {
            return try b.implementation(bound, self)
        } catch let d as Diagnostic {
            throw d
        } catch {
            // Errors of the libraries below (TensorError...) already name the operation and shapes.
            throw Diagnostic(error, at: span)
        }
    }

    @inline(never)
    func notCallable(_ callee: Value, at span: SourceSpan, piped: Bool) -> Diagnostic {
        if piped {
            return Diagnostic("cannot pipe into \(callee.kindAndValue)", at: span,
                              suggestion: "the right side of '|>' must be a function or a layer: x |> f means f(x)")
        }
        return Diagnostic("cannot call \(callee.kindAndValue)", at: span)
    }

    /// Calls a user function in a new scope over its closure.
    func callFunction(_ f: Function, _ args: [CallArgument], at span: SourceSpan) throws -> Value {
        try checkInterrupt(at: span)
        let scope = try enter(f, args, at: span)
        callDepth += 1
        defer { callDepth -= 1 }
        do {
            if case .returned(let v) = try executeBlock(f.declaration.body, in: scope) { return v }
            return .nothing
        } catch let d as Diagnostic {
            throw calledFrom(d, f, at: span)
        }
    }

    /// Binds the arguments in a new scope, after checking the recursion depth.
    func enter(_ f: Function, _ args: [CallArgument], at span: SourceSpan) throws -> Environment {
        if callDepth >= Interpreter.maxCallDepth || StackGuard.isNearlyExhausted() {
            throw Diagnostic("recursion too deep: \(callDepth) nested calls when calling '\(f.name)'"
                             + (callDepth >= Interpreter.maxCallDepth ? " (the limit is \(Interpreter.maxCallDepth))" : ""),
                             at: span, suggestion: "check that '\(f.name)' has a case that stops recursing")
        }
        let scope = Environment(parent: f.closure)
        let parameters = f.declaration.parameters
        // The common call, every parameter given by position, needs no binding tables.
        if args.count == parameters.count, !args.contains(where: { $0.label != nil }) {
            for i in 0..<args.count { scope.values[parameters[i].name] = args[i].value }
            return scope
        }
        let bound = try f.signature.bind(args, callee: f.name, callSpan: span)
        for p in parameters { scope.values[p.name] = bound[p.name] }
        return scope
    }

    /// Adds a short trail of calls, like a traceback, without flooding deep recursions.
    @inline(never)
    func calledFrom(_ d: Diagnostic, _ f: Function, at span: SourceSpan) -> Diagnostic {
        var d = d
        if d.notes.count < 3 { d.notes.append(Diagnostic.Note("in '\(f.name)', called here", span: span)) }
        return d
    }

    /// Calls a function value from a builtin (for builtins that take functions, like `map`).
    public func callValue(_ callee: Value, _ positional: [Value], at span: SourceSpan) throws -> Value {
        try call(callee, positional.map { CallArgument(value: $0, span: span) }, at: span, calleeSpan: span)
    }
}
