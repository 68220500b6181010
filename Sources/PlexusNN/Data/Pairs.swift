import PlexusTensor
/// Same/different pairs for siamese training: inputs `left` and `right` (each shaped like one sample
/// of `data`'s input) and target 1 when both samples have the same label, 0 otherwise.
///
/// Pairs alternate same, different, same, ... so every batch is balanced: `n / 2` same pairs
/// (rounded up) and the rest different. A same pair picks a label uniformly among those with at
/// least two samples, then two distinct samples of it; a different pair picks two distinct labels
/// uniformly, then one sample of each. Everything is drawn from `generator`, so a seed gives the
/// same pairs.
///
/// ```swift
/// let siamese = try pairs(digits(), n: 2000, using: &rng)   // left (8, 8, 1), right (8, 8, 1) -> ()
/// ```
/// - Parameters:
///   - data: a dataset with one input and integer class labels `(N,)` as target.
///   - n: how many pairs; `nil` for as many as `data` has samples.
/// - Throws: `TensorError` when `data` has several inputs, labels that are not whole numbers, a
///   single class, or no class with two samples.
public func pairs(_ data: Dataset, n: Int? = nil, using generator: inout RandomGenerator) throws -> Dataset {
    guard data.inputs.count == 1 else {
        throw TensorError("pairs", "needs a dataset with one input, got \(data.inputs.count) (\(data.inputNames.joined(separator: ", ")))")
    }
    guard data.target.rank == 1 || data.target.shape.dropFirst().allSatisfy({ $0 == 1 }) else {
        throw TensorError("pairs", "needs one class label per sample, got a target of shape \(formatShape(data.target.shape))")
    }
    let pairCount = n ?? data.count
    guard pairCount >= 0 else { throw TensorError("pairs", "the number of pairs must not be negative, got \(pairCount)") }

    // Samples by class, classes in ascending label order.
    var byLabel: [Int: [Int]] = [:]
    for (i, label) in data.target.scalars.enumerated() {
        guard label.isFinite, label == label.rounded(), abs(label) < 16_777_216 else {
            throw TensorError("pairs", "labels must be whole numbers (class indices); sample \(i) has label \(label)")
        }
        byLabel[Int(label), default: []].append(i)
    }
    let classes = byLabel.keys.sorted().compactMap { byLabel[$0] }
    let pairable = classes.filter { $0.count >= 2 }
    guard classes.count >= 2 else {
        throw TensorError("pairs", "needs at least two classes to make different pairs, the dataset has \(classes.count)")
    }
    guard !pairable.isEmpty else {
        throw TensorError("pairs", "needs a class with at least two samples to make same pairs")
    }

    var left = [Int](), right = [Int]()
    var same = [Float]()
    left.reserveCapacity(pairCount); right.reserveCapacity(pairCount); same.reserveCapacity(pairCount)
    for k in 0..<pairCount {
        if k % 2 == 0 {
            let members = pairable[generator.nextInt(below: pairable.count)]
            let a = generator.nextInt(below: members.count)
            var b = generator.nextInt(below: members.count - 1)
            if b >= a { b += 1 }
            left.append(members[a]); right.append(members[b]); same.append(1)
        } else {
            let a = generator.nextInt(below: classes.count)
            var b = generator.nextInt(below: classes.count - 1)
            if b >= a { b += 1 }
            left.append(classes[a][generator.nextInt(below: classes[a].count)])
            right.append(classes[b][generator.nextInt(below: classes[b].count)])
            same.append(0)
        }
    }
    let input = data.inputs[0]
    return try Dataset(inputs: [(name: "left", tensor: try gatherSampleRows(input, left)),
                                (name: "right", tensor: try gatherSampleRows(input, right))],
                       target: try Tensor(shape: [pairCount], values: same))
}
