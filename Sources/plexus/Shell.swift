import PlexusTensor
import PlexusNN
import CReadline
import Foundation
import PlexusLang
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The interactive shell: GNU readline's line editing, history and completion around a `Session`.
///
/// Readline runs in its callback mode (as Python's REPL does): the shell `poll`s the terminal and
/// the Ctrl-C pipe, feeds readline one key at a time, and readline hands back whole lines. That is
/// what lets Ctrl-C clear the line at the prompt while the same Ctrl-C interrupts a running
/// command. A statement left open (`def f(x) {`) switches to the continuation prompt until it is
/// complete, and is then stored in the history as one entry, so Up recalls all of its lines.
final class Shell {
    static let prompt = "plexus> "
    static let continuationPrompt = "...> "
    /// How many history entries to keep in memory and lines in the history file.
    static let historyLimit: Int32 = 1000

    /// The shell readline's C callbacks talk to (they cannot capture a context).
    static var current: Shell?

    let session: Session
    let historyPath: String
    /// The lines of an unfinished statement, joined with newlines.
    var pending = ""
    var running = true
    /// Whether readline's line handler is installed with the current prompt.
    var handlerInstalled = false
    var lastHistoryEntry: String?
    /// The read end of the Ctrl-C pipe (`Signals`).
    var interruptPipe: Int32?

    init(seed: UInt64, color: Bool) {
        session = Session(seed: seed, output: { text in
            _ = StandardStreams.write(text, to: stdout)
        }, errors: { text in
            fflush(stdout)
            // The terminal has just echoed "^C": start the error on a line of its own.
            if Interrupt.isRequested { _ = StandardStreams.write("\n", to: stderr) }
            _ = StandardStreams.write(text, to: stderr)
        })
        session.statementEnded = { fflush(stdout) }
        session.color = color
        session.interpreter.liveProgress = isatty(STDOUT_FILENO) != 0
        session.textWidth = Shell.terminalWidth
        historyPath = Shell.historyPath()
    }

    /// The terminal's width now (lessons wrap their text to it), or 80 when it cannot be known.
    static func terminalWidth() -> Int {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    /// `PLEXUS_HISTORY`, or `~/.plexus_history`.
    static func historyPath() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["PLEXUS_HISTORY"], !path.isEmpty { return path }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".plexus_history")
    }

    /// Runs until Ctrl-D or `:quit`.
    func run() {
        Shell.current = self
        configureReadline()
        loadHistory()
        interruptPipe = Signals.installInterruptHandler()
        print("Plexus \(PlexusNN.version): ':help' lists the builtins and commands; ':learn' teaches by doing; Ctrl-D or ':quit' leaves.")
        fflush(stdout)

        while running {
            if !handlerInstalled {
                rl_callback_handler_install(pending.isEmpty ? Shell.prompt : Shell.continuationPrompt) { line in
                    Shell.current?.accept(line)
                }
                handlerInstalled = true
            }
            var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)]
            if let interruptPipe { fds.append(pollfd(fd: interruptPipe, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready < 0 {
                if errno == EINTR { continue } // the pipe tells whether it was Ctrl-C
                break
            }
            if fds.count > 1, fds[1].revents != 0 {
                Signals.drain(interruptPipe)
                Interrupt.clear()
                cancelLine()
                continue
            }
            if fds[0].revents != 0 { rl_callback_read_char() }
        }
        if handlerInstalled { rl_callback_handler_remove() }
        _ = history_truncate_file(historyPath, Shell.historyLimit)
        fflush(stdout)
        Shell.current = nil
    }

    func configureReadline() {
        rl_readline_name = UnsafePointer(strdup("plexus"))
        rl_catch_signals = 0 // Ctrl-C is ours (Signals); readline keeps handling window resizes
        rl_change_environment = 0 // leave LINES and COLUMNS alone
        ShellCompletion.install()
    }

    /// Called by readline with each finished line, or nil at end of input (Ctrl-D).
    func accept(_ raw: UnsafeMutablePointer<CChar>?) {
        // Take the prompt down now; the loop puts it back with the right prompt afterwards.
        rl_callback_handler_remove()
        handlerInstalled = false
        guard let raw else {
            print("")
            running = false
            return
        }
        let line = String(cString: raw)
        free(raw)
        let source = pending.isEmpty ? line : pending + "\n" + line
        if pending.isEmpty, line.allSatisfy(\.isWhitespace) { return }

        Interrupt.clear()
        let result = session.run(source, name: "<repl>")
        // A Ctrl-C that came while the command ran was for the command, not for the next prompt.
        Signals.drain(interruptPipe)
        Interrupt.clear()
        fflush(stdout)
        if result.status == .incomplete {
            pending = source
        } else {
            pending = ""
            remember(source)
        }
        if session.quitRequested { running = false }
    }

    /// Ctrl-C at the prompt: abandon the line (and an unfinished statement), start afresh.
    func cancelLine() {
        if handlerInstalled {
            rl_point = rl_end
            rl_redisplay()
            rl_free_line_state()
            rl_callback_sigcleanup()
            rl_callback_handler_remove()
            handlerInstalled = false
        }
        fputs("^C\n", stdout)
        fflush(stdout)
        pending = ""
    }

    // MARK: - History

    /// Reads the history file. Entries carry timestamps so that a multi-line statement comes back
    /// as one entry (readline joins the lines between two timestamps).
    func loadHistory() {
        using_history()
        stifle_history(Shell.historyLimit)
        history_comment_char = CChar(UInt8(ascii: "#")) // timestamps are written as `#<seconds>` lines
        history_write_timestamps = 1
        history_multiline_entries = 1
        _ = read_history(historyPath)
    }

    /// Adds a statement to the history and appends it to the file at once, so a crash or a
    /// closed terminal loses nothing and two shells do not overwrite each other's entries.
    func remember(_ source: String) {
        guard !source.allSatisfy(\.isWhitespace), source != lastHistoryEntry else { return }
        lastHistoryEntry = source
        add_history(source)
        if access(historyPath, F_OK) == 0 {
            _ = append_history(1, historyPath)
        } else {
            _ = write_history(historyPath)
        }
    }
}
