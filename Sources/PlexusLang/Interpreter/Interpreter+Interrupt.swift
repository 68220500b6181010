import PlexusNN
extension Interpreter {
    /// Stops the running statement with an "interrupted" error when Ctrl-C was pressed.
    ///
    /// Called at each iteration of a `for` loop and at each user function call: those are the only
    /// ways a Plexus program runs for long outside a builtin, and both are points where stopping
    /// leaves every value consistent. The error unwinds like any other, so the session restores
    /// its variables and goes on; builtins that run long (training) poll `Interrupt` themselves.
    @inline(__always)
    func checkInterrupt(at span: SourceSpan) throws {
        if Interrupt.isRequested { throw interrupted(at: span) }
    }

    @inline(never)
    func interrupted(at span: SourceSpan) -> Diagnostic {
        Diagnostic("interrupted", at: span, notes: [Diagnostic.Note("the statement was stopped by Ctrl-C; your variables are as they were before it")])
    }
}
