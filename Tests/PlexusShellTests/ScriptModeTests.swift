import Foundation
import XCTest

/// `plexus` run as a command: scripts, `-e`, piped input, flags and exit statuses.
final class ScriptModeTests: XCTestCase {
    struct Run {
        var stdout: String
        var stderr: String
        var status: Int32
        var exitedNormally: Bool
    }

    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func script(_ name: String, _ text: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs plexus with pipes for all three streams (so it is never on a terminal).
    func plexus(_ arguments: [String], input: String = "", environment: [String: String] = [:],
                in workingDirectory: URL? = nil) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try plexusExecutable())
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": directory.path].merging(environment) { $1 }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self),
                   status: process.terminationStatus, exitedNormally: process.terminationReason == .exit)
    }

    func testExecuteFlagRunsTheSourceAndPrintsItsValue() throws {
        let r = try plexus(["-e", "x = 20; x * 2 + 2"])
        XCTAssertEqual(r.stdout, "42\n")
        XCTAssertEqual(r.stderr, "")
        XCTAssertEqual(r.status, 0)
    }

    func testExecuteFlagTakesSourceThatStartsWithAMinus() throws {
        XCTAssertEqual(try plexus(["-e", "-2 * 3"]).stdout, "-6\n")
    }

    func testScriptErrorPrintsFileLineColumnAndExitsWithOne() throws {
        let path = try script("bad.plx", "print(\"before\")\nx = 1 + nope\nprint(\"after\")\n")
        let r = try plexus([path])
        XCTAssertEqual(r.stdout, "before\n")
        XCTAssertTrue(r.stderr.hasPrefix("\(path):2:9: error: unknown name 'nope'"), r.stderr)
        XCTAssertTrue(r.stderr.contains("x = 1 + nope\n        ^~~~\n"), r.stderr)
        XCTAssertEqual(r.status, 1)
    }

    func testSyntaxErrorAnywhereRunsNothing() throws {
        let path = try script("syntax.plx", "print(1)\nx = (2 +\n")
        let r = try plexus([path])
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.contains("\(path):3:1: error:"), r.stderr)
        XCTAssertEqual(r.status, 1)
    }

    func testKeepGoingReportsEachErrorAndRunsTheRest() throws {
        let path = try script("errors.plx", "nope\nprint(2)\n1 / 0\nprint(4)\n")
        let r = try plexus(["--keep-going", path])
        XCTAssertEqual(r.stdout, "2\n4\n")
        XCTAssertTrue(r.stderr.contains("\(path):1:1: error: unknown name 'nope'"), r.stderr)
        XCTAssertTrue(r.stderr.contains("\(path):3:"), r.stderr)
        XCTAssertEqual(r.status, 1)
    }

    func testPipedInputRunsAsAScriptWithoutPrompts() throws {
        let r = try plexus([], input: "x = 2\nx * 21\n")
        XCTAssertEqual(r.stdout, "42\n")
        XCTAssertEqual(r.stderr, "")
        XCTAssertEqual(r.status, 0)
    }

    func testQuitOnPipedInputExitsWithZeroAndRunsNothingAfter() throws {
        let r = try plexus([], input: ":quit\nprint(1)\n")
        XCTAssertEqual(r.stdout, "")
        XCTAssertEqual(r.status, 0)
    }

    func testEndOfInputInsideAStatementIsAnErrorNotAWait() throws {
        let r = try plexus([], input: "def f(x) {\n  return x\n")
        XCTAssertTrue(r.stderr.hasPrefix("<stdin>:3:1: error: "), r.stderr)
        XCTAssertTrue(r.stderr.contains("end of input"), r.stderr)
        XCTAssertEqual(r.status, 1)
    }

    func testMissingScriptIsAnError() throws {
        let r = try plexus(["/nonexistent/x.plx"])
        XCTAssertTrue(r.stderr.contains("error: cannot read '/nonexistent/x.plx': no such file"), r.stderr)
        XCTAssertEqual(r.status, 1)
    }

    func testVersionFlagPrintsTheVersion() throws {
        let r = try plexus(["--version"])
        XCTAssertEqual(r.stdout, "plexus 0.1.0\n")
        XCTAssertEqual(r.status, 0)
    }

    func testScriptAndExecuteTogetherIsAUsageError() throws {
        let r = try plexus(["-e", "1", "x.plx"])
        XCTAssertTrue(r.stderr.contains("give either a script or -e, not both"), r.stderr)
        XCTAssertNotEqual(r.status, 0)
    }

    func testDiagnosticsAreNotColouredOffATerminal() throws {
        let r = try plexus(["-e", "nope"])
        XCTAssertTrue(r.stderr.hasPrefix("<command line>:1:1: error: unknown name 'nope'"), r.stderr)
        XCTAssertFalse(r.stderr.contains("\u{1B}"), r.stderr)
    }

    func testClosedOutputPipeEndsWithStatusOneNotASignal() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try plexusExecutable())
        process.arguments = ["-e", "for i in 1..100000 { print(i) }"]
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try stdout.fileHandleForReading.close() // the reader goes away, as `| head -1` does
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .exit, "killed by signal \(process.terminationStatus)")
        XCTAssertEqual(process.terminationStatus, 1)
        XCTAssertTrue(String(decoding: err, as: UTF8.self).contains("Broken pipe"))
    }

    func testSeedFlagAcceptsOnlyAWholeNumber() throws {
        XCTAssertEqual(try plexus(["--seed", "42", "-e", "1"]).status, 0)
        XCTAssertNotEqual(try plexus(["--seed", "-1", "-e", "1"]).status, 0)
    }

    func testALoadInAScriptFindsTheFileBesideTheScriptFromAnyDirectory() throws {
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("lib"), withIntermediateDirectories: true)
        _ = try script("lib/parts.plx", "units = 16\n")
        let main = try script("main.plx", ":load lib/parts.plx\nprint(units * 2)\n")
        let r = try plexus([main], in: URL(fileURLWithPath: "/"))
        XCTAssertEqual(r.stdout, "32\n")
        XCTAssertEqual(r.stderr, "")
        XCTAssertEqual(r.status, 0)
    }

    func testALoadInAScriptFallsBackToTheWorkingDirectory() throws {
        let work = directory.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        _ = try script("work/here.plx", "print(\"from the working directory\")\n")
        let main = try script("main.plx", ":load here.plx\n")
        let r = try plexus([main], in: work)
        XCTAssertEqual(r.stdout, "from the working directory\n")
        XCTAssertEqual(r.status, 0)
    }

    func testAMistakeShownWithTryExitsZero() throws {
        let path = try script("shown.plx", "try { 1 / 0 }\nprint(\"after\")\n")
        let r = try plexus([path])
        XCTAssertEqual(r.stdout, "after\n")
        XCTAssertTrue(r.stderr.hasPrefix("\(path):1:11: error: division by zero"), r.stderr)
        XCTAssertEqual(r.status, 0)
    }
}
