import PlexusTensor
#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Writes tensors to a safetensors file (Hugging Face's format, read by PyTorch, JAX, Keras 3 and
/// Candle), as F32, in the order given.
///
/// The layout: an 8-byte little-endian header length, a JSON header
/// `{"__metadata__": {...}, "name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}}`
/// padded with spaces to a multiple of 8 bytes (so the data that follows is aligned), then each
/// tensor's little-endian bytes back to back. The file is written under a temporary name in the
/// same folder and renamed over `path` only when complete, so a failure (a full disk, an
/// interrupted session) never leaves a half-written model where a good one was.
///
/// ```swift
/// try writeSafetensors([("dense/kernel", w), ("dense/bias", b)], to: "m.safetensors",
///                      metadata: ["format": "plexus"])
/// ```
/// - Throws: `DataError` when a name repeats or is `__metadata__`, or the file cannot be written.
public func writeSafetensors(_ tensors: [(name: String, tensor: Tensor)], to path: String,
                             metadata: [String: String] = [:]) throws {
    var seen = Set<String>()
    for (name, _) in tensors {
        guard name != safetensorsMetadataKey else {
            throw DataError(file: path, "a tensor cannot be called '\(safetensorsMetadataKey)', the format reserves that key for metadata")
        }
        guard seen.insert(name).inserted else {
            throw DataError(file: path, "the tensor name '\(name)' is used twice")
        }
    }
    let header = safetensorsHeader(tensors, metadata: metadata)

    try writeFileAtomically(path) { write in
        try withUnsafeBytes(of: UInt64(header.count).littleEndian) { try write($0) }
        try header.withUnsafeBytes { try write($0) }
        for (_, tensor) in tensors { try writeLittleEndian(tensor, write) }
    }
}

/// The JSON header for `tensors` laid out back to back as F32, padded with spaces to a multiple
/// of 8 bytes. Metadata keys are sorted so the same model always writes the same bytes.
func safetensorsHeader(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) -> [UInt8] {
    var members: [String] = []
    if !metadata.isEmpty {
        let entries = metadata.keys.sorted().map { "\(jsonQuoted($0)):\(jsonQuoted(metadata[$0] ?? ""))" }
        members.append("\(jsonQuoted(safetensorsMetadataKey)):{\(entries.joined(separator: ","))}")
    }
    var offset = 0
    for (name, tensor) in tensors {
        let end = offset + tensor.count * 4
        let shape = tensor.shape.map(String.init).joined(separator: ",")
        members.append("\(jsonQuoted(name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
        offset = end
    }
    var bytes = Array("{\(members.joined(separator: ","))}".utf8)
    while bytes.count % 8 != 0 { bytes.append(0x20) }
    return bytes
}
