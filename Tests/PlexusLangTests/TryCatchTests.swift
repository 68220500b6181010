import PlexusTensor
import PlexusNN
import XCTest
@testable import PlexusLang

/// `try { ... }` and `try { ... } catch e { ... }`: mistakes shown on purpose.
final class TryCatchTests: XCTestCase {
    func testTryReportsTheSameDiagnosticAndTheRunSucceeds() {
        let plain = Transcript().run("x = 1 + nope", name: "a.plx")
        let s = Session(output: { _ in }, errors: { _ in })
        let r = s.run("try { x = 1 + nope }", name: "a.plx")
        XCTAssertEqual(r.status, .ok)
        XCTAssertEqual(r.diagnostics.map(\.message), ["unknown name 'nope': did you mean none?"])
        // The same message, line and column; the caret under the same text.
        XCTAssertEqual(plain, "a.plx:1:9: error: unknown name 'nope': did you mean none?\nx = 1 + nope\n        ^~~~\n")
        XCTAssertEqual(r.output, "a.plx:1:15: error: unknown name 'nope': did you mean none?\ntry { x = 1 + nope }\n              ^~~~\n")
    }

    func testTheScriptGoesOnAfterTheTryBlockAndSkipsTheRestOfIt() {
        let t = Transcript()
        XCTAssertEqual(t.run("try {\n  print(1)\n  1 / 0\n  print(2)\n}\nprint(3)", name: "a.plx"),
                       "1\na.plx:3:7: error: division by zero\n  1 / 0\n      ^\n3\n")
    }

    func testCatchRunsTheHandlerWithTheMessageAndReportsNothing() {
        let t = Transcript()
        XCTAssertEqual(t.run("try { [1][5] } catch e { print(\"caught:\", e) }"),
                       "caught: index 5 is out of range for a list of 1 element\n")
        XCTAssertEqual(t.run("try { 1 / 0 }\ncatch { print(\"no name\") }"), "no name\n")
    }

    func testNoErrorRunsTheBodyOnly() {
        let t = Transcript()
        XCTAssertEqual(t.run("try { print(1) } catch e { print(\"handler\") }"), "1\n")
    }

    func testBindingsBeforeTheErrorStay() {
        let t = Transcript()
        t.run("try { a = 5; b = a + nope }")
        XCTAssertEqual(t.run("a"), "5\n")
        XCTAssertTrue(t.run("b").contains("unknown name 'b'"))
    }

    func testTryInsideAFunctionReturnsFromTheHandler() {
        let t = Transcript()
        t.run("def safe_inverse(v) { try { return 1 / v } catch { return none } }")
        XCTAssertEqual(t.run("safe_inverse(4)"), "0.25\n")
        XCTAssertEqual(t.run("safe_inverse(0) == none"), "true\n")
    }

    func testAnErrorInTheHandlerIsAnError() {
        let s = Session(output: { _ in }, errors: { _ in })
        let r = s.run("try { 1 / 0 } catch e { e + 1 }")
        XCTAssertEqual(r.status, .error)
        XCTAssertEqual(r.diagnostics.count, 1)
        XCTAssertTrue(r.diagnostics[0].message.hasPrefix("cannot apply '+' to a string"), r.diagnostics[0].message)
    }

    func testAnInterruptionIsNotCaught() {
        let s = Session(output: { _ in }, errors: { _ in })
        Interrupt.request()
        defer { Interrupt.clear() }
        let r = s.run("try { for i in 1..3 { print(i) } } catch { print(\"caught\") }")
        XCTAssertEqual(r.status, .error)
        XCTAssertEqual(r.diagnostics.first?.message, "interrupted")
        XCTAssertFalse(r.output.split(separator: "\n").contains("caught"), r.output)
    }

    func testCatchWithoutTryIsASyntaxError() {
        guard case .failure(let d) = Parser.parse("catch e { }") else { return XCTFail("expected a syntax error") }
        XCTAssertEqual(d.message, "'catch' without a 'try'")
    }

    func testCatchOnTheNextLineBelongsToTheTry() {
        let statements = parse("try {\n  1 / 0\n}\ncatch e {\n  print(e)\n}")
        XCTAssertEqual(statements.count, 1)
        guard case .tryCatch(_, let clause)? = statements.first?.kind else { return XCTFail("not a try statement") }
        XCTAssertEqual(clause?.name, "e")
    }

    func testKeepGoingKeepsACatchOnTheNextLineWithItsTry() {
        let t = Transcript()
        let ok = ScriptReplay.run(SourceFile(name: "s.plx", text: "try { 1 / 0 }\ncatch e { print(e) }\nprint(2)\n"),
                                  in: t.session, mode: .keepGoing)
        XCTAssertTrue(ok)
        XCTAssertEqual(t.buffer.text, "division by zero\n2\n")
    }
}
