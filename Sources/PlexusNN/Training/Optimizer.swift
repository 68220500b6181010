import PlexusTensor
// The machinery shared by every optimiser: which weights to touch, per-weight state kept by identity,
// gradient clipping and decoupled weight decay. The order of operations follows Keras 3's
// `BaseOptimizer.apply` / `_backend_apply_gradients` (keras/src/optimizers/base_optimizer.py):
// clip the gradients, decay the weights, then run the optimiser's own update rule.

/// A rule that moves trainable weights against their gradients, in place.
///
/// An optimiser keeps its per-weight state (momentum, moment estimates) keyed by the weight's identity,
/// so the same weight object shared by several layers has one state, and the state persists across
/// steps. State buffers are allocated on a weight's first step and reused afterwards: a training step
/// allocates nothing in the optimiser after the first.
///
/// ```swift
/// let opt = try Adam(learningRate: 0.01)
/// try loss.backward()
/// try opt.update(weights)          // uses each weight's `grad`
/// weights.forEach { $0.zeroGrad() }
/// ```
///
/// Weights whose `requiresGrad` is false (frozen) are never touched, even when a gradient is given.
public class Optimizer: CustomStringConvertible {
    /// The name Keras gives this optimiser (`"SGD"`, `"adam"`, `"adamw"`, `"rmsprop"`).
    public var name: String
    /// The step size; may be changed between steps (a manual schedule).
    public var learningRate: Float
    /// Decoupled weight decay, `w -= learningRate * weightDecay * w` before each update (0: none).
    public let weightDecay: Float
    /// How gradients are clipped before the update.
    public let clipping: GradientClipping
    /// The number of update calls that changed at least one weight (Keras's `iterations`).
    public private(set) var iterations = 0

    /// Per-weight state by identity of the `Variable`.
    var states: [ObjectIdentifier: ParameterState] = [:]
    /// The weights of the current call, reused between calls so that a step does not allocate.
    private var pending: [PendingUpdate] = []
    /// Scratch for a clipped gradient, as large as the largest weight seen.
    private var scratch: UnsafeMutablePointer<Float>?
    private var scratchCapacity = 0
    /// Counts calls (including failed ones) to detect a weight listed twice in one call.
    private var callStamp = 0

    init(name: String, learningRate: Float, weightDecay: Float,
         clipNorm: Float?, globalClipNorm: Float?, clipValue: Float?, kind: String) throws {
        try requireFinite(learningRate, "learning_rate", kind: kind)
        try requireFinite(weightDecay, "weight_decay", kind: kind)
        guard weightDecay >= 0 else {
            throw TensorError(kind, "weight_decay must be >= 0, got \(weightDecay)", argument: "weight_decay")
        }
        self.name = name
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.clipping = try GradientClipping(clipNorm: clipNorm, globalClipNorm: globalClipNorm,
                                             clipValue: clipValue, kind: kind)
    }

    deinit { scratch?.deallocate() }

    // MARK: Public entry points

    /// Updates each trainable weight in `parameters` with the gradient at the same position.
    ///
    /// - Throws: `TensorError` when the counts differ, a gradient's shape differs from its weight's, a
    ///   weight is a computed variable rather than a leaf, or a weight is listed twice. Nothing is
    ///   updated when it throws.
    public func update(_ parameters: [Variable], gradients: [Tensor]) throws {
        guard parameters.count == gradients.count else {
            throw TensorError(kind, "\(gradients.count) gradients given for \(parameters.count) weights")
        }
        try run(parameters) { gradients[$0] }
    }

    /// Updates each trainable weight in `parameters` with its accumulated `grad` (after `backward()`).
    ///
    /// A trainable weight without a gradient is skipped, as Keras skips a `None` gradient.
    /// - Throws: `TensorError` as `update(_:gradients:)` does, and when no trainable weight has a
    ///   gradient at all (most likely `backward()` was not called).
    public func update(_ parameters: [Variable]) throws {
        try run(parameters) { parameters[$0].grad }
    }

    /// Forgets all per-weight state and the iteration count, as a freshly made optimiser.
    public func reset() {
        states.removeAll()
        iterations = 0
    }

    /// Keras's config, as the REPL prints it: `adam(learning_rate: 0.001)`. Arguments other than
    /// the learning rate appear only when they differ from their defaults.
    public var description: String {
        var parts = ["learning_rate: \(learningRate)"] + configArguments
        if weightDecay != defaultWeightDecay { parts.append("weight_decay: \(weightDecay)") }
        parts += clipping.configArguments
        if name != defaultName { parts.append("name: \"\(name)\"") }
        return "\(kind)(\(parts.joined(separator: ", ")))"
    }

    // MARK: Overridden by each optimiser

    /// The builtin's name in the language and in errors: `sgd`, `adam`, `adamw`, `rmsprop`.
    var kind: String { "optimizer" }
    /// Keras's default `name`.
    var defaultName: String { "optimizer" }
    /// The default weight decay (AdamW's is not zero).
    var defaultWeightDecay: Float { 0 }
    /// Hyperparameters that differ from their defaults, as `key: value` with Keras's argument names.
    var configArguments: [String] { [] }
    /// How many weight-sized state buffers each weight needs.
    var slotCount: Int { 0 }

    /// Applies the optimiser's rule to one weight of `count` elements, with its (clipped) gradient.
    /// `state.step` is this weight's 1-based step number.
    func applyRule(weights w: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>,
                   count n: Int, state: ParameterState) {}

    // MARK: The step

    private func run(_ parameters: [Variable], gradient: (Int) -> Tensor?) throws {
        callStamp &+= 1
        defer { pending.removeAll(keepingCapacity: true) }

        // Pass 1: check everything and gather, so that a mistake leaves every weight untouched.
        var trainable = 0
        for i in parameters.indices {
            let p = parameters[i]
            guard p.requiresGrad else { continue }  // frozen: never touched
            trainable += 1
            guard let g = gradient(i) else { continue }
            guard p.isLeaf else {
                throw TensorError(kind, "\(describe(p, at: i)) is computed by an operation, not a weight; update the weights it is computed from")
            }
            guard g.shape == p.shape else {
                throw TensorError(kind, "gradient of shape \(formatShape(g.shape)) does not match \(describe(p, at: i)) of shape \(formatShape(p.shape))")
            }
            let state = stateFor(p)
            guard state.stamp != callStamp else {
                throw TensorError(kind, "\(describe(p, at: i)) is listed twice; pass each weight once")
            }
            state.stamp = callStamp
            let squaredNorm = clipping.needsNorm ? g.sumOfSquares() : 0
            pending.append(PendingUpdate(parameter: p, gradient: g, state: state, squaredNorm: squaredNorm))
        }
        if pending.isEmpty {
            if trainable > 0 {
                throw TensorError(kind, "no gradients for any of the \(trainable) trainable weights; call backward() on the loss first")
            }
            return
        }

        var globalScale: Float = 1
        if case .globalNorm(let clipNorm) = clipping {
            var total: Double = 0
            for u in pending { total += u.squaredNorm }
            globalScale = globalClipScale(norm: Float(total.squareRoot()), clipNorm: clipNorm)
        }

        // Pass 2: clip, decay, update.
        for u in pending {
            let n = u.parameter.value.count
            if n > scratchCapacity, clipping != .none { growScratch(to: n) }
            u.state.step += 1
            let lr = learningRate, wd = weightDecay
            u.parameter.updateValue { wBuffer in
                guard let w = wBuffer.baseAddress else { return }  // invariant: storage always has a base
                if wd != 0 { OptimizerKernels.decay(weights: w, count: n, weightDecay: wd, learningRate: lr) }
                u.gradient.withUnsafeBufferPointer { gBuffer in
                    guard let g = gBuffer.baseAddress else { return }  // invariant: storage always has a base
                    if let s = scratch, clipping != .none {
                        clipGradient(g, into: s, count: n, squaredNorm: u.squaredNorm, globalScale: globalScale)
                        applyRule(weights: w, gradient: UnsafePointer(s), count: n, state: u.state)
                    } else {
                        applyRule(weights: w, gradient: g, count: n, state: u.state)
                    }
                }
            }
        }
        iterations += 1
    }

    /// The state of `p`, allocated (zeros) on its first step.
    private func stateFor(_ p: Variable) -> ParameterState {
        let key = ObjectIdentifier(p)
        if let s = states[key], s.owner === p, s.count == p.value.count { return s }
        // A new weight, or a dead weight's address reused by a new one: drop dead entries first.
        if !states.isEmpty {
            let dead = states.filter { $0.value.owner == nil }.map(\.key)
            for k in dead { states[k] = nil }
        }
        let s = ParameterState(owner: p, count: p.value.count, slotCount: slotCount)
        states[key] = s
        return s
    }

    private func growScratch(to n: Int) {
        scratch?.deallocate()
        scratch = .allocate(capacity: n)
        scratchCapacity = n
    }

    /// Writes the clipped gradient into `out`, with Keras's formulas.
    private func clipGradient(_ g: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count n: Int,
                              squaredNorm: Double, globalScale: Float) {
        switch clipping {
        case .none: out.update(from: g, count: n)
        case .norm(let c): OptimizerKernels.clipByNorm(g, into: out, count: n, clipNorm: c, norm: Float(squaredNorm.squareRoot()))
        case .globalNorm: OptimizerKernels.scale(g, into: out, count: n, by: globalScale)
        case .value(let v): OptimizerKernels.clipByValue(g, into: out, count: n, limit: v)
        }
    }

    private func describe(_ p: Variable, at index: Int) -> String {
        if let label = p.label { return "weight '\(label)'" }
        return "weight #\(index)"
    }
}

/// Per-weight optimiser state: `slotCount` zero-initialised buffers the size of the weight, and the
/// weight's own step count (Adam's bias correction uses it, so a weight that starts training later,
/// e.g. after being unfrozen, is corrected from its own first step).
final class ParameterState {
    /// The weight this state belongs to; checked so that a reused address never inherits state.
    weak var owner: Variable?
    let count: Int
    /// This weight's number of updates, including the current one while the rule runs.
    var step = 0
    /// The call in which this weight was last gathered (duplicate detection).
    var stamp = 0
    /// Slot buffers (momentum, moments), each `count` floats.
    let slots: [UnsafeMutablePointer<Float>]

    init(owner: Variable, count: Int, slotCount: Int) {
        self.owner = owner
        self.count = count
        self.slots = (0..<slotCount).map { _ in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(count, 1))
            p.initialize(repeating: 0, count: Swift.max(count, 1))
            AllocationStatistics.recordAllocation(bytes: Swift.max(count, 1) * MemoryLayout<Float>.stride)
            return p
        }
    }

    deinit {
        for p in slots {
            AllocationStatistics.recordRelease(bytes: Swift.max(count, 1) * MemoryLayout<Float>.stride)
            p.deallocate()
        }
    }

    /// A copy of slot `index` as a tensor (tests and inspection).
    func slot(_ index: Int) throws -> Tensor {
        try Tensor(shape: [count], values: Array(UnsafeBufferPointer(start: slots[index], count: count)))
    }
}

struct PendingUpdate {
    let parameter: Variable
    let gradient: Tensor
    let state: ParameterState
    let squaredNorm: Double
}

/// Keras's `clip_by_global_norm` scale: `clip * min(1/norm, 1/clip)`, made NaN when the norm is not
/// finite (Keras adds `norm - norm` so that an overflowed gradient does not pass silently).
func globalClipScale(norm: Float, clipNorm: Float) -> Float {
    clipNorm * Swift.min(1 / norm, 1 / clipNorm) + (norm - norm)
}

func requireFinite(_ x: Float, _ argument: String, kind: String) throws {
    guard x.isFinite else { throw TensorError(kind, "\(argument) must be a finite number, got \(x)", argument: argument) }
}

func requireUnitInterval(_ x: Float, _ argument: String, kind: String, includingOne: Bool = true) throws {
    let ok = x >= 0 && (includingOne ? x <= 1 : x < 1)
    guard ok else {
        throw TensorError(kind, "\(argument) must be in [0, 1\(includingOne ? "]" : ")"), got \(x)", argument: argument)
    }
}

extension Optimizer {
    /// The names `named(_:)` accepts, as the language spells them.
    public static let builtinNames = ["sgd", "adam", "adamw", "rmsprop"]

    /// The optimiser a name selects, with Keras's defaults: what `compile(m, optimizer: "adam")` means.
    ///
    /// Case does not matter (`"SGD"` is Keras's own name for SGD).
    /// - Throws: `TensorError` listing the known names when `name` is none of them.
    public static func named(_ name: String) throws -> Optimizer {
        switch name.lowercased() {
        case "sgd": return try SGD()
        case "adam": return try Adam()
        case "adamw": return try AdamW()
        case "rmsprop": return try RMSprop()
        default:
            throw TensorError("optimizer", "unknown optimizer '\(name)'; known: \(builtinNames.joined(separator: ", "))")
        }
    }
}
