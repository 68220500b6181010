import PlexusNN
import Foundation

/// Reads lesson files. Every mistake in a lesson is a `Diagnostic` naming the file and line.
public enum LessonFile {
    /// The directives a lesson file may contain, each on a line of its own starting with `#:`.
    static let directives = ["lesson", "step", "run", "task", "hint", "answer", "check", "success"]

    /// The lesson name of a file: `01-sharing.plx` -> `sharing`.
    public static func lessonName(ofFile path: String) -> String {
        var base = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        if let dash = base.firstIndex(of: "-"), !base[..<dash].isEmpty, base[..<dash].allSatisfy(\.isNumber) {
            base = String(base[base.index(after: dash)...])
        }
        return base
    }

    /// Reads and parses a lesson file.
    public static func load(_ path: String) throws -> Lesson {
        guard let data = FileManager.default.contents(atPath: path) else {
            let file = SourceFile(name: path, text: "")
            throw Diagnostic("cannot read lesson '\(path)'", at: SourceSpan(source: file, start: SourceLocation(line: 1, column: 1, offset: 0), length: 0))
        }
        return try parse(SourceFile(name: path, bytes: [UInt8](data)))
    }

    /// Parses a lesson's text.
    ///
    /// lesson -> '#: lesson' TITLE prose step+
    /// step   -> '#: step' TITLE prose ['#: run' code] ['#: task' TEXT prose '#: hint' TEXT* ['#: answer' code] '#: check' code] ['#: success' prose]
    public static func parse(_ file: SourceFile) throws -> Lesson {
        let lines = (1...max(1, file.lineStarts.count)).map { file.line($0) }
        var lesson: Lesson?
        var step: LessonStep?
        /// Where the text or code being collected goes.
        enum Section { case introduction, text, run, task, hint, answer, check, success }
        var section: Section?
        var code: [String] = []
        var codeStart = 0
        var prose: [String] = []

        func span(_ line: Int, column: Int = 1, length: Int? = nil) -> SourceSpan {
            let start = line - 1 < file.lineStarts.count ? file.lineStarts[line - 1] : file.bytes.count
            return SourceSpan(source: file, start: SourceLocation(line: line, column: column, offset: start + column - 1),
                              length: length ?? lines[line - 1].utf8.count)
        }
        func paragraphs(_ lines: [String]) -> [String] {
            var out: [String] = [], current: [String] = []
            for l in lines {
                if l.trimmingCharacters(in: .whitespaces).isEmpty {
                    if !current.isEmpty { out.append(current.joined(separator: " ")); current = [] }
                } else {
                    current.append(l.trimmingCharacters(in: .whitespaces))
                }
            }
            if !current.isEmpty { out.append(current.joined(separator: " ")) }
            return out
        }
        /// Closes the section being collected into the current step (or the introduction).
        func finishSection() throws {
            guard let s = section else { return }
            switch s {
            case .introduction: lesson?.introduction = paragraphs(prose)
            case .text: step?.text = paragraphs(prose)
            case .task: step?.task = paragraphs(prose).joined(separator: "\n")
            case .hint: step?.hints.append(paragraphs(prose).joined(separator: " "))
            case .success: step?.success = paragraphs(prose)
            case .run, .answer, .check:
                let parsed = try parseCode(code, firstLine: codeStart, in: file, asCheck: s == .check)
                if s == .run { step?.run = parsed } else if s == .answer { step?.answer = parsed } else { step?.check = parsed }
            }
            section = nil
            prose = []
            code = []
        }
        func finishStep() throws {
            try finishSection()
            guard let s = step else { return }
            if s.task != nil, s.check == nil {
                throw Diagnostic("step '\(s.title)' has a task but no '#: check'", at: span(s.line),
                                 suggestion: "a check is Plexus code that returns true when the task is done")
            }
            if s.check != nil, s.task == nil {
                throw Diagnostic("step '\(s.title)' has a check but no '#: task' saying what to do", at: span(s.line))
            }
            lesson?.steps.append(s)
            step = nil
        }

        for (i, raw) in lines.enumerated() {
            let number = i + 1
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#:") {
                let rest = trimmed.dropFirst(2).trimmingCharacters(in: .whitespaces)
                let word = String(rest.prefix { !$0.isWhitespace })
                let argument = rest.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
                let column = (raw.utf8.count - raw.drop(while: \.isWhitespace).utf8.count) + 1
                guard directives.contains(word) else {
                    let guess = didYouMean(word, candidates: directives)
                    throw Diagnostic("unknown lesson directive '#: \(word)'" + (guess.map { ": did you mean '#: \($0)'?" } ?? ""),
                                     at: span(number, column: column, length: trimmed.utf8.count),
                                     suggestion: "the directives are " + directives.map { "#: \($0)" }.joined(separator: ", "))
                }
                if word == "lesson" {
                    guard lesson == nil else { throw Diagnostic("a second '#: lesson' line: a file holds one lesson", at: span(number)) }
                    guard !argument.isEmpty else { throw Diagnostic("'#: lesson' needs a title", at: span(number)) }
                    lesson = Lesson(name: lessonName(ofFile: file.name), path: file.name, title: argument, introduction: [], steps: [])
                    section = .introduction
                    continue
                }
                guard lesson != nil else {
                    throw Diagnostic("a lesson starts with '#: lesson TITLE', found '#: \(word)' first", at: span(number))
                }
                if word == "step" {
                    try finishStep()
                    guard !argument.isEmpty else { throw Diagnostic("'#: step' needs a title", at: span(number)) }
                    step = LessonStep(title: argument, line: number)
                    section = .text
                    continue
                }
                guard step != nil else { throw Diagnostic("'#: \(word)' before the first '#: step'", at: span(number)) }
                try finishSection()
                switch word {
                case "run", "answer", "check":
                    if !argument.isEmpty { throw Diagnostic("'#: \(word)' stands alone: its code goes on the lines after it", at: span(number)) }
                    let already = word == "run" ? step?.run != nil : word == "answer" ? step?.answer != nil : step?.check != nil
                    if already { throw Diagnostic("a second '#: \(word)' in step '\(step?.title ?? "")'", at: span(number)) }
                    section = word == "run" ? .run : word == "answer" ? .answer : .check
                    codeStart = number + 1
                case "task":
                    if step?.task != nil { throw Diagnostic("a second '#: task' in step '\(step?.title ?? "")'", at: span(number)) }
                    section = .task
                    prose = [argument]
                case "hint":
                    if step?.task == nil { throw Diagnostic("'#: hint' before the step's '#: task'", at: span(number)) }
                    section = .hint
                    prose = [argument]
                default: // success
                    section = .success
                    prose = [argument]
                }
                continue
            }
            switch section {
            case .run, .answer, .check:
                code.append(raw)
            case .some:
                if trimmed.isEmpty {
                    continue
                } else if trimmed == "#" {
                    prose.append("")
                } else if trimmed.hasPrefix("#") {
                    prose.append(String(trimmed.dropFirst()))
                } else {
                    throw Diagnostic("text of a lesson goes in comments ('# ...'); code goes after '#: run', '#: answer' or '#: check'",
                                     at: span(number))
                }
            case nil:
                if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
                throw Diagnostic("a lesson starts with '#: lesson TITLE'", at: span(number))
            }
        }
        try finishStep()
        guard let lesson else {
            throw Diagnostic("not a lesson: no '#: lesson TITLE' line", at: span(1, length: 0))
        }
        if lesson.steps.isEmpty {
            throw Diagnostic("lesson '\(lesson.title)' has no '#: step'", at: span(1, length: 0))
        }
        return lesson
    }

    /// Parses a code section with the lesson's line numbers. A check is a function body, so it is
    /// parsed inside a `def` whose header takes the place of the `#: check` line.
    static func parseCode(_ lines: [String], firstLine: Int, in file: SourceFile, asCheck: Bool) throws -> LessonCode {
        var body = lines
        while let last = body.last, last.trimmingCharacters(in: .whitespaces).isEmpty { body.removeLast() }
        let text = body.joined(separator: "\n")
        let padding = String(repeating: "\n", count: max(0, firstLine - (asCheck ? 2 : 1)))
        let wrapped = asCheck ? padding + "def check() {\n" + text + "\n}\n" : padding + text + "\n"
        let source = SourceFile(name: file.name, text: wrapped)
        switch Parser.parse(source) {
        case .complete(let statements):
            if asCheck {
                guard statements.count == 1, case .def(let decl) = statements[0].kind else {
                    // invariant: the text is one def whose body parsed; anything else is a brace the check closed itself.
                    throw Diagnostic("the check closes a '}' it did not open", at: statements.last?.span ?? SourceSpan(source: source, start: SourceLocation(line: firstLine, column: 1, offset: 0), length: 0))
                }
                return LessonCode(text: text, source: source, statements: decl.body)
            }
            return LessonCode(text: text, source: source, statements: statements)
        case .incomplete(let d):
            // Point at the line after the code (the next directive), in the lesson file itself.
            let line = min(firstLine + body.count, max(1, file.lineStarts.count))
            let start = file.lineStarts[line - 1]
            throw Diagnostic("the code before this line ends in the middle of a statement (\(d.message))",
                             at: SourceSpan(source: file, start: SourceLocation(line: line, column: 1, offset: start),
                                            length: file.line(line).utf8.count))
        case .failure(let d):
            throw d
        }
    }
}
