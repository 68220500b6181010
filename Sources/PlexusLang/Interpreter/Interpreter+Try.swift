import PlexusNN
extension Interpreter {
    /// `try { body }` and `try { body } catch e { handler }`: a mistake shown on purpose.
    ///
    /// The body runs statement by statement; the first error stops it. Without `catch` the error
    /// is reported exactly as it would have been (`file:line:col: error: ...` with the line and a
    /// caret) and the program goes on after the block; with `catch` the handler runs instead, with
    /// the error's message bound to the name if one is given, and nothing is printed for it.
    /// Bindings made before the error stay, as in Python. A Ctrl-C interruption is never caught:
    /// it stops the statement as it would anywhere.
    func executeTry(_ stmt: Stmt, in env: Environment) throws -> Flow {
        guard case .tryCatch(let body, let clause) = stmt.kind else { assertionFailure("dispatched"); return .normal }  // invariant
        do {
            return try executeBlock(body, in: env)
        } catch {
            if Interrupt.isRequested { throw error }
            let d = Diagnostic(error, at: stmt.span)
            guard let clause else {
                reportCaught(d)
                return .normal
            }
            if let name = clause.name { env.define(name, .string(d.message)) }
            return try executeBlock(clause.handler, in: env)
        }
    }
}
