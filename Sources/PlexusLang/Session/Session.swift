import PlexusTensor
import PlexusNN
import Foundation

/// A Plexus session: the interpreter's state plus what the prompt needs around it (meta commands,
/// the record of successful statements for `:save`, timing, the quit flag).
///
/// The shell hands it each line (or a script's contents) and shows what it writes; the session runs
/// the source statement by statement. A failed statement leaves every binding as it was, and the
/// statements after it on the same line or in the same script do not run.
///
/// ```swift
/// let session = Session()
/// session.run("x = 2 + 3")
/// session.run("x * 10")        // prints 50
/// ```
public final class Session {
    public enum Status: Equatable {
        case ok
        /// The source stops mid-statement: read another line and run the two together.
        case incomplete
        case error
    }

    /// What a `run` did: its status, the diagnostics it reported, and everything it wrote (output
    /// and rendered diagnostics, in order).
    public struct RunResult {
        public var status: Status
        public var diagnostics: [Diagnostic]
        public var output: String
    }

    public let interpreter: Interpreter
    /// The source of each successful statement, in order: what `:save` writes.
    public internal(set) var history: [String] = []
    /// Print each statement's wall-clock time (`:time on`).
    public var timing = false
    /// Colour diagnostics with ANSI escapes (off by default; the shell turns it on for a terminal).
    public var color = false
    /// Set by `:quit` during a run (cleared when the next run starts); the shell leaves when it sees it.
    public internal(set) var quitRequested = false
    /// The meta commands by name; the shell may add or replace entries.
    public var metaCommands: [String: MetaCommand] = [:]
    /// The seed of the random generator at start and after `:reset`, and the current one (`:seed`).
    public let initialSeed: UInt64
    public internal(set) var seed: UInt64
    /// The automatic layer names of this session (`dense`, `dense_1`, ...): current while the
    /// session runs, replaced by `:reset`, so a replayed script names its layers as it did.
    public internal(set) var layerNames = NameScope()

    let writeOutput: (String) -> Void
    let writeError: (String) -> Void
    /// Called at the end of every top-level statement, however it ended: the executable flushes
    /// stdout here, so what a statement printed survives whatever comes next (even an abort).
    public var statementEnded: () -> Void = {}
    var transcript = ""
    var diagnostics: [Diagnostic] = []
    var loadDepth = 0
    /// Successful statements run so far (not meta commands): tells `:learn` whether an input ran any.
    var statementsRun = 0
    /// While above zero, `write` drops output (a lesson rebuilding its steps, a lesson's check).
    var muted = 0
    /// The lesson `:learn` is running (`Session+Learn.swift`).
    var lessonRun: LessonRun?
    /// Where `:learn` finds its lessons (`Session.defaultLessonDirectory()`, looked up at the first
    /// `:learn`, so that starting a session stays as fast as it was).
    public lazy var lessonDirectory: String? = Session.defaultLessonDirectory()
    /// The file that keeps the learner's progress through the lessons.
    public var lessonProgressPath = LessonProgress.defaultPath()
    /// The terminal's width in columns, for wrapping a lesson's text (the shell asks the terminal).
    public var textWidth: () -> Int = { 80 }

    /// - Parameters:
    ///   - output: where values, `print` and meta command output go (stdout by default).
    ///   - errors: where rendered diagnostics go (stderr by default).
    public init(builtins: BuiltinRegistry = .standard(), seed: UInt64 = 0,
                output: @escaping (String) -> Void = { Swift.print($0, terminator: "") },
                errors: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.initialSeed = seed
        self.seed = seed
        self.writeOutput = output
        self.writeError = errors
        self.interpreter = Interpreter(builtins: builtins, seed: seed)
        interpreter.write = { [unowned self] text in self.write(text) }
        interpreter.reportCaught = { [unowned self] d in self.report(d) }
        registerStandardMetaCommands()
        registerLessonCommands()
    }

    /// Writes normal output (meta commands and builtins use this).
    public func write(_ text: String) {
        guard muted == 0 else { return }
        transcript += text
        writeOutput(text)
    }

    /// Renders and writes a diagnostic.
    public func report(_ d: Diagnostic) {
        diagnostics.append(d)
        let text = DiagnosticRenderer.render(d, color: color)
        transcript += text
        writeError(text)
    }

    /// Runs source text: a line typed at the prompt (possibly several joined after `.incomplete`),
    /// or a script's contents.
    ///
    /// - Parameters:
    ///   - name: the name diagnostics show (`<repl>`, or the script's path).
    ///   - echo: print the value of each expression statement (other than `none`).
    ///   - allowIncomplete: report an unfinished statement as `.incomplete` (the prompt) rather than
    ///     as an error (a script, whose end is final).
    @discardableResult
    public func run(_ text: String, name: String = "<repl>", echo: Bool = true,
                    allowIncomplete: Bool = true) -> RunResult {
        run(SourceFile(name: name, text: text), echo: echo, allowIncomplete: allowIncomplete)
    }

    @discardableResult
    public func run(_ source: SourceFile, echo: Bool = true, allowIncomplete: Bool = true) -> RunResult {
        if loadDepth == 0 {
            transcript = ""
            diagnostics = []
            quitRequested = false
        }
        let ranBefore = statementsRun
        let status = NameScope.with(layerNames) { () -> Status in
            let status = execute(source, echo: echo, allowIncomplete: allowIncomplete)
            if loadDepth == 0, status == .ok { afterLearnerInput(ranSince: ranBefore) }
            return status
        }
        // Buffers the plans kept for a loop (fit, predict's batches) outlive the input only for the
        // plans run last, within a budget: the next `step(...)` reuses them (docs/execution.md).
        if loadDepth == 0 { BufferPool.trimBetweenInputs() }
        return RunResult(status: status, diagnostics: diagnostics, output: transcript)
    }

    /// Runs a script file (`plexus script.plx`, `:load`). Unreadable files are reported.
    @discardableResult
    public func runFile(_ path: String, echo: Bool = true) -> RunResult {
        if loadDepth == 0 {
            transcript = ""
            diagnostics = []
        }
        let pathSource = SourceFile(name: "<command line>", text: path)
        let span = SourceSpan(source: pathSource, start: SourceLocation(line: 1, column: 1, offset: 0),
                              length: pathSource.bytes.count)
        let status: Status
        do {
            let source = try readScript(path, at: span)
            status = NameScope.with(layerNames) { execute(source, echo: echo, allowIncomplete: false) }
        } catch let d as Diagnostic {
            report(d)
            status = .error
        } catch {
            report(Diagnostic(error, at: span))
            status = .error
        }
        return RunResult(status: status, diagnostics: diagnostics, output: transcript)
    }

    /// Where `:load FILE` finds a relative FILE: beside the script the `:load` is in (as Julia's
    /// `include`), else in the working directory. At the prompt, in `-e` source and piped input
    /// only the working directory. The path is returned as the loaded script's name, so its own
    /// `:load`s resolve beside it and its diagnostics name it.
    func resolveLoadPath(_ path: String, at span: SourceSpan) throws -> String {
        let expanded = NSString(string: path).expandingTildeInPath
        let loader = span.source.name
        guard !expanded.hasPrefix("/"), !loader.hasPrefix("<") else { return path }
        let folder = NSString(string: loader).deletingLastPathComponent
        guard !folder.isEmpty else { return path }
        let beside = NSString(string: folder).appendingPathComponent(path)
        if FileManager.default.fileExists(atPath: beside) { return beside }
        if FileManager.default.fileExists(atPath: expanded) { return path }
        throw Diagnostic("cannot read '\(path)': no such file in \(folder)/ (beside \(loader)) nor in the working directory",
                         at: span)
    }

    func readScript(_ path: String, at span: SourceSpan) throws -> SourceFile {
        let expanded = NSString(string: path).expandingTildeInPath
        do {
            return SourceFile(name: path, bytes: try RegularFile.read(expanded))
        } catch let error as DataError {
            // "cannot read 'x.plx': no such file or directory", "...: is not a regular file (it is a FIFO (named pipe))"
            var reason = error.message
            if reason.hasPrefix("cannot open: ") { reason = String(reason.dropFirst("cannot open: ".count)) }
            throw Diagnostic("cannot read '\(path)': \(reason.prefix(1).lowercased() + reason.dropFirst())", at: span)
        }
    }

    /// Parses and runs one source; returns its status. Diagnostics are reported as they happen.
    func execute(_ source: SourceFile, echo: Bool, allowIncomplete: Bool) -> Status {
        let statements: [Stmt]
        switch Parser.parse(source) {
        case .incomplete(let d):
            if allowIncomplete { return .incomplete }
            report(d)
            return .error
        case .failure(let d):
            report(d)
            return .error
        case .complete(let s):
            statements = s
        }
        let clock = ContinuousClock()
        var status = Status.ok
        for stmt in statements where !quitRequested {
            let started = clock.now
            defer { statementEnded() }
            do {
                try runStatement(stmt, echo: echo)
                // `:time on` times each statement (a script's too), not the meta commands.
                if timing, !stmt.isMeta { write("time: \(Session.format(clock.now - started))\n") }
            } catch let d as Diagnostic {
                report(d)
                status = .error
                break
            } catch is AlreadyReported {
                status = .error
                break
            } catch {
                report(Diagnostic(error, at: stmt.span))
                status = .error
                break
            }
        }
        return status
    }

    /// Runs one top-level statement; on failure the global bindings are restored as they were.
    func runStatement(_ stmt: Stmt, echo: Bool) throws {
        if case .meta(let name, let argument, let span) = stmt.kind {
            guard let command = metaCommands[name] else {
                let names = Array(metaCommands.keys)
                if let guess = didYouMean(name, candidates: names) {
                    throw Diagnostic("unknown command ':\(name)': did you mean :\(guess)?", at: span)
                }
                throw Diagnostic("unknown command ':\(name)'", at: span, suggestion: "':help' lists the commands")
            }
            try command.run(self, argument, span)
            if command.recorded { history.append(argument.isEmpty ? ":\(name)" : ":\(name) \(argument)") }
            return
        }
        // Dictionaries are copy-on-write: keeping the old globals costs one copy, and only when the
        // statement assigns.
        let saved = interpreter.globals.values
        do {
            let value = try interpreter.executeTopLevel(stmt)
            if echo, let value {
                if case .nothing = value {} else { write(value.repr + "\n") }
            }
            history.append(stmt.span.text)
            statementsRun += 1
        } catch {
            interpreter.globals.values = saved
            throw error
        }
    }

    /// Forgets every variable and the statement record, starts a new naming scope (the next
    /// `dense(...)` is `dense` again) and re-seeds the random generator.
    public func reset() {
        interpreter.globals.values = [:]
        history = []
        layerNames = NameScope()
        NameScope.current = layerNames
        setSeed(initialSeed)
    }

    /// Re-seeds the session's random generator (`:seed N`).
    public func setSeed(_ seed: UInt64) {
        self.seed = seed
        interpreter.random = RandomGenerator(seed: seed)
    }

    static func format(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        if seconds < 1 { return String(format: "%.2f ms", seconds * 1000) }
        return String(format: "%.2f s", seconds)
    }
}

/// Thrown by a meta command whose failure has already been reported (an error inside a `:load`ed
/// script): stops the current run without a second message.
struct AlreadyReported: Error {}
