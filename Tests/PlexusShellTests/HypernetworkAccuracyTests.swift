import Foundation
import XCTest

/// `sessions/hypernetwork.plx` trained for real (seeded): the hypernetwork finds the template in at
/// least 90% of held-out samples, and the static baseline, trained the same way, in at most 10%.
///
/// The session trains two models for 300 steps each: about 15 s of CPU in a release build, several
/// minutes in a debug one. So this test runs the RELEASE binary as a child process, and fails with
/// the command to build it when it is missing or older than the sources.
final class HypernetworkAccuracyTests: XCTestCase {
    func testHypernetworkFindsTheTemplateAndTheStaticBaselineDoesNot() throws {
        let binary = try releasePlexus()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["sessions/hypernetwork.plx"]
        process.currentDirectoryURL = repositoryRoot
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, err)

        let hyper = try heldOutLocationAccuracy("hyper", in: out)
        let baseline = try heldOutLocationAccuracy("static", in: out)
        XCTAssertGreaterThanOrEqual(hyper, 0.9, "hypernetwork, held out")
        XCTAssertLessThanOrEqual(baseline, 0.1, "static baseline, held out")
    }

    /// The location accuracy of `evaluate(model, test)`'s line, `hyper on 512 samples: loss 0.0010 -
    /// location_accuracy 0.9883`.
    private func heldOutLocationAccuracy(_ model: String, in output: String) throws -> Double {
        let prefix = "\(model) on 512 samples: "
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }),
              let figure = line.components(separatedBy: "location_accuracy ").last.flatMap({ Double($0) }) else {
            throw PseudoTerminalError("no line '\(prefix)... location_accuracy N' in the output:\n\(output)")
        }
        return figure
    }
}
