import PlexusLang
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Script mode: `plexus FILE.plx`, `plexus -e 'source'`, and piped standard input.
///
/// All three go through `ScriptReplay`. The transcript tests run this binary on every session
/// script, so a recorded `.out` file shows exactly what `plexus FILE.plx` prints (stdout and
/// stderr together, without colour).
struct ScriptRunner {
    let session: Session
    let mode: ScriptReplay.Mode

    init(seed: UInt64, color: Bool, mode: ScriptReplay.Mode) {
        session = Session(seed: seed, output: StandardStreams.writeOutput, errors: StandardStreams.writeError)
        session.statementEnded = StandardStreams.finish
        session.color = color
        self.mode = mode
    }

    func runFile(_ path: String) -> Bool {
        ScriptReplay.runFile(path, in: session, mode: mode)
    }

    func run(_ source: String, name: String) -> Bool {
        ScriptReplay.run(SourceFile(name: name, text: source), in: session, mode: mode)
    }

    /// Reads standard input to its end, then runs it as one script named `<stdin>`: no prompts,
    /// no echo, and an unfinished last statement is an error rather than a wait for more.
    func runStandardInput() -> Bool {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if n > 0 {
                bytes += chunk[0..<n]
            } else if n == 0 {
                break
            } else if errno != EINTR {
                StandardStreams.writeError("plexus: cannot read standard input: \(String(cString: strerror(errno)))\n")
                return false
            }
        }
        return ScriptReplay.run(SourceFile(name: "<stdin>", bytes: bytes), in: session, mode: mode)
    }
}
