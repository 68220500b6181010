import Foundation
import XCTest

/// The interactive shell driven through a pseudo-terminal, keys in and screen out, as a user at a
/// terminal would drive it.
final class ShellPtyTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-pty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    var historyPath: String { directory.appendingPathComponent("history").path }

    /// A shell on a dumb terminal with its own history file and no user configuration.
    func startShell(extraEnvironment: [String: String] = [:]) throws -> PseudoTerminal {
        let environment = ["TERM": "dumb", "INPUTRC": "/dev/null", "NO_COLOR": "1", "HOME": directory.path,
                           "PLEXUS_HISTORY": historyPath, "LANG": "C.UTF-8"].merging(extraEnvironment) { $1 }
        let shell = try PseudoTerminal(try plexusExecutable(), environment: environment)
        try require(shell, "plexus> ")
        return shell
    }

    func require(_ shell: PseudoTerminal, _ text: String, file: StaticString = #filePath, line: UInt = #line) throws {
        guard shell.expect(text) else {
            XCTFail("expected \(text.debugDescription) on the screen:\n\(shell.screen)", file: file, line: line)
            throw PseudoTerminalError("stopped at a missing \(text.debugDescription)")
        }
    }

    /// Ctrl-D at an empty prompt leaves with status 0.
    func quit(_ shell: PseudoTerminal, file: StaticString = #filePath, line: UInt = #line) {
        shell.send("\u{4}")
        XCTAssertEqual(shell.waitForExit(), 0, "screen:\n\(shell.screen)", file: file, line: line)
    }

    func testMultiLineStatementRunsAndComesBackFromHistoryAsOneEntry() throws {
        let shell = try startShell()
        shell.send("def f(x) {\r")
        try require(shell, "...> ")
        shell.send("return x * 2\r")
        try require(shell, "...> ")
        shell.send("}\r")
        try require(shell, "plexus> ")
        shell.send("f(21)\r")
        try require(shell, "f(21)\n42\nplexus> ")

        shell.send(":reset\r")
        try require(shell, "session reset\nplexus> ")
        // Up three times: ':reset', 'f(21)', then the whole three-line definition.
        shell.send("\u{1B}[A\u{1B}[A\u{1B}[A")
        try require(shell, "return x * 2")
        shell.send("\r")
        try require(shell, "plexus> ")
        shell.send("f(4)\r")
        try require(shell, "f(4)\n8\nplexus> ")
        quit(shell)
    }

    func testTabCompletesABuiltinName() throws {
        let shell = try startShell()
        shell.send("pri\t")
        try require(shell, "print")
        shell.send("(\"hi\")\r")
        try require(shell, "(\"hi\")\nhi\nplexus> ")
        XCTAssertTrue(shell.screen.contains("plexus> print(\"hi\")\nhi\n"), shell.screen)
        quit(shell)
    }

    func testCtrlCInterruptsARunningLoopAndTheSessionGoesOn() throws {
        let shell = try startShell()
        shell.send("n = 5\r")
        try require(shell, "plexus> ")
        shell.send("for i in 1..100000000 { n = i }\r")
        // The first Ctrl-C may arrive before the loop starts (the flag is cleared before each
        // command): press it again until the loop reports the interruption.
        var interrupted = false
        for _ in 0..<10 where !interrupted {
            Thread.sleep(forTimeInterval: 0.2)
            shell.send("\u{3}")
            interrupted = shell.expect("<repl>:1:1: error: interrupted", timeout: 0.5)
        }
        XCTAssertTrue(interrupted, "screen:\n\(shell.screen)")
        try require(shell, "plexus> ")
        shell.send("n + 1\r")
        try require(shell, "n + 1\n6\nplexus> ")
        quit(shell)
    }

    func testCtrlCDuringFitKeepsAModelThatStillPredictsAndASessionThatAnswers() throws {
        let shell = try startShell()
        shell.send("train, test = split(digits(), 0.8); x = input(8, 8, 1)\r")
        try require(shell, "plexus> ")
        shell.send("m = model(x, x |> flatten() |> dense(32, activation: relu) |> dense(10, activation: softmax))\r")
        try require(shell, "plexus> ")
        shell.send("compile(m, loss: \"sparse_categorical_crossentropy\", optimizer: adam(0.001))\r")
        try require(shell, "plexus> ")
        shell.send("fit(m, train, epochs: 100000, batch: 8)\r")
        try require(shell, "epoch 1/100000")
        var interrupted = false
        for _ in 0..<10 where !interrupted {
            shell.send("\u{3}")
            interrupted = shell.expect("interrupted: ", timeout: 1)
        }
        XCTAssertTrue(interrupted, "screen:\n\(shell.screen)")
        try require(shell, "kept by the model")
        try require(shell, "plexus> ")
        shell.send("predict(m, test).shape\r")
        try require(shell, "(360, 10)\nplexus> ")
        shell.send("1 + 1\r")
        try require(shell, "1 + 1\n2\nplexus> ")
        quit(shell)
    }

    func testCtrlCAtThePromptClearsTheLineAndAnUnfinishedStatement() throws {
        let shell = try startShell()
        shell.send("abc")
        try require(shell, "abc")
        shell.send("\u{3}")
        try require(shell, "^C\nplexus> ")
        shell.send("def g(x) {\r")
        try require(shell, "...> ")
        shell.send("\u{3}")
        try require(shell, "^C\nplexus> ")
        shell.send("1 + 1\r")
        try require(shell, "1 + 1\n2\nplexus> ")
        XCTAssertTrue(shell.screen.contains("plexus> abc^C\nplexus> def g(x) {\n...> ^C\nplexus> 1 + 1\n2\n"), shell.screen)
        quit(shell)
    }

    func testHistoryIsKeptAcrossSessions() throws {
        let first = try startShell()
        first.send("6 * 7\r")
        try require(first, "42\nplexus> ")
        quit(first)

        let second = try startShell()
        second.send("\u{1B}[A")
        try require(second, "6 * 7")
        second.send("\r")
        try require(second, "42\nplexus> ")
        quit(second)
    }

    func testQuitCommandLeavesWithStatusZero() throws {
        let shell = try startShell()
        shell.send(":quit\r")
        XCTAssertEqual(shell.waitForExit(), 0, "screen:\n\(shell.screen)")
    }
}
