import PlexusTensor
import PlexusNN
import PlexusLang
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The write end of the pipe through which the SIGINT handler wakes the prompt (-1 until the
/// shell installs the handler). A global, because a C signal handler cannot capture anything.
private var interruptPipeWrite: Int32 = -1

/// Ctrl-C in the interactive shell.
///
/// One handler serves both places Ctrl-C can land. While a command runs it only sets
/// `Interrupt`, which the interpreter polls and turns into an "interrupted" error. At the prompt
/// the same handler writes a byte to a pipe that the prompt's `poll` watches beside the terminal
/// (the self-pipe trick: no window in which a Ctrl-C can be missed), and the shell clears the line.
enum Signals {
    /// Installs the SIGINT handler; returns the pipe's read end to poll, or nil if no pipe could
    /// be made (then Ctrl-C still interrupts commands, and clears the line at the next key).
    static func installInterruptHandler() -> Int32? {
        Interrupt.clear() // creates the flag now: the handler must not be the first to touch it
        var fds: [Int32] = [-1, -1]
        let piped = pipe(&fds) == 0
        if piped {
            for fd in fds {
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            }
            interruptPipeWrite = fds[1]
        }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            let savedErrno = errno
            Interrupt.request()
            if interruptPipeWrite >= 0 {
                var byte: UInt8 = 3
                _ = write(interruptPipeWrite, &byte, 1)
            }
            errno = savedErrno
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0 // no SA_RESTART: the prompt's poll returns at once
        sigaction(SIGINT, &action, nil)
        return piped ? fds[0] : nil
    }

    /// Empties the pipe: Ctrl-Cs pressed while a command ran were for that command.
    static func drain(_ fd: Int32?) {
        guard let fd else { return }
        var buffer = [UInt8](repeating: 0, count: 64)
        while buffer.withUnsafeMutableBytes({ read(fd, $0.baseAddress, $0.count) }) > 0 {}
    }
}
