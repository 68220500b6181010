import XCTest
@testable import PlexusNN

final class DigitsTests: XCTestCase {
    func testDigitsHasTheBundledShapesAndScalesPixelsToZeroOne() throws {
        let data = try digits()
        XCTAssertEqual(data.count, 1797)
        XCTAssertEqual(data.inputNames, ["images"])
        XCTAssertEqual(data.inputs[0].shape, [1797, 8, 8, 1])
        XCTAssertEqual(data.target.shape, [1797])
        let pixels = data.inputs[0].scalars
        XCTAssertEqual(pixels.min(), 0)
        XCTAssertEqual(pixels.max(), 1)
        // numpy: np.loadtxt(digits.csv, delimiter=",", skiprows=1)[:, :-1].sum() == 561718.0
        XCTAssertEqual(pixels.reduce(0, +), 561718 / 16, accuracy: 0.5)
    }

    func testTheFirstAndLastImagesMatchTheirCSVRows() throws {
        let data = try digits()
        let images = data.inputs[0]
        // Row 1 of digits.csv begins 0,0,5,13,9,1,0,0 and is a 0; the last row begins 0,0,10,14,8,1 and is an 8.
        XCTAssertEqual((0..<8).map { images[0, 0, $0, 0] }, [0, 0, 5, 13, 9, 1, 0, 0].map { $0 / 16 })
        XCTAssertEqual(images[0, 1, 2, 0], 13 / 16)
        XCTAssertEqual(data.target[0], 0)
        XCTAssertEqual(data.target[1], 1)
        XCTAssertEqual((0..<6).map { images[1796, 0, $0, 0] }, [0, 0, 10, 14, 8, 1].map { $0 / 16 })
        XCTAssertEqual(data.target[1796], 8)
    }

    func testEachDigitHasItsKnownNumberOfSamples() throws {
        // numpy: np.bincount(labels) of digits.csv
        var counts = [Int](repeating: 0, count: 10)
        for label in try digits().target.scalars { counts[Int(label)] += 1 }
        XCTAssertEqual(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
    }

    func testTheWorkingDirectoryIsSearchedBeforePlexusDataAndTheSourceTree() throws {
        let folder = try DataTestFolder()
        let fm = FileManager.default
        for place in ["cwd/sessions/data", "env", "root/Sources/PlexusNN/Data", "root/sessions/data"] {
            try fm.createDirectory(atPath: folder.file(place), withIntermediateDirectories: true)
        }
        let source = folder.file("root/Sources/PlexusNN/Data/Digits.swift")
        func locate() throws -> String {
            try locateDataFile("digits.csv", workingDirectory: folder.file("cwd"),
                               environment: ["PLEXUS_DATA": folder.file("env")], sourceFile: source)
        }
        XCTAssertThrowsError(try locate()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("cwd/sessions/data/digits.csv") && text.contains("env/digits.csv")
                          && text.contains("root/sessions/data/digits.csv") && text.contains("PLEXUS_DATA"), text)
        }
        try folder.write("x", to: "root/sessions/data/digits.csv")
        XCTAssertEqual(try locate(), folder.file("root/sessions/data/digits.csv"))
        try folder.write("x", to: "env/digits.csv")
        XCTAssertEqual(try locate(), folder.file("env/digits.csv"))
        try folder.write("x", to: "cwd/sessions/data/digits.csv")
        XCTAssertEqual(try locate(), folder.file("cwd/sessions/data/digits.csv"))
    }

    func testAFileWithTheWrongColumnsIsRejected() throws {
        let folder = try DataTestFolder()
        let path = try folder.write("a,label\n1,2\n", to: "d.csv")
        XCTAssertThrowsError(try digits(path: path)) { error in
            XCTAssertTrue("\(error)".contains("64 pixel columns"), "\(error)")
        }
    }
}
