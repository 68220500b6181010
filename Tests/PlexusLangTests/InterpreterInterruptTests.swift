import PlexusTensor
import PlexusNN
import XCTest
@testable import PlexusLang

/// Ctrl-C as the interpreter sees it: a request that the next loop iteration or function call
/// turns into an "interrupted" error, leaving the session as it was.
final class InterpreterInterruptTests: XCTestCase {
    override func tearDown() { Interrupt.clear() }

    /// A session with `trip()`, a builtin that presses Ctrl-C (as the signal handler would).
    func transcript() -> Transcript {
        let registry = BuiltinRegistry.standard()
        registry.register("trip", signature: Signature(), help: "Requests an interrupt.", example: "trip()") { _, _ in
            Interrupt.request()
            return .nothing
        }
        return Transcript(builtins: registry)
    }

    func testALoopStopsAtTheNextIterationWithAnInterruptedError() {
        Interrupt.clear()
        let t = transcript()
        let out = t.run("for i in 1..5 {\n  print(i)\n  if i == 2 { trip() }\n}")
        XCTAssertTrue(out.hasPrefix("1\n2\n<repl>:1:1: error: interrupted\nfor i in 1..5 {\n^~~~~~~~~~~~~~~\n"), out)
    }

    func testAnInterruptedStatementLeavesTheVariablesAsTheyWere() {
        Interrupt.clear()
        let t = transcript()
        t.run("n = 0")
        t.run("for i in 1..1000 { n = i; if i == 3 { trip() } }")
        Interrupt.clear()
        XCTAssertEqual(t.run("n"), "0\n")
    }

    func testRecursionStopsAtTheNextCall() {
        Interrupt.clear()
        let t = transcript()
        t.run("def down(n) { if n == 5 { trip() }; print(n); return down(n + 1) }")
        let out = t.run("down(1)")
        XCTAssertTrue(out.hasPrefix("1\n2\n3\n4\n5\n<repl>:1:54: error: interrupted\ndef down(n) { if n == 5 { trip() }; print(n); return down(n + 1) }\n                                                     ^~~~~~~~~~~\n"), out)
    }

    func testWithoutARequestNothingIsInterrupted() {
        Interrupt.clear()
        XCTAssertEqual(transcript().run("s = 0; for i in 1..100 { s = s + i }; s"), "5050\n")
    }
}
