import Foundation
import XCTest

/// Replays every `sessions/**/*.plx` through the release `plexus` binary and compares what it
/// prints with the `.out` file beside it (`TranscriptComparison`: training figures within the
/// tolerance the script states, everything else exactly).
///
/// Each script runs as a user runs it, `plexus /path/to/sessions/NAME.plx`, from a working
/// directory outside the repository: it must run to its end and exit with status 0 (a mistake
/// shown on purpose is inside `try`). Stdout and stderr are read through one pipe, in the order
/// they were written; the repository's path is taken out of the output, so diagnostics name
/// `sessions/NAME.plx` and the recorded files do not depend on the machine.
///
/// The scripts that train (call `fit` or `step`) run twice, once with `OPENBLAS_CORETYPE=Haswell
/// OPENBLAS_L2_SIZE=512` in the child's environment and once with both removed from it (some of
/// our machines set them; OpenBLAS then runs other kernels), and both runs are compared with the
/// same transcript. The test runner's own environment is never changed.
///
/// To record (after checking the new output is right):
///
///     PLEXUS_RECORD=1 swift test --filter TranscriptTests     # or: make transcripts
final class TranscriptTests: XCTestCase {
    static let recordHint = "PLEXUS_RECORD=1 swift test --filter TranscriptTests (or make transcripts)"

    /// Every `.plx` under sessions/, as paths relative to the repository root, sorted.
    static func scripts() -> [String] {
        let sessions = repositoryRoot.appendingPathComponent("sessions")
        guard let walker = FileManager.default.enumerator(atPath: sessions.path) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".plx") }.map { "sessions/" + $0 }.sorted()
    }

    /// Whether a script trains a network: a `fit(` or `step(` call outside comments.
    static func trains(_ script: String) -> Bool {
        script.components(separatedBy: "\n").contains { line in
            let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            return code.range(of: #"(^|[^A-Za-z0-9_.])(fit|step)\s*\("#, options: .regularExpression) != nil
        }
    }

    /// The OpenBLAS variables some machines of ours set: the child runs once with them, once without.
    static let openBLASVariables = ["OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "512"]

    static var recording: Bool {
        ProcessInfo.processInfo.environment["PLEXUS_RECORD"].map { !$0.isEmpty && $0 != "0" } ?? false
    }

    /// A working directory outside the repository, removed after the test.
    var elsewhere: URL!

    override func setUpWithError() throws {
        elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-transcripts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: elsewhere)
    }

    /// What `plexus ROOT/SCRIPT` prints run from `elsewhere`, with `ROOT/` taken out.
    func replay(_ script: String, environment: [String: String]) throws -> ProcessOutput {
        let root = repositoryRoot.standardizedFileURL.path + "/"
        var run = try runProcess(try releasePlexus(), [root + script], in: elsewhere, environment: environment)
        run.text = run.text.replacingOccurrences(of: root, with: "")
        return run
    }

    /// Runs a script and checks its exit status and its output against the recorded transcript.
    func check(_ script: String, environment: [String: String], described: String) throws {
        let source = try String(contentsOfFile: repositoryRoot.appendingPathComponent(script).path, encoding: .utf8)
        let comparison = try TranscriptComparison(script: source, name: script)
        let run = try replay(script, environment: environment)
        XCTAssertTrue(run.exitedNormally && run.status == 0,
                      "'plexus \(script)' (\(described)) did not run to its end: exit status \(run.status)\n\(run.text)")
        let expectedPath = repositoryRoot.appendingPathComponent(String(script.dropLast(4)) + ".out").path
        guard let expected = FileManager.default.contents(atPath: expectedPath) else {
            XCTFail("\(script) has no recorded output \(String(script.dropLast(4))).out: check what it prints "
                    + "with 'plexus \(script)', then record it with \(TranscriptTests.recordHint)")
            return
        }
        if let difference = comparison.firstDifference(expected: String(decoding: expected, as: UTF8.self), actual: run.text) {
            XCTFail("\(script) (\(described)) printed something else than its recorded output: \(difference)\n"
                    + "if the new output is right, record it with \(TranscriptTests.recordHint)")
        }
    }

    func source(_ script: String) -> String {
        (try? String(contentsOfFile: repositoryRoot.appendingPathComponent(script).path, encoding: .utf8)) ?? ""
    }

    func testEverySessionScriptRunsToItsEndFromAnyDirectoryAndPrintsItsRecordedOutput() throws {
        let scripts = TranscriptTests.scripts()
        XCTAssertFalse(scripts.isEmpty, "no scripts found under \(repositoryRoot.path)/sessions")
        let environment = ProcessInfo.processInfo.environment
        if TranscriptTests.recording {
            for script in scripts {
                let run = try replay(script, environment: environment)
                let path = repositoryRoot.appendingPathComponent(String(script.dropLast(4)) + ".out").path
                try run.text.write(toFile: path, atomically: true, encoding: .utf8)
                print("recorded \(String(script.dropLast(4))).out" + (run.status == 0 ? "" : " (exit status \(run.status))"))
            }
            return
        }
        // The training scripts run in the next test, with and without the OpenBLAS variables.
        for script in scripts where !TranscriptTests.trains(source(script)) {
            try check(script, environment: environment, described: "the test runner's environment")
        }
    }

    func testTrainingTranscriptsHoldWithAndWithoutTheOpenBLASVariables() throws {
        if TranscriptTests.recording { return }
        let training = TranscriptTests.scripts().filter { TranscriptTests.trains(source($0)) }
        XCTAssertTrue(training.contains("sessions/siamese.plx"), "the training scripts found: \(training)")
        var without = ProcessInfo.processInfo.environment
        for name in TranscriptTests.openBLASVariables.keys { without[name] = nil }
        let with = without.merging(TranscriptTests.openBLASVariables) { $1 }
        for script in training {
            try check(script, environment: with, described: "OPENBLAS_CORETYPE=Haswell OPENBLAS_L2_SIZE=512")
            try check(script, environment: without, described: "OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset")
        }
    }

    /// The tolerance is no blindfold: training.plx with a learning rate of zero (the loss stays
    /// where it starts) no longer matches its transcript.
    func testATrainingThatDoesNotLearnFailsItsTranscript() throws {
        let script = "sessions/training.plx"
        let text = source(script)
        XCTAssertTrue(text.contains("adam(0.001)"), "\(script) no longer trains with adam(0.001)")
        let broken = elsewhere.appendingPathComponent("training.plx")
        try text.replacingOccurrences(of: "adam(0.001)", with: "adam(0)").write(to: broken, atomically: true, encoding: .utf8)
        let comparison = try TranscriptComparison(script: text, name: script)
        XCTAssertFalse(comparison.labelled.isEmpty, "\(script) states no tolerance for its training figures")
        let run = try runProcess(try releasePlexus(), [broken.path], in: elsewhere,
                                 environment: ProcessInfo.processInfo.environment)
        // The compile line shows the learning rate: expect the one the broken script has.
        let expected = try String(contentsOfFile: repositoryRoot.appendingPathComponent("sessions/training.out").path, encoding: .utf8)
            .replacingOccurrences(of: "adam(learning_rate: 0.001)", with: "adam(learning_rate: 0.0)")
        let difference = comparison.firstDifference(expected: expected, actual: run.text)
        XCTAssertNotNil(difference, "a model that never learns matched the training transcript")
        XCTAssertTrue(difference?.contains("epoch  1/30: loss") ?? false, difference ?? "")
    }
}
