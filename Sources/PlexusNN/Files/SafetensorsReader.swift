import PlexusTensor
/// Reads a safetensors file into tensors by name (see `readSafetensorsFile` for the checks).
public func readSafetensors(_ path: String) throws -> [String: Tensor] {
    var byName: [String: Tensor] = [:]
    for (name, tensor) in try readSafetensorsFile(path).tensors { byName[name] = tensor }
    return byName
}

/// Reads a safetensors file: its tensors in data order, converted to Float32, and its metadata.
///
/// Nothing is allocated or returned until the whole header has been checked against the file:
/// the header length lies within the file (and under 100 MB); the header is valid JSON, an object
/// whose entries are tensors (`dtype`, `shape`, `data_offsets`) and an optional `__metadata__` of
/// strings; no name repeats; each dtype is one Plexus reads (see `safetensorsDTypes`: F32, F64, F16,
/// BF16, integers and BOOL, all converted to Float32); each shape fits in memory and its element
/// count times the dtype's size equals the tensor's byte range; every range lies within the data;
/// and the ranges, sorted, tile the data exactly, without overlap, gap or trailing bytes (the
/// format's rule against polyglot files). Each error names the file and the first offending tensor.
///
/// - Throws: `DataError`; never a crash, whatever the bytes.
public func readSafetensorsFile(_ path: String) throws -> SafetensorsFile {
    let file = try DataFileReader(path: path)
    let layout = try readSafetensorsLayout(file)
    var tensors: [(name: String, tensor: Tensor)] = []
    tensors.reserveCapacity(layout.entries.count)
    for entry in layout.entries {
        var tensor = try Tensor.zeros(entry.shape)
        let byteCount = entry.end - entry.begin
        let offset = layout.dataStart + entry.begin
        if entry.type == .float32 && !hostIsBigEndian {
            try tensor.withUnsafeMutableBufferPointer { out in
                if let base = out.baseAddress { try file.read(into: base, count: byteCount, at: offset) }
            }
        } else if byteCount > 0 {
            let raw = try file.readBytes(count: byteCount, at: offset)
            raw.withUnsafeBytes { src in
                tensor.withUnsafeMutableBufferPointer { out in
                    guard let s = src.baseAddress, let d = out.baseAddress else { return }
                    decodeScalars(s, count: out.count, as: entry.type, bigEndian: false, into: d)
                }
            }
        }
        try requireFinite(tensor, file: path, what: "tensor '\(entry.name)'")
        tensors.append((entry.name, tensor))
    }
    return SafetensorsFile(tensors: tensors, metadata: layout.metadata)
}

/// One tensor as a checked header describes it; `begin..<end` is relative to the data.
struct SafetensorsEntry {
    var name: String
    var dtype: String
    var type: StoredScalar
    var shape: [Int]
    var begin: Int
    var end: Int
}

/// A checked safetensors header: where the data starts, the tensors in data order, the metadata.
struct SafetensorsLayout {
    var dataStart: Int
    var entries: [SafetensorsEntry]
    var metadata: [String: String]
}

/// Reads and checks a safetensors header against the file's size (every check in
/// `readSafetensorsFile`'s documentation), reading no tensor data.
func readSafetensorsLayout(_ file: DataFileReader) throws -> SafetensorsLayout {
    let path = file.path
    func failure(_ message: String) -> DataError { DataError(file: path, message) }

    guard file.size >= 8 else {
        throw failure("is \(file.size) bytes long, too short for a safetensors file (an 8-byte header length, then the header)")
    }
    let lengthBytes = try file.readBytes(count: 8, at: 0)
    var declared: UInt64 = 0
    for b in lengthBytes.reversed() { declared = declared << 8 | UInt64(b) }
    guard declared <= UInt64(file.size - 8) else {
        throw failure("declares a \(declared)-byte header but only \(file.size - 8) bytes follow the header length: the file is truncated or not a safetensors file")
    }
    let headerLength = Int(declared)
    guard headerLength <= safetensorsMaximumHeaderSize else {
        throw failure("declares a \(headerLength)-byte header, more than the \(safetensorsMaximumHeaderSize) bytes a safetensors header may have")
    }
    let headerBytes = try file.readBytes(count: headerLength, at: 8)
    guard headerBytes.first == UInt8(ascii: "{") else {
        throw failure("the header does not begin with '{': not a safetensors file")
    }
    let json: HeaderJSON
    do {
        json = try headerBytes.withUnsafeBufferPointer { try HeaderJSONParser.parse($0) }
    } catch let error as HeaderJSONParser.Failure {
        throw failure("the header is not valid JSON: \(error.reason) at byte \(error.offset) of the header")
    }
    guard case .object(let members) = json else {
        throw failure("the header is not a JSON object")
    }

    let dataStart = 8 + headerLength
    let dataSize = file.size - dataStart
    var entries: [SafetensorsEntry] = []
    var metadata: [String: String] = [:]
    var seen = Set<String>()
    for (name, value) in members {
        guard seen.insert(name).inserted else {
            throw failure("the header names '\(name)' twice")
        }
        if name == safetensorsMetadataKey {
            guard case .object(let pairs) = value else {
                throw failure("'\(safetensorsMetadataKey)' is not an object of strings")
            }
            for (key, item) in pairs {
                guard case .string(let text) = item else {
                    throw failure("metadata entry '\(key)' is not a string")
                }
                metadata[key] = text
            }
            continue
        }
        entries.append(try safetensorsEntry(name, value, dataSize: dataSize, file: path))
    }

    // The ranges, in data order, must tile the data: no overlap, no gap, nothing left over.
    entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
    var expected = 0
    var previous: String?
    for entry in entries {
        if entry.begin < expected {
            throw failure("tensor '\(entry.name)' (bytes \(entry.begin)..<\(entry.end)) overlaps tensor '\(previous ?? "")', which ends at byte \(expected)")
        }
        if entry.begin > expected {
            let after = previous.map { "after tensor '\($0)'" } ?? "at the start of the data"
            throw failure("bytes \(expected)..<\(entry.begin) \(after), before tensor '\(entry.name)', belong to no tensor")
        }
        expected = entry.end
        previous = entry.name
    }
    guard expected == dataSize else {
        throw failure("the last \(dataSize - expected) bytes of data (after byte \(expected)) belong to no tensor")
    }
    return SafetensorsLayout(dataStart: dataStart, entries: entries, metadata: metadata)
}

/// Checks one tensor's header entry on its own: fields, dtype, shape, byte count, bounds.
private func safetensorsEntry(_ name: String, _ value: HeaderJSON, dataSize: Int, file: String) throws -> SafetensorsEntry {
    func failure(_ message: String) -> DataError { DataError(file: file, "tensor '\(name)': \(message)") }
    guard case .object(let fields) = value else {
        throw failure("its entry is not an object with dtype, shape and data_offsets")
    }
    func field(_ key: String) throws -> HeaderJSON {
        guard let found = fields.first(where: { $0.key == key }) else { throw failure("its entry has no '\(key)'") }
        return found.value
    }
    guard case .string(let dtype) = try field("dtype") else { throw failure("dtype is not a string") }
    guard let type = safetensorsDTypes[dtype] else {
        throw failure("dtype \(dtype) cannot be read (Plexus reads F32, F64, F16, BF16, I8...I64, U8...U64 and BOOL)")
    }
    guard case .array(let dims) = try field("shape") else { throw failure("shape is not an array") }
    var shape: [Int] = []
    for d in dims {
        guard let v = d.nonNegativeInt else { throw failure("shape has an entry that is not a non-negative integer") }
        shape.append(v)
    }
    do { try checkShape(shape, op: "safetensors") } catch let error as TensorError {
        throw failure(error.message)
    }
    guard case .array(let offsets) = try field("data_offsets"), offsets.count == 2,
          let begin = offsets[0].nonNegativeInt, let end = offsets[1].nonNegativeInt else {
        throw failure("data_offsets is not a pair of non-negative integers [begin, end]")
    }
    guard begin <= end else { throw failure("data_offsets [\(begin), \(end)] ends before it begins") }
    let elements = shape.reduce(1, *)
    let bytes = elements * type.byteSize  // no overflow: checkShape bounds elements by memory / 4
    guard end - begin == bytes else {
        throw failure("shape \(formatShape(shape)) of \(dtype) needs \(bytes) bytes but data_offsets [\(begin), \(end)] hold \(end - begin)")
    }
    guard end <= dataSize else {
        throw failure("data_offsets [\(begin), \(end)] reach past the end of the data (\(dataSize) bytes): the file is truncated")
    }
    return SafetensorsEntry(name: name, dtype: dtype, type: type, shape: shape, begin: begin, end: end)
}
