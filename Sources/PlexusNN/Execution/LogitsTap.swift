import PlexusTensor
// Where a model's output passes through a sigmoid or softmax, found once when its plan compiles.
//
// A crossentropy on probabilities clips them to [1e-7, 1 - 1e-7] and gives no gradient outside
// the clip; a network that pushes every pixel of a sparse map below 1e-7 then never hears about the
// rare positive pixels again. Keras's TensorFlow backend avoids this by reading the logits off the
// sigmoid or softmax op that produced the output (`_get_logits` in keras/src/backend/tensorflow/
// nn.py) and computing the crossentropy from them, fused and stable. A plan does the same from its
// own structure: the output call's activation is known before anything runs.

/// The call of a plan that applies the output's sigmoid or softmax, and how to get its input.
struct LogitsTap {
    /// The activation the output ends in: `.sigmoid` or `.softmax`.
    let activation: ActivationFunction
    /// The index of the plan step to run differently.
    let step: Int
    /// True when that step is an `Activation` layer of its own (it then passes its input on);
    /// false when the activation belongs to (or is fused into) a dense or convolution layer,
    /// which then runs with a linear activation.
    let passesInput: Bool
    /// The layer whose activation it is, for messages.
    let layerName: String

    /// The tap for the value in slot `output`, or nil when it is not a sigmoid or softmax output.
    static func find(output: Int, in steps: [ExecutionPlan.Step]) -> LogitsTap? {
        guard let index = steps.firstIndex(where: { $0.outputs.contains(output) }) else { return nil }
        let step = steps[index]
        if step.isAlias {
            // An Activation layer fused into the call that produces its input.
            guard let source = step.inputs.first,
                  let producer = steps.firstIndex(where: { $0.outputs.contains(source) }),
                  let f = steps[producer].fusedActivation, isProbability(f) else { return nil }
            return LogitsTap(activation: f, step: producer, passesInput: false, layerName: step.node.layer.name)
        }
        switch step.node.layer {
        case let fusing as ActivationFusing where step.fusedActivation == nil && isProbability(fusing.activation):
            return LogitsTap(activation: fusing.activation, step: index, passesInput: false, layerName: fusing.name)
        case let a as Activation where isProbability(a.activation) && step.inputs.count == 1:
            return LogitsTap(activation: a.activation, step: index, passesInput: true, layerName: a.name)
        default:
            return nil
        }
    }

    private static func isProbability(_ f: ActivationFunction) -> Bool { f == .sigmoid || f == .softmax }
}
