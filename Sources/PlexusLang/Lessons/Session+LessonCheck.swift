import PlexusNN

/// Running a step's check: the learner's session as the check sees it, and what its answer means.
extension Session {
    /// Runs the step's check in a scope of its own over the learner's variables, with the check
    /// helpers (`LessonChecks`) bound there.
    ///
    /// A check only looks: its assignments are local, what it prints is dropped, and the random
    /// generator and the automatic layer names are restored, so the learner's session goes on as
    /// if it had not run. A check that fails is a mistake in the lesson: it is reported as such
    /// (with the lesson file's line) and counts as "not yet".
    func check(_ run: LessonRun) -> CheckOutcome {
        let step = run.lesson.steps[run.step]
        guard let code = step.check else { return .passed }
        let scope = Environment(parent: interpreter.globals)
        for helper in LessonChecks.all { scope.values[helper.name] = .builtin(helper) }
        let savedRandom = interpreter.random, savedGlobals = interpreter.globals.values
        muted += 1
        let result = Result { try NameScope.with(NameScope()) { try interpreter.executeBlock(code.statements, in: scope) } }
        muted -= 1
        interpreter.random = savedRandom
        interpreter.globals.values = savedGlobals

        let value: Value
        switch result {
        case .success(.returned(let v)): value = v
        case .success(.normal): value = .nothing
        case .failure where Interrupt.isRequested:
            // Ctrl-C while a check ran stops the check, not the lesson, and is no mistake of it.
            write("(the check was interrupted; it runs again after your next input)\n")
            return .notYet
        case .failure(var d as Diagnostic):
            d.notes.append(Diagnostic.Note("in the check of step \(run.step + 1) of lesson '\(run.lesson.name)': a mistake in the lesson, not in your answer"))
            report(d)
            return .notYet
        case .failure(let error):
            report(Diagnostic("the check of step \(run.step + 1) of lesson '\(run.lesson.name)' failed: \(error)", at: checkSpan(code, step)))
            return .notYet
        }
        switch value {
        case .bool(true): return .passed
        case .bool(false), .nothing: return .notYet
        case .string(let what): return .wrong(what)
        default:
            report(Diagnostic("the check of step \(run.step + 1) returned \(value.kindAndValue); a check returns true, none or a string saying what differs", at: checkSpan(code, step)))
            return .notYet
        }
    }

    /// The last statement of a check (or its step's line when it has none), for messages about it.
    func checkSpan(_ code: LessonCode, _ step: LessonStep) -> SourceSpan {
        code.statements.last?.span
            ?? SourceSpan(source: code.source, start: SourceLocation(line: step.line, column: 1, offset: 0), length: 0)
    }
}
