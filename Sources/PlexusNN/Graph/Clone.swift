/// Rebuilds a model's graph with new layers and new weights: `clone` (fresh values) and `copy`
/// (the same values, taken when the new weights materialise).
///
/// The structure is kept exactly: a layer called twice inside the model is one new layer called
/// twice, a nested model becomes one new nested model. Every new layer, weight and model takes a
/// fresh unique name from the session's `NameScope` (an automatic name continues its counter,
/// `conv2d_7`; a chosen name gets a suffix, `fc1_1`). Frozen weights stay frozen.
struct GraphCopier {
    enum Mode { case clone, copy }
    let mode: Mode
    private var layerMap: [ObjectIdentifier: (old: Layer, new: Layer)] = [:]
    private var weightMap: [ObjectIdentifier: Weight] = [:]

    init(mode: Mode) { self.mode = mode }

    private struct TensorKey: Hashable {
        let node: ObjectIdentifier
        let index: Int
        init(_ t: SymbolicTensor) { node = ObjectIdentifier(t.node); index = t.outputIndex }
        init(_ n: Node, _ i: Int) { node = ObjectIdentifier(n); index = i }
    }

    static func freshName(_ layer: Layer) -> String {
        NameScope.current.uniqueName(layer.isAutoNamed ? layer.baseName : layer.name)
    }

    /// A new model with the structure of `model`.
    mutating func copyModel(_ model: Model, name: String) throws -> Model {
        var tensors: [TensorKey: SymbolicTensor] = [:]
        var newInputs: [SymbolicTensor] = []
        for t in model.inputs {
            let layer: Layer
            if let input = t.node.layer as? InputLayer {
                layer = try mapLayer(input)
            } else {
                layer = try InputLayer(batchShape: t.shape)
            }
            // invariant: mapLayer of an InputLayer returns an InputLayer
            guard let newInput = (layer as? InputLayer)?.output else { throw NetworkError(model.name, "internal: input copy failed") }
            tensors[TensorKey(t)] = newInput
            newInputs.append(newInput)
        }
        for node in model.graphNodes {
            if node.layer is InputLayer { continue }
            let outs: [SymbolicTensor]
            if let source = node.layer as? WeightSource {
                outs = [try mapWeight(source.weight).symbolic]
            } else {
                let layer = try mapLayer(node.layer)
                let args = try node.inputs.map { t -> SymbolicTensor in
                    guard let n = tensors[TensorKey(t)] else { throw NetworkError(model.name, "internal: \(t.reference) was not copied before its use") }
                    return n
                }
                outs = try layer.apply(args)
            }
            for (i, o) in outs.enumerated() { tensors[TensorKey(node, i)] = o }
        }
        let newOutputs = try model.outputs.map { t -> SymbolicTensor in
            guard let n = tensors[TensorKey(t)] else { throw NetworkError(model.name, "internal: output \(t.reference) was not copied") }
            return n
        }
        let result = try Model(inputs: newInputs, outputs: newOutputs, name: name)
        transferState()
        result.frozenFlag = model.frozenFlag
        return result
    }

    private mutating func mapLayer(_ layer: Layer) throws -> Layer {
        if let pair = layerMap[ObjectIdentifier(layer)] { return pair.new }
        let new: Layer
        if let nested = layer as? Model {
            new = try copyModel(nested, name: GraphCopier.freshName(nested))
        } else {
            new = try layer.makeUnbuiltCopy(name: GraphCopier.freshName(layer))
            new.frozenFlag = layer.frozenFlag
        }
        layerMap[ObjectIdentifier(layer)] = (layer, new)
        return new
    }

    private mutating func mapWeight(_ w: Weight) throws -> Weight {
        if let n = weightMap[ObjectIdentifier(w)] { return n }
        let name = NameScope.current.uniqueName(w.name)
        let n = try Weight(name: name, path: name, shape: w.shape, initializer: w.initializer, trainable: w.trainable, role: w.role)
        if mode == .copy { n.copyOf = w }
        weightMap[ObjectIdentifier(w)] = n
        return n
    }

    /// Per-weight trainability and, for a copy, where values come from.
    private func transferState() {
        for (old, new) in layerMap.values where !(old is Model) {
            for (w, n) in zip(old.ownWeights, new.ownWeights) {
                n.trainable = w.trainable
                if mode == .copy && n.copyOf == nil { n.copyOf = w }
            }
        }
    }
}

/// A new model with the same structure and fresh weights (new initial values) and fresh names.
public func clone(_ model: Model, name: String? = nil) throws -> Model {
    var copier = GraphCopier(mode: .clone)
    return try copier.copyModel(model, name: name ?? GraphCopier.freshName(model))
}

/// A new model with the same structure and new weights that take the original's values when they
/// materialise (`Weight.copyOf`); training one afterwards does not change the other.
public func copy(_ model: Model, name: String? = nil) throws -> Model {
    var copier = GraphCopier(mode: .copy)
    return try copier.copyModel(model, name: name ?? GraphCopier.freshName(model))
}
