import PlexusTensor
import Foundation

// Update rule from keras/src/optimizers/adam.py (Keras 3), `Adam.update_step`, with t the step number:
//   alpha = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
//   m += (g - m) * (1 - beta1)
//   v += (g^2 - v) * (1 - beta2)
//   amsgrad: vhat = max(vhat, v), and vhat replaces v below
//   w -= m * alpha / (sqrt(v) + epsilon)
// AdamW (keras/src/optimizers/adamw.py) is Adam with weight_decay=0.004, applied by the base optimiser
// as w -= w * weight_decay * lr before the rule (keras/src/optimizers/base_optimizer.py).

/// Adam: per-weight step sizes from running estimates of the gradient's mean and square
/// (Keras's `keras.optimizers.Adam`).
///
/// Each weight's first step moves it by about `learningRate` against the sign of its gradient,
/// whatever the gradient's scale: Adam is invariant to rescaling the loss.
public class Adam: Optimizer {
    /// Decay rate of the first-moment (mean) estimate.
    public let beta1: Float
    /// Decay rate of the second-moment (uncentred variance) estimate.
    public let beta2: Float
    /// Added to the root of the second moment ("epsilon hat" of Kingma and Ba).
    public let epsilon: Float
    /// Whether to divide by the largest second moment seen so far (AMSGrad).
    public let amsgrad: Bool

    /// Keras 3 defaults: `learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False`.
    ///
    /// - Parameters:
    ///   - weightDecay: decoupled decay, as Keras's `weight_decay` argument of every optimiser.
    ///   - clipNorm, globalClipNorm, clipValue: Keras's gradient clipping; at most one.
    /// - Throws: `TensorError` when a beta is outside [0, 1), epsilon is negative, or an argument is
    ///   not finite.
    public convenience init(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999,
                            epsilon: Float = 1e-7, amsgrad: Bool = false, weightDecay: Float = 0,
                            clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil,
                            name: String = "adam") throws {
        try self.init(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                      amsgrad: amsgrad, weightDecay: weightDecay, clipNorm: clipNorm,
                      globalClipNorm: globalClipNorm, clipValue: clipValue, name: name, kind: "adam")
    }

    init(learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, amsgrad: Bool, weightDecay: Float,
         clipNorm: Float?, globalClipNorm: Float?, clipValue: Float?, name: String, kind: String) throws {
        try requireUnitInterval(beta1, "beta_1", kind: kind, includingOne: false)
        try requireUnitInterval(beta2, "beta_2", kind: kind, includingOne: false)
        try requireFinite(epsilon, "epsilon", kind: kind)
        guard epsilon >= 0 else { throw TensorError(kind, "epsilon must be >= 0, got \(epsilon)", argument: "epsilon") }
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.amsgrad = amsgrad
        try super.init(name: name, learningRate: learningRate, weightDecay: weightDecay,
                       clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue, kind: kind)
    }

    override var kind: String { "adam" }
    override var defaultName: String { "adam" }
    override var slotCount: Int { amsgrad ? 3 : 2 }

    override var configArguments: [String] {
        var args: [String] = []
        if beta1 != 0.9 { args.append("beta_1: \(beta1)") }
        if beta2 != 0.999 { args.append("beta_2: \(beta2)") }
        if epsilon != 1e-7 { args.append("epsilon: \(epsilon)") }
        if amsgrad { args.append("amsgrad: true") }
        return args
    }

    override func applyRule(weights w: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>,
                            count n: Int, state: ParameterState) {
        let t = Float(state.step)
        let b1 = beta1, b2 = beta2, eps = epsilon
        let alpha = learningRate * (1 - pow(b2, t)).squareRoot() / (1 - pow(b1, t))
        let m = state.slots[0], v = state.slots[1]  // invariant: slotCount >= 2
        // invariant: slotCount is 3 with amsgrad
        assert(state.slots.count == slotCount, "Adam's slots follow amsgrad")
        OptimizerKernels.adam(weights: w, gradient: g, count: n, m: m, v: v, vhat: amsgrad ? state.slots[2] : nil,
                              alpha: alpha, beta1: b1, beta2: b2, epsilon: eps)
    }
}

/// Adam with decoupled weight decay (Keras's `keras.optimizers.AdamW`, Loshchilov and Hutter).
///
/// The decay shrinks each weight by `learningRate * weightDecay` of itself before the Adam step,
/// instead of adding an L2 term to the gradient that Adam's scaling would then undo.
public final class AdamW: Adam {
    /// Keras 3 defaults: `learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
    /// epsilon=1e-7, amsgrad=False`.
    /// - Throws: `TensorError` as `Adam` does, and when weight decay is negative.
    public init(learningRate: Float = 0.001, weightDecay: Float = 0.004, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-7, amsgrad: Bool = false,
                clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil,
                name: String = "adamw") throws {
        try super.init(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
                       amsgrad: amsgrad, weightDecay: weightDecay, clipNorm: clipNorm,
                       globalClipNorm: globalClipNorm, clipValue: clipValue, name: name, kind: "adamw")
    }

    override var kind: String { "adamw" }
    override var defaultName: String { "adamw" }
    override var defaultWeightDecay: Float { 0.004 }
}
