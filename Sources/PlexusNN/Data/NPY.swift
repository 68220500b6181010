import PlexusTensor
/// Reads a NumPy `.npy` file (format versions 1, 2 and 3) into a tensor of the same shape.
///
/// Supported element types, in either byte order: float16/32/64 (`<f2`, `<f4`, `<f8`), signed and
/// unsigned integers of 1, 2, 4 and 8 bytes (`|i1`, `<i4`, `<i8`, `|u1`, ...) and bool (`|b1`), all
/// converted to Float32 (integers beyond 2^24 round). The array must be in C order: a file saved
/// from a Fortran-ordered array (`fortran_order: True`) is refused rather than silently transposed;
/// `np.ascontiguousarray` before `np.save` fixes that.
///
/// ```swift
/// let x = try npy("features.npy")   // Tensor(1000, 64)
/// ```
/// - Throws: `DataError` naming the file and what in its header is wrong or unsupported.
public func npy(_ path: String) throws -> Tensor {
    let file = try DataFileReader(path: path)
    guard file.size >= 10 else {
        throw DataError(file: path, "is \(file.size) bytes long, too short for a .npy header")
    }
    let preamble = try file.readBytes(count: Swift.min(12, file.size), at: 0)
    guard preamble[0] == 0x93, Array(preamble[1..<6]) == Array("NUMPY".utf8) else {
        throw DataError(file: path, "is not a .npy file: it should begin with \\x93NUMPY")
    }
    let major = Int(preamble[6])
    let headerLength: Int, headerStart: Int
    switch major {
    case 1:
        headerLength = Int(preamble[8]) | Int(preamble[9]) << 8
        headerStart = 10
    case 2, 3:
        guard preamble.count >= 12 else {
            throw DataError(file: path, "ends inside its .npy header")
        }
        headerLength = Int(preamble[8]) | Int(preamble[9]) << 8 | Int(preamble[10]) << 16 | Int(preamble[11]) << 24
        headerStart = 12
    default:
        throw DataError(file: path, "uses .npy format version \(major).\(preamble[7]); Plexus reads versions 1, 2 and 3")
    }
    guard headerLength <= file.size - headerStart else {
        throw DataError(file: path, "declares a \(headerLength)-byte header but the file holds only \(file.size - headerStart) bytes after the preamble")
    }
    let headerBytes = try file.readBytes(count: headerLength, at: headerStart)
    let header = try parseNPYHeader(headerBytes, file: path)

    let count = header.shape.reduce(1, *)
    let dataStart = headerStart + headerLength
    let available = file.size - dataStart
    let (dataBytes, overflow) = count.multipliedReportingOverflow(by: header.type.byteSize)
    guard !overflow, dataBytes == available else {
        let problem = !overflow && dataBytes > available ? "it is truncated" : "it has extra bytes after the array"
        throw DataError(file: path, "declares shape \(formatShape(header.shape)) of '\(header.descr)' (\(count) values) but holds \(available) bytes of data: \(problem)")
    }
    var tensor = try Tensor.zeros(header.shape)
    if header.type == .float32 && header.bigEndian == hostIsBigEndian {
        try tensor.withUnsafeMutableBufferPointer { out in
            if let base = out.baseAddress { try file.read(into: base, count: dataBytes, at: dataStart) }
        }
    } else {
        let raw = try file.readBytes(count: dataBytes, at: dataStart)
        raw.withUnsafeBytes { src in
            tensor.withUnsafeMutableBufferPointer { out in
                guard let s = src.baseAddress, let d = out.baseAddress else { return }
                decodeScalars(s, count: count, as: header.type, bigEndian: header.bigEndian, into: d)
            }
        }
    }
    try requireFinite(tensor, file: path, what: "the array")
    return tensor
}

/// What a .npy header says about the array that follows it.
struct NPYHeader {
    var descr: String
    var type: StoredScalar
    var bigEndian: Bool
    var shape: [Int]
}

/// Parses a .npy header, a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces.
func parseNPYHeader(_ bytes: [UInt8], file: String) throws -> NPYHeader {
    var parser = PythonLiteralParser(bytes: bytes, file: file)
    guard case .dict(let entries) = try parser.parseValue(depth: 0) else {
        throw DataError(file: file, "the .npy header is not a dictionary")
    }
    try parser.expectEnd()
    func entry(_ key: String) throws -> PythonLiteral {
        guard let value = entries.first(where: { $0.0 == key })?.1 else {
            throw DataError(file: file, "the .npy header has no '\(key)' entry")
        }
        return value
    }
    guard case .string(let descr) = try entry("descr") else {
        throw DataError(file: file, "the array has a structured dtype (record fields); Plexus reads plain numeric arrays")
    }
    guard case .bool(let fortranOrder) = try entry("fortran_order") else {
        throw DataError(file: file, "the .npy header's 'fortran_order' is not True or False")
    }
    guard !fortranOrder else {
        throw DataError(file: file, "holds a Fortran-ordered (column-major) array; save it in C order (np.save(path, np.ascontiguousarray(a)))")
    }
    guard case .tuple(let dims) = try entry("shape") else {
        throw DataError(file: file, "the .npy header's 'shape' is not a tuple")
    }
    var shape: [Int] = []
    for d in dims {
        guard case .int(let v) = d, v >= 0 else {
            throw DataError(file: file, "the .npy header's shape has an entry that is not a non-negative integer")
        }
        shape.append(v)
    }
    do { try checkShape(shape, op: "npy") } catch let error as TensorError {
        throw DataError(file: file, "declares the shape \(formatShape(shape)): \(error.message)")
    }
    let (type, bigEndian) = try npyScalarType(descr, file: file)
    return NPYHeader(descr: descr, type: type, bigEndian: bigEndian, shape: shape)
}

/// Maps a NumPy type string (`<f4`, `|u1`, `>i8`) to a stored scalar type and its byte order.
private func npyScalarType(_ descr: String, file: String) throws -> (StoredScalar, Bool) {
    var text = Substring(descr)
    var bigEndian = hostIsBigEndian
    if let order = text.first, "<>|=".contains(order) {
        if order == ">" { bigEndian = true } else if order == "<" { bigEndian = false }
        text = text.dropFirst()
    }
    let types: [String: StoredScalar] = [
        "f2": .float16, "f4": .float32, "f8": .float64,
        "i1": .int8, "i2": .int16, "i4": .int32, "i8": .int64,
        "u1": .uint8, "u2": .uint16, "u4": .uint32, "u8": .uint64, "b1": .bool,
    ]
    guard let type = types[String(text)] else {
        throw DataError(file: file, "has dtype '\(descr)', which Plexus cannot read (it reads floats <f2 <f4 <f8, integers <i1..<i8 and <u1..<u8, and bool |b1)")
    }
    return (type, bigEndian)
}

/// A value of the Python literal subset that .npy headers use.
indirect enum PythonLiteral {
    case string(String), int(Int), bool(Bool), none
    case tuple([PythonLiteral])
    case dict([(String, PythonLiteral)])
}

/// A recursive-descent parser for .npy headers:
/// `value -> dict | tuple | list | string | int | True | False | None`,
/// `dict -> '{' (string ':' value ',')* [string ':' value] '}'`,
/// `tuple -> '(' (value ',')* [value] ')'` (lists parse as tuples).
struct PythonLiteralParser {
    let bytes: [UInt8]
    let file: String
    var position = 0

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    private func fail(_ what: String) -> DataError {
        DataError(file: file, "cannot parse the .npy header at byte \(position): \(what)")
    }

    private mutating func skipSpace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    /// Checks that only padding follows the value.
    mutating func expectEnd() throws {
        skipSpace()
        guard position == bytes.count else { throw fail("unexpected text after the dictionary") }
    }

    mutating func parseValue(depth: Int) throws -> PythonLiteral {
        guard depth < 16 else { throw fail("nested too deeply") }
        skipSpace()
        guard position < bytes.count else { throw fail("the header ends early") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            position += 1
            var entries: [(String, PythonLiteral)] = []
            while true {
                skipSpace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return .dict(entries) }
                guard case .string(let key) = try parseValue(depth: depth + 1) else { throw fail("a dictionary key is not a string") }
                skipSpace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                position += 1
                entries.append((key, try parseValue(depth: depth + 1)))
                try separator(closing: UInt8(ascii: "}"))
            }
        case UInt8(ascii: "("), UInt8(ascii: "["):
            let closing = bytes[position] == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "]")
            position += 1
            var items: [PythonLiteral] = []
            while true {
                skipSpace()
                if position < bytes.count, bytes[position] == closing { position += 1; return .tuple(items) }
                items.append(try parseValue(depth: depth + 1))
                try separator(closing: closing)
            }
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            let quote = bytes[position]
            position += 1
            var text: [UInt8] = []
            while position < bytes.count, bytes[position] != quote {
                if bytes[position] == UInt8(ascii: "\\"), position + 1 < bytes.count { position += 1 }
                text.append(bytes[position])
                position += 1
            }
            guard position < bytes.count else { throw fail("a string is not closed") }
            position += 1
            return .string(String(decoding: text, as: UTF8.self))
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
            let start = position
            position += 1
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            guard let value = Int(String(decoding: bytes[start..<position], as: UTF8.self)) else { throw fail("a number is out of range") }
            if position < bytes.count, bytes[position] == UInt8(ascii: "L") { position += 1 }  // Python 2's long suffix
            return .int(value)
        default:
            for (word, value) in [("True", PythonLiteral.bool(true)), ("False", .bool(false)), ("None", .none)]
            where bytes[position...].starts(with: word.utf8) {
                position += word.utf8.count
                return value
            }
            throw fail("unexpected character '\(String(decoding: [bytes[position]], as: UTF8.self))'")
        }
    }

    /// After an item: a comma, or the closing bracket (left for the caller to consume).
    private mutating func separator(closing: UInt8) throws {
        skipSpace()
        guard position < bytes.count else { throw fail("the header ends early") }
        if bytes[position] == UInt8(ascii: ",") { position += 1; return }
        guard bytes[position] == closing else { throw fail("expected ',' or '\(String(decoding: [closing], as: UTF8.self))'") }
    }
}
