import PlexusTensor
/// Writes `tensor` as a NumPy `.npy` file (format 1.0, little-endian float32, C order), the file
/// `numpy.load` reads: how values computed at the prompt go to Python (predictions to compare
/// with Keras or PyTorch, a basis to reuse). Written atomically, as `save` writes models.
///
/// The header is NumPy's: `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`, padded
/// with spaces and a newline so that the data starts at a multiple of 64 bytes.
///
/// - Throws: `DataError` when the file cannot be written.
public func writeNPY(_ tensor: Tensor, to path: String) throws {
    let shape: String
    switch tensor.shape.count {
    case 0: shape = "()"
    case 1: shape = "(\(tensor.shape[0]),)"
    default: shape = "(" + tensor.shape.map(String.init).joined(separator: ", ") + ")"
    }
    var header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }".utf8)
    let unpadded = 10 + header.count + 1
    header += Array(repeating: UInt8(ascii: " "), count: (64 - unpadded % 64) % 64) + [UInt8(ascii: "\n")]
    let preamble: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xff), UInt8(header.count >> 8)]
    try writeFileAtomically(path) { write in
        try preamble.withUnsafeBytes { try write($0) }
        try header.withUnsafeBytes { try write($0) }
        try writeLittleEndian(tensor, write)
    }
}
