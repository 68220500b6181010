import PlexusTensor
import PlexusNN
import XCTest

// `writeNPY` writes what NumPy writes for float32 (format 1.0, data 64-byte aligned), and our own
// reader reads it back unchanged.

final class NPYWriterTests: XCTestCase {
    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("plexus-npy-\(getpid())-\(name)").path
    }

    func testAWrittenTensorReadsBackWithItsShapeAndValues() throws {
        let path = temporaryPath("round.npy")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let t = try Tensor(shape: [2, 3, 1], values: [1, -2.5, 3, 0.125, 1e-7, -4e6])
        try writeNPY(t, to: path)
        let back = try npy(path)
        XCTAssertEqual(back.shape, [2, 3, 1])
        XCTAssertEqual(back.scalars, t.scalars)
    }

    func testTheHeaderIsNumPysAndTheDataStartsAtAMultipleOf64() throws {
        let path = temporaryPath("header.npy")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try writeNPY(try Tensor(shape: [5], values: [1, 2, 3, 4, 5]), to: path)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(Array(bytes[0..<8]), [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0)
        XCTAssertEqual(bytes.count, 10 + headerLength + 5 * 4)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }"), header)
        XCTAssertTrue(header.hasSuffix("\n"))
    }

    func testAScalarHasTheEmptyShape() throws {
        let path = temporaryPath("scalar.npy")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try writeNPY(Tensor(scalar: 7), to: path)
        let back = try npy(path)
        XCTAssertEqual(back.shape, [])
        XCTAssertEqual(back.scalars, [7])
    }

    func testAnUnwritableFolderIsAnErrorAndLeavesNothing() throws {
        let path = temporaryPath("missing-folder/x.npy")
        XCTAssertThrowsError(try writeNPY(Tensor(scalar: 1), to: path)) { error in
            XCTAssertTrue("\(error)".contains("x.npy"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
    }
}
