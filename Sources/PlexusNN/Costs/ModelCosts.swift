/// What a model costs to run and to train: compute per call and in total, and memory for a batch.
///
/// Compute is per sample (MACs and FLOPs, see `CallCost`); a layer called twice (a shared feature
/// net) is costed at both calls, while its parameters count once. Memory is for `batch` samples,
/// in bytes of Float32:
/// - `parameterBytes`: every weight once;
/// - `inferenceActivationBytes`: the peak of live tensors during a forward pass without gradients,
///   under the execution plan's order and freeing (each intermediate freed after its last reader,
///   fused activations and reshapes sharing their input's buffer), inputs included;
/// - `trainingActivationBytes`: what a training step's forward pass keeps for the backward pass
///   (every op's output, and the pre-activation buffer a fused activation needs when its
///   derivative cannot be read from its output), plus the two largest gradients of activations
///   the backward pass holds at once;
/// - `gradientBytes`: a gradient per trainable weight;
/// - `optimizerStateBytes`: the compiled optimiser's slots per trainable weight (Adam 2, AMSGrad 3,
///   RMSprop 1 to 3, SGD with momentum 1, plain SGD 0); zero when the model is not compiled.
public struct ModelCosts {
    /// The model costed.
    public let modelName: String
    /// The batch size the memory figures are for.
    public let batch: Int
    /// The model's calls in execution order (inputs excluded); a nested model's call is one entry
    /// holding the cost of its whole graph.
    public let calls: [CallCost]
    /// The parameters, each weight once.
    public let parameters: ParameterCount
    /// Peak bytes of live tensors in an inference pass of `batch` samples (inputs included).
    public let inferenceActivationBytes: Int
    /// Bytes a training step keeps for the backward pass, plus the backward pass's own peak.
    public let trainingActivationBytes: Int
    /// Bytes of the gradients of the trainable weights.
    public let gradientBytes: Int
    /// Bytes of the optimiser's per-weight state (0 when not compiled).
    public let optimizerStateBytes: Int
    /// The optimiser the state is for (`nil` when not compiled).
    public let optimizerName: String?

    /// Multiply-accumulates per sample, every call counted.
    public var macs: Int { calls.reduce(0) { $0 + $1.macs } }
    /// Floating-point operations per sample: `2 * macs` plus the elementwise work counted.
    public var flops: Int { calls.reduce(0) { $0 + $1.flops } }
    /// Bytes of the parameters (4 per parameter, each weight once).
    public var parameterBytes: Int { parameters.total * 4 }
    /// Parameters plus the inference peak.
    public var inferenceBytes: Int { parameterBytes + inferenceActivationBytes }
    /// Parameters, what the backward pass keeps, gradients and optimiser state.
    public var trainingBytes: Int { parameterBytes + trainingActivationBytes + gradientBytes + optimizerStateBytes }

    /// The MACs of every call of `layer` (a shared layer: the sum over its calls).
    public func macs(of layer: Layer) -> Int {
        calls.filter { $0.layer === layer }.reduce(0) { $0 + $1.macs }
    }

    /// The MACs of each call of `layer`, in call order.
    public func callMacs(of layer: Layer) -> [Int] {
        calls.filter { $0.layer === layer }.map(\.macs)
    }
}

/// The costs of `model` for `batch` samples (see `ModelCosts`).
///
/// - Throws: `NetworkError` when the batch is not positive or a size other than the batch is
///   unknown (costs need every size, e.g. `input(224, 224, 3)`, not `input(none, none, 3)`).
public func costs(_ model: Model, batch: Int = 1) throws -> ModelCosts { try computeCosts(model, batch: batch) }

private func computeCosts(_ model: Model, batch: Int) throws -> ModelCosts {
    guard batch >= 1 else { throw NetworkError(model.name, "costs need a batch size of at least 1, got \(batch)") }
    let walk = try CostWalk(model: model, inputShapes: model.inputs.map(\.shape), batch: batch)
    let trainable = model.weights.filter(\.trainable).reduce(0) { $0 + $1.count }
    let optimizer = model.training?.optimizer
    return ModelCosts(modelName: model.name, batch: batch, calls: walk.calls, parameters: model.parameterCount,
                      inferenceActivationBytes: walk.inputBytes + walk.inferencePeak,
                      trainingActivationBytes: walk.inputBytes + walk.kept + walk.backwardPeak,
                      gradientBytes: trainable * 4,
                      optimizerStateBytes: (optimizer?.slotCount ?? 0) * trainable * 4,
                      optimizerName: optimizer?.name)
}

extension Model {
    /// The costs of the model for `batch` samples (see `costs(_:batch:)`).
    public func costs(batch: Int = 1) throws -> ModelCosts { try computeCosts(self, batch: batch) }
}

/// One pass over a model's graph for given input shapes: each call's shapes and cost, and the
/// memory of running it under its execution plan. Nested models are walked with the shapes they
/// are called on.
struct CostWalk {
    private(set) var calls: [CallCost] = []
    /// Bytes of the model's inputs (the caller's, for a nested model).
    private(set) var inputBytes = 0
    /// The peak of live bytes of a forward pass beyond the inputs.
    private(set) var inferencePeak = 0
    /// Bytes the tape keeps in training beyond the inputs.
    private(set) var kept = 0
    /// The backward pass's peak beyond what is kept: the two largest activation gradients.
    private(set) var backwardPeak = 0
    /// The largest single activation (bytes), for the caller's backward estimate.
    private(set) var largest = 0
    /// The MACs of every call at every level (nested models' calls included), by node.
    private(set) var macsByNode: [ObjectIdentifier: Int] = [:]

    init(model: Model, inputShapes: [[Int?]], batch: Int) throws {
        let plan = try model.plan()
        func bytes(_ shape: [Int?], _ layer: String) throws -> Int {
            try elementsPerSample(shape, layer: layer) * (isBatched(shape) ? batch : 1) * 4
        }
        // Shapes for these inputs, call by call.
        var shapeOf: [ObjectIdentifier: [[Int?]]] = [:]
        for (t, s) in zip(model.inputs, inputShapes) { shapeOf[ObjectIdentifier(t.node)] = [s] }
        for (t, s) in zip(model.inputs, inputShapes) { inputBytes += try bytes(s, t.node.layer.name) }
        var nested: [ObjectIdentifier: CostWalk] = [:]
        var callsByNode: [ObjectIdentifier: CallCost] = [:]
        for node in model.graphNodes where !(node.layer is InputLayer) {
            let ins = node.inputs.map { shapeOf[ObjectIdentifier($0.node)]?[$0.outputIndex] ?? $0.shape }
            let outs = ins == node.inputShapes ? node.outputShapes : try node.layer.outputShapes(for: ins)
            shapeOf[ObjectIdentifier(node)] = outs
            let cost: CallCost
            if let m = node.layer as? Model {
                let w = try CostWalk(model: m, inputShapes: ins, batch: batch)
                nested[ObjectIdentifier(node)] = w
                macsByNode.merge(w.macsByNode) { a, _ in a }
                cost = CallCost(node: node, inputShapes: ins, outputShapes: outs,
                                macs: w.calls.reduce(0) { $0 + $1.macs }, flops: w.calls.reduce(0) { $0 + $1.flops })
            } else {
                let macs = try macsOfCall(node.layer, inputs: ins, outputs: outs)
                cost = CallCost(node: node, inputShapes: ins, outputShapes: outs, macs: macs,
                                flops: 2 * macs + (try elementwiseFlops(node.layer, inputs: ins, outputs: outs)))
            }
            callsByNode[ObjectIdentifier(node)] = cost
            macsByNode[ObjectIdentifier(node)] = cost.macs
        }

        // Memory under the plan: slots point at buffers; a buffer is freed when no slot holds it.
        var bufferOf: [Int: Int] = [:]            // slot -> buffer
        var bufferBytes: [Int] = []
        var holders: [Int] = []
        var live = 0
        for s in plan.inputSlots {                // the caller's buffers: not counted here
            bufferOf[s] = bufferBytes.count
            bufferBytes.append(0)
            holders.append(1)
        }
        func newBuffer(_ slot: Int, _ n: Int) {
            bufferOf[slot] = bufferBytes.count
            bufferBytes.append(n)
            holders.append(1)
            live += n
        }
        func share(_ slot: Int, with other: Int) {
            guard let b = bufferOf[other] else { return }
            bufferOf[slot] = b
            holders[b] += 1
        }
        var gradients: [Int] = []
        for step in plan.steps {
            let id = ObjectIdentifier(step.node)
            guard let cost = callsByNode[id] else { assertionFailure("every step's node was costed above"); continue }  // invariant
            calls.append(cost)
            let layer = step.node.layer
            let outBytes = try zip(cost.outputShapes, cost.outputShapes.indices).map { s, _ in try bytes(s, layer.name) }
            if step.isAlias || step.paddingTakenOver || isView(layer), let input = step.inputs.first {
                for s in step.outputs { share(s, with: input) }
            } else if layer is Dropout, let input = step.inputs.first {
                // The identity in inference; in training a new output and the mask it kept.
                for s in step.outputs { share(s, with: input) }
                kept += 2 * outBytes.reduce(0, +)
                gradients.append(outBytes.reduce(0, +))
            } else if layer is WeightSource {
                for s in step.outputs { newBuffer(s, 0) }
            } else if let w = nested[id] {
                inferencePeak = Swift.max(inferencePeak, live + w.inferencePeak)
                for (s, n) in zip(step.outputs, outBytes) { newBuffer(s, n) }
                kept += w.kept
                backwardPeak = Swift.max(backwardPeak, w.backwardPeak)
                gradients.append(w.largest)
            } else {
                for (s, n) in zip(step.outputs, outBytes) { newBuffer(s, n) }
                let total = outBytes.reduce(0, +)
                kept += total + savedExtra(layer, step: step, outputBytes: total)
                gradients.append(total)
            }
            inferencePeak = Swift.max(inferencePeak, live)
            for s in step.release {
                guard let b = bufferOf[s] else { continue }
                holders[b] -= 1
                if holders[b] == 0 { live -= bufferBytes[b] }
                bufferOf[s] = nil
            }
        }
        let sorted = gradients.sorted(by: >)
        largest = sorted.first ?? 0
        backwardPeak = Swift.max(backwardPeak, sorted.prefix(2).reduce(0, +))
    }
}

/// Layers whose output shares its input's buffer: reshapes (dropout, the identity in inference
/// only, is handled apart).
private func isView(_ layer: Layer) -> Bool {
    layer is Flatten || layer is Reshape || layer is ReshapeOp
}

/// What a call's backward rule keeps beyond its output: a fused activation whose derivative needs
/// its input keeps the pre-activation buffer.
private func savedExtra(_ layer: Layer, step: ExecutionPlan.Step, outputBytes: Int) -> Int {
    let activation = step.fusedActivation ?? (layer as? ActivationFusing)?.activation ?? .linear
    guard let e = activation.elementwise, e != .linear, !e.derivativeFromOutput else { return 0 }
    return outputBytes
}
