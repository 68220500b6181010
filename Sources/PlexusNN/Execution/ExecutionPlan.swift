import PlexusTensor
/// A layer whose kernel can apply an activation in the same op (`Dense`, the convolutions,
/// `Conv`): an execution plan hands it the activation of a standalone `Activation` or `ReLU`
/// layer that follows it, so `conv2d(64, 3) |> relu` runs as one op like
/// `conv2d(64, 3, activation: relu)`.
protocol ActivationFusing: Layer {
    /// The layer's own activation; only a `linear` one leaves room for a fused one.
    var activation: ActivationFunction { get }
    /// The forward pass with `activation` in place of the layer's own.
    func forward(_ inputs: [Variable], context: ForwardContext, activation: ActivationFunction) throws -> Variable
}

/// A convolution that can take over the zero padding of a `ZeroPadding2D` in front of it: the
/// same result without the padded copy of its input (MobileNet pads before every strided
/// depthwise convolution, ResNet before its first).
protocol PaddingAbsorbing: ActivationFusing {
    /// The layer's own padding; only `valid` leaves room for another.
    var padding: Padding { get }
    /// The forward pass with `padding` in place of the layer's own.
    func forward(_ inputs: [Variable], context: ForwardContext, activation: ActivationFunction, padding: Padding) throws -> Variable
}

/// A convolution that applies an inference epilogue (a batch normalisation's affine from its moving
/// statistics, and the activation after it) to its output rows as it writes them, instead of in a
/// pass of their own over the finished map (the depthwise loop row by row, im2col chunk by chunk).
protocol EpilogueFusing: PaddingAbsorbing {
    /// The layer's op without a tape, with `padding` (when given) in place of the layer's own and
    /// `epilogue` applied to every output row.
    func forward(_ inputs: [Variable], context: ForwardContext, padding: Padding?, epilogue: ChannelEpilogue) throws -> Tensor
}

/// A model compiled for running: its calls in execution order, each reading and writing numbered
/// value slots, with the weights listed once. Built once per model (`model.plan()`), reused by
/// every forward pass, training step and prediction.
///
/// What is decided once, at compile time:
/// - the order of the calls (the model's topological `graphNodes`) and, for every call, the slots
///   of its inputs and outputs: no dictionary lookups by tensor identity while running;
/// - fusion: a `Dense`, convolution or `Conv` without activation whose only reader is an
///   `Activation` or plain `ReLU` layer takes that activation into its own op (kernel, bias and
///   activation in one op with one output buffer), and so does an `Add` (the sum and the
///   activation in one pass); the activation's call becomes an alias;
/// - liveness: after each call, the slots nothing later reads are dropped, so an inference pass
///   frees each intermediate tensor as soon as its last reader has run (peak memory is the widest
///   cut of the graph, not the sum of all activations);
/// - the unique weights (by identity), materialised with the context's generator on first run.
///
/// What is reused across runs: the buffers. Every op makes its output tensor, and in training the
/// tape (the output variables and what their backward rules saved) holds the intermediate tensors
/// until the gradients are taken, so a preallocated output would be unsafe to overwrite while a
/// caller still holds a previous result; instead the plan owns a `BufferPool`, active while it runs
/// (and through a whole training step: `Model.trainStep`), and a tensor's buffer goes back to it
/// when the tensor is freed. From the second run on, every buffer a run needs is one an earlier run
/// gave back: steady-state training and prediction take nothing from the system. The slot table is
/// allocated once per plan and cleared after each run, so a plan holds no tensors between runs.
public final class ExecutionPlan: CustomStringConvertible {
    struct Step {
        let node: Node
        let inputs: [Int]
        let outputs: [Int]
        /// An activation taken over from the `Activation` layer that reads this call's output.
        var fusedActivation: ActivationFunction?
        /// The call's activation was fused into its producer: it passes its input on.
        var isAlias = false
        /// In inference, the batch normalisation (and the activation after it) that read this
        /// call's output, applied in place to it as one per-channel pass (`InferenceEpilogue`).
        var inferenceEpilogue: InferenceEpilogue?
        /// In inference, the call was taken into its producer's epilogue: it passes its input on.
        var inferenceAlias = false
        /// A `ZeroPadding2D` whose padding its only reader does (`absorbedPadding`): it passes its
        /// input on, in training and inference alike.
        var paddingTakenOver = false
        /// The padding of the `ZeroPadding2D` before this convolution, done here as its own
        /// (explicit) padding.
        var absorbedPadding: Padding?
        /// Slots whose last reader is this call.
        var release: [Int] = []
    }

    /// The name of the model compiled, for errors.
    public let modelName: String
    let steps: [Step]
    let inputSlots: [Int]
    let outputSlots: [Int]
    let inputShapes: [[Int?]]
    let inputNames: [String]
    /// How many value slots a run uses.
    public let slotCount: Int
    /// Every weight the model uses, once, in the model's layer order.
    public let weights: [Weight]
    /// Where the single output is a sigmoid or softmax, the call that applies it, so a loss on
    /// probabilities can take the activation's input instead (`run(_:context:logits:)`).
    let logitsTap: LogitsTap?
    private var slots: [Variable?]
    private var running = false
    /// The buffers of tensors this plan's runs made and freed, kept for the next run.
    public let buffers = BufferPool()

    private struct TensorKey: Hashable {
        let node: ObjectIdentifier
        let index: Int
        init(_ t: SymbolicTensor) { node = ObjectIdentifier(t.node); index = t.outputIndex }
        init(_ n: Node, _ i: Int) { node = ObjectIdentifier(n); index = i }
    }

    /// Compiles `model`.
    ///
    /// - Throws: `NetworkError` if the graph refers to a tensor no call produces (an internal
    ///   inconsistency: models are checked when they are made).
    init(model: Model) throws {
        modelName = model.name
        inputShapes = model.inputs.map(\.shape)
        inputNames = model.inputs.map(\.sourceDescription)
        weights = model.weights
        var slotOf: [TensorKey: Int] = [:]
        var count = 0
        var inputSlots: [Int] = []
        for t in model.inputs {
            slotOf[TensorKey(t)] = count
            inputSlots.append(count)
            count += 1
        }
        var steps: [Step] = []
        for node in model.graphNodes where !(node.layer is InputLayer) {
            let ins = try node.inputs.map { t -> Int in
                guard let s = slotOf[TensorKey(t)] else {
                    throw NetworkError(model.name, "internal: \(t.reference) is read before it is computed")
                }
                return s
            }
            let outs = (0..<node.outputShapes.count).map { i -> Int in
                slotOf[TensorKey(node, i)] = count
                count += 1
                return count - 1
            }
            steps.append(Step(node: node, inputs: ins, outputs: outs))
        }
        let outputSlots = try model.outputs.map { t -> Int in
            guard let s = slotOf[TensorKey(t)] else { throw NetworkError(model.name, "internal: output \(t.reference) is never computed") }
            return s
        }
        ExecutionPlan.fuseActivations(&steps, outputs: Set(outputSlots))
        ExecutionPlan.fuseInferenceNormalizations(&steps, outputs: Set(outputSlots))
        ExecutionPlan.absorbPaddings(&steps, outputs: Set(outputSlots))
        ExecutionPlan.planReleases(&steps, outputs: Set(outputSlots))
        self.logitsTap = outputSlots.count == 1 ? LogitsTap.find(output: outputSlots[0], in: steps) : nil
        self.steps = steps
        self.inputSlots = inputSlots
        self.outputSlots = outputSlots
        self.slotCount = count
        self.slots = [Variable?](repeating: nil, count: count)
    }

    /// Marks each producer / activation pair that can run as one op.
    private static func fuseActivations(_ steps: inout [Step], outputs: Set<Int>) {
        var readers: [Int: [Int]] = [:]
        for (i, step) in steps.enumerated() {
            for s in step.inputs { readers[s, default: []].append(i) }
        }
        for i in steps.indices {
            guard let producer = steps[i].node.layer as? ActivationFusing, producer.activation == .linear,
                  steps[i].fusedActivation == nil, !steps[i].isAlias,
                  steps[i].outputs.count == 1, !outputs.contains(steps[i].outputs[0]),
                  let r = readers[steps[i].outputs[0]], r.count == 1 else { continue }
            let c = r[0]
            let function: ActivationFunction?
            switch steps[c].node.layer {
            case let a as Activation: function = a.activation
            case let relu as ReLU: function = relu.equivalentFunction
            default: function = nil
            }
            guard let function, steps[c].inputs.count == 1 else { continue }
            steps[i].fusedActivation = function
            steps[c].isAlias = true
        }
    }

    /// Marks each producer / batch normalisation (/ activation) chain that inference runs as one
    /// op: a `Dense` or convolution without activation whose only reader is a `BatchNormalization`
    /// on the last axis, and, when the normalisation's only reader is an elementwise `Activation`
    /// or `ReLU` that is not a model output, that activation too. Training runs them as written
    /// (batch statistics, and each op's own backward rule).
    private static func fuseInferenceNormalizations(_ steps: inout [Step], outputs: Set<Int>) {
        var readers: [Int: [Int]] = [:]
        for (i, step) in steps.enumerated() {
            for s in step.inputs { readers[s, default: []].append(i) }
        }
        func onlyReader(of i: Int) -> Int? {
            guard steps[i].outputs.count == 1, !outputs.contains(steps[i].outputs[0]),
                  let r = readers[steps[i].outputs[0]], r.count == 1 else { return nil }
            return r[0]
        }
        for i in steps.indices {
            guard let producer = steps[i].node.layer as? ActivationFusing, producer.activation == .linear,
                  steps[i].fusedActivation == nil, !steps[i].isAlias,
                  let b = onlyReader(of: i), let norm = steps[b].node.layer as? BatchNormalization,
                  steps[b].inputs.count == 1, let shape = steps[i].node.outputShapes.first,
                  ShapeRule.normalizedAxis(norm.axis, rank: shape.count) == shape.count - 1, let channels = shape.last ?? nil else { continue }
            var activation: ActivationFunction = .linear
            if let a = onlyReader(of: b), steps[a].inputs.count == 1 {
                let function: ActivationFunction?
                switch steps[a].node.layer {
                case let layer as Activation: function = layer.activation
                case let relu as ReLU: function = relu.equivalentFunction
                default: function = nil
                }
                if let function, function.elementwise != nil {
                    activation = function
                    steps[a].inferenceAlias = true
                }
            }
            steps[i].inferenceEpilogue = InferenceEpilogue(norm: norm, channels: channels, activation: activation)
            steps[b].inferenceAlias = true
        }
    }

    /// Marks each `ZeroPadding2D` whose only reader is a `valid` convolution that can take its
    /// padding over (`PaddingAbsorbing`): the convolution pads by it instead, reading the unpadded
    /// map. Exact in both directions: the convolution's input gradient over the padding is
    /// what the ZeroPadding2D's backward would drop.
    private static func absorbPaddings(_ steps: inout [Step], outputs: Set<Int>) {
        var readers: [Int: [Int]] = [:]
        for (i, step) in steps.enumerated() {
            for s in step.inputs { readers[s, default: []].append(i) }
        }
        for i in steps.indices {
            guard let pad = steps[i].node.layer as? ZeroPadding2D, steps[i].inputs.count == 1, steps[i].outputs.count == 1,
                  !outputs.contains(steps[i].outputs[0]), let r = readers[steps[i].outputs[0]], r.count == 1,
                  let conv = steps[r[0]].node.layer as? PaddingAbsorbing, case .valid = conv.padding,
                  steps[r[0]].inputs == steps[i].outputs, steps[r[0]].absorbedPadding == nil else { continue }
            steps[i].paddingTakenOver = true
            steps[r[0]].absorbedPadding = .explicit(top: pad.top, bottom: pad.bottom, left: pad.left, right: pad.right)
        }
    }

    /// Gives each call the list of slots it is the last reader of (or, for an output nobody
    /// reads, its producer), never a model output.
    private static func planReleases(_ steps: inout [Step], outputs: Set<Int>) {
        var last: [Int: Int] = [:]
        for (i, step) in steps.enumerated() {
            for s in step.outputs { last[s] = i }
            for s in step.inputs { last[s] = i }
        }
        for (s, i) in last where !outputs.contains(s) { steps[i].release.append(s) }
    }

    // MARK: - Running

    /// Runs the model on `inputs` (batch dimension first) and returns its outputs.
    ///
    /// The ops are recorded on the tape unless gradients are off (`withoutGradients`), so in
    /// training `loss(outputs).backward()` reaches every weight the outputs depend on; in
    /// inference nothing is kept beyond the outputs. Weights without storage materialise first,
    /// drawn from `context.generator` in the order of `weights`.
    ///
    /// - Throws: `NetworkError` when the number of inputs or an input's shape does not fit the
    ///   model (naming the input and both shapes), or when a layer cannot run on its values.
    public func run(_ inputs: [Variable], context: ForwardContext) throws -> [Variable] {
        try run(inputs, context: context, logits: false)
    }

    /// `run`, with `logits: true` returning the input of the output's sigmoid or softmax (see
    /// `logitsTap`) in place of the output; the activation itself is then not computed.
    func run(_ inputs: [Variable], context: ForwardContext, logits: Bool) throws -> [Variable] {
        try checkInputs(inputs.map(\.shape))
        for w in weights where !w.isMaterialized { try w.materialize(using: &context.generator) }
        let tap = logits ? logitsTap : nil
        if running {
            var local = [Variable?](repeating: nil, count: slotCount)
            return try execute(inputs, context, &local, tap: tap)
        }
        running = true
        defer {
            running = false
            for i in slots.indices { slots[i] = nil }
        }
        return try BufferPool.withActive(buffers) { try execute(inputs, context, &slots, tap: tap) }
    }

    /// Runs the model on concrete tensors (constants for the tape).
    public func run(inputs: [Tensor], context: ForwardContext) throws -> [Variable] {
        try run(inputs.map { Variable($0) }, context: context)
    }

    private func execute(_ inputs: [Variable], _ context: ForwardContext, _ slots: inout [Variable?],
                         tap: LogitsTap?) throws -> [Variable] {
        for (s, v) in zip(inputSlots, inputs) { slots[s] = v }
        // Inference without a tape: normalisations run in their producer's epilogue.
        let inference = !context.training && !GradMode.isEnabled
        for (index, step) in steps.enumerated() {
            var args: [Variable] = []
            args.reserveCapacity(step.inputs.count)
            for s in step.inputs {
                guard let v = slots[s] else { throw NetworkError(modelName, "internal: a value was released before its last use") }
                args.append(v)
            }
            let outs: [Variable]
            if step.isAlias || step.paddingTakenOver || (inference && step.inferenceAlias) {
                outs = args
            } else if inference, let epilogue = step.inferenceEpilogue {
                outs = [try callWithEpilogue(step, args, context, epilogue)]
            } else if let tap, tap.step == index {
                outs = tap.passesInput ? args : try call(step, args, context, activation: .linear)
            } else {
                outs = try call(step, args, context)
            }
            guard outs.count == step.outputs.count else {
                throw NetworkError(step.node.layer.name, "produced \(outs.count) values for \(step.outputs.count) outputs")
            }
            for (s, v) in zip(step.outputs, outs) { slots[s] = v }
            for s in step.release { slots[s] = nil }
        }
        return try outputSlots.map { s in
            guard let v = slots[s] else { throw NetworkError(modelName, "internal: output slot \(s) is empty") }
            return v
        }
    }

    /// One call, with tensor errors turned into errors naming the layer and its input shapes.
    private func call(_ step: Step, _ args: [Variable], _ context: ForwardContext,
                      activation: ActivationFunction? = nil) throws -> [Variable] {
        let layer = step.node.layer
        do {
            if let padding = step.absorbedPadding, let absorbing = layer as? PaddingAbsorbing {
                return [try absorbing.forward(args, context: context, activation: activation ?? step.fusedActivation ?? absorbing.activation,
                                              padding: padding)]
            }
            if let f = activation ?? step.fusedActivation, let fusing = layer as? ActivationFusing {
                return [try fusing.forward(args, context: context, activation: f)]
            }
            return try layer.forwardAll(args, context: context)
        } catch let e as TensorError {
            throw NetworkError(layer.name, "cannot run: \(e)", received: args.map { .init(shape: $0.shape.map { $0 }) })
        } catch var e as NetworkError where layer is Model {
            e.layer = "\(layer.name)/\(e.layer ?? "")"
            throw e
        }
    }

    /// The producer's op without activation, then the normalisation and activation of `epilogue`
    /// in place on its output, as one pass.
    private func callWithEpilogue(_ step: Step, _ args: [Variable], _ context: ForwardContext,
                                  _ epilogue: InferenceEpilogue) throws -> Variable {
        let norm = epilogue.norm
        // The affine from the normalisation's numbers of this run, worked out once for either path.
        let fused: ChannelEpilogue
        do {
            let rank = step.node.outputShapes.first?.count ?? 0
            guard let affine = try norm.inferenceAffine(inputRank: rank, channels: epilogue.channels, context: context) else {
                throw NetworkError(norm.name, "internal: a fused normalisation is not on the last axis")
            }
            fused = try ChannelEpilogue(scale: affine.scale, shift: affine.shift, activation: epilogue.activation.elementwise ?? .linear)
        } catch let e as TensorError {
            throw NetworkError(norm.name, "cannot run: \(e)", received: args.map { .init(shape: $0.shape.map { $0 }) })
        }
        if let fusing = step.node.layer as? EpilogueFusing {
            do {
                return Variable(try fusing.forward(args, context: context, padding: step.absorbedPadding, epilogue: fused))
            } catch let e as TensorError {
                throw NetworkError(fusing.name, "cannot run: \(e)", received: args.map { .init(shape: $0.shape.map { $0 }) })
            }
        }
        var z = try call(step, args, context, activation: .linear)[0].value
        do {
            try channelAffineInPlace(&z, scale: fused.scale, shift: fused.shift, activation: fused.activation)
        } catch let e as TensorError {
            throw NetworkError(norm.name, "cannot run: \(e)", received: [.init(shape: z.shape.map { $0 })])
        }
        return Variable(z)
    }

    /// Throws unless there is one value per model input, each of the input's rank with its known
    /// sizes.
    func checkInputs(_ shapes: [[Int]]) throws {
        guard shapes.count == inputShapes.count else {
            throw NetworkError(modelName, "expects \(inputShapes.count) input value\(inputShapes.count == 1 ? "" : "s") (\(inputNames.joined(separator: ", "))), got \(shapes.count)")
        }
        for (i, (given, expected)) in zip(shapes, inputShapes).enumerated() {
            let fits = given.count == expected.count && zip(given, expected).allSatisfy { g, e in e == nil || e == g }
            guard fits else {
                throw NetworkError(modelName, "expects input \(inputNames[i]) of shape \(formatSymbolicShape(expected))",
                                   received: [.init(shape: given.map { $0 })])
            }
        }
    }

    // MARK: - Looking inside

    /// The weights a training step updates: parameters that are trainable now.
    public var trainableWeights: [Weight] { weights.filter(\.trainable) }

    /// The number of calls that run an op of their own (fused activations and paddings taken over
    /// by a convolution not counted).
    public var callCount: Int { steps.filter { !$0.isAlias && !$0.paddingTakenOver }.count }

    /// The number of activation layers fused into the call before them.
    public var fusedActivationCount: Int { steps.filter(\.isAlias).count }

    /// One line per call: `conv2d (Conv2D) + relu: [1] -> [2]`, slots in brackets; fused
    /// activations show as `(fused into conv2d)`.
    public var description: String {
        var lines = ["plan for \(modelName): inputs \(inputSlots) -> outputs \(outputSlots), \(slotCount) slots, \(weights.count) weights"]
        var producerOf: [Int: String] = [:]
        for step in steps { for s in step.outputs { producerOf[s] = step.node.layer.name } }
        for step in steps {
            let l = step.node.layer
            var line = "  \(l.name) (\(l.typeName))"
            if let f = step.fusedActivation { line += " + \(f)" }
            if let e = step.inferenceEpilogue {
                line += " + \(e.norm.name) in inference" + (e.activation == .linear ? "" : " + \(e.activation)")
            }
            if step.isAlias, let s = step.inputs.first, let p = producerOf[s] { line += " (fused into \(p))" }
            if let p = step.absorbedPadding { line += " + padding \(p)" }
            if step.paddingTakenOver { line += " (padding done by its reader)" }
            line += ": \(step.inputs) -> \(step.outputs)"
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}

/// A batch normalisation (and an activation after it) that an inference run applies in place to
/// the output of the `Dense` or convolution before it, in one per-channel pass
/// (`channelAffineInPlace`): where the three layers would write the map three times, it is
/// written once by the kernel and once more by the epilogue. The scale and shift are worked out
/// from the layer's weights on every run, so training, `load_weights` or surgery in between are
/// seen at once.
struct InferenceEpilogue {
    let norm: BatchNormalization
    /// The size of the last axis (the normalised channels).
    let channels: Int
    let activation: ActivationFunction
}
