import Foundation
import XCTest
@testable import PlexusLang

/// `:load` inside scripts (where a relative path is looked for, what `:quit` ends) and `:time on`
/// in scripts.
final class LoadAndTimeTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("sub"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testARelativeLoadInAScriptLooksBesideTheScript() throws {
        _ = try write("sub/b.plx", "y = 2\n")
        let a = try write("a.plx", ":load sub/b.plx\nprint(y * 10)\n")
        let t = Transcript()
        XCTAssertTrue(ScriptReplay.runFile(a, in: t.session, mode: .stopAtFirstError), t.buffer.text)
        XCTAssertEqual(t.buffer.text, "20\n")
    }

    func testNestedLoadsLookBesideTheScriptThatLoads() throws {
        _ = try write("sub/c.plx", "z = 3\n")
        _ = try write("sub/b.plx", ":load c.plx\ny = z + 1\n")
        let a = try write("a.plx", ":load sub/b.plx\ny\n")
        let t = Transcript()
        XCTAssertTrue(ScriptReplay.runFile(a, in: t.session, mode: .stopAtFirstError), t.buffer.text)
        XCTAssertEqual(t.buffer.text, "4\n")
    }

    func testDiagnosticsOfALoadedScriptNameItWhereItWasFound() throws {
        _ = try write("sub/b.plx", "y = nope\n")
        let a = try write("a.plx", ":load sub/b.plx\n")
        let t = Transcript()
        XCTAssertFalse(ScriptReplay.runFile(a, in: t.session, mode: .stopAtFirstError))
        XCTAssertTrue(t.buffer.text.hasPrefix("\(directory.path)/sub/b.plx:1:5: error: unknown name 'nope'"), t.buffer.text)
    }

    func testAMissingLoadNamesBothPlacesItLooked() throws {
        let a = try write("a.plx", ":load nowhere.plx\n")
        let t = Transcript()
        XCTAssertFalse(ScriptReplay.runFile(a, in: t.session, mode: .stopAtFirstError))
        XCTAssertTrue(t.buffer.text.hasPrefix(
            "\(a):1:1: error: cannot read 'nowhere.plx': no such file in \(directory.path)/ (beside \(a)) nor in the working directory"),
            t.buffer.text)
    }

    func testQuitInALoadedScriptEndsThatScriptOnly() throws {
        let b = try write("b.plx", "print(1)\n:quit\nprint(2)\n")
        let t = Transcript()
        XCTAssertEqual(t.run("m = 7\n:load \(b)\nprint(3)"), "1\n3\n")
        XCTAssertFalse(t.session.quitRequested)
        XCTAssertEqual(t.run("m"), "7\n")
        XCTAssertEqual(t.run(":quit\nprint(4)"), "")
        XCTAssertTrue(t.session.quitRequested)
    }

    func testTimeOnInAScriptTimesEachStatement() throws {
        let t = Transcript()
        let ok = ScriptReplay.run(SourceFile(name: "s.plx", text: ":time on\nx = 1\n:seed 3\nx + 1\ny = 2\n:time off\nz = 3\n"),
                                  in: t.session, mode: .stopAtFirstError)
        XCTAssertTrue(ok)
        let lines = t.buffer.text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 5, t.buffer.text)
        XCTAssertTrue(lines[0].hasPrefix("time: "), t.buffer.text)
        XCTAssertEqual(lines[1], "2")
        XCTAssertTrue(lines[2].hasPrefix("time: "), t.buffer.text)
        XCTAssertTrue(lines[3].hasPrefix("time: "), t.buffer.text)
        XCTAssertEqual(lines[4], "")
    }

    func testTimeOnTimesEachStatementOfALoadedScript() throws {
        let b = try write("b.plx", "x = 1\ny = 2\n")
        let t = Transcript()
        t.run(":time on")
        XCTAssertEqual(t.run(":load \(b)").components(separatedBy: "time: ").count - 1, 2)
    }
}
