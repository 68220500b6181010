import XCTest
import Foundation
@testable import PlexusLang

/// `ScriptReplay`, the one function behind `plexus FILE.plx`, `-e`, piped input and the
/// transcript tests.
final class ScriptReplayTests: XCTestCase {
    func replay(_ text: String, mode: ScriptReplay.Mode) -> (output: String, ok: Bool) {
        let t = Transcript()
        let ok = ScriptReplay.run(SourceFile(name: "s.plx", text: text), in: t.session, mode: mode)
        return (t.buffer.text, ok)
    }

    func testStopAtFirstErrorRunsUpToTheFailingStatement() {
        let r = replay("print(1)\nnope\nprint(3)\n", mode: .stopAtFirstError)
        XCTAssertEqual(r.output, "1\ns.plx:2:1: error: unknown name 'nope': did you mean none?\nnope\n^~~~\n")
        XCTAssertFalse(r.ok)
    }

    func testStopAtFirstErrorRunsNothingWhenTheScriptHasASyntaxError() {
        let r = replay("print(1)\nx = )\n", mode: .stopAtFirstError)
        XCTAssertEqual(r.output, "s.plx:2:5: error: expected an expression, found ')'\nx = )\n    ^\n")
    }

    func testKeepGoingReportsEachErrorWithTheScriptsLineNumbers() {
        let r = replay("print(1)\n\nx = )\nprint(4)\n1 / 0\nprint(6)\n", mode: .keepGoing)
        XCTAssertEqual(r.output, """
            1
            s.plx:3:5: error: expected an expression, found ')'
            x = )
                ^
            4
            s.plx:5:5: error: division by zero
            1 / 0
                ^
            6

            """)
        XCTAssertFalse(r.ok)
    }

    func testKeepGoingRunsAMultiLineStatementAsOnePiece() {
        let r = replay("def f(x) {\n  return x * 2\n}\nf(21)\n", mode: .keepGoing)
        XCTAssertEqual(r.output, "42\n")
        XCTAssertTrue(r.ok)
    }

    func testKeepGoingKeepsAnElseOnTheNextLineWithItsIf() {
        let r = replay("if 1 > 2 {\n  print(\"yes\")\n}\nelse {\n  print(\"no\")\n}\n", mode: .keepGoing)
        XCTAssertEqual(r.output, "no\n")
    }

    func testBothModesPrintTheSameForAScriptWithoutErrors() {
        let script = "xs = [1, 2]\n# a comment\nfor x in xs {\n  print(x)\n}\nlen(xs)\n"
        XCTAssertEqual(replay(script, mode: .keepGoing).output, replay(script, mode: .stopAtFirstError).output)
    }

    func testAnUnfinishedLastStatementIsAnErrorAtTheEnd() {
        let r = replay("print(1)\nxs = [1,\n", mode: .keepGoing)
        XCTAssertTrue(r.output.hasPrefix("1\ns.plx:3:1: error: expected an expression, found end of input"), r.output)
        XCTAssertFalse(r.ok)
    }

    func testQuitEndsTheReplay() {
        let r = replay("print(1)\n:quit\nprint(3)\n", mode: .keepGoing)
        XCTAssertEqual(r.output, "1\n")
        XCTAssertTrue(r.ok)
    }

    func testRunFileNamesTheScriptAsAskedAndReportsAMissingFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-\(UUID().uuidString).plx").path
        try "nope\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let t = Transcript()
        XCTAssertFalse(ScriptReplay.runFile(path, name: "sessions/x.plx", in: t.session, mode: .keepGoing))
        XCTAssertTrue(t.buffer.text.hasPrefix("sessions/x.plx:1:1: error: unknown name 'nope'"), t.buffer.text)

        let u = Transcript()
        XCTAssertFalse(ScriptReplay.runFile("/nonexistent/y.plx", in: u.session, mode: .keepGoing))
        XCTAssertTrue(u.buffer.text.contains("error: cannot read '/nonexistent/y.plx': no such file"), u.buffer.text)
    }

    func testSaveReplacesTheFileWholeAndLeavesNoTemporaryFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.plx").path
        try "old contents\n".write(toFile: path, atomically: false, encoding: .utf8)

        let t = Transcript()
        t.run("a = 1")
        XCTAssertEqual(t.run(":save \(path)"), "saved 1 statement to \(path)\n")
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "a = 1\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["s.plx"])
    }

    func testSaveIntoAMissingDirectorySaysWhy() {
        let out = Transcript().run(":save /nonexistent/dir/s.plx")
        XCTAssertTrue(out.contains("error: cannot write '/nonexistent/dir/s.plx': No such file or directory"), out)
    }
}
