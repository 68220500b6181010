import XCTest
@testable import PlexusNN

final class CSVTests: XCTestCase {
    func testLabelColumnBecomesTargetAndTheRestFeaturesInFileOrder() throws {
        let folder = try DataTestFolder()
        let path = try folder.write("a,label,b\n1,7,2\n3,8,4.5\n", to: "t.csv")
        let data = try csv(path, label: "label")
        XCTAssertEqual(data.inputNames, ["features"])
        XCTAssertEqual(data.inputs[0].shape, [2, 2])
        XCTAssertEqual(data.inputs[0].scalars, [1, 2, 3, 4.5])
        XCTAssertEqual(data.target.scalars, [7, 8])
    }

    func testABadValueIsReportedWithItsLineColumnAndColumnName() throws {
        let folder = try DataTestFolder()
        let path = try folder.write("a,b,label\n1,2,3\n4,x7,6\n", to: "bad.csv")
        XCTAssertThrowsError(try csv(path, label: "label")) { error in
            XCTAssertEqual(error as? DataError, DataError(file: path, line: 3, column: 2, "'x7' in column 'b' is not a finite number"))
            XCTAssertEqual("\(error)", "\(path):3:2: 'x7' in column 'b' is not a finite number")
        }
    }

    func testAnEmptyValueIsAnError() throws {
        let folder = try DataTestFolder()
        let path = try folder.write("a,label\n1,2\n,3\n", to: "e.csv")
        XCTAssertThrowsError(try csv(path, label: "label")) { error in
            XCTAssertEqual((error as? DataError)?.line, 3)
            XCTAssertEqual((error as? DataError)?.column, 1)
        }
    }

    func testARowWithTooFewOrTooManyColumnsIsAnError() throws {
        let folder = try DataTestFolder()
        let short = try folder.write("a,b,label\n1,2,3\n4,5\n", to: "short.csv")
        XCTAssertThrowsError(try csv(short, label: "label")) { error in
            XCTAssertTrue("\(error)".contains(":3:") && "\(error)".contains("has 2 columns but the header has 3"), "\(error)")
        }
        let long = try folder.write("a,label\n1,2,3\n", to: "long.csv")
        XCTAssertThrowsError(try csv(long, label: "label")) { error in
            XCTAssertEqual((error as? DataError)?.column, 3)
        }
    }

    func testAMissingLabelColumnSuggestsTheClosestName() throws {
        let folder = try DataTestFolder()
        let path = try folder.write("p0,p1,label\n1,2,3\n", to: "l.csv")
        XCTAssertThrowsError(try csv(path, label: "lable")) { error in
            XCTAssertTrue("\(error)".contains("no column named 'lable' (did you mean 'label'?)"), "\(error)")
        }
    }

    func testCRLFQuotesSpacesBlankLinesAndAByteOrderMarkAreAccepted() throws {
        let folder = try DataTestFolder()
        let text = "\u{FEFF}\"x\", \"y\"\r\n 1.5 ,\"2\"\r\n\r\n-3e2,4\r\n\n"
        let data = try csv(try folder.write(text, to: "w.csv"), label: "y")
        XCTAssertEqual(data.inputs[0].scalars, [1.5, -300])
        XCTAssertEqual(data.target.scalars, [2, 4])
    }

    func testAHeaderWithoutRowsIsAnError() throws {
        let folder = try DataTestFolder()
        XCTAssertThrowsError(try csv(try folder.write("a,label\n", to: "h.csv"), label: "label"))
    }

    func testAMissingFileNamesItAndTheReason() throws {
        XCTAssertThrowsError(try csv("/nonexistent/plexus.csv", label: "y")) { error in
            XCTAssertEqual("\(error)", "/nonexistent/plexus.csv: cannot open: No such file or directory")
        }
    }

    func testDecimalParsingAgreesWithSwiftsCorrectlyRoundedParser() throws {
        let samples = ["0", "-0", "7", "+7", "0.1", "-0.5", ".5", "5.", "1e-3", "2.5E+4", "16", "0.000001234",
                       "3.4028235e38", "1e-45", "123456789012345678901", "0.1234567890123456789"]
        for text in samples {
            let bytes = Array(text.utf8)
            let parsed = bytes.withUnsafeBufferPointer { parseDecimal($0.baseAddress!, 0, bytes.count) }
            let expected = Float(text)
            XCTAssertNotNil(parsed, text)
            if let e = expected, e.isNaN { XCTAssertTrue(parsed?.isNaN ?? false, text) }
            else { XCTAssertEqual(parsed?.bitPattern, expected?.bitPattern, text) }
        }
        // The rule for numbers (docs/limits.md): values that are not finite are not read.
        for text in ["1e39", "nan", "inf", "-inf", "", "-", ".", "1e", "1.2.3", "1,5", "abc", "0x"] {
            let bytes = Array(text.utf8)
            let parsed = bytes.withUnsafeBufferPointer { $0.baseAddress.flatMap { parseDecimal($0, 0, bytes.count) } }
            XCTAssertNil(parsed, text)
        }
    }
}
