import PlexusTensor
// Update rule from keras/src/optimizers/sgd.py (Keras 3), `SGD.update_step`:
//   momentum == 0:  w -= lr * g
//   otherwise:      v = momentum * v - lr * g;  w += v
//   nesterov:       v = momentum * v - lr * g;  w += momentum * v - lr * g

/// Gradient descent, optionally with (Nesterov) momentum: Keras's `keras.optimizers.SGD`.
///
/// Momentum keeps a velocity per weight that remembers past steps, so descent speeds up along
/// consistent directions and oscillation across a ravine damps out.
///
/// ```swift
/// let opt = try SGD(learningRate: 0.1, momentum: 0.9)
/// ```
public final class SGD: Optimizer {
    /// How much of the previous velocity each step keeps, in [0, 1].
    public let momentum: Float
    /// Whether the step looks ahead along the velocity (Nesterov momentum).
    public let nesterov: Bool

    /// Keras 3 defaults: `learning_rate=0.01, momentum=0.0, nesterov=False`.
    ///
    /// - Parameters:
    ///   - weightDecay: decoupled decay `w -= lr * weightDecay * w` before each step (Keras's
    ///     `weight_decay`), not an L2 term in the gradient.
    ///   - clipNorm, globalClipNorm, clipValue: Keras's gradient clipping; at most one.
    /// - Throws: `TensorError` when momentum is outside [0, 1] (as Keras) or an argument is not finite.
    public init(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0,
                clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil,
                name: String = "SGD") throws {
        try requireUnitInterval(momentum, "momentum", kind: "sgd")
        self.momentum = momentum
        self.nesterov = nesterov
        try super.init(name: name, learningRate: learningRate, weightDecay: weightDecay,
                       clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue, kind: "sgd")
    }

    override var kind: String { "sgd" }
    override var defaultName: String { "SGD" }
    override var slotCount: Int { momentum != 0 ? 1 : 0 }

    override var configArguments: [String] {
        var args: [String] = []
        if momentum != 0 { args.append("momentum: \(momentum)") }
        if nesterov { args.append("nesterov: true") }
        return args
    }

    override func applyRule(weights w: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>,
                            count n: Int, state: ParameterState) {
        // invariant: slotCount is 1 when momentum != 0
        assert(state.slots.count == slotCount, "SGD's slot follows its momentum")
        OptimizerKernels.sgd(weights: w, gradient: g, count: n, velocity: momentum != 0 ? state.slots[0] : nil,
                             learningRate: learningRate, momentum: momentum, nesterov: nesterov)
    }
}
