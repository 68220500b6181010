import XCTest
@testable import PlexusLang

/// Python habits the parser recognises and answers with the Plexus spelling.
final class ParserHintTests: XCTestCase {
    func failure(_ source: String) -> Diagnostic? {
        if case .failure(let d) = Parser.parse(source) { return d }
        return nil
    }

    func testIfXIsNoneSuggestsEqualsNone() {
        let d = failure("if x is none { print(1) }")
        XCTAssertEqual(d?.message, "'is' is not an operator in Plexus")
        XCTAssertEqual(d?.suggestion, "compare with '==': x == none")
        XCTAssertEqual(d?.span.start.column, 6)
    }

    func testIsNotSuggestsNotEqualsNone() {
        XCTAssertEqual(failure("if x is not none { print(1) }")?.suggestion, "compare with '!=': x != none")
        XCTAssertEqual(failure("y = x is not none")?.suggestion, "compare with '!=': x != none")
    }

    func testTheHintIsShownAtThePrompt() {
        let out = Transcript().run("x = 1\nif x is none { print(1) }")
        XCTAssertTrue(out.contains("error: 'is' is not an operator in Plexus"), out)
        XCTAssertTrue(out.contains("help: compare with '==': x == none"), out)
    }
}
