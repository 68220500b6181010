import PlexusTensor
/// A functional model: the graph from some symbolic input tensors to some outputs, itself a layer.
///
/// Applying a model to new tensors makes one node whose layer is the model (nested models), and
/// reuses all its weights (sharing: a siamese network calls one feature model twice). Its weights
/// are those of its layers, each counted once however often it is called.
///
/// ```swift
/// let x = try Input(shape: [28, 28, 1])
/// let y = try Dense(units: 10)(Flatten()(x))
/// let m = try Model(inputs: [x], outputs: [y], name: "mlp")
/// ```
public final class Model: Layer {
    /// What `compile` attached: loss, optimiser (with its state), metrics and history.
    public var training: TrainingSetup?

    /// The tensors fed to the model.
    public let inputs: [SymbolicTensor]
    /// The tensors the model computes.
    public let outputs: [SymbolicTensor]
    /// The layers (including `InputLayer`s and weight sources) in Keras's order.
    public let layers: [Layer]
    /// The calls inside the model in execution order.
    public let graphNodes: [Node]
    /// The calls grouped by depth, deepest (inputs) first.
    public let nodesByDepth: [[Node]]
    /// 1 for a model of plain layers, one more for each level of models inside it.
    public let nestingDepth: Int
    /// The deepest models may nest inside models (a model holding a model holding ...).
    public static let maximumNesting = 64

    /// A model from `inputs` to `outputs`.
    ///
    /// - Throws: `NetworkError` when an output depends on an input not listed (naming it), or two
    ///   layers of the graph have the same name.
    public init(inputs: [SymbolicTensor], outputs: [SymbolicTensor], name: String? = nil) throws {
        guard !outputs.isEmpty else { throw NetworkError(name.map { "model \"\($0)\"" }, "needs at least one output") }
        let map = try GraphMap(inputs: inputs, outputs: outputs, modelName: name)
        // Models inside models: capped, so that every walk over the nesting (weights, summaries,
        // shapes, runs) stays far from the end of the stack.
        let nesting = 1 + (map.layers.compactMap { ($0 as? Model)?.nestingDepth }.max() ?? 0)
        guard nesting <= Model.maximumNesting else {
            throw NetworkError(name.map { "model \"\($0)\"" } ?? "the model",
                               "would nest models \(nesting) deep; models nest at most \(Model.maximumNesting) deep")
        }
        self.nestingDepth = nesting
        var seen: [String: Int] = [:]
        for l in map.layers { seen[l.name, default: 0] += 1 }
        if let (dup, n) = seen.first(where: { $0.value > 1 }) {
            throw NetworkError(name.map { "model \"\($0)\"" } ?? "the model",
                               "uses the name \"\(dup)\" for \(n) different layers; all layer names in a model must be unique",
                               hint: "give the layers distinct names")
        }
        self.inputs = inputs
        self.outputs = outputs
        self.layers = map.layers
        self.graphNodes = map.nodes
        self.nodesByDepth = map.nodesByDepth
        try super.init(typeName: "Functional", name: name)
        buildShapes = inputs.map(\.shape)
    }

    /// A model with one input and one output.
    public convenience init(inputs: SymbolicTensor, outputs: SymbolicTensor, name: String? = nil) throws {
        try self.init(inputs: [inputs], outputs: [outputs], name: name)
    }

    /// A model whose inputs are found by walking back from `outputs` to every `Input` they depend
    /// on, in the order the inputs were created.
    public convenience init(outputs: [SymbolicTensor], name: String? = nil) throws {
        try self.init(inputs: Model.findInputs(outputs), outputs: outputs, name: name)
    }

    /// A model with one output whose inputs are found by walking back.
    public convenience init(outputs: SymbolicTensor, name: String? = nil) throws {
        try self.init(outputs: [outputs], name: name)
    }

    /// Every `Input` tensor the outputs depend on, in creation order.
    public static func findInputs(_ outputs: [SymbolicTensor]) -> [SymbolicTensor] {
        var seen = Set<ObjectIdentifier>()
        var found: [SymbolicTensor] = []
        var stack = outputs
        while let t = stack.popLast() {
            guard seen.insert(ObjectIdentifier(t.node)).inserted else { continue }
            if t.node.layer is InputLayer { found.append(t) } else { stack.append(contentsOf: t.node.inputs) }
        }
        return found.sorted { $0.node.layer.serial < $1.node.layer.serial }
    }

    // MARK: - As a layer

    override public var inputArity: ClosedRange<Int> { inputs.count...inputs.count }

    override public var config: [(key: String, value: String)] {
        [("inputs", inputs.map(\.reference).joined(separator: ", ")), ("outputs", outputs.map(\.reference).joined(separator: ", "))]
    }

    /// Each layer's weights once, in layer order.
    override public var weights: [Weight] {
        var seen = Set<ObjectIdentifier>()
        var out: [Weight] = []
        for layer in layers {
            for w in layer.weights where seen.insert(ObjectIdentifier(w)).inserted { out.append(w) }
        }
        return out
    }

    override public var isBuilt: Bool { true }

    /// The output shapes for new inputs: each must have the rank of the model's input and the
    /// same known sizes (as Keras checks); then shapes are propagated through the graph, each
    /// layer checking that the new shapes fit its weights.
    override public func computeOutputShapes(_ inputShapes: [[Int?]]) throws -> [[Int?]] {
        for (i, (given, expected)) in zip(inputShapes, inputs.map(\.shape)).enumerated() {
            let fits = given.count == expected.count && zip(given, expected).allSatisfy { g, e in g == nil || e == nil || g == e }
            guard fits else {
                throw shapeError("expects input \(inputs[i].sourceDescription) of shape \(formatSymbolicShape(expected))", input: i, inputShapes)
            }
        }
        if inputShapes == inputs.map(\.shape) { return outputs.map(\.shape) }
        var known: [ObjectIdentifier: [Int?]] = [:]
        for (t, s) in zip(inputs, inputShapes) { known[ObjectIdentifier(t)] = s }
        var produced: [ObjectIdentifier: [[Int?]]] = [:]
        func shape(of t: SymbolicTensor) -> [Int?] {
            known[ObjectIdentifier(t)] ?? produced[ObjectIdentifier(t.node)]?[t.outputIndex] ?? t.shape
        }
        for node in graphNodes {
            if node.layer is InputLayer { continue }
            let shapes = node.inputs.map(shape(of:))
            do {
                produced[ObjectIdentifier(node)] = try node.layer.checkedOutputShapes(shapes, building: false)
            } catch var e as NetworkError {
                e.attachSources(node.inputs.map(\.sourceDescription))
                e.layer = "\(name)/\(e.layer ?? node.layer.name)"
                throw e
            }
        }
        return outputs.map(shape(of:))
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer {
        var copier = GraphCopier(mode: .clone)
        return try copier.copyModel(self, name: name)
    }

    /// Freezes every layer of the model (and of nested models).
    override public func freeze() {
        frozenFlag = true
        for l in layers { l.freeze() }
    }

    /// Unfreezes every layer of the model.
    override public func unfreeze() {
        frozenFlag = false
        for l in layers { l.unfreeze() }
    }

    /// One line for the prompt, Flux-style: name, input and output shapes, parameter count, and
    /// the layers called more than once.
    ///
    /// `siamese (Functional): (None, 28, 28, 1), (None, 28, 28, 1) → (None, 2); 3,483,122 params (13.29 MB); shared: feature x2`
    override public var description: String {
        let c = parameterCount
        var s = "\(name) (\(typeName)): \(formatSymbolicShapes(inputs.map(\.shape))) → \(formatSymbolicShapes(outputs.map(\.shape)))"
        s += "; \(formatCount(c.total)) params (\(formatBytes(ParameterCount.bytes(c.total))))"
        if c.nonTrainable > 0 { s += ", \(formatCount(c.nonTrainable)) non-trainable" }
        var calls: [ObjectIdentifier: Int] = [:]
        for n in graphNodes { calls[ObjectIdentifier(n.layer), default: 0] += 1 }
        let shared = layers.compactMap { l in (calls[ObjectIdentifier(l)] ?? 0) > 1 ? "\(l.name) x\(calls[ObjectIdentifier(l)] ?? 0)" : nil }
        if !shared.isEmpty { s += "; shared: " + shared.joined(separator: ", ") }
        return s
    }

    // MARK: - Looking inside

    /// The layer called `name`, if any.
    public subscript(name: String) -> Layer? { layers.first { $0.name == name } }

    /// The layer called `name`.
    ///
    /// - Throws: `NetworkError` suggesting the closest names when there is none.
    public func layer(named name: String) throws -> Layer {
        if let l = self[name] { return l }
        let close = layers.map(\.name).map { ($0, editDistance($0, name)) }.filter { $0.1 <= Swift.max(2, name.count / 3) }
            .sorted { $0.1 < $1.1 }.prefix(3).map { "\"\($0.0)\"" }
        throw NetworkError("model \"\(self.name)\"", "has no layer \"\(name)\"",
                           hint: close.isEmpty ? nil : "did you mean \(close.joined(separator: " or "))?")
    }

    /// The calls of `layer` that belong to this model's graph.
    public func calls(of layer: Layer) -> [Node] {
        graphNodes.filter { $0.layer === layer }
    }

    // MARK: - Running

    private var cachedPlan: ExecutionPlan?

    /// The model compiled for running: call order, value slots, fused activations and unique
    /// weights, computed on first use and kept (a model's graph never changes after creation).
    ///
    /// - Throws: `NetworkError` for an inconsistent graph (not expected: models are checked
    ///   when made).
    public func plan() throws -> ExecutionPlan {
        if let cachedPlan { return cachedPlan }
        let p = try ExecutionPlan(model: self)
        cachedPlan = p
        return p
    }

    /// Runs the model's plan on concrete inputs (a nested model runs its own plan).
    override public func forwardAll(_ values: [Variable], context: ForwardContext) throws -> [Variable] {
        try plan().run(values, context: context)
    }

    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        let outs = try forwardAll(inputs, context: context)
        guard outs.count == 1 else { throw NetworkError(name, "has \(outs.count) outputs; use forwardAll") }
        return outs[0]
    }

    /// Materialises every weight of the model that has no storage yet.
    public func materializeWeights(using generator: inout RandomGenerator) throws {
        for w in weights { try w.materialize(using: &generator) }
    }
}
