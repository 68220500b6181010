import PlexusTensor
/// What a forward pass needs beyond the input values: whether it trains, and the random
/// generator that draws first weight values and dropout masks.
///
/// A class, so that every layer of a pass (and of nested models) draws from one generator in
/// turn: the order of draws, and so a replayed session's numbers, depend only on the seed. The
/// generator is a value; a caller that owns the session's generator hands it in and takes it back
/// afterwards:
///
/// ```swift
/// let context = ForwardContext(training: true, generator: session.random)
/// let y = try model.plan().run(inputs: [x], context: context)
/// session.random = context.generator
/// ```
///
/// `training` selects Keras's `training=True` behaviour: Dropout drops, BatchNormalization
/// normalises with the batch's statistics and moves its moving statistics (unless the layer is
/// in inference mode). Whether a tape is recorded is a separate matter: that follows `GradMode`
/// (`withoutGradients { }` records none), so a training-mode pass can run without a tape and an
/// inference-mode pass can still be differentiated (gradients of a frozen, inference-mode model).
public final class ForwardContext {
    /// Keras's `training` argument: dropout and batch statistics on.
    public var training: Bool
    /// The generator weights materialise with on first use and dropout masks are drawn from.
    public var generator: RandomGenerator
    /// Where training hands a warning (a sentence, no newline) for the caller to show; nil
    /// drops it. The library never prints.
    public var warn: ((String) -> Void)?

    /// A context for one or more passes.
    public init(training: Bool = false, generator: RandomGenerator) {
        self.training = training
        self.generator = generator
    }

    /// A context with a fresh generator seeded with `seed`.
    public convenience init(training: Bool = false, seed: UInt64) {
        self.init(training: training, generator: RandomGenerator(seed: seed))
    }

    /// Runs `body` with `training` set to `value`, restoring it afterwards (even on error).
    public func with<R>(training value: Bool, _ body: () throws -> R) rethrows -> R {
        let previous = training
        training = value
        defer { training = previous }
        return try body()
    }
}
