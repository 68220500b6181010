import PlexusTensor
/// The tensors and metadata of a safetensors file, in the order their data lies in the file (for a
/// file Plexus wrote, the order they were given to `writeSafetensors`).
public struct SafetensorsFile {
    /// The tensors, in data order.
    public var tensors: [(name: String, tensor: Tensor)]
    /// The free-form `__metadata__` strings (empty when the file has none).
    public var metadata: [String: String]

    /// The tensor called `name`, or `nil`.
    public subscript(name: String) -> Tensor? {
        tensors.first { $0.name == name }?.tensor
    }
}

/// The safetensors element types Plexus reads, converted to Float32: F32 as stored; F64, F16 and
/// BF16 rounded or widened; integers and BOOL as their values (a PyTorch state dict's int64
/// `num_batches_tracked`, for instance). The 8-bit float formats and anything newer are refused
/// with an error naming the tensor.
let safetensorsDTypes: [String: StoredScalar] = [
    "F32": .float32, "F64": .float64, "F16": .float16, "BF16": .bfloat16,
    "I8": .int8, "U8": .uint8, "I16": .int16, "U16": .uint16,
    "I32": .int32, "U32": .uint32, "I64": .int64, "U64": .uint64, "BOOL": .bool,
]

/// The largest header a reader accepts, as the reference implementation does: a larger length is a
/// corrupt or hostile file, not a real model.
let safetensorsMaximumHeaderSize = 100_000_000

/// The key of the free-form metadata in a safetensors header; no tensor may use it.
let safetensorsMetadataKey = "__metadata__"
