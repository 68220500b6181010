import XCTest
@testable import PlexusNN

final class NPYTests: XCTestCase {
    /// A .npy file as NumPy lays it out: magic, version, header length, the header padded with
    /// spaces and a newline to a multiple of 64 bytes, then `data`.
    private func npyBytes(_ header: String, data: [UInt8], major: UInt8 = 1) -> [UInt8] {
        let prefix = major == 1 ? 10 : 12
        var text = Array(header.utf8)
        while (prefix + text.count + 1) % 64 != 0 { text.append(0x20) }
        text.append(0x0A)
        let length = major == 1 ? littleEndianBytes(UInt16(text.count)) : littleEndianBytes(UInt32(text.count))
        return [0x93] + Array("NUMPY".utf8) + [major, 0] + length + text + data
    }

    private func floats(_ values: [Float]) -> [UInt8] { values.flatMap { littleEndianBytes($0.bitPattern) } }

    func testFloat32VersionOneIsReadWithItsShape() throws {
        let folder = try DataTestFolder()
        let values: [Float] = [1, 2, 3, -4.5, 5, 6]
        let path = try folder.write(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data: floats(values)), to: "a.npy")
        let t = try npy(path)
        XCTAssertEqual(t.shape, [2, 3])
        XCTAssertEqual(t.scalars, values)
    }

    func testFloat64VersionTwoIsConverted() throws {
        let folder = try DataTestFolder()
        let data = [0.1, -2.0, 1e30].flatMap { littleEndianBytes($0.bitPattern) }
        let path = try folder.write(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", data: data, major: 2), to: "b.npy")
        XCTAssertEqual(try npy(path).scalars, [Float(0.1), -2, 1e30])
    }

    func testAValueThatIsNotFiniteAsAFloatIsRefusedNamingItsIndex() throws {
        let folder = try DataTestFolder()
        let data = [0.1, -2.0, 1e300].flatMap { littleEndianBytes($0.bitPattern) }
        let path = try folder.write(npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", data: data, major: 2), to: "b.npy")
        XCTAssertThrowsError(try npy(path)) { error in
            XCTAssertEqual("\(error)", "\(path): the array holds inf at index 2 (flat); only finite numbers are read")
        }
    }

    func testIntegerTypesAndAScalarAreConverted() throws {
        let folder = try DataTestFolder()
        let u1 = try folder.write(npyBytes("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }", data: [0, 1, 128, 255]), to: "u.npy")
        XCTAssertEqual(try npy(u1).scalars, [0, 1, 128, 255])
        let i8 = try folder.write(npyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }",
                                          data: littleEndianBytes(Int64(-3)) + littleEndianBytes(Int64(1 << 40))), to: "i8.npy")
        XCTAssertEqual(try npy(i8).scalars, [-3, Float(1 << 40)])
        let i4 = try folder.write(npyBytes("{'descr': '<i4', 'fortran_order': False, 'shape': (), }", data: littleEndianBytes(Int32(-7))), to: "i4.npy")
        let scalar = try npy(i4)
        XCTAssertEqual(scalar.shape, [])
        XCTAssertEqual(scalar.scalars, [-7])
    }

    func testBigEndianFloatsAreSwapped() throws {
        let folder = try DataTestFolder()
        let path = try folder.write(npyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }",
                                             data: bigEndianBytes(Float(1.25).bitPattern) + bigEndianBytes(Float(-8).bitPattern)), to: "be.npy")
        XCTAssertEqual(try npy(path).scalars, [1.25, -8])
    }

    func testFortranOrderIsRefusedWithAFix() throws {
        let folder = try DataTestFolder()
        let path = try folder.write(npyBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", data: floats([1, 2, 3, 4])), to: "f.npy")
        XCTAssertThrowsError(try npy(path)) { error in
            XCTAssertTrue("\(error)".hasPrefix(path) && "\(error)".contains("Fortran") && "\(error)".contains("ascontiguousarray"), "\(error)")
        }
    }

    func testATruncatedFileAndAnUnsupportedDTypeAreErrors() throws {
        let folder = try DataTestFolder()
        let short = try folder.write(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", data: floats([1, 2, 3])), to: "s.npy")
        XCTAssertThrowsError(try npy(short)) { XCTAssertTrue("\($0)".contains("truncated"), "\($0)") }
        let complex = try folder.write(npyBytes("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", data: floats([1, 2])), to: "c.npy")
        XCTAssertThrowsError(try npy(complex)) { XCTAssertTrue("\($0)".contains("'<c8'"), "\($0)") }
        let garbage = try folder.write(npyBytes("{'descr': '<f4', 'shape': (1,", data: []), to: "g.npy")
        XCTAssertThrowsError(try npy(garbage)) { XCTAssertTrue("\($0)".contains("cannot parse"), "\($0)") }
        let lying = try folder.write([0x93] + Array("NUMPY".utf8) + [1, 0, 0xFF, 0xFF] + Array("{}".utf8), to: "l.npy")
        XCTAssertThrowsError(try npy(lying)) { XCTAssertTrue("\($0)".contains("65535-byte header"), "\($0)") }
    }

    func testAFileWrittenByNumPyIsRead() throws {
        let folder = try DataTestFolder()
        let path = folder.file("numpy.npy")
        _ = try runPython("import numpy as np, sys; np.save(sys.argv[1], np.arange(12, dtype=np.float32).reshape(3, 4) / 4)",
                          [path], requiring: ["numpy"])
        let t = try npy(path)
        XCTAssertEqual(t.shape, [3, 4])
        XCTAssertEqual(t.scalars, (0..<12).map { Float($0) / 4 })
    }
}
