import PlexusTensor
/// Reads an IDX file (the format MNIST and Fashion-MNIST ship in) into a tensor of its stored values.
///
/// The format: two zero bytes, a type byte (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
/// 0x0D float32, 0x0E float64), the number of dimensions, each dimension as a big-endian 32-bit
/// integer, then the values, big-endian, row-major. The file must hold exactly the values its
/// dimensions promise. Gzipped files (`.gz`, as MNIST is downloaded) must be decompressed first.
///
/// - Throws: `DataError` naming the file and what in its header is wrong.
public func readIDX(_ path: String) throws -> Tensor {
    try readIDXFile(path).tensor
}

/// `readIDX`, also answering the element type the file stored.
func readIDXFile(_ path: String) throws -> (tensor: Tensor, type: StoredScalar) {
    let file = try DataFileReader(path: path)
    guard file.size >= 4 else {
        throw DataError(file: path, "is \(file.size) bytes long, too short for an IDX header")
    }
    let magic = try file.readBytes(count: 4, at: 0)
    if magic[0] == 0x1F, magic[1] == 0x8B {
        throw DataError(file: path, "is gzip-compressed; decompress it first (gunzip \(path))")
    }
    guard magic[0] == 0, magic[1] == 0 else {
        throw DataError(file: path, "is not an IDX file: it should begin with two zero bytes")
    }
    let type: StoredScalar
    switch magic[2] {
    case 0x08: type = .uint8
    case 0x09: type = .int8
    case 0x0B: type = .int16
    case 0x0C: type = .int32
    case 0x0D: type = .float32
    case 0x0E: type = .float64
    default:
        throw DataError(file: path, "has the unknown IDX element type 0x\(String(magic[2], radix: 16)) (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)")
    }
    let rank = Int(magic[3])
    guard rank >= 1 else { throw DataError(file: path, "declares zero dimensions") }
    let headerSize = 4 + 4 * rank
    guard file.size >= headerSize else {
        throw DataError(file: path, "declares \(rank) dimensions but ends inside its header (\(file.size) bytes)")
    }
    let dimensionBytes = try file.readBytes(count: 4 * rank, at: 4)
    var shape: [Int] = []
    for d in 0..<rank {
        var v = 0
        for b in 0..<4 { v = v << 8 | Int(dimensionBytes[4 * d + b]) }
        shape.append(v)
    }
    do { try checkShape(shape, op: "idx") } catch let error as TensorError {
        throw DataError(file: path, "declares the shape \(formatShape(shape)): \(error.message)")
    }
    let count = shape.reduce(1, *)
    let (dataBytes, overflow) = count.multipliedReportingOverflow(by: type.byteSize)
    guard !overflow, dataBytes == file.size - headerSize else {
        let problem = !overflow && dataBytes > file.size - headerSize ? "it is truncated" : "it has bytes after them"
        throw DataError(file: path, "declares \(formatShape(shape)) values of \(type.byteSize) bytes (\(count * type.byteSize) bytes) but holds \(file.size - headerSize) bytes after its header: \(problem)")
    }
    var tensor = try Tensor.zeros(shape)
    if type == .float32 && !hostIsBigEndian {
        try tensor.withUnsafeMutableBufferPointer { out in
            if let base = out.baseAddress { try file.read(into: base, count: dataBytes, at: headerSize) }
            // Stored big-endian: swap in place.
            for i in 0..<out.count { out[i] = Float(bitPattern: out[i].bitPattern.byteSwapped) }
        }
    } else {
        let raw = try file.readBytes(count: dataBytes, at: headerSize)
        raw.withUnsafeBytes { src in
            tensor.withUnsafeMutableBufferPointer { out in
                guard let s = src.baseAddress, let d = out.baseAddress else { return }
                decodeScalars(s, count: count, as: type, bigEndian: true, into: d)
            }
        }
    }
    return (tensor, type)
}

/// Loads an image classification set in IDX format (MNIST's): `images` `(N, H, W, 1)` (or
/// `(N, H, W, C)` from a four-dimensional file) and the labels as target `(N,)`.
///
/// Images stored as uint8 are scaled to 0...1 (divided by 255); images stored as floats or other
/// integers are kept as stored, on the assumption that whoever wrote them chose their scale.
///
/// ```swift
/// let mnist = try idx(images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte")
/// ```
/// - Throws: `DataError` naming the file whose header is wrong, or both files when their sample
///   counts differ.
public func idx(images: String, labels: String) throws -> Dataset {
    let stored = try readIDXFile(images)
    var pixels = stored.tensor
    let labelTensor = try readIDX(labels)
    guard pixels.rank == 3 || pixels.rank == 4 else {
        throw DataError(file: images, "holds shape \(formatShape(pixels.shape)); images need (N, H, W) or (N, H, W, C)")
    }
    guard labelTensor.rank == 1 || (labelTensor.rank == 2 && labelTensor.shape[1] == 1) else {
        throw DataError(file: labels, "holds shape \(formatShape(labelTensor.shape)); labels need (N,)")
    }
    guard labelTensor.shape[0] == pixels.shape[0] else {
        throw DataError(file: labels, "holds \(labelTensor.shape[0]) labels but \(images) holds \(pixels.shape[0]) images")
    }
    if pixels.rank == 3 { pixels = try pixels.reshaped(to: pixels.shape + [1]) }
    if stored.type == .uint8 {
        pixels.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] /= 255 }
        }
    }
    return try Dataset(pixels, name: "images", target: try labelTensor.reshaped(to: [labelTensor.shape[0]]))
}
