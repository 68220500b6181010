import XCTest
@testable import PlexusLang

/// A value kind with members, for the member completion tests (real layers and models add
/// their own conformances).
extension Builtin: MemberListing {
    public var memberNames: [String] { ["name", "signature", "help"] }
}

final class CompletionTests: XCTestCase {
    func complete(_ text: String, in t: Transcript = Transcript()) -> Completion {
        t.session.complete(text)
    }

    func testNamesCompleteFromVariablesBuiltinsAndKeywords() {
        let t = Transcript()
        t.run("presets = 1; rate = 2")
        XCTAssertEqual(complete("x = pr", in: t), Completion(context: .name, word: "pr", candidates: ["predict", "presets", "print"]))
        XCTAssertEqual(complete("ra", in: t).candidates, ["randn", "range", "rate"])
        XCTAssertEqual(complete("for x i", in: t).candidates, ["idx", "if", "in", "init", "input", "int"])
    }

    func testMembersCompleteAfterADot() {
        XCTAssertEqual(complete("print.s"), Completion(context: .member(of: "print"), word: "s", candidates: ["signature"]))
        XCTAssertEqual(complete("x = print.").candidates, ["help", "name", "signature"])
    }

    func testModelMembersCompleteAfterADot() {
        let t = Transcript()
        t.run("x = input(4); m = model(x, x |> dense(2))")
        XCTAssertEqual(complete("m.la", in: t).candidates, ["layers"])
        XCTAssertTrue(complete("m.", in: t).candidates.contains("outputs"))
    }

    func testAValueWithoutMembersOffersNone() {
        let t = Transcript()
        t.run("xs = [1, 2]")
        XCTAssertEqual(complete("xs.", in: t), Completion(context: .member(of: "xs"), word: "", candidates: []))
        XCTAssertEqual(complete("nothing_here.", in: t).context, .nothing)
    }

    func testADotAfterADigitOrInARangeIsNotAMemberAccess() {
        XCTAssertEqual(complete("x = 3.").context, .nothing)
        let t = Transcript()
        t.run("n = 4")
        XCTAssertEqual(complete("1..n", in: t), Completion(context: .name, word: "n", candidates: ["n", "none", "not", "npy"]))
    }

    func testKeywordArgumentNamesCompleteInsideAnOpenCall() {
        let c = complete("print(1, s")
        XCTAssertEqual(c.context, .argument(callee: "print"))
        // Keyword names first, then every name that fits the word.
        XCTAssertEqual(c.candidates.first, "sep:")
        XCTAssertTrue(c.candidates.contains("str") && c.candidates.contains("summary"), "\(c.candidates)")
        XCTAssertFalse(c.candidates.dropFirst().contains { $0.hasSuffix(":") }, "\(c.candidates)")
        XCTAssertEqual(complete("range(").candidates.prefix(3), ["start:", "step:", "stop:"])
    }

    func testKeywordNamesOfAUserFunctionComeFromItsParameters() {
        let t = Transcript()
        t.run("def block(filters, kernel: 3) { return filters }")
        XCTAssertEqual(complete("y = block(64, ker", in: t).candidates, ["kernel:"])
    }

    func testAnOpenCallOnAnEarlierLineStillOffersItsKeywords() {
        XCTAssertEqual(complete("print(1,\n    en").candidates, ["end:"])
    }

    func testAClosedCallOrAValuePositionOffersNoKeywords() {
        XCTAssertEqual(complete("print(1) + s").context, .name)
        XCTAssertEqual(complete("print(1 + s").context, .name)
    }

    func testCommandsCompleteAfterALeadingColon() {
        XCTAssertEqual(complete(":s"), Completion(context: .command, word: "s", candidates: ["save", "seed", "skip"]))
        XCTAssertEqual(complete("  :q").candidates, ["quit"])
    }

    func testLoadAndSaveCompleteFilePaths() {
        XCTAssertEqual(complete(":load sessions/ba"), Completion(context: .filePath(inString: false), word: "sessions/ba", candidates: []))
        XCTAssertEqual(complete(":save ").context, .filePath(inString: false))
        XCTAssertEqual(complete(":help pri").candidates, ["print"])
    }

    func testInsideAStringCompletesAFilePath() {
        XCTAssertEqual(complete("d = csv(\"sessions/data/di"),
                       Completion(context: .filePath(inString: true), word: "sessions/data/di", candidates: []))
        XCTAssertEqual(complete("s = \"a\" + pr").context, .name)
    }

    func testNothingIsOfferedInAComment() {
        XCTAssertEqual(complete("x = 1  # pri").context, .nothing)
    }
}
