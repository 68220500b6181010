/// Runs a whole script into a session: the one function behind `plexus FILE.plx`, `plexus -e`
/// and piped input (the transcript tests run that binary, so what they check is what users run).
///
/// Everything the script prints (values of expression statements, `print`, diagnostics) goes to
/// the session's output and error sinks in order; the caller decides where those go (stdout and
/// stderr, or one text buffer).
///
/// ```swift
/// let session = Session(output: { text += $0 }, errors: { text += $0 })
/// let ok = ScriptReplay.run(SourceFile(name: "a.plx", text: "x = 2\nx * 21"), in: session, mode: .keepGoing)
/// // text == "42\n", ok == true
/// ```
public enum ScriptReplay {
    /// What an error does to the rest of the script.
    public enum Mode: Sendable {
        /// A script proper (the default for `plexus FILE.plx`): parsed whole, so a syntax error
        /// anywhere runs nothing, then run statement by statement up to the first error, exactly
        /// as `:load` runs it.
        case stopAtFirstError
        /// As if each statement were typed at the prompt (`--keep-going`): the script is cut into the pieces the prompt would run (a line, or the lines of
        /// one unfinished statement), each error is reported and the next piece runs. Diagnostics
        /// keep the script's name and line numbers.
        case keepGoing
    }

    /// Runs `source` in `session`; returns true when nothing failed. Stops early at `:quit`.
    @discardableResult
    public static func run(_ source: SourceFile, in session: Session, mode: Mode) -> Bool {
        switch mode {
        case .stopAtFirstError:
            return session.run(source, echo: true, allowIncomplete: false).status == .ok
        case .keepGoing:
            var ok = true
            for piece in pieces(of: source) {
                if session.run(piece, echo: true, allowIncomplete: false).status != .ok { ok = false }
                if session.quitRequested { break }
            }
            return ok
        }
    }

    /// Reads a script file and runs it; an unreadable file is reported as a diagnostic.
    ///
    /// - Parameter name: the name diagnostics show (the path as the user wrote it by default); a
    ///   `:load` in the script looks for a relative file beside this name first.
    @discardableResult
    public static func runFile(_ path: String, name: String? = nil, in session: Session, mode: Mode) -> Bool {
        let pathSource = SourceFile(name: "<command line>", text: path)
        let span = SourceSpan(source: pathSource, start: SourceLocation(line: 1, column: 1, offset: 0),
                              length: pathSource.bytes.count)
        do {
            let file = try session.readScript(path, at: span)
            return run(SourceFile(name: name ?? path, bytes: file.bytes), in: session, mode: mode)
        } catch let d as Diagnostic {
            session.report(d)
        } catch {
            session.report(Diagnostic(error, at: span))
        }
        return false
    }

    /// Cuts a script where the prompt would run it: after each line that completes a statement
    /// (or is a syntax error), except that an `else` or `catch` starting the next line belongs to
    /// the `if` or `try` before it, as it does in a script. Each piece keeps the script's name and is padded with
    /// the newlines before it, so its diagnostics show the script's own line numbers.
    static func pieces(of source: SourceFile) -> [SourceFile] {
        let lines = source.lineStarts.indices.map { i -> ArraySlice<UInt8> in
            let end = i + 1 < source.lineStarts.count ? source.lineStarts[i + 1] : source.bytes.count
            return source.bytes[source.lineStarts[i]..<end]
        }
        var pieces: [SourceFile] = []
        var firstLine = 0
        var pending: [UInt8] = []
        func piece() -> SourceFile {
            SourceFile(name: source.name, bytes: Array(repeating: UInt8(ascii: "\n"), count: firstLine) + pending)
        }
        for (i, line) in lines.enumerated() {
            if pending.isEmpty { firstLine = i }
            pending += line
            if isBlank(pending) {
                pending = []
                continue
            }
            if case .incomplete = Parser.parse(piece()) { continue }
            if i + 1 < lines.count, continuesBlock(lines[i + 1]), case .complete = Parser.parse(piece()) { continue }
            pieces.append(piece())
            pending = []
        }
        // What is left is an unfinished statement at the end of the script: running it reports
        // "found end of input" at the right place.
        if !pending.isEmpty { pieces.append(piece()) }
        return pieces
    }

    /// Only spaces, tabs, newlines and comments: nothing the prompt would run.
    static func isBlank(_ bytes: [UInt8]) -> Bool {
        var inComment = false
        for b in bytes {
            if b == UInt8(ascii: "\n") { inComment = false; continue }
            if inComment || b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") { continue }
            if b == UInt8(ascii: "#") { inComment = true; continue }
            return false
        }
        return true
    }

    /// A line starting with `else` or `catch`, which continue the `if` or `try` before them.
    static func continuesBlock(_ line: ArraySlice<UInt8>) -> Bool {
        startsWith("else", line) || startsWith("catch", line)
    }

    static func startsWith(_ keyword: String, _ line: ArraySlice<UInt8>) -> Bool {
        let text = line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard text.starts(with: Array(keyword.utf8)) else { return false }
        let after = text.dropFirst(keyword.utf8.count).first
        guard let after else { return true }
        return !(after == UInt8(ascii: "_") || (after >= 48 && after <= 57) || ((after | 0x20) >= 97 && (after | 0x20) <= 122))
    }
}
