import PlexusTensor
/// Samples for training: one or more named input tensors and a target tensor, all indexed by
/// sample along their first dimension.
///
/// A dataset is a value: `split`, `shuffled` and the generators return new datasets and never change
/// the one they were called on. Inputs keep their order, which is the order a model's inputs take
/// them in (a siamese pair is `left`, `right`).
///
/// ```swift
/// var rng = RandomGenerator(seed: 42)
/// let (train, test) = try digits().split(0.8, using: &rng)
/// for batch in try train.batches(size: 32, shuffle: true, using: &rng) { ... }
/// ```
public struct Dataset {
    /// The inputs' names, in order.
    public let inputNames: [String]
    /// The inputs, in order; each has the sample index as its first dimension.
    public let inputs: [Tensor]
    /// What a model should predict for each sample: labels `(N,)`, a 0/1 map `(N, H, W, 1)`...
    public let target: Tensor

    /// Creates a dataset, checking that every tensor has the same number of samples.
    ///
    /// - Throws: `TensorError` when there is no input, a name is empty or repeated, a tensor is a
    ///   scalar, or the sample counts differ (naming each tensor's shape).
    public init(inputs: [(name: String, tensor: Tensor)], target: Tensor) throws {
        guard let first = inputs.first else {
            throw TensorError("dataset", "a dataset needs at least one input")
        }
        var seen = Set<String>()
        for (name, tensor) in inputs {
            guard !name.isEmpty else { throw TensorError("dataset", "an input name is empty") }
            guard seen.insert(name).inserted else {
                throw TensorError("dataset", "input name '\(name)' is used twice")
            }
            guard tensor.rank >= 1 else {
                throw TensorError("dataset", "input '\(name)' has shape \(formatShape(tensor.shape)); its first dimension must index the samples")
            }
        }
        guard target.rank >= 1 else {
            throw TensorError("dataset", "the target has shape \(formatShape(target.shape)); its first dimension must index the samples")
        }
        let n = first.tensor.shape[0]
        for (name, tensor) in inputs + [(name: "target", tensor: target)] where tensor.shape[0] != n {
            let shapes = inputs.map { "\($0.name) \(formatShape($0.tensor.shape))" } + ["target \(formatShape(target.shape))"]
            throw TensorError("dataset", "'\(name)' holds \(tensor.shape[0]) samples but '\(first.name)' holds \(n): \(shapes.joined(separator: ", "))")
        }
        self.inputNames = inputs.map(\.name)
        self.inputs = inputs.map(\.tensor)
        self.target = target
    }

    /// A dataset with a single input.
    public init(_ input: Tensor, name: String = "x", target: Tensor) throws {
        try self.init(inputs: [(name: name, tensor: input)], target: target)
    }

    /// The number of samples.
    public var count: Int { target.shape[0] }

    /// The input called `name`, or `nil`.
    public func input(named name: String) -> Tensor? {
        inputNames.firstIndex(of: name).map { inputs[$0] }
    }

    /// The samples at `indices`, in that order (indices may repeat).
    ///
    /// - Throws: `TensorError` when an index is out of range.
    public func subset(_ indices: [Int]) throws -> Dataset {
        for i in indices where i < 0 || i >= count {
            throw TensorError("dataset", "sample index \(i) is out of range for \(count) samples")
        }
        let gathered = try inputs.map { try gatherSampleRows($0, indices) }
        return try Dataset(inputs: Array(zip(inputNames, gathered)).map { (name: $0.0, tensor: $0.1) },
                           target: try gatherSampleRows(target, indices))
    }

    /// The same samples in an order drawn from `generator` (Fisher-Yates).
    public func shuffled(using generator: inout RandomGenerator) throws -> Dataset {
        try subset(samplePermutation(count, using: &generator))
    }

    /// Splits into a training part holding `fraction` of the samples (rounded down) and a test part
    /// holding the rest, in the dataset's order: the same call always gives the same split.
    ///
    /// - Throws: `TensorError` unless `fraction` is in 0...1.
    public func split(_ fraction: Double) throws -> (train: Dataset, test: Dataset) {
        let k = try splitPoint(fraction)
        return (try subset(Array(0..<k)), try subset(Array(k..<count)))
    }

    /// Shuffles with `generator`, then splits as `split(_:)` does: a random but repeatable split.
    public func split(_ fraction: Double, using generator: inout RandomGenerator) throws -> (train: Dataset, test: Dataset) {
        let k = try splitPoint(fraction)
        let order = samplePermutation(count, using: &generator)
        return (try subset(Array(order[0..<k])), try subset(Array(order[k...])))
    }

    private func splitPoint(_ fraction: Double) throws -> Int {
        guard fraction.isFinite, fraction >= 0, fraction <= 1 else {
            throw TensorError("split", "the training fraction must be between 0 and 1, got \(fraction)")
        }
        // Rounded down, but 0.29 * 100 = 28.999999999999996 still gives 29.
        let exact = fraction * Double(count)
        var k = Int(exact.rounded(.down))
        if exact - Double(k) > 1 - 1e-9 { k += 1 }
        return Swift.min(k, count)
    }
}

extension Dataset: CustomStringConvertible {
    /// `Dataset(1797 samples: images (8, 8, 1) -> target ())`: per-sample shapes, as a model sees them.
    public var description: String {
        let ins = zip(inputNames, inputs).map { "\($0.0) \(formatShape(Array($0.1.shape.dropFirst())))" }
        return "Dataset(\(count) samples: \(ins.joined(separator: ", ")) -> target \(formatShape(Array(target.shape.dropFirst()))))"
    }
}

/// A uniformly random permutation of 0..<n drawn from `generator` (Fisher-Yates).
func samplePermutation(_ n: Int, using generator: inout RandomGenerator) -> [Int] {
    var order = Array(0..<n)
    if n > 1 {
        for i in stride(from: n - 1, to: 0, by: -1) {
            order.swapAt(i, generator.nextInt(below: i + 1))
        }
    }
    return order
}

/// The elements of one sample of `tensor`: the product of all but its first dimension.
func sampleSize(_ tensor: Tensor) -> Int {
    var size = 1
    for d in tensor.shape.dropFirst() { size &*= d }
    return size
}

/// A new tensor holding the samples of `tensor` at `indices` (already checked to be in range).
func gatherSampleRows(_ tensor: Tensor, _ indices: [Int]) throws -> Tensor {
    var out = try Tensor.zeros([indices.count] + tensor.shape.dropFirst())
    out.withUnsafeMutableBufferPointer { dst in
        copySampleRows(of: tensor, indices: indices[...], into: dst)
    }
    return out
}

/// Copies the samples of `tensor` at `indices` one after another into `destination`, which holds
/// exactly `indices.count` samples. One `memcpy` per sample; the indices were checked by the caller.
func copySampleRows(of tensor: Tensor, indices: ArraySlice<Int>, into destination: UnsafeMutableBufferPointer<Float>) {
    let row = sampleSize(tensor)
    guard row > 0, let d = destination.baseAddress else { return }
    tensor.withUnsafeBufferPointer { src in
        guard let s = src.baseAddress else { return }
        var offset = 0
        for i in indices {
            (d + offset).update(from: s + i &* row, count: row)
            offset &+= row
        }
    }
}
