#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a session's text goes in the executable: values and `print` to stdout, diagnostics to
/// stderr, in the order they happen.
enum StandardStreams {
    /// Writes output; a failed write (a closed pipe) ends the run with status 1.
    static func writeOutput(_ text: String) {
        if !write(text, to: stdout) { outputFailed() }
    }

    /// Writes a diagnostic, after flushing stdout so that both streams on one terminal (or after
    /// `2>&1`) read in the order they were produced.
    static func writeError(_ text: String) {
        if fflush(stdout) != 0 { outputFailed() }
        _ = write(text, to: stderr)
    }

    /// Flushes stdout at the end of a run: a write that fails there fails the run too.
    static func finish() {
        if fflush(stdout) != 0 { outputFailed() }
    }

    static func write(_ text: String, to stream: UnsafeMutablePointer<FILE>) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            bytes.isEmpty || fwrite(bytes.baseAddress, 1, bytes.count, stream) == bytes.count
        }
    }

    static func outputFailed() -> Never {
        let reason = String(cString: strerror(errno))
        _ = write("plexus: cannot write the output: \(reason)\n", to: stderr)
        exit(1)
    }
}
