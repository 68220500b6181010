import XCTest

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

    // MARK: - Tolerances a script states

    static let training = """
        # a comment
        #~ loss, val_loss within 25%
          #~ accuracy within 0.03
        fit(m, data, epochs: 8)
        """

    func testAScriptStatesTolerancesByLabel() throws {
        let c = try TranscriptComparison(script: TranscriptComparisonTests.training, name: "t.plx")
        XCTAssertEqual(c.labelled, ["loss": .relative(0.25), "val_loss": .relative(0.25), "accuracy": .absolute(0.03)])
    }

    func testTrainingFiguresWithinTheStatedToleranceMatch() throws {
        let c = try TranscriptComparison(script: TranscriptComparisonTests.training, name: "t.plx")
        XCTAssertNil(c.firstDifference(expected: "epoch 2/8: loss 0.4381 - accuracy 0.7993",
                                       actual: "epoch 2/8: loss 0.4370 - accuracy 0.8030"))
        XCTAssertNil(c.firstDifference(expected: "m on 600 samples: loss 0.1819 - accuracy 0.9400",
                                       actual: "m on 600 samples: loss 0.1409 - accuracy 0.9667"))
        XCTAssertNil(c.firstDifference(expected: "Gradients on one batch (loss 0.0468)", actual: "Gradients on one batch (loss 0.0500)"))
    }

    func testALossThatDoesNotFallStillDiffers() throws {
        let c = try TranscriptComparison(script: TranscriptComparisonTests.training, name: "t.plx")
        XCTAssertEqual(c.firstDifference(expected: "epoch 8/8: loss 0.0326 - accuracy 0.9900",
                                         actual: "epoch 8/8: loss 0.6931 - accuracy 0.9900"),
                       "line 1 differs\n  expected: \"epoch 8/8: loss 0.0326 - accuracy 0.9900\"\n"
                       + "  actual:   \"epoch 8/8: loss 0.6931 - accuracy 0.9900\"")
        XCTAssertNotNil(c.firstDifference(expected: "val_loss 0.1234", actual: "val_loss 0.1700"))
    }

    func testAnAccuracyAtChanceStillDiffers() throws {
        let c = try TranscriptComparison(script: TranscriptComparisonTests.training, name: "t.plx")
        XCTAssertNotNil(c.firstDifference(expected: "loss 0.0326 - accuracy 0.9900", actual: "loss 0.0326 - accuracy 0.5000"))
        XCTAssertNotNil(c.firstDifference(expected: "accuracy 0.9400", actual: "accuracy 0.9050"))
    }

    func testNumbersWithoutAStatedLabelKeepTheDefaultTolerance() throws {
        let c = try TranscriptComparison(script: TranscriptComparisonTests.training, name: "t.plx")
        XCTAssertNotNil(c.firstDifference(expected: "0.18193645775318146", actual: "0.15924140810966492"))
        XCTAssertNotNil(c.firstDifference(expected: "val_accuracy 0.9400", actual: "val_accuracy 0.9450"))
        XCTAssertNotNil(c.firstDifference(expected: "dense_1/kernel  trainable  2.085e-03", actual: "dense_1/kernel  trainable  2.2e-03"))
    }

    func testWholeNumbersStayExactAfterALabel() throws {
        let c = try TranscriptComparison(script: "#~ step, loss within 50%", name: "t.plx")
        XCTAssertNotNil(c.firstDifference(expected: "step 1351: loss 0.0240", actual: "step 1352: loss 0.0240"))
        XCTAssertNil(c.firstDifference(expected: "step 1351: loss 0.0240", actual: "step 1351: loss 0.0300"))
    }

    func testAMalformedToleranceLineIsAnError() {
        for line in ["#~ loss 5%", "#~ within 5%", "#~ loss within five", "#~ loss within -1", "#~ lo-ss within 5%"] {
            XCTAssertThrowsError(try TranscriptComparison(script: "x = 1\n" + line, name: "t.plx"), line) { error in
                XCTAssertTrue("\(error)".hasPrefix("t.plx:2: a tolerance reads"), "\(error)")
            }
        }
    }

    func testTheLabelIsTheWordRightBeforeTheNumber() {
        XCTAssertEqual(TranscriptComparison.label(before: "epoch 2/8: loss "), "loss")
        XCTAssertEqual(TranscriptComparison.label(before: " - val_accuracy "), "val_accuracy")
        XCTAssertEqual(TranscriptComparison.label(before: "one batch (loss "), "loss")
        XCTAssertEqual(TranscriptComparison.label(before: "x = "), "x")
        XCTAssertNil(TranscriptComparison.label(before: "/"))
        XCTAssertNil(TranscriptComparison.label(before: "loss - "))
    }
}
