import XCTest
import Foundation
@testable import PlexusLang

final class SessionTests: XCTestCase {
    func testUnfinishedInputIsIncompleteAndRunsNothing() {
        let t = Transcript()
        XCTAssertEqual(t.status("x = [1,\n2,"), .incomplete)
        XCTAssertEqual(t.status("x = [1,\n2,\n3]"), .ok)
        XCTAssertEqual(t.run("x"), "[1, 2, 3]\n")
    }

    func testUnfinishedScriptIsAnError() {
        let s = Session(output: { _ in }, errors: { _ in })
        let r = s.run("x = (1 +", name: "a.plx", allowIncomplete: false)
        XCTAssertEqual(r.status, .error)
        XCTAssertEqual(r.diagnostics.first?.message, "expected an expression, found end of input")
    }

    func testSyntaxErrorRunsNoStatement() {
        let t = Transcript()
        XCTAssertEqual(t.status("a = 1\nb = )"), .error)
        XCTAssertTrue(t.run("a").contains("unknown name 'a'"))
    }

    func testVarsListsVariablesSorted() {
        let t = Transcript()
        t.run("b = [1]; a = \"x\"; def f(n) { return n }")
        XCTAssertEqual(t.run(":vars"), "a = \"x\"\nb = [1]\nf = <function f(n)>\n")
    }

    func testResetForgetsVariablesAndHistory() {
        let t = Transcript()
        t.run("a = 1")
        XCTAssertEqual(t.run(":reset"), "session reset\n")
        XCTAssertEqual(t.run(":vars"), "no variables yet\n")
        XCTAssertEqual(t.session.history, [])
    }

    func testQuitSetsTheFlagAndStopsTheRun() {
        let t = Transcript()
        XCTAssertEqual(t.run("print(1)\n:quit\nprint(2)"), "1\n")
        XCTAssertTrue(t.session.quitRequested)
    }

    func testTimeOnPrintsATimeAfterEachInput() {
        let t = Transcript()
        t.run(":time on")
        XCTAssertTrue(t.run("1 + 1").hasPrefix("2\ntime: "))
        t.run(":time off")
        XCTAssertEqual(t.run("1 + 1"), "2\n")
        XCTAssertTrue(t.run(":time maybe").contains("error: ':time' expects 'on' or 'off', got 'maybe'"))
    }

    func testSeedResetsTheRandomGenerator() {
        let t = Transcript()
        t.run(":seed 42")
        let first = t.session.interpreter.random.next()
        t.run(":seed 42")
        XCTAssertEqual(t.session.interpreter.random.next(), first)
        XCTAssertEqual(t.session.seed, 42)
        XCTAssertTrue(t.run(":seed -1").contains("error: ':seed' expects a whole number"))
    }

    func testUnknownCommandSuggestsTheClosest() {
        XCTAssertTrue(Transcript().run(":hlep").contains("error: unknown command ':hlep': did you mean :help?"))
    }

    func testHistoryKeepsSuccessfulStatementsAndSeeds() {
        let t = Transcript()
        t.run("a = 1; b = nope")
        t.run(":seed 7")
        t.run(":vars")
        t.run("def f(x) {\n  return x\n}")
        XCTAssertEqual(t.session.history, ["a = 1", ":seed 7", "def f(x) {\n  return x\n}"])
    }

    func testSaveThenLoadReplaysTheSession() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("s.plx").path

        let t = Transcript()
        t.run("xs = [1, 2]\ndef total(v) { s = 0; for x in v { s = s + x }; return s }")
        XCTAssertEqual(t.run(":save \(path)"), "saved 2 statements to \(path)\n")

        let u = Transcript()
        XCTAssertEqual(u.run(":load \(path)\ntotal(xs)"), "3\n")
    }

    func testLoadReportsErrorsInTheScriptWithItsName() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bad.plx").path
        try "a = 1\nb = a + nope\n".write(toFile: path, atomically: true, encoding: .utf8)

        let t = Transcript()
        let out = t.run(":load \(path)\nprint(\"after\")")
        XCTAssertTrue(out.hasPrefix("\(path):2:9: error: unknown name 'nope'"), out)
        XCTAssertFalse(out.contains("after"))
        XCTAssertEqual(t.run("a"), "1\n")
    }

    func testAnUnknownCommandSuggestsTheClosestOne() {
        XCTAssertTrue(Transcript().run(":sed 3").hasPrefix("<repl>:1:1: error: unknown command ':sed': did you mean :seed?"))
    }

    func testLoadOfAMissingFileIsAnError() {
        XCTAssertTrue(Transcript().run(":load /nonexistent/x.plx").contains("error: cannot read '/nonexistent/x.plx': no such file"))
    }

    func testRunFileReportsInvalidUTF8() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-\(UUID().uuidString).plx").path
        try Data([0x78, 0x20, 0x3D, 0x20, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let s = Session(output: { _ in }, errors: { _ in })
        let r = s.runFile(path)
        XCTAssertEqual(r.status, .error)
        XCTAssertEqual(r.diagnostics.first?.message, "invalid UTF-8 byte 0xFE in source")
    }

    func testColouredDiagnosticsUseANSIEscapes() {
        let t = Transcript()
        t.session.color = true
        XCTAssertTrue(t.run("nope").contains("\u{1B}[1;31merror:\u{1B}[0m"))
    }
}

extension SessionTests {
    func testCompletionCandidatesCoverVariablesBuiltinsKeywordsAndCommands() {
        let t = Transcript()
        t.run("presets = 1")
        XCTAssertEqual(t.session.completionCandidates(prefix: "pr"), ["predict", "presets", "print"])
        XCTAssertEqual(t.session.completionCandidates(prefix: "ret"), ["return"])
        XCTAssertEqual(t.session.completionCandidates(prefix: ":s"), [":save", ":seed", ":skip"])
    }
}
