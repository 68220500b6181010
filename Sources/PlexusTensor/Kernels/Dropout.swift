// Inverted dropout, as Keras and PyTorch do it: in training each element is kept with probability
// 1 - rate and the kept ones are scaled by 1 / (1 - rate), so the expected value of every element
// is unchanged and inference is the identity (no rescaling at test time).

/// Throws unless `rate` is a probability.
func checkDropoutRate(_ rate: Float) throws {
    guard rate >= 0, rate <= 1 else {
        throw TensorError("dropout", "rate \(rate) must lie in [0, 1]")
    }
}

/// The dropout multiplier for each element of `shape`: 0 for a dropped element, 1 / (1 - rate)
/// for a kept one (all zeros when `rate` is 1). Drawn serially, in row-major order, so that a seed
/// gives the same mask on every machine whatever the thread count.
func dropoutMask(_ shape: [Int], rate: Float, generator: inout RandomGenerator) -> Tensor {
    let mask = Tensor(uninitializedShape: shape)
    let mp = mask.storage.base
    let keep: Float = rate < 1 ? 1 / (1 - rate) : 0
    for i in 0..<mask.count {
        // An element is kept when its uniform draw in [0, 1) is at least `rate`.
        mp[i] = generator.nextUnitFloat() >= rate ? keep : 0
    }
    return mask
}

/// Elementwise `a * b` of two tensors of one shape.
func multiplySameShape(_ a: Tensor, _ b: Tensor) -> Tensor {
    let out = Tensor(uninitializedShape: a.shape)
    let ap = a.storage.base, bp = b.storage.base, op = out.storage.base
    parallelFor(a.count) { r in for i in r { op[i] = ap[i] * bp[i] } }
    return out
}

/// Inverted dropout (Keras `Dropout`): in training, zeroes each element with probability `rate`
/// and scales the rest by 1 / (1 - rate); in inference, returns `x` unchanged.
///
/// The mask comes from `generator`, so a seeded generator replays the same dropout.
///
/// - Parameters:
///   - rate: the fraction to drop, in [0, 1]; 1 drops everything.
///   - training: whether to drop at all.
/// - Throws: `TensorError` when `rate` is not a probability.
public func dropout(_ x: Tensor, rate: Float, training: Bool, generator: inout RandomGenerator) throws -> Tensor {
    try checkDropoutRate(rate)
    guard training, rate > 0 else { return x }
    return multiplySameShape(x, dropoutMask(x.shape, rate: rate, generator: &generator))
}
