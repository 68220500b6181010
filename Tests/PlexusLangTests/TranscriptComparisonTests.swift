import XCTest
@testable import PlexusLang

/// The transcript harness's comparison: numbers within a tolerance, everything else exactly.
final class TranscriptComparisonTests: XCTestCase {
    func testIdenticalTranscriptsMatch() {
        XCTAssertNil(TranscriptComparison.firstDifference(expected: "a = 1\nloss 0.25\n", actual: "a = 1\nloss 0.25\n"))
    }

    func testDecimalNumbersWithinTheRelativeToleranceMatch() {
        XCTAssertNil(TranscriptComparison.firstDifference(expected: "loss 0.693147", actual: "loss 0.6931472"))
        XCTAssertNil(TranscriptComparison.firstDifference(expected: "w 1e-05", actual: "w 1.00001e-05"))
        XCTAssertNil(TranscriptComparison.firstDifference(expected: "tiny 0.0000001", actual: "tiny -0.0000002"))
    }

    func testDecimalNumbersBeyondTheToleranceDiffer() {
        let d = TranscriptComparison.firstDifference(expected: "x\nloss 0.6931", actual: "x\nloss 0.6941")
        XCTAssertEqual(d, "line 2 differs\n  expected: \"loss 0.6931\"\n  actual:   \"loss 0.6941\"")
    }

    func testWholeNumbersMustBeEqual() {
        XCTAssertNotNil(TranscriptComparison.firstDifference(expected: "Total params: 138,357,544",
                                                             actual: "Total params: 138,357,545"))
        XCTAssertNotNil(TranscriptComparison.firstDifference(expected: "3483122", actual: "3483123"))
    }

    func testAWholeNumberAgainstADecimalUsesTheTolerance() {
        XCTAssertNil(TranscriptComparison.firstDifference(expected: "mean 2", actual: "mean 2.0000001"))
    }

    func testTextAroundNumbersIsComparedExactly() {
        XCTAssertNotNil(TranscriptComparison.firstDifference(expected: "loss: 0.5", actual: "loss = 0.5"))
        XCTAssertNotNil(TranscriptComparison.firstDifference(expected: "conv2d_1", actual: "conv2d_2"))
    }

    func testMissingAndExtraLinesDiffer() {
        XCTAssertEqual(TranscriptComparison.firstDifference(expected: "1\n2\n", actual: "1\n"),
                       "line 2 differs\n  expected: \"2\"\n  actual:   \"\"")
        XCTAssertEqual(TranscriptComparison.firstDifference(expected: "1\n", actual: "1\n\nextra"),
                       "line 3 differs\n  expected: (end of output)\n  actual:   \"extra\"")
    }

    func testNegativeNumbersAndSubtractionTokenise() {
        XCTAssertEqual(TranscriptComparison.tokens("x-1 = -2.5"),
                       [.text("x-"), .number("1", 1), .text(" = "), .number("-2.5", -2.5)])
        XCTAssertEqual(TranscriptComparison.tokens("(2, 3)"),
                       [.text("("), .number("2", 2), .text(", "), .number("3", 3), .text(")")])
    }
}
