import XCTest
@testable import PlexusLang

/// `int`, `floor`, `ceil`, `round` and `//`: whole numbers for sizes computed in a script.
final class IntegerConversionTests: XCTestCase {
    func testIntTruncatesTowardZeroAsPython() {
        let t = Transcript()
        XCTAssertEqual(t.run("int(2.7); int(-2.7); int(64 * 0.5); int(\"12\")"), "2\n-2\n32\n12\n")
    }

    func testIntOfTextThatIsNotAnIntegerIsAnError() {
        XCTAssertTrue(Transcript().run("int(\"1.5x\")").contains("error: int: cannot read \"1.5x\" as an integer"))
    }

    func testFloorAndCeilRoundDownAndUp() {
        XCTAssertEqual(Transcript().run("floor(2.7); floor(-2.5); ceil(2.1); ceil(-2.5); ceil(224 / 3)"), "2\n-3\n3\n-2\n75\n")
    }

    func testRoundTakesHalvesToTheEvenNeighbourAsPython() {
        XCTAssertEqual(Transcript().run("round(2.5); round(3.5); round(-0.5); round(127.6); round(3.14159, 2)"), "2\n4\n0\n128\n3.14\n")
    }

    /// The language's numbers are finite (docs/limits.md), so there is no infinite number to floor:
    /// the overflow is the error, pointed at where it happens.
    func testFloorOfAnOverflowIsTheOverflowError() {
        let text = Transcript().run("floor(10 ** 400)")
        XCTAssertTrue(text.contains("error: 10 ** 400 overflows"), text)
    }

    func testFloorDivisionIsFlooredAsPython() {
        XCTAssertEqual(Transcript().run("7 // 2; -7 // 2; 7.5 // 2; (-7 // 2) * 2 + (-7 % 2)"), "3\n-4\n3\n-7\n")
    }

    func testFloorDivisionByZeroIsAnError() {
        XCTAssertTrue(Transcript().run("1 // 0").contains("error: division by zero"))
    }

    func testFloorDivisionBindsAsDivision() {
        XCTAssertEqual(show(parse("a + b // c * d")[0].expressionValue), "(a + ((b // c) * d))")
    }

    func testAConvertedSizeMakesALayer() {
        let t = Transcript()
        let conv = t.run("conv2d(int(127.5), 1)")
        XCTAssertTrue(conv.hasPrefix("conv2d (Conv2D) filters: 127,"), conv)
        XCTAssertTrue(t.run("dense(256 // 3)").hasPrefix("dense (Dense) units: 85,"))
    }
}

private extension Stmt {
    var expressionValue: Expr {
        if case .expression(let e) = kind { return e }
        return Expr(.noneLiteral, span)
    }
}
