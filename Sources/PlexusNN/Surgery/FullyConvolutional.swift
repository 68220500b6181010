/// The model with its Flatten + Dense head turned into equivalent convolutions, so that it
/// accepts images of any size and returns a map of predictions (the FCN conversion).
///
/// - A Dense layer after a Flatten of an `(h, w, c)` map becomes a `Conv2D` with an `(h, w)`
///   kernel and valid padding: its kernel `(h·w·c, units)` reshaped to `(h, w, c, units)`, which
///   is exactly Flatten's order (row-major over height, width, channels: NHWC), so on an input of
///   the original size the two compute the same numbers. Dropout and activation layers between
///   Flatten and Dense are kept, applied to the map.
/// - A Dense layer whose input is now a map (the ones after the first) becomes a 1x1 `Conv2D`
///   with its kernel reshaped to `(1, 1, in, units)`.
/// - Activations, biases, `use_bias` and trainability are kept; parameter counts stay the same.
/// - Every other layer is shared, not copied: the converted model re-applies the original layer
///   objects, so it costs no memory and training it trains the original's convolutions. (Use
///   `toFullyConv(copy(m))` for an independent model.) Nested models are converted the same way
///   when they hold a Flatten + Dense, and shared otherwise.
/// - The new kernels are not re-initialised: when the Dense weights exist, their values are
///   reshaped now; when they are not materialised yet, the new weights derive from them
///   (`Weight.copyOf`) and take their values, reshaped, when materialised.
/// - The inputs become `(None, None, None, channels)`.
///
/// - Returns: the new model and a report of what was converted and the parameter counts.
/// - Throws: `NetworkError` when there is nothing to convert (no Dense after a Flatten), when
///   something other than Dropout or an activation sits between a Flatten and a Dense, when a
///   Flatten's input is not a known `(h, w, c)` map, or when a re-applied layer cannot take
///   inputs of unknown size (naming it and the shapes).
public func toFullyConv(_ model: Model, name: String? = nil) throws -> (model: Model, report: SurgeryReport) {
    var converter = FullyConvConverter()
    guard let converted = try converter.convert(model, name: name) else {
        throw NetworkError("model \"\(model.name)\"", "has no Dense layer after a Flatten, so there is nothing to convert to convolutions",
                           hint: "a model whose head is global pooling then Dense already accepts inputs of any size")
    }
    return (converted, SurgeryReport("to_fully_conv(\(model.name))", before: model, after: converted, changes: converter.changes))
}

/// Whether a layer may sit between Flatten and Dense: it keeps shapes, has no weights and acts
/// on each value alone, so applying it before or after flattening is the same.
private func isPassThrough(_ layer: Layer) -> Bool {
    layer is Dropout || layer is Activation || layer is ReLU
}

private struct FullyConvConverter {
    /// Conv2D layers made for Dense layers, by Dense layer and kernel size (a shared Dense stays
    /// one shared Conv2D).
    private var convs: [ConvKey: Conv2D] = [:]
    /// Nested models already converted (`nil`: nothing to convert, shared as is).
    private var nested: [ObjectIdentifier: Model?] = [:]
    var changes: [String] = []

    /// The converted model, or `nil` when it has nothing to convert.
    mutating func convert(_ model: Model, name: String?) throws -> Model? {
        let owner = "model \"\(model.name)\""
        var consumers: [TensorGraph.Key: [Node]] = [:]
        for node in model.graphNodes { for t in node.inputs { consumers[TensorGraph.Key(t), default: []].append(node) } }

        // Which Flatten calls to drop, and the (h, w, c) kernel window of the Dense calls after them.
        var dropped = Set<ObjectIdentifier>()
        var windows: [ObjectIdentifier: (Int, Int, Int)] = [:]
        for node in model.graphNodes where node.layer is Flatten {
            let input = node.inputShapes[0]
            var denses: [Node] = [], others: [Node] = []
            var stack = node.outputs.compactMap { $0 }
            while let t = stack.popLast() {
                for c in consumers[TensorGraph.Key(t)] ?? [] {
                    if c.layer is Dense { denses.append(c) } else if isPassThrough(c.layer) { stack += c.outputs.compactMap { $0 } } else { others.append(c) }
                }
            }
            if denses.isEmpty { continue }
            if let other = others.first {
                throw NetworkError(owner, "cannot be made fully convolutional: \(node.layer.name) feeds \(other.layer.name) (\(other.layer.typeName)), which needs the flattened vector",
                                   hint: "only Dropout and activations may sit between a Flatten and the Dense layers that become convolutions")
            }
            guard input.count == 4, let h = input[1], let w = input[2], let c = input[3] else {
                throw NetworkError(owner, "cannot turn \(node.layer.name) + \(denses[0].layer.name) into a convolution: it needs a known (batch, h, w, channels) map before the Flatten",
                                   received: [.init(shape: input, source: node.inputs[0].sourceDescription)])
            }
            dropped.insert(ObjectIdentifier(node))
            for d in denses { windows[ObjectIdentifier(d)] = (h, w, c) }
        }

        var mapped: [TensorGraph.Key: SymbolicTensor] = [:]
        var newInputs: [SymbolicTensor] = []
        for t in model.inputs {
            let shape = t.shape.count == 4 ? [t.shape[0], nil, nil, t.shape[3]] : t.shape
            let input = try InputLayer(batchShape: shape).output
            mapped[TensorGraph.Key(t)] = input
            newInputs.append(input)
        }
        var converted = false
        for node in model.graphNodes {
            let outputs = node.outputs
            if node.layer is InputLayer, outputs.allSatisfy({ $0.map { mapped[TensorGraph.Key($0)] != nil } ?? true }) { continue }
            let args = node.inputs.map { mapped[TensorGraph.Key($0)] ?? $0 }
            if zip(args, node.inputs).allSatisfy({ $0 === $1 }) {
                // No input-dependent argument (a weight or an expression of weights): kept as is.
                for case let t? in outputs { mapped[TensorGraph.Key(t)] = t }
                continue
            }
            var results: [SymbolicTensor]
            if dropped.contains(ObjectIdentifier(node)) {
                results = [args[0]]
            } else if let dense = node.layer as? Dense, args[0].rank == 4 {
                let (layer, isNew) = try conv(for: dense, window: windows[ObjectIdentifier(node)])
                results = [try layer(args[0])]
                if isNew { try link(layer, to: dense) }
                converted = true
            } else if let inner = node.layer as? Model {
                let replacement = try convertNested(inner)
                converted = converted || replacement != nil
                results = try (replacement ?? inner).apply(args)
            } else {
                results = try node.layer.apply(args)
            }
            for (i, t) in outputs.enumerated() { if let t, i < results.count { mapped[TensorGraph.Key(t)] = results[i] } }
        }
        guard converted else { return nil }
        let newOutputs = try model.outputs.map { t -> SymbolicTensor in
            guard let n = mapped[TensorGraph.Key(t)] else { throw NetworkError(owner, "internal: output \(t.reference) was not converted") }
            return n
        }
        let result = try Model(inputs: newInputs, outputs: newOutputs, name: name ?? NameScope.current.uniqueName(model.name + "_fully_conv"))
        changes.append("\(model.name) input\(newInputs.count == 1 ? "" : "s") now \(formatSymbolicShapes(newInputs.map(\.shape)))")
        return result
    }

    private mutating func convertNested(_ inner: Model) throws -> Model? {
        if let done = nested[ObjectIdentifier(inner)] { return done }
        let result = try convert(inner, name: nil)
        nested[ObjectIdentifier(inner)] = result
        return result
    }

    /// The Conv2D standing for `dense` (an `(h, w)` kernel over a flattened map, or 1x1), and
    /// whether it was just made (unbuilt: its weights come with its first call).
    private mutating func conv(for dense: Dense, window: (Int, Int, Int)?) throws -> (Conv2D, Bool) {
        assert(dense.ownWeights.first?.shape.first != nil, "a called Dense has its kernel")  // invariant
        let inDim = dense.ownWeights.first?.shape.first ?? 0
        let (h, w, c) = window ?? (1, 1, inDim)
        let key = ConvKey(dense: ObjectIdentifier(dense), height: h, width: w)
        if let existing = convs[key] { return (existing, false) }
        guard h * w * c == inDim else {
            throw NetworkError(dense.name, "has a kernel for \(inDim) inputs, not the \(h)·\(w)·\(c) = \(h * w * c) of the map before its Flatten")
        }
        let conv = try Conv2D(filters: dense.units, kernelSize: Size2D(h, w), padding: .valid, activation: dense.activation,
                              useBias: dense.useBias, kernelInitializer: dense.kernelInitializer,
                              biasInitializer: dense.biasInitializer, name: NameScope.current.uniqueName(dense.name + "_conv"))
        conv.frozenFlag = dense.frozenFlag
        convs[key] = conv
        let what = window == nil ? "1x1" : "\(h)x\(w) over the (\(h), \(w), \(c)) map before the Flatten"
        changes.append("\(dense.name) → \(conv.name) (Conv2D \(what))")
        return (conv, true)
    }

    /// Gives the new convolution's weights the Dense's values, reshaped: now when they exist,
    /// when materialised otherwise. Trainability follows the Dense's weights.
    private func link(_ conv: Conv2D, to dense: Dense) throws {
        for (new, old) in zip(conv.ownWeights, dense.ownWeights) {
            new.trainable = old.trainable
            if let v = old.variable {
                try new.assign(v.value.reshaped(to: new.shape))
            } else {
                new.copyOf = old
            }
        }
    }
}

private struct ConvKey: Hashable {
    let dense: ObjectIdentifier
    let height: Int, width: Int
}
