// Dropout on the tape: the mask drawn in the forward pass is the one the backward pass applies.

/// Inverted dropout (Keras `Dropout`) of a variable: in training, zeroes each element with
/// probability `rate` and scales the rest by 1 / (1 - rate); the gradient passes through the same
/// mask. In inference (or with rate 0) it returns `x` itself and records nothing.
///
/// - Parameters:
///   - rate: the fraction to drop, in [0, 1]; 1 drops everything.
///   - training: whether to drop at all.
///   - generator: the source of the mask; a seeded generator replays the same dropout.
/// - Throws: `TensorError` when `rate` is not a probability.
public func dropout(_ x: Variable, rate: Float, training: Bool, generator: inout RandomGenerator) throws -> Variable {
    try checkDropoutRate(rate)
    guard training, rate > 0 else { return x }
    let mask = dropoutMask(x.shape, rate: rate, generator: &generator)
    return Variable.record(multiplySameShape(x.value, mask), parents: [x], op: .dropout) { grad in
        [multiplySameShape(grad, mask)]
    }
}
