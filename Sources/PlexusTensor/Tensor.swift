import Foundation

/// An n-dimensional array of Float32 values in contiguous row-major storage.
///
/// `Tensor` is a value: copies share storage until one of them is written to (copy on write), so
/// passing tensors around is cheap and a write never surprises another holder. Images are NHWC
/// (batch, height, width, channels), as in Keras.
///
/// ```swift
/// var t = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
/// t[1, 2] = 0   // writes into t's own copy
/// ```
public struct Tensor {
    /// The size of each dimension, outermost first. `[]` is a scalar.
    public let shape: [Int]
    @usableFromInline var storage: TensorStorage

    /// Creates a tensor of `shape` whose elements are uninitialised apart from being valid floats to
    /// overwrite. Kernels use it for outputs they fill completely.
    @inlinable
    init(uninitializedShape shape: [Int]) {
        self.shape = shape
        self.storage = TensorStorage(count: shapeElementCount(shape))
    }

    @usableFromInline
    init(shape: [Int], storage: TensorStorage) {
        self.shape = shape
        self.storage = storage
    }

    /// Creates a tensor filled with `value`. Throws when the shape is invalid or too large.
    public init(shape: [Int], repeating value: Float) throws {
        try checkShape(shape, op: "tensor")
        self.shape = shape
        self.storage = TensorStorage(repeating: value, count: shapeElementCount(shape))
    }

    /// Creates a tensor from row-major `values`; their count must match the shape.
    public init(shape: [Int], values: [Float]) throws {
        try checkShape(shape, op: "tensor")
        let n = shapeElementCount(shape)
        guard values.count == n else {
            throw TensorError("tensor", "\(values.count) values cannot fill shape \(formatShape(shape)) of \(n) elements")
        }
        self.shape = shape
        self.storage = TensorStorage(count: n)
        values.withUnsafeBufferPointer { storage.base.initialize(from: $0.baseAddress!, count: n) } // invariant: n >= 0, array buffer non-nil
    }

    /// A rank-0 tensor holding `value`.
    public init(scalar value: Float) {
        self.shape = []
        self.storage = TensorStorage(repeating: value, count: 1)
    }

    /// The number of elements.
    @inlinable public var count: Int { storage.count }
    /// The number of dimensions.
    @inlinable public var rank: Int { shape.count }

    /// The elements in row-major order.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: storage.base, count: count))
    }

    /// The single element of a one-element tensor (any rank), or `nil`.
    public var scalarValue: Float? { count == 1 ? storage.base[0] : nil }

    @inlinable
    mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// Calls `body` with the contiguous elements, read-only.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.base, count: count))
    }

    /// Calls `body` with the contiguous elements, writable; copies first if the storage is shared.
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (UnsafeMutableBufferPointer<Float>) throws -> R) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.base, count: count))
    }

    /// The same elements seen with another shape of the same element count (no copy).
    public func reshaped(to newShape: [Int]) throws -> Tensor {
        let resolved = try resolveReshape(newShape, from: shape)
        return Tensor(shape: resolved, storage: storage)
    }

    /// Element access by multi-index. Traps on a bad index: for tests and small tools, not kernels.
    public subscript(indices: Int...) -> Float {
        get { storage.base[flatIndex(indices)] }
        set { makeUnique(); storage.base[flatIndex(indices)] = newValue }
    }

    private func flatIndex(_ indices: [Int]) -> Int {
        var flat = 0
        for (i, d) in shape.enumerated() { flat = flat * d + indices[i] }
        return flat
    }

    /// True when both tensors share one storage buffer (a reshape or an unmodified copy).
    public func sharesStorage(with other: Tensor) -> Bool { storage === other.storage }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { String(format: "%.4g", Double($0)) }
        let more = count > 8 ? ", ..." : ""
        return "Tensor\(formatShape(shape)) [\(shown.joined(separator: ", "))\(more)]"
    }
}
