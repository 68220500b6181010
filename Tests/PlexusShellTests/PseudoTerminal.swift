import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// The built `plexus` executable, beside the test bundle in `.build/debug`.
///
/// `swift test` builds the test bundle but does not link executables, so `make test` runs
/// `swift build --product plexus` first. A binary that is missing, or older than an object file
/// of the modules it is linked from (which `swift test` recompiles when their sources change),
/// fails the test with that command rather than testing stale code.
///
/// `PLEXUS_BINARY=/path/to/plexus` runs the binary-driven tests against another build (a release
/// build, or an older one to see a test fail before its fix), without the staleness check.
func plexusExecutable() throws -> String {
    if let chosen = ProcessInfo.processInfo.environment["PLEXUS_BINARY"], !chosen.isEmpty {
        guard FileManager.default.isExecutableFile(atPath: chosen) else {
            throw PseudoTerminalError("PLEXUS_BINARY=\(chosen) is not an executable file")
        }
        return chosen
    }
    let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let repository = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    let build = "build it with 'swift build --product plexus' (make test does so before 'swift test')"
    let candidates = [bundleDirectory.appendingPathComponent("plexus"),
                      repository.appendingPathComponent(".build/debug/plexus")]
    guard let binary = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
        throw PseudoTerminalError("the plexus executable is missing (looked for \(candidates.map(\.path).joined(separator: ", "))): \(build)")
    }
    let linked = modificationDate(binary.path) ?? .distantPast
    for module in ["plexus", "PlexusLang", "PlexusNN", "PlexusTensor"] {
        let objects = binary.deletingLastPathComponent().appendingPathComponent("\(module).build")
        guard let walker = FileManager.default.enumerator(atPath: objects.path) else { continue }
        for case let file as String in walker where file.hasSuffix(".o") {
            if let compiled = modificationDate(objects.appendingPathComponent(file).path), compiled > linked {
                throw PseudoTerminalError("\(binary.path) is older than the compiled \(module)/\(file): \(build)")
            }
        }
    }
    return binary.path
}

private func modificationDate(_ path: String) -> Date? {
    (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
}

/// A process running on a pseudo-terminal, as a user at a terminal would run it: keys go in
/// through the terminal (Ctrl-C becomes SIGINT there), and what it prints is read back.
///
/// Every read waits at most a few seconds, so a shell that hangs fails its test instead of the
/// suite; the process is killed when the terminal is dropped.
final class PseudoTerminal {
    let master: Int32
    let pid: pid_t
    /// Everything the process printed, raw.
    private(set) var raw: [UInt8] = []
    /// How much of the screen text earlier `expect`s have consumed.
    private var mark = 0
    private var exitStatus: Int32?

    init(_ executable: String, arguments: [String] = [], environment: [String: String]) throws {
        let (master, slavePath) = try PseudoTerminal.openMaster()
        self.master = master
        var size = winsize(ws_row: 24, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // After setsid the child has no terminal; opening the slave makes it the controlling one,
        // so the terminal's Ctrl-C reaches it as SIGINT.
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var noMask = sigset_t()
        sigemptyset(&noMask)
        posix_spawnattr_setsigmask(&attributes, &noMask)
        let setsid: Int32 = 0x80 // POSIX_SPAWN_SETSID (glibc 2.26), not exported to Swift
        posix_spawnattr_setflags(&attributes, Int16(setsid | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        guard rc == 0 else {
            close(master)
            throw PseudoTerminalError("cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        pid = child
        _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
    }

    /// posix_openpt, grantpt, unlockpt and ptsname_r are X/Open functions the Glibc module does
    /// not export: look them up.
    static func openMaster() throws -> (Int32, String) {
        typealias OpenPt = @convention(c) (Int32) -> Int32
        typealias PtOp = @convention(c) (Int32) -> Int32
        typealias PtsName = @convention(c) (Int32, UnsafeMutablePointer<CChar>?, Int) -> Int32
        let libc = UnsafeMutableRawPointer(bitPattern: 0)
        guard let open = dlsym(libc, "posix_openpt"), let grant = dlsym(libc, "grantpt"),
              let unlock = dlsym(libc, "unlockpt"), let name = dlsym(libc, "ptsname_r") else {
            throw PseudoTerminalError("this C library has no pseudo-terminal functions")
        }
        let fd = unsafeBitCast(open, to: OpenPt.self)(O_RDWR | O_NOCTTY | O_CLOEXEC)
        var path = [CChar](repeating: 0, count: 128)
        guard fd >= 0, unsafeBitCast(grant, to: PtOp.self)(fd) == 0, unsafeBitCast(unlock, to: PtOp.self)(fd) == 0,
              unsafeBitCast(name, to: PtsName.self)(fd, &path, path.count) == 0 else {
            let reason = String(cString: strerror(errno))
            if fd >= 0 { close(fd) }
            throw PseudoTerminalError("cannot open a pseudo-terminal: \(reason)")
        }
        return (fd, String(cString: path))
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
    }

    /// Types text (keys: "\r" is Enter, "\u{3}" Ctrl-C, "\u{4}" Ctrl-D, "\u{1B}[A" Up).
    func send(_ keys: String) {
        let bytes = Array(keys.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if n > 0 { done += n } else if errno != EINTR && errno != EAGAIN { return }
        }
    }

    /// The screen as text: escape sequences and carriage returns removed, newlines kept.
    var screen: String { PseudoTerminal.plain(raw) }

    /// Reads until `text` appears in the screen text after what earlier calls matched; true if
    /// it did within the timeout. The match is consumed.
    @discardableResult
    func expect(_ text: String, timeout: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let plain = Array(screen.utf8)
            if let range = find(Array(text.utf8), in: plain, from: mark) {
                mark = range
                return true
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 || !readSome(waitingAtMost: remaining) { return false }
        }
    }

    /// Reads what is available within the time; false when nothing more will come.
    private func readSome(waitingAtMost seconds: Double) -> Bool {
        var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
        let ready = poll(&fds, 1, Int32(max(1, min(seconds, 5) * 1000)))
        if ready < 0 { return errno == EINTR }
        if ready == 0 { return false }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
        if n > 0 {
            raw += buffer[0..<n]
            return true
        }
        return n < 0 && (errno == EAGAIN || errno == EINTR)
    }

    /// Waits for the process to end; its exit status, or nil if it was killed by a signal or is
    /// still running after the timeout.
    func waitForExit(timeout: Double = 5) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            _ = readSome(waitingAtMost: 0.01)
            var status: Int32 = 0
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid {
                exitStatus = status
                // WIFEXITED / WEXITSTATUS are macros Swift does not import.
                return status & 0x7F == 0 ? (status >> 8) & 0xFF : nil
            }
            if r < 0 { return nil }
        }
        return nil
    }

    /// Terminal output as plain text: CSI and other escape sequences dropped, "\r" dropped.
    static func plain(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x1B {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "[") {
                    i += 1
                    while i < bytes.count, !(0x40...0x7E).contains(bytes[i]) { i += 1 }
                }
                i += 1
                continue
            }
            if b != UInt8(ascii: "\r") && b != 0x07 { out.append(b) }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The end of the first occurrence of `needle` at or after `start`.
    private func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for i in start...(haystack.count - needle.count) where haystack[i] == needle[0] {
            if Array(haystack[i..<(i + needle.count)]) == needle { return i + needle.count }
        }
        return nil
    }
}

struct PseudoTerminalError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
