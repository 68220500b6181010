import PlexusTensor
import PlexusNN
import XCTest
@testable import PlexusNN

final class SafetensorsTests: XCTestCase {
    /// A safetensors file from a header (not padded) and raw data bytes.
    private func rawFile(_ header: String, _ data: [UInt8]) -> [UInt8] {
        littleEndianBytes(UInt64(header.utf8.count)) + Array(header.utf8) + data
    }

    private func floats(_ values: [Float]) -> [UInt8] { values.flatMap { littleEndianBytes($0.bitPattern) } }

    private func assertError(_ path: String, contains parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try readSafetensors(path), file: file, line: line) { error in
            let text = "\(error)"
            XCTAssertTrue(error is DataError && text.hasPrefix(path), text, file: file, line: line)
            for part in parts { XCTAssertTrue(text.contains(part), "expected '\(part)' in: \(text)", file: file, line: line) }
        }
    }

    func testARoundTripIsExactAndKeepsOrderAndMetadata() throws {
        let folder = try DataTestFolder()
        var gen = RandomGenerator(seed: 1)
        let kernel = try Tensor.normal([3, 5, 2], using: &gen)
        let special = try Tensor(shape: [3], values: [-0.0, .leastNonzeroMagnitude, -.greatestFiniteMagnitude])
        let tensors: [(name: String, tensor: Tensor)] = [
            ("conv/kernel", kernel), ("scalar", Tensor(scalar: 2.5)), ("empty", try Tensor.zeros([0, 3])), ("special", special),
        ]
        let path = folder.file("m.safetensors")
        try writeSafetensors(tensors, to: path, metadata: ["format": "plexus", "quote\"d": "line\nbreak"])
        let read = try readSafetensorsFile(path)
        XCTAssertEqual(read.tensors.map(\.name), ["conv/kernel", "scalar", "empty", "special"])
        for (original, loaded) in zip(tensors, read.tensors) {
            XCTAssertEqual(loaded.tensor.shape, original.tensor.shape, original.name)
            XCTAssertEqual(loaded.tensor.scalars.map(\.bitPattern), original.tensor.scalars.map(\.bitPattern), original.name)
        }
        XCTAssertEqual(read.metadata, ["format": "plexus", "quote\"d": "line\nbreak"])
        XCTAssertEqual(try readSafetensors(path)["scalar"]?.scalars, [2.5])
        XCTAssertEqual(try folder.contents(), ["m.safetensors"], "the temporary file is renamed away")
    }

    func testAFileHoldingNaNOrInfinityIsRefusedNamingTheTensor() throws {
        let folder = try DataTestFolder()
        let path = folder.file("n.safetensors")
        try writeSafetensors([("ok", Tensor(scalar: 1)), ("bad", try Tensor(shape: [2], values: [1, .nan]))], to: path)
        XCTAssertThrowsError(try readSafetensorsFile(path)) { error in
            XCTAssertEqual("\(error)", "\(path): tensor 'bad' holds nan at index 1 (flat); only finite numbers are read")
        }
    }

    func testTheHeaderIsTheFormatsJSONPaddedToEightBytes() throws {
        let folder = try DataTestFolder()
        let path = folder.file("h.safetensors")
        try writeSafetensors([("b", try Tensor(shape: [2, 1], values: [1, -2]))], to: path)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let json = #"{"b":{"dtype":"F32","shape":[2,1],"data_offsets":[0,8]}}"#  // 56 bytes: already a multiple of 8
        XCTAssertEqual(bytes, rawFile(json, floats([1, -2])))
        try writeSafetensors([("bb", try Tensor(shape: [1], values: [3]))], to: path)
        let padded = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let header = #"{"bb":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"# + " "  // 55 bytes + 1
        XCTAssertEqual(padded, rawFile(header, floats([3])))
    }

    func testATruncatedFileNamesTheTensorCutShort() throws {
        let folder = try DataTestFolder()
        let path = folder.file("t.safetensors")
        try writeSafetensors([("a", try Tensor.ones([4])), ("b", try Tensor.ones([4]))], to: path)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        try folder.write(Array(bytes.dropLast(4)), to: "t.safetensors")
        assertError(path, contains: ["tensor 'b'", "truncated"])
    }

    func testAHeaderLyingAboutOffsetsNamesTheTensor() throws {
        let folder = try DataTestFolder()
        let wrongSize = try folder.write(rawFile(#"{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,100]}}"#, floats([1, 2, 3, 4, 5, 6])), to: "s.safetensors")
        assertError(wrongSize, contains: ["tensor 'w'", "(2, 3)", "24 bytes", "[0, 100]"])
        let beyond = try folder.write(rawFile(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#, floats([1, 2])), to: "b.safetensors")
        assertError(beyond, contains: ["tensor 'w'", "past the end of the data (8 bytes)"])
        let backwards = try folder.write(rawFile(#"{"w":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#, floats([1, 2])), to: "r.safetensors")
        assertError(backwards, contains: ["tensor 'w'", "ends before it begins"])
    }

    func testOverlappingRangesNameBothTensors() throws {
        let folder = try DataTestFolder()
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        let path = try folder.write(rawFile(header, floats([1, 2, 3])), to: "o.safetensors")
        assertError(path, contains: ["tensor 'b'", "overlaps tensor 'a'"])
    }

    func testGapsAndTrailingBytesAreRejected() throws {
        let folder = try DataTestFolder()
        let gap = try folder.write(rawFile(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, floats([1, 2])), to: "g.safetensors")
        assertError(gap, contains: ["bytes 0..<4", "before tensor 'a'", "belong to no tensor"])
        let trailing = try folder.write(rawFile(#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, floats([1, 2])), to: "x.safetensors")
        assertError(trailing, contains: ["last 4 bytes", "belong to no tensor"])
    }

    func testAHeaderLengthBeyondTheFileIsAnError() throws {
        let folder = try DataTestFolder()
        let path = try folder.write(littleEndianBytes(UInt64(1_000)) + Array("{}".utf8), to: "l.safetensors")
        assertError(path, contains: ["1000-byte header", "only 2 bytes"])
        let huge = try folder.write(littleEndianBytes(UInt64.max) + Array("{}".utf8), to: "u.safetensors")
        assertError(huge, contains: ["\(UInt64.max)-byte header"])
        let tiny = try folder.write([1, 2, 3], to: "tiny.safetensors")
        assertError(tiny, contains: ["too short"])
    }

    func testMalformedHeadersAreErrorsNotCrashes() throws {
        let folder = try DataTestFolder()
        let cases: [(String, String)] = [
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#, "not valid JSON"),
            (#"{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}"#, "shape has an entry"),
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}}"#, "data_offsets is not a pair"),
            (#"{"a":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}}"#, "dtype F8_E4M3 cannot be read"),
            (#"{"a":{"shape":[1],"data_offsets":[0,4]}}"#, "has no 'dtype'"),
            (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}"#, "names 'a' twice"),
            (#"{"__metadata__":{"n":1},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, "metadata entry 'n'"),
            (#"{"a":{"dtype":"F32","shape":[100000000000,100000000000],"data_offsets":[0,4]}}"#, "above the limit of 2,147,483,647"),
            (String(repeating: "[", count: 500), "not begin with '{'"),
            (String(repeating: #"{"a":"#, count: 100), "nested more than 64"),
        ]
        for (index, (header, expected)) in cases.enumerated() {
            let path = try folder.write(rawFile(header, floats([1])), to: "c\(index).safetensors")
            assertError(path, contains: [expected])
        }
    }

    func testHalfBFloatAndDoubleAreConverted() throws {
        let folder = try DataTestFolder()
        let header = #"{"h":{"dtype":"F16","shape":[4],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[8,12]},"d":{"dtype":"F64","shape":[1],"data_offsets":[12,20]}}"#
        // F16: 1.0 = 0x3C00, -2.0 = 0xC000, 65504 = 0x7BFF, 2^-24 = 0x0001; BF16: 1.0 = 0x3F80, -0.5 = 0xBF00.
        let half: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001], bf: [UInt16] = [0x3F80, 0xBF00]
        let data = half.flatMap(littleEndianBytes) + bf.flatMap(littleEndianBytes) + littleEndianBytes(Double(0.1).bitPattern)
        let read = try readSafetensors(try folder.write(rawFile(header, data), to: "d.safetensors"))
        XCTAssertEqual(read["h"]?.scalars, [1, -2, 65504, 0x1p-24])
        XCTAssertEqual(read["b"]?.scalars, [1, -0.5])
        XCTAssertEqual(read["d"]?.scalars, [Float(0.1)])
    }

    func testWritingRefusesRepeatedOrReservedNamesAndAMissingFolder() throws {
        let folder = try DataTestFolder()
        let t = try Tensor.ones([1])
        XCTAssertThrowsError(try writeSafetensors([("a", t), ("a", t)], to: folder.file("x.safetensors")))
        XCTAssertThrowsError(try writeSafetensors([("__metadata__", t)], to: folder.file("x.safetensors")))
        XCTAssertThrowsError(try writeSafetensors([("a", t)], to: folder.file("missing/x.safetensors"))) { error in
            XCTAssertTrue("\(error)".contains("No such file or directory"), "\(error)")
        }
        XCTAssertEqual(try folder.contents(), [])
    }

    func testThePythonSafetensorsPackageReadsOurFileAndWeReadItsFile() throws {
        let folder = try DataTestFolder()
        let ours = folder.file("ours.safetensors"), theirs = folder.file("theirs.safetensors")
        try writeSafetensors([("w", try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 0.5])), ("b", try Tensor(shape: [3], values: [-1, 0, 1]))],
                             to: ours, metadata: ["format": "plexus"])
        let script = """
        import numpy as np
        from safetensors import safe_open
        from safetensors.numpy import load_file, save_file
        t = load_file(sys.argv[1])
        with safe_open(sys.argv[1], framework="np") as f:
            meta = f.metadata()
        print(t["w"].dtype, t["w"].shape, t["w"].ravel().tolist(), t["b"].tolist(), meta["format"])
        save_file({"h": np.array([1.5, -2], dtype=np.float16), "f": np.arange(6, dtype=np.float32).reshape(2, 3)}, sys.argv[2])
        """
        let output = try runPython(script, [ours, theirs], requiring: ["numpy", "safetensors"])
        XCTAssertEqual(output, "float32 (2, 3) [1.0, 2.0, 3.0, 4.0, 5.0, 0.5] [-1.0, 0.0, 1.0] plexus\n")
        let read = try readSafetensors(theirs)
        XCTAssertEqual(read["h"]?.scalars, [1.5, -2])
        XCTAssertEqual(read["f"]?.shape, [2, 3])
        XCTAssertEqual(read["f"]?.scalars, [0, 1, 2, 3, 4, 5])
    }
}
