import Foundation

/// One run of the built `plexus` binary as a child process, optionally under an address-space
/// limit (`ulimit -v`, RLIMIT_AS) and always under a wall-clock limit: a hang is reported as such,
/// never waited out. The binary is found by `plexusExecutable()`, the one place that knows where it is.
struct PlexusProcess {
    struct Outcome {
        var stdout: String
        var stderr: String
        /// The exit status, or 128 + the signal for a process killed by a signal (as a shell says).
        var status: Int32
        var timedOut: Bool
        var crashed: Bool { status >= 128 && !timedOut }
    }

    /// Runs `plexus arguments...` with `input` on stdin.
    /// - Parameters:
    ///   - memoryLimitKB: the RLIMIT_AS of the child, in KB (`ulimit -v`), or nil for none.
    ///   - timeout: seconds before the child is killed and the run counted as a hang.
    static func run(_ arguments: [String], input: String = "", memoryLimitKB: Int? = nil,
                    timeout: Double = 60, directory: String = NSTemporaryDirectory()) throws -> Outcome {
        let binary = try plexusExecutable()
        let process = Process()
        if let memoryLimitKB {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -v \(memoryLimitKB) && exec \"$0\" \"$@\"", binary] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
        }
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": directory, "NO_COLOR": "1"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read both streams while the child runs (a full pipe would otherwise stall it).
        let out = Collected(), err = Collected()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { out.data = stdout.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { err.data = stderr.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try? stdin.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() > deadline {
                timedOut = true
                kill(process.processIdentifier, SIGKILL)
                break
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        process.waitUntilExit()
        group.wait()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return Outcome(stdout: String(decoding: out.data, as: UTF8.self), stderr: String(decoding: err.data, as: UTF8.self),
                       status: status, timedOut: timedOut)
    }
}

/// A stream's bytes, written by one reader thread and read after `DispatchGroup.wait`.
private final class Collected: @unchecked Sendable {
    var data = Data()
}
