import PlexusTensor
// Update rule from keras/src/optimizers/rmsprop.py (Keras 3), `RMSprop.update_step`:
//   velocity = rho * velocity + (1 - rho) * g^2
//   centered: average = rho * average + (1 - rho) * g;  denominator = velocity - average^2 + epsilon
//   otherwise: denominator = velocity + epsilon
//   increment = lr * g / sqrt(denominator)
//   momentum > 0: mom = momentum * mom + increment;  w -= mom
//   otherwise:    w -= increment

/// RMSprop: divides each gradient by a running root mean square of its recent values
/// (Keras's `keras.optimizers.RMSprop`).
///
/// Weights with consistently large gradients take smaller steps and vice versa; `centered`
/// divides by the estimated standard deviation instead of the raw root mean square.
public final class RMSprop: Optimizer {
    /// Discount factor of the running averages.
    public let rho: Float
    /// Plain (not Nesterov) momentum on the increments; 0 for none.
    public let momentum: Float
    /// Added under the square root for numerical stability.
    public let epsilon: Float
    /// Whether to subtract the squared running mean gradient (estimated variance).
    public let centered: Bool

    /// Keras 3 defaults: `learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False`.
    ///
    /// - Parameters:
    ///   - weightDecay: decoupled decay, as Keras's `weight_decay` argument of every optimiser.
    ///   - clipNorm, globalClipNorm, clipValue: Keras's gradient clipping; at most one.
    /// - Throws: `TensorError` when rho or momentum is outside [0, 1], epsilon is negative, or an
    ///   argument is not finite.
    public init(learningRate: Float = 0.001, rho: Float = 0.9, momentum: Float = 0, epsilon: Float = 1e-7,
                centered: Bool = false, weightDecay: Float = 0,
                clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil,
                name: String = "rmsprop") throws {
        try requireUnitInterval(rho, "rho", kind: "rmsprop")
        try requireUnitInterval(momentum, "momentum", kind: "rmsprop")
        try requireFinite(epsilon, "epsilon", kind: "rmsprop")
        guard epsilon >= 0 else { throw TensorError("rmsprop", "epsilon must be >= 0, got \(epsilon)", argument: "epsilon") }
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered
        try super.init(name: name, learningRate: learningRate, weightDecay: weightDecay,
                       clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue, kind: "rmsprop")
    }

    override var kind: String { "rmsprop" }
    override var defaultName: String { "rmsprop" }
    /// Slot 0: velocity; then momentum when momentum > 0; then the average gradient when centered.
    override var slotCount: Int { 1 + (momentum > 0 ? 1 : 0) + (centered ? 1 : 0) }

    override var configArguments: [String] {
        var args: [String] = []
        if rho != 0.9 { args.append("rho: \(rho)") }
        if momentum != 0 { args.append("momentum: \(momentum)") }
        if epsilon != 1e-7 { args.append("epsilon: \(epsilon)") }
        if centered { args.append("centered: true") }
        return args
    }

    override func applyRule(weights w: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>,
                            count n: Int, state: ParameterState) {
        // invariant: the optional slots exist exactly when their flags ask for them (slotCount)
        assert(state.slots.count == slotCount, "RMSprop's slots follow its flags")
        OptimizerKernels.rmsprop(weights: w, gradient: g, count: n, velocity: state.slots[0],
                                 momentumBuffer: momentum > 0 ? state.slots[1] : nil,
                                 average: centered ? state.slots[momentum > 0 ? 2 : 1] : nil,
                                 learningRate: learningRate, rho: rho, epsilon: epsilon, momentum: momentum)
    }
}
