import PlexusTensor
// How a compiled model's loss meets its output: on the output itself, or, when the output ends in
// a sigmoid (softmax) and the loss is a binary (categorical) crossentropy on probabilities, on the
// activation's input with the from-logits form of the loss (see `LogitsTap`). The loss is the
// same function of the weights: where no probability reaches the clip, the reported number is
// the same up to rounding; where one does, the fused form keeps its gradient.

extension Loss {
    /// The from-logits form of this loss for an output that ends in `activation`, when that is
    /// the pairing Keras's TensorFlow backend fuses: a sigmoid under binary crossentropy, a
    /// softmax under categorical or sparse categorical crossentropy. `nil` otherwise.
    public func fusedWithActivation(_ activation: ActivationFunction) -> Loss? {
        switch (self, activation) {
        case (.binaryCrossentropy(fromLogits: false), .sigmoid): return .binaryCrossentropy(fromLogits: true)
        case (.categoricalCrossentropy(fromLogits: false), .softmax): return .categoricalCrossentropy(fromLogits: true)
        case (.sparseCategoricalCrossentropy(fromLogits: false), .softmax): return .sparseCategoricalCrossentropy(fromLogits: true)
        default: return nil
        }
    }

    /// Whether the loss reads probabilities and clips them to `[1e-7, 1 - 1e-7]`.
    var clipsProbabilities: Bool {
        switch self {
        case .binaryCrossentropy(let logits), .categoricalCrossentropy(let logits), .sparseCategoricalCrossentropy(let logits):
            return !logits
        default: return false
        }
    }
}

/// The loss a training step computes and what it computes it on.
struct LossRoute {
    /// The loss as computed: the compiled one, or its from-logits form.
    let loss: Loss
    /// The output's activation when the loss reads its input (the plan then runs with
    /// `logits: true`, and predictions are this activation of the plan's output).
    let activation: ActivationFunction?

    init(_ compiled: Loss, plan: ExecutionPlan) {
        if let tap = plan.logitsTap, let fused = compiled.fusedWithActivation(tap.activation) {
            loss = fused
            activation = tap.activation
        } else {
            loss = compiled
            activation = nil
        }
    }

    /// Whether the plan's output is the logits.
    var readsLogits: Bool { activation != nil }

    /// The model's prediction (probabilities) from the plan's output.
    func prediction(_ output: Tensor) throws -> Tensor {
        guard let activation else { return output }
        return try withoutGradients { try activation.apply(Variable(output)) }.value
    }
}

extension Model {
    /// Warns once per compile when a crossentropy on probabilities has pushed at least half of a
    /// batch's positive targets below its clip, where they get no gradient (the loss cannot be
    /// fused because the output does not end in the matching sigmoid or softmax).
    func warnIfPositivesAtClip(_ setup: TrainingSetup, prediction: Tensor, target: Tensor, context: ForwardContext) {
        guard !setup.warnedAboutClipping, setup.loss.clipsProbabilities, let warn = context.warn else { return }
        let (stuck, positives) = positivesBelowClip(setup.loss, prediction: prediction, target: target)
        guard positives > 0, stuck * 2 >= positives else { return }
        setup.warnedAboutClipping = true
        let layer = outputs.first.map { "\($0.node.layer.name) (\($0.node.layer.typeName))" } ?? name
        warn("\(stuck) of \(positives) positive targets in a batch get a probability below 1e-7 from \(layer), the output of \(name): \(setup.loss) clips them there and they get no gradient. Let the output be logits (no activation, or one the loss can see through: sigmoid or softmax as the last layer's activation) and compile with from_logits: true")
    }
}

/// How many of the positive targets (a target of 1 in binary crossentropy, the target class in
/// the categorical forms) a probability crossentropy sees below its lower clip, and how many
/// positive targets there are.
func positivesBelowClip(_ loss: Loss, prediction: Tensor, target: Tensor) -> (stuck: Int, positives: Int) {
    let p = prediction.scalars, t = target.scalars
    var stuck = 0, positives = 0
    switch loss {
    case .binaryCrossentropy:
        guard p.count == t.count else { return (0, 0) }
        for i in p.indices where t[i] >= 0.5 {
            positives += 1
            if p[i] < lossEpsilon { stuck += 1 }
        }
    case .categoricalCrossentropy, .sparseCategoricalCrossentropy:
        guard let classes = prediction.shape.last, classes > 0 else { return (0, 0) }
        let rows = p.count / classes
        let sparse: Bool
        if case .sparseCategoricalCrossentropy = loss { sparse = true } else { sparse = false }
        guard sparse ? t.count == rows : t.count == p.count else { return (0, 0) }
        for r in 0..<rows {
            let row = p[(r * classes)..<((r + 1) * classes)]
            let sum = row.reduce(0, +)
            guard sum > 0 else { continue }
            if sparse {
                guard t[r] >= 0, t[r] < Float(classes) else { continue }
                let k = Int(t[r])
                positives += 1
                if p[r * classes + k] / sum < lossEpsilon { stuck += 1 }
            } else {
                for k in 0..<classes where t[r * classes + k] > 0 {
                    positives += 1
                    if p[r * classes + k] / sum < lossEpsilon { stuck += 1 }
                }
            }
        }
    default:
        break
    }
    return (stuck, positives)
}
