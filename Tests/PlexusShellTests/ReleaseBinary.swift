import Foundation

/// The repository root: this file is Tests/PlexusShellTests/ReleaseBinary.swift.
let repositoryRoot = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The release build of `plexus`, for the tests that replay whole session scripts through it.
///
/// The session scripts train networks for seconds in a release build, which a debug build runs
/// many times slower, so the transcript tests use the release binary (`make test` builds it with
/// `swift build -c release --product plexus` before `swift test`). A binary that is missing, or
/// older than any file under `Sources/`, fails the test with that command rather than testing
/// stale code.
func releasePlexus() throws -> String {
    let build = "build it with 'swift build -c release --product plexus' (make test does so before 'swift test')"
    let binary = repositoryRoot.appendingPathComponent(".build/release/plexus").path
    guard FileManager.default.isExecutableFile(atPath: binary) else {
        throw ReleaseBinaryError("the release plexus executable is missing (looked for \(binary)): \(build)")
    }
    let linked = modificationDate(binary) ?? .distantPast
    let sources = repositoryRoot.appendingPathComponent("Sources")
    if let walker = FileManager.default.enumerator(atPath: sources.path) {
        for case let file as String in walker {
            if let changed = modificationDate(sources.appendingPathComponent(file).path), changed > linked {
                throw ReleaseBinaryError("\(binary) is older than Sources/\(file): \(build)")
            }
        }
    }
    return binary
}

struct ReleaseBinaryError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// What a run of a binary printed (stdout and stderr through one pipe, so in the order they were
/// written) and how it ended.
struct ProcessOutput {
    var text: String
    var status: Int32
    var exitedNormally: Bool
}

/// Runs `executable` with `arguments` in `directory`, standard input empty, stdout and stderr into
/// one pipe. `environment` replaces the child's environment (the test runner's own is never
/// changed).
func runProcess(_ executable: String, _ arguments: [String], in directory: URL,
                environment: [String: String]) throws -> ProcessOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    process.environment = environment
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessOutput(text: String(decoding: data, as: UTF8.self), status: process.terminationStatus,
                         exitedNormally: process.terminationReason == .exit)
}

private func modificationDate(_ path: String) -> Date? {
    (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
}
