import PlexusTensor
/// One batch of samples: each input's rows and the target's, in the dataset's input order.
public struct DatasetBatch {
    /// The inputs' names, as in the dataset.
    public let inputNames: [String]
    /// Each input's samples for this batch, `(batch, ...)`.
    public let inputs: [Tensor]
    /// The target's samples for this batch.
    public let target: Tensor
    /// The samples in this batch (the last batch may hold fewer than the batch size).
    public var count: Int { target.shape[0] }
}

extension Dataset {
    /// The samples in batches of `size`, in order; the last batch holds the remainder.
    ///
    /// - Throws: `TensorError` unless `size` is positive.
    public func batches(size: Int) throws -> DatasetBatches {
        try DatasetBatches(self, size: size, order: nil)
    }

    /// The samples in batches of `size`, shuffled with `generator` when `shuffle` is true (the
    /// generator is untouched otherwise); the last batch holds the remainder.
    ///
    /// Batches are gathered one at a time into buffers the iteration reuses: a pass over a large
    /// dataset copies one batch at a time, never the whole dataset. Keeping a batch after the loop
    /// moves on is safe (tensors copy on write), it only costs that reuse.
    ///
    /// - Throws: `TensorError` unless `size` is positive.
    public func batches(size: Int, shuffle: Bool, using generator: inout RandomGenerator) throws -> DatasetBatches {
        try DatasetBatches(self, size: size, order: shuffle ? samplePermutation(count, using: &generator) : nil)
    }
}

/// The batches of a dataset, a `Sequence` that can be iterated more than once (same order each time).
public struct DatasetBatches: Sequence {
    /// The dataset being batched.
    public let dataset: Dataset
    /// Samples per batch (the last may hold fewer).
    public let batchSize: Int
    /// The sample order, `nil` for the dataset's own order.
    let order: [Int]?

    init(_ dataset: Dataset, size: Int, order: [Int]?) throws {
        guard size > 0 else {
            throw TensorError("batches", "the batch size must be positive, got \(size)")
        }
        self.dataset = dataset
        self.batchSize = size
        self.order = order
    }

    /// The number of batches: the sample count divided by the batch size, rounded up.
    public var count: Int { (dataset.count + batchSize - 1) / batchSize }

    public func makeIterator() -> Iterator { Iterator(self) }

    /// Walks the batches, gathering each into reused buffers.
    public struct Iterator: IteratorProtocol {
        private let batches: DatasetBatches
        private var position = 0
        private var inputBuffers: [Tensor?]
        private var targetBuffer: Tensor?

        init(_ batches: DatasetBatches) {
            self.batches = batches
            self.inputBuffers = Array(repeating: nil, count: batches.dataset.inputs.count)
        }

        public mutating func next() -> DatasetBatch? {
            let data = batches.dataset
            let n = data.count
            guard position < n else { return nil }
            let m = Swift.min(batches.batchSize, n - position)
            let range = position..<(position + m)
            position += m
            let indices: ArraySlice<Int> = batches.order.map { $0[range] } ?? ArraySlice(range)
            var inputs: [Tensor] = []
            inputs.reserveCapacity(data.inputs.count)
            for k in data.inputs.indices {
                guard let filled = Self.gather(data.inputs[k], indices, reusing: &inputBuffers[k]) else { return nil }
                inputs.append(filled)
            }
            guard let target = Self.gather(data.target, indices, reusing: &targetBuffer) else { return nil }
            return DatasetBatch(inputNames: data.inputNames, inputs: inputs, target: target)
        }

        /// Gathers the samples at `indices` into `buffer`, replacing it only when the batch size
        /// changes (the last batch). `nil` only if that allocation fails, which cannot happen: the
        /// buffer is no larger than `source`, which was allocated.
        private static func gather(_ source: Tensor, _ indices: ArraySlice<Int>, reusing buffer: inout Tensor?) -> Tensor? {
            if buffer?.shape.first != indices.count {
                buffer = try? Tensor.zeros([indices.count] + source.shape.dropFirst())
            }
            guard var out = buffer else { return nil }
            buffer = nil  // let `out` be the storage's only owner, so the write below reuses it
            out.withUnsafeMutableBufferPointer { dst in
                copySampleRows(of: source, indices: indices, into: dst)
            }
            buffer = out
            return out
        }
    }
}
