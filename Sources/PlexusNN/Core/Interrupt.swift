import Synchronization

/// The process-wide "stop what you are doing" request behind Ctrl-C.
///
/// The shell's SIGINT handler only calls `request()`: setting an atomic flag is all a signal
/// handler may safely do. Long-running work (the interpreter's loops and calls, a training loop
/// between steps) polls `isRequested` at points where stopping leaves everything consistent, and
/// turns it into an ordinary error, so the session survives an interrupted command. The shell
/// clears the flag before each command.
///
/// ```swift
/// for step in 0..<steps {
///     if Interrupt.isRequested { break }   // stop after the current step, keep the model
///     try trainOneStep()
/// }
/// ```
public enum Interrupt {
    // A lock-free atomic: safe to store from a signal handler.
    private static let flag = Atomic<Bool>(false)

    /// Asks running work to stop at its next check. Async-signal-safe once the flag exists (the
    /// shell touches it with `clear()` before installing its handler).
    public static func request() {
        flag.store(true, ordering: .releasing)
    }

    /// Whether a stop was requested since the last `clear()`: one atomic load, cheap enough for
    /// every iteration of an interpreted loop.
    public static var isRequested: Bool {
        flag.load(ordering: .acquiring)
    }

    /// Throws "`name` was interrupted (Ctrl-C)" when a stop was requested: for loops that return a
    /// result (evaluate, predict, data generators), where stopping early leaves nothing to keep.
    public static func check(_ name: String) throws {
        if isRequested { throw NetworkError(name, "was interrupted (Ctrl-C)") }
    }

    /// Forgets a pending request (before each command, and after one has been handled).
    public static func clear() {
        flag.store(false, ordering: .releasing)
    }
}
