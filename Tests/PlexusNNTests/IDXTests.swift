import XCTest
@testable import PlexusNN

final class IDXTests: XCTestCase {
    /// An IDX file: magic with `type`, the dimensions big-endian, then `data` as given.
    private func idxBytes(type: UInt8, shape: [Int], data: [UInt8]) -> [UInt8] {
        [0, 0, type, UInt8(shape.count)] + shape.flatMap { bigEndianBytes(UInt32($0)) } + data
    }

    func testUInt8ImagesAreScaledAndGivenAChannelAndLabelsBecomeTheTarget() throws {
        let folder = try DataTestFolder()
        // Two 2x3 images; 255 -> 1, 51 -> 0.2.
        let pixels: [UInt8] = [0, 51, 255, 102, 0, 0, 255, 255, 0, 0, 51, 1]
        let images = try folder.write(idxBytes(type: 0x08, shape: [2, 2, 3], data: pixels), to: "images-idx3-ubyte")
        let labels = try folder.write(idxBytes(type: 0x08, shape: [2], data: [7, 3]), to: "labels-idx1-ubyte")
        let data = try idx(images: images, labels: labels)
        XCTAssertEqual(data.inputs[0].shape, [2, 2, 3, 1])
        XCTAssertEqual(data.inputs[0].scalars, pixels.map { Float($0) / 255 })
        XCTAssertEqual(data.inputs[0][0, 0, 2, 0], 1)
        XCTAssertEqual(data.target.scalars, [7, 3])
    }

    func testFloat32DataIsReadBigEndianAndKeptAsStored() throws {
        let folder = try DataTestFolder()
        let values: [Float] = [1.5, -2, 0.25, 1e-3, 300, 0]
        let path = try folder.write(idxBytes(type: 0x0D, shape: [1, 2, 3], data: values.flatMap { bigEndianBytes($0.bitPattern) }), to: "f")
        let t = try readIDX(path)
        XCTAssertEqual(t.shape, [1, 2, 3])
        XCTAssertEqual(t.scalars, values)
        let labels = try folder.write(idxBytes(type: 0x08, shape: [1], data: [4]), to: "l")
        XCTAssertEqual(try idx(images: path, labels: labels).inputs[0].scalars, values, "float images are not rescaled")
    }

    func testSignedIntegerTypesAreReadBigEndian() throws {
        let folder = try DataTestFolder()
        let int16 = try folder.write(idxBytes(type: 0x0B, shape: [2], data: bigEndianBytes(Int16(-300)) + bigEndianBytes(Int16(2))), to: "s")
        XCTAssertEqual(try readIDX(int16).scalars, [-300, 2])
        let int32 = try folder.write(idxBytes(type: 0x0C, shape: [1], data: bigEndianBytes(Int32(-70000))), to: "i")
        XCTAssertEqual(try readIDX(int32).scalars, [-70000])
    }

    func testATruncatedFileIsReportedNotRead() throws {
        let folder = try DataTestFolder()
        let path = try folder.write(idxBytes(type: 0x08, shape: [2, 2, 2], data: [1, 2, 3]), to: "short")
        XCTAssertThrowsError(try readIDX(path)) { error in
            XCTAssertTrue("\(error)".hasPrefix(path) && "\(error)".contains("truncated"), "\(error)")
        }
    }

    func testAHugeDeclaredShapeIsAnErrorNotAnAllocation() throws {
        let folder = try DataTestFolder()
        let path = try folder.write(idxBytes(type: 0x08, shape: [60000, 60000, 60000], data: []), to: "huge")
        XCTAssertThrowsError(try readIDX(path)) { error in
            XCTAssertTrue("\(error)".contains("would need 785.80 TB"), "\(error)")
        }
    }

    func testDifferentImageAndLabelCountsNameBothFiles() throws {
        let folder = try DataTestFolder()
        let images = try folder.write(idxBytes(type: 0x08, shape: [2, 1, 1], data: [1, 2]), to: "img")
        let labels = try folder.write(idxBytes(type: 0x08, shape: [3], data: [1, 2, 3]), to: "lab")
        XCTAssertThrowsError(try idx(images: images, labels: labels)) { error in
            XCTAssertEqual("\(error)", "\(labels): holds 3 labels but \(images) holds 2 images")
        }
    }

    func testGzippedAndForeignFilesAreRecognised() throws {
        let folder = try DataTestFolder()
        let gz = try folder.write([0x1F, 0x8B, 8, 0, 0, 0], to: "x.gz")
        XCTAssertThrowsError(try readIDX(gz)) { XCTAssertTrue("\($0)".contains("gunzip"), "\($0)") }
        let text = try folder.write("hello world", to: "x.txt")
        XCTAssertThrowsError(try readIDX(text)) { XCTAssertTrue("\($0)".contains("not an IDX file"), "\($0)") }
        let badType = try folder.write(idxBytes(type: 0x07, shape: [1], data: [0]), to: "t")
        XCTAssertThrowsError(try readIDX(badType)) { XCTAssertTrue("\($0)".contains("0x7"), "\($0)") }
    }
}
