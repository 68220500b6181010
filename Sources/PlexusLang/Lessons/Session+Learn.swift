import PlexusNN
import Foundation

/// `:learn`, `:skip` and `:play`: lessons at the prompt that teach by doing, in the style of R's
/// swirl.
///
/// A lesson speaks (wrapped to the terminal's width), runs code in front of the learner, and gives
/// a task. After each input the learner types, the step's check (Plexus code in the lesson file)
/// runs on the learner's own session and looks at values, never at the text typed, so any correct
/// answer passes. A wrong try gets what differs and a hint, the next wrong try the next hint;
/// `:skip` shows an answer and runs it; `:play` pauses the lesson and `:learn` resumes it. Each
/// finished step is written to the progress file, so `:learn NAME` after `:quit` resumes there,
/// rebuilding the session by running the earlier steps' code quietly.
extension Session {
    /// Where a running lesson stands, or nil.
    public var lessonStatus: LessonStatus? {
        guard let run = lessonRun else { return nil }
        return LessonStatus(name: run.lesson.name, step: run.step, steps: run.lesson.steps.count,
                            wrongTries: run.wrongTries, paused: run.paused)
    }

    /// `$PLEXUS_LESSONS`, else a `lessons` directory in the current directory, else one beside the
    /// executable or up to four directories above it (`.build/release/plexus` in a checkout).
    public static func defaultLessonDirectory() -> String? {
        let fm = FileManager.default
        if let path = ProcessInfo.processInfo.environment["PLEXUS_LESSONS"], !path.isEmpty { return path }
        func isDirectory(_ path: String) -> Bool {
            var directory: ObjCBool = false
            return fm.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
        }
        let here = (fm.currentDirectoryPath as NSString).appendingPathComponent("lessons")
        if isDirectory(here) { return here }
        guard var url = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() else { return nil }
        for _ in 0..<5 {
            let candidate = url.appendingPathComponent("lessons").path
            if isDirectory(candidate) { return candidate }
            url = url.deletingLastPathComponent()
        }
        return nil
    }

    /// The lesson files, in the order of their names (`01-sharing.plx`, `02-...`).
    func lessonFiles() -> [String] {
        guard let directory = lessonDirectory,
              let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasSuffix(".plx") }.sorted().map { (directory as NSString).appendingPathComponent($0) }
    }

    /// The lesson names `:learn NAME` accepts, in order (for completion too).
    public func lessonNames() -> [String] { lessonFiles().map(LessonFile.lessonName(ofFile:)) }

    func registerLessonCommands() {
        register(MetaCommand(name: "learn", usage: ":learn [NAME [restart]]",
                             help: "Lessons that teach by doing: lists them with your progress. ':learn NAME' starts or resumes one (progress is kept across sessions), ':learn NAME restart' starts it over; after ':play', ':learn' resumes the lesson.") { session, argument, span in
            try session.learn(argument, at: span)
        })
        register(MetaCommand(name: "skip", usage: ":skip",
                             help: "In a lesson: shows an answer to the current task and runs it, then goes on.") { session, _, span in
            let run = try session.activeLesson(for: "skip", at: span)
            try session.skip(run)
        })
        register(MetaCommand(name: "play", usage: ":play",
                             help: "In a lesson: pauses it so you can experiment freely (nothing is checked); ':learn' resumes it.") { session, _, span in
            let run = try session.activeLesson(for: "play", at: span)
            run.paused = true
            session.write("Lesson '\(run.lesson.name)' paused at step \(run.step + 1) of \(run.lesson.steps.count): experiment freely; ':learn' resumes it.\n")
        })
    }

    func activeLesson(for command: String, at span: SourceSpan) throws -> LessonRun {
        guard let run = lessonRun else {
            throw Diagnostic("':\(command)' works inside a lesson, and none is running", at: span,
                             suggestion: "':learn' lists the lessons; ':learn NAME' starts one")
        }
        if run.paused {
            throw Diagnostic("lesson '\(run.lesson.name)' is paused", at: span, suggestion: "':learn' resumes it")
        }
        return run
    }

    // MARK: - :learn

    func learn(_ argument: String, at span: SourceSpan) throws {
        // A comment after the command (`:learn sharing   # weight sharing`) is not part of it.
        let argument = String(argument.prefix { $0 != "#" }).trimmingCharacters(in: .whitespaces)
        let words = argument.split(whereSeparator: \.isWhitespace).map(String.init)
        if words.isEmpty {
            if let run = lessonRun {
                run.paused = false
                write("Back to lesson '\(run.lesson.name)'.\n")
                present(run, runCode: false)
            } else {
                write(lessonListing())
            }
            return
        }
        guard words.count == 1 || (words.count == 2 && words[1] == "restart") else {
            throw Diagnostic("':learn' expects a lesson name, optionally followed by 'restart', got '\(argument)'", at: span)
        }
        let files = lessonFiles()
        let names = files.map(LessonFile.lessonName(ofFile:))
        guard let index = names.firstIndex(of: words[0]) else {
            if names.isEmpty {
                throw Diagnostic("no lessons found" + (lessonDirectory.map { " in \($0)" } ?? ""), at: span,
                                 suggestion: "set PLEXUS_LESSONS to the 'lessons' directory of Plexus, or start plexus in the directory that holds it")
            }
            if let guess = didYouMean(words[0], candidates: names) {
                throw Diagnostic("no lesson called '\(words[0])': did you mean \(guess)?", at: span)
            }
            throw Diagnostic("no lesson called '\(words[0])'", at: span,
                             suggestion: "the lessons are " + names.joined(separator: ", "))
        }
        let lesson = try LessonFile.load(files[index])
        var progress = LessonProgress(path: lessonProgressPath)
        var done = progress.steps(of: lesson.name)
        if words.count == 2 || done >= lesson.steps.count {
            if done >= lesson.steps.count, words.count == 1 {
                write("You finished '\(lesson.name)' before: starting it again.\n")
            }
            done = 0
            saveProgress(&progress, lesson.name, 0)
        }
        let run = LessonRun(lesson: lesson, step: done)
        lessonRun = run
        write(banner("Lesson '\(lesson.name)': \(lesson.title)"))
        if done == 0 {
            for paragraph in lesson.introduction { write(wrap(paragraph) + "\n") }
        } else {
            write(wrap("Resuming at step \(done + 1) of \(lesson.steps.count). The code of the earlier steps runs again, quietly, to rebuild the variables this step needs.") + "\n")
            guard rebuild(run, upTo: done) else {
                write("Could not rebuild the earlier steps: ':learn \(lesson.name) restart' starts the lesson over.\n")
                lessonRun = nil
                throw AlreadyReported()
            }
        }
        startStep(run)
    }

    /// Each lesson with the learner's progress.
    func lessonListing() -> String {
        let files = lessonFiles()
        guard !files.isEmpty else {
            return "No lessons found" + (lessonDirectory.map { " in \($0)" } ?? "")
                + ": set PLEXUS_LESSONS to the 'lessons' directory of Plexus.\n"
        }
        let progress = LessonProgress(path: lessonProgressPath)
        var rows: [(String, String, String)] = []
        for file in files {
            let name = LessonFile.lessonName(ofFile: file)
            guard let lesson = try? LessonFile.load(file) else {
                rows.append((name, "(cannot be read: ':learn \(name)' says why)", ""))
                continue
            }
            let done = progress.steps(of: name)
            let state = done >= lesson.steps.count ? "done" : done == 0 ? "not started" : "\(done) of \(lesson.steps.count) steps"
            rows.append((name, lesson.title, state))
        }
        let nameWidth = rows.map(\.0.count).max() ?? 0
        let titleWidth = rows.map(\.1.count).max() ?? 0
        var out = "Lessons (':learn NAME' starts or resumes one, ':learn NAME restart' starts it over):\n"
        for (name, title, state) in rows {
            out += "  " + name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
                + title.padding(toLength: titleWidth, withPad: " ", startingAt: 0) + "  " + state + "\n"
        }
        return out
    }

    // MARK: - Steps

    /// Shows the current step and runs its code; steps without a task follow one another until one
    /// has a task (or the lesson ends).
    func startStep(_ run: LessonRun) {
        while run.step < run.lesson.steps.count {
            run.wrongTries = 0
            guard present(run, runCode: true) else { return }
            if run.lesson.steps[run.step].task != nil { return }
            for paragraph in run.lesson.steps[run.step].success { write(wrap(paragraph) + "\n") }
            advance(run)
        }
        finish(run)
    }

    /// Shows a step: its title, text, the code it runs (and that code's output), its task.
    /// Returns false when the step's code failed (the lesson is stopped then).
    @discardableResult
    func present(_ run: LessonRun, runCode: Bool) -> Bool {
        let step = run.lesson.steps[run.step]
        write(banner("\(run.lesson.name), step \(run.step + 1) of \(run.lesson.steps.count): \(step.title)"))
        for paragraph in step.text { write(wrap(paragraph) + "\n") }
        if runCode, let code = step.run {
            guard runLessonCode(code, quietly: false) else {
                write("The lesson's own code failed (a mistake in \(run.lesson.path)); ':learn' lists the lessons.\n")
                lessonRun = nil
                return false
            }
        }
        if let task = step.task { write(wrap("Task: " + task, hangingIndent: 6) + "\n") }
        return true
    }

    /// Runs a lesson's code in the learner's session as if typed (recorded for `:save`), but
    /// without running the check after it.
    func runLessonCode(_ code: LessonCode, quietly: Bool) -> Bool {
        loadDepth += 1
        if quietly { muted += 1 }
        defer {
            loadDepth -= 1
            if quietly { muted -= 1 }
        }
        var ok = true
        for stmt in code.statements {
            // Shown as if typed, each statement before what it prints.
            write(stmt.span.text.split(separator: "\n", omittingEmptySubsequences: false).map { "» \($0)\n" }.joined())
            do {
                try runStatement(stmt, echo: true)
            } catch let d as Diagnostic {
                report(d)
                ok = false
            } catch is AlreadyReported {
                ok = false
            } catch {
                report(Diagnostic(error, at: stmt.span))
                ok = false
            }
            if !ok { break }
        }
        lessonRun?.lessonStatementsMark = statementsRun
        return ok
    }

    /// Runs the code and answers of the steps before `step`, quietly, so that a resumed lesson
    /// finds the variables it built.
    func rebuild(_ run: LessonRun, upTo step: Int) -> Bool {
        for s in run.lesson.steps[..<step] {
            for code in [s.run, s.answer].compactMap({ $0 }) where !runLessonCode(code, quietly: true) {
                return false
            }
        }
        return true
    }

    func advance(_ run: LessonRun) {
        run.step += 1
        var progress = LessonProgress(path: lessonProgressPath)
        saveProgress(&progress, run.lesson.name, run.step)
    }

    func saveProgress(_ progress: inout LessonProgress, _ name: String, _ steps: Int) {
        if let problem = progress.set(name, steps: steps) {
            write("(progress not saved: \(problem))\n")
        }
    }

    func finish(_ run: LessonRun) {
        write(banner("Lesson '\(run.lesson.name)' complete: \(run.lesson.steps.count) of \(run.lesson.steps.count) steps"))
        write("':learn' lists the lessons.\n")
        lessonRun = nil
    }

    /// `:skip`: the answer is shown and run; the check then decides as after any input.
    func skip(_ run: LessonRun) throws {
        let step = run.lesson.steps[run.step]
        guard step.task != nil else { return }
        guard let answer = step.answer else {
            write("This step has no answer to show; moving on.\n")
            advance(run)
            startStep(run)
            return
        }
        write("An answer:\n")
        guard runLessonCode(answer, quietly: false) else { throw AlreadyReported() }
        if case .passed = check(run) {
            passed(run)
        } else {
            write("(the answer ran, but the check still fails: your earlier variables may differ from the lesson's; moving on)\n")
            advance(run)
            startStep(run)
        }
    }

    /// Called after each input typed at the prompt (or each piece of a `--keep-going` script):
    /// runs the current step's check when the input ran statements.
    func afterLearnerInput(ranSince before: Int) {
        guard let run = lessonRun, statementsRun > max(before, run.lessonStatementsMark), !run.paused, run.step < run.lesson.steps.count,
              run.lesson.steps[run.step].check != nil else { return }
        switch check(run) {
        case .notYet: return
        case .passed: passed(run)
        case .wrong(let what):
            run.wrongTries += 1
            let hints = run.lesson.steps[run.step].hints
            write(wrap("Not yet: " + what, hangingIndent: 9) + "\n")
            if !hints.isEmpty {
                write(wrap("Hint: " + hints[min(run.wrongTries - 1, hints.count - 1)], hangingIndent: 6) + "\n")
            }
            if run.wrongTries >= 2 { write("(':skip' shows an answer and runs it; ':play' pauses the lesson)\n") }
        }
    }

    func passed(_ run: LessonRun) {
        write("Correct.\n")
        for paragraph in run.lesson.steps[run.step].success { write(wrap(paragraph) + "\n") }
        advance(run)
        startStep(run)
    }

    // MARK: - Text

    /// A heading line: `── text ──`.
    func banner(_ text: String) -> String { "── " + text + " ──\n" }

    /// A paragraph broken into lines of at most the terminal's width (and never wider than 88
    /// columns, which reads better); continuation lines are indented by `hangingIndent`. A newline
    /// in the text (a task of several paragraphs) starts a new line.
    func wrap(_ paragraph: String, hangingIndent: Int = 0) -> String {
        let width = max(30, min(88, textWidth() - 1))
        var lines: [String] = []
        var line = ""
        for word in paragraph.split(separator: " ", omittingEmptySubsequences: true).flatMap(Session.newlineWords) {
            if word == "\n" {
                lines.append(line)
                line = ""
                continue
            }
            let indent = lines.isEmpty ? 0 : hangingIndent
            if !line.isEmpty, indent + line.count + 1 + word.count > width {
                lines.append(line)
                line = String(word)
            } else {
                line += (line.isEmpty ? "" : " ") + word
            }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        let pad = String(repeating: " ", count: hangingIndent)
        return lines.enumerated().map { $0.offset == 0 ? $0.element : pad + $0.element }.joined(separator: "\n")
    }

    /// `"a\nb"` -> `["a", "\n", "b"]`: the words of a text with its newlines as words of their own.
    static func newlineWords(_ word: Substring) -> [String] {
        var out: [String] = []
        for (i, part) in word.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if i > 0 { out.append("\n") }
            if !part.isEmpty { out.append(String(part)) }
        }
        return out
    }
}
