import PlexusTensor
/// What a layer needs to create one of its weights: the layer decides shapes from its input
/// shapes, the base class creates (on the first call) or checks (on later calls) the weights.
public struct WeightSpec: Equatable {
    public var name: String
    public var shape: [Int]
    public var initializer: Initializer
    public var role: Weight.Role

    public init(_ name: String, _ shape: [Int], _ initializer: Initializer, role: Weight.Role = .parameter) {
        self.name = name
        self.shape = shape
        self.initializer = initializer
        self.role = role
    }
}

/// Whether a layer's parameters learn: all, none (frozen), some, or it has none.
public enum TrainableState: Equatable {
    case trainable, frozen, partlyFrozen, noParameters
}

/// A layer: a named, configured operation that knows its output shape for any input shapes and
/// owns its weights.
///
/// Applying a layer to symbolic tensors (`layer(x)`, `layer([a, b])`) validates the shapes, builds
/// the weights on the first call from the input shapes, checks on every later call that the new
/// input fits the same weights (sharing), and records the call as a `Node` whose outputs are new
/// symbolic tensors. No data runs and no weight storage is allocated.
///
/// Subclasses override `computeOutputShape(_:)` (pure shape inference, throwing `NetworkError`
/// with the shapes), `weightSpecs(for:)`, `config`, `makeUnbuiltCopy(name:)` and
/// `forward(_:context:)`.
open class Layer: CustomStringConvertible {
    /// Keras's class name, shown in summaries: `Conv2D`, `Dense`, `Functional`.
    public let typeName: String
    /// The unique name: given, or automatic from the session's `NameScope` (`conv2d_3`).
    public let name: String
    /// The prefix of automatic names for this type: `conv2d`.
    public let baseName: String
    /// Whether the name was chosen automatically (a clone then takes a fresh automatic name).
    public let isAutoNamed: Bool
    /// Creation order across the session (model inputs found by walking back are ordered by it).
    public let serial: Int
    /// The arguments the layer was made from, for a layer type described by a `LayerSpec`.
    public let arguments: LayerArguments?

    nonisolated(unsafe) private static var serialCounter = 0

    /// The weights this layer owns, created on its first call.
    public internal(set) var ownWeights: [Weight] = []
    /// The input shapes of the first call, from which the weights were built.
    public internal(set) var buildShapes: [[Int?]]?
    /// How many times the layer has been called (the next call's node index).
    public private(set) var callCount = 0
    private var callRecords: [WeakNode] = []
    var frozenFlag = false

    /// Creates the layer, taking `name` or the next automatic name for `typeName`; a layer type
    /// described by a `LayerSpec` passes the checked `arguments` it was made from, which its
    /// `config`, copies and clones read.
    ///
    /// - Throws: `NetworkError` when `name` is empty or contains `/` (Keras forbids it: weight
    ///   paths are `layer/weight`).
    public init(typeName: String, name: String?, arguments: LayerArguments? = nil) throws {
        self.typeName = typeName
        self.arguments = arguments
        self.baseName = snakeCaseName(typeName)
        if let name {
            guard !name.isEmpty, !name.contains("/") else {
                throw NetworkError(nil, "a layer name must be non-empty and cannot contain '/', got \"\(name)\"")
            }
            NameScope.current.reserve(name)
            self.name = name
            self.isAutoNamed = false
        } else {
            self.name = NameScope.current.uniqueName(baseName)
            self.isAutoNamed = true
        }
        Layer.serialCounter += 1
        self.serial = Layer.serialCounter
    }

    /// A layer named exactly `exactName`, unchecked and unreserved: graph sources named after
    /// what they stand for (a weight's path `dense/kernel`).
    init(typeName: String, exactName: String) {
        self.typeName = typeName
        self.arguments = nil
        self.baseName = snakeCaseName(typeName)
        self.name = exactName
        self.isAutoNamed = false
        Layer.serialCounter += 1
        self.serial = Layer.serialCounter
    }

    // MARK: - What subclasses define

    /// How many inputs a call takes.
    open var inputArity: ClosedRange<Int> { 1...1 }

    /// How the layer moves pixels for inputs of `inputShapes`, or `nil` when it does not (see
    /// `PixelGeometry`).
    open func pixelGeometry(for inputShapes: [[Int?]]) -> PixelGeometry? { nil }

    /// How many of the inputs, from the first, carry pixels: all of them, unless a layer takes other
    /// operands (`Conv`'s kernel, computed by another branch, is not an image).
    open var pixelInputCount: Int { Int.max }

    /// The Keras arguments, in Keras's order, formatted as the language writes them.
    open var config: [(key: String, value: String)] { arguments?.config ?? [] }

    /// The output shape for the given input shapes (batch dimension first): the hook subclasses
    /// override. It is called with as many shapes as `inputArity` allows (callers check).
    ///
    /// - Throws: `NetworkError` naming this layer, what it expects and the shapes received.
    open func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        throw NetworkError(name, "defines no output shape")
    }

    /// All output shapes (one for most layers; a model may have several): the hook a layer with
    /// several outputs overrides.
    open func computeOutputShapes(_ inputShapes: [[Int?]]) throws -> [[Int?]] {
        [try computeOutputShape(inputShapes)]
    }

    /// The output shape for `inputShapes` (batch dimension first), without calling the layer:
    /// Flux's `outputsize`. Checks the number of inputs and that the shapes fit the weights of a
    /// built layer.
    ///
    /// - Throws: `NetworkError` naming this layer, what it expects and the shapes received.
    public final func outputShape(for inputShapes: [[Int?]]) throws -> [Int?] {
        let all = try outputShapes(for: inputShapes)
        guard all.count == 1 else { throw NetworkError(name, "has \(all.count) outputs; use outputShapes(for:)") }
        return all[0]
    }

    /// Every output shape for `inputShapes` (see `outputShape(for:)`).
    public final func outputShapes(for inputShapes: [[Int?]]) throws -> [[Int?]] {
        try checkedOutputShapes(inputShapes, building: false)
    }

    /// The weights this layer needs for the given input shapes (empty for layers without any);
    /// called, like `computeOutputShape`, with the number of inputs checked.
    open func weightSpecs(for inputShapes: [[Int?]]) throws -> [WeightSpec] { [] }

    /// A new, unbuilt layer with the same configuration (for `clone` and `copy`).
    open func makeUnbuiltCopy(name: String) throws -> Layer {
        if let arguments { return try arguments.spec.makeLayer(arguments, name: name) }
        throw NetworkError(self.name, "(\(typeName)) cannot be cloned")
    }

    /// Runs the layer on concrete values (batch dimension first), recording its ops on the tape
    /// unless gradients are off. Weights materialise on first use with the context's generator.
    ///
    /// Subclasses override it; the base class reports that the layer cannot run.
    ///
    /// - Throws: `NetworkError` for the wrong number of values or a layer that was never called
    ///   (so has no weights); `TensorError` from the kernels when the values do not fit.
    open func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        throw NetworkError(name, "cannot run: no forward pass for \(typeName)")
    }

    /// Runs the layer and returns every output (a model may have several).
    open func forwardAll(_ inputs: [Variable], context: ForwardContext) throws -> [Variable] {
        [try forward(inputs, context: context)]
    }

    /// Every weight the layer uses: its own, or for a model those of all its layers, each once.
    open var weights: [Weight] { ownWeights }

    /// Whether the weights exist (the layer has been called, or needs none and was called).
    open var isBuilt: Bool { buildShapes != nil }

    // MARK: - Calls

    /// The calls of this layer that are still referenced, in call order. A node's `index` is
    /// Keras's node index (`name[node][tensor]`).
    public var nodes: [Node] { callRecords.compactMap(\.node) }

    /// Applies the layer to symbolic tensors and returns all its outputs.
    ///
    /// - Throws: `NetworkError` naming this layer, the expected and received shapes and the
    ///   tensors that produced them; or, for a later call of a shared layer, the shapes its
    ///   weights were built for.
    @discardableResult
    public func apply(_ inputs: [SymbolicTensor]) throws -> [SymbolicTensor] {
        let shapes = inputs.map(\.shape)
        let outShapes: [[Int?]]
        do {
            outShapes = try checkedOutputShapes(shapes, building: true)
        } catch var e as NetworkError {
            e.attachSources(inputs.map(\.sourceDescription))
            throw e
        }
        return recordCall(inputs: inputs, outputShapes: outShapes)
    }

    /// Records a call whose shapes have been checked and returns its outputs.
    func recordCall(inputs: [SymbolicTensor], outputShapes: [[Int?]]) -> [SymbolicTensor] {
        let node = Node(layer: self, inputs: inputs, outputShapes: outputShapes, index: callCount)
        callCount += 1
        callRecords.append(WeakNode(node))
        return node.makeOutputs()
    }

    /// Applies a single-input layer: `dense(x)`; a weight may stand for a tensor.
    public func callAsFunction(_ input: any SymbolicConvertible) throws -> SymbolicTensor {
        try single(apply([input.symbolic]))
    }

    /// Applies a layer to several inputs: `concatenate([a, b])`, `conv([x, kernel])`.
    public func callAsFunction(_ inputs: [any SymbolicConvertible]) throws -> SymbolicTensor {
        try single(apply(inputs.map(\.symbolic)))
    }

    private func single(_ outputs: [SymbolicTensor]) throws -> SymbolicTensor {
        guard outputs.count == 1 else {
            throw NetworkError(name, "has \(outputs.count) outputs; use apply(...) to get all of them")
        }
        return outputs[0]
    }

    /// Output shapes after checking arity, shapes and (for a built layer) that the inputs fit the
    /// existing weights; builds the weights when `building` and not yet built.
    func checkedOutputShapes(_ shapes: [[Int?]], building: Bool) throws -> [[Int?]] {
        guard inputArity.contains(shapes.count) else {
            let n = inputArity.lowerBound == inputArity.upperBound ? "\(inputArity.lowerBound) input\(inputArity.lowerBound == 1 ? "" : "s")"
                : "at least \(inputArity.lowerBound) input\(inputArity.lowerBound == 1 ? "" : "s")"
            throw NetworkError(name, "expects \(n)\(shapes.isEmpty ? ", got none" : "")",
                               received: shapes.enumerated().map { .init(shape: $1, input: $0) })
        }
        let out = try computeOutputShapes(shapes)
        for s in out where s.contains(where: { ($0 ?? 0) > maximumDimension }) {
            throw NetworkError(name, "would produce shape \(formatSymbolicShape(s)), with a size above \(formatCount(maximumDimension))",
                               received: shapes.enumerated().map { .init(shape: $1, input: $0) })
        }
        for s in out {
            if let problem = shapeSizeProblem(s) {
                throw NetworkError(name, "would produce shape \(formatSymbolicShape(s)), which \(problem)",
                                   received: shapes.enumerated().map { .init(shape: $1, input: $0) })
            }
        }
        let specs = try weightSpecs(for: shapes)
        if let built = buildShapes {
            try checkFits(specs, builtFor: built, shapes)
        } else if building {
            ownWeights = try specs.map {
                try Weight(name: $0.name, path: "\(name)/\($0.name)", shape: $0.shape, initializer: $0.initializer,
                           trainable: !frozenFlag, role: $0.role)
            }
            buildShapes = shapes
        }
        return out
    }

    private func checkFits(_ specs: [WeightSpec], builtFor built: [[Int?]], _ shapes: [[Int?]]) throws {
        let have = ownWeights.map(\.shape)
        let need = specs.map(\.shape)
        guard have != need else { return }
        let describe = { (ws: [(String, [Int])]) in ws.map { "\($0.0) \(formatShape($0.1))" }.joined(separator: ", ") }
        throw NetworkError(name, "shares its weights between calls and was built for input \(formatSymbolicShapes(built)) (\(describe(ownWeights.map { ($0.name, $0.shape) })))",
                           received: shapes.enumerated().map { .init(shape: $1, input: $0) },
                           hint: "this input would need \(describe(specs.map { ($0.name, $0.shape) })); use clone() for a layer with its own weights")
    }

    // MARK: - Trainability

    /// Makes every parameter of the layer non-trainable (weights built later too).
    open func freeze() {
        frozenFlag = true
        for w in ownWeights { w.trainable = false }
    }

    /// Makes every parameter trainable again (statistics stay non-trainable).
    open func unfreeze() {
        frozenFlag = false
        for w in ownWeights { w.trainable = true }
    }

    /// Whether `freeze()` was called last (Keras's `trainable = False`).
    public var isFrozen: Bool { frozenFlag }

    /// Whether the parameters learn: all, none, some, or the layer has none.
    public var trainableState: TrainableState {
        let params = weights.filter { $0.role == .parameter }
        if params.isEmpty { return .noParameters }
        let n = params.filter(\.trainable).count
        return n == params.count ? .trainable : n == 0 ? .frozen : .partlyFrozen
    }

    // MARK: - Shape-checking helpers for subclasses

    /// A shape error about input `index`, to be completed with its producer by `apply`.
    public func shapeError(_ message: String, input index: Int, _ shapes: [[Int?]], hint: String? = nil) -> NetworkError {
        NetworkError(name, message, received: [.init(shape: index < shapes.count ? shapes[index] : [], input: index)], hint: hint)
    }

    /// A shape error about all inputs (merges name every input shape).
    public func shapeError(_ message: String, allOf shapes: [[Int?]], hint: String? = nil) -> NetworkError {
        NetworkError(name, message, received: shapes.enumerated().map { .init(shape: $1, input: $0) }, hint: hint)
    }

    /// Throws unless input `index` has exactly `rank` dimensions; `what` describes them.
    public func expectRank(_ shapes: [[Int?]], _ index: Int, _ rank: Int, _ what: String) throws {
        guard shapes[index].count == rank else {
            throw shapeError("expects \(rank)-D input \(what)", input: index, shapes)
        }
    }

    /// The size of dimension `axis` of input `index`, which must be known to build weights.
    public func knownDimension(_ shapes: [[Int?]], _ index: Int, axis: Int, _ what: String) throws -> Int {
        guard let d = shapes[index][axis] else {
            throw shapeError("needs a known \(what) to create its weights", input: index, shapes)
        }
        return d
    }

    // MARK: - Helpers for forward passes

    /// Throws unless `inputs` holds as many values as a call takes.
    public func checkValueCount(_ inputs: [Variable]) throws {
        guard inputArity.contains(inputs.count) else {
            let n = inputArity.lowerBound == inputArity.upperBound ? "\(inputArity.lowerBound)" : "at least \(inputArity.lowerBound)"
            throw NetworkError(name, "expects \(n) input value\(inputArity.upperBound == 1 ? "" : "s"), got \(inputs.count)")
        }
    }

    /// The variable of the own weight `weightName`, materialised with the context's generator on
    /// first use.
    ///
    /// - Throws: `NetworkError` when the layer has no such weight (it was never called on a
    ///   tensor, so its weights were never created).
    public func variable(_ weightName: String, _ context: ForwardContext) throws -> Variable {
        guard let w = ownWeights.first(where: { $0.name == weightName }) else {
            throw NetworkError(name, isBuilt ? "has no weight \"\(weightName)\""
                                             : "has no weights yet: call it on a tensor first, so that its weights are created for that input's shape")
        }
        return try w.materialize(using: &context.generator)
    }

    /// The variable of the own weight `weightName` if the layer has one (an optional bias).
    func optionalVariable(_ weightName: String, _ context: ForwardContext) throws -> Variable? {
        guard ownWeights.contains(where: { $0.name == weightName }) else { return nil }
        return try variable(weightName, context)
    }

    /// An argument error raised at construction: "Conv2D: filters must be positive, got 0", with
    /// the layer type and (when one argument is at fault) the argument as data.
    static func argumentError(_ typeName: String, argument: String? = nil, _ message: String) -> NetworkError {
        LayerArgument.error(typeName, argument, message)
    }

    // MARK: - Description

    /// One line: name, type, configuration, then the weights (or that they come on first call).
    public var description: String {
        var s = "\(name) (\(typeName))"
        let cfg = config.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        if !cfg.isEmpty { s += " " + cfg }
        if !isBuilt {
            s += "; not built yet: weights are created on the first call"
        } else if weights.isEmpty {
            s += "; no weights"
        } else {
            let list = weights.map { w in
                w.name + " " + formatShape(w.shape) + (w.role == .statistic ? " (statistic)" : w.trainable ? "" : " (frozen)")
            }
            s += "; weights " + list.joined(separator: ", ") + " = \(formatCount(parameterCount.total)) params"
        }
        return s
    }
}

/// A non-owning reference to a call, so layers do not keep their graphs alive.
struct WeakNode {
    weak var node: Node?
    init(_ node: Node) { self.node = node }
}

/// Freezes a layer or model: all its parameters become non-trainable.
public func freeze(_ layer: Layer) { layer.freeze() }
/// Unfreezes a layer or model.
public func unfreeze(_ layer: Layer) { layer.unfreeze() }

// MARK: - Formatting of configuration values

func cfg(_ v: Int) -> String { String(v) }
func cfg(_ v: Float) -> String { formatFloat(v) }
func cfg(_ v: Bool) -> String { v ? "true" : "false" }
func cfg(_ v: String) -> String { "\"\(v)\"" }
func cfg(_ v: [Int]) -> String { v.count == 1 ? "(\(v[0]),)" : "(" + v.map(String.init).joined(separator: ", ") + ")" }
func cfg(_ v: Initializer) -> String { v.description }
func cfg(_ v: Padding) -> String {
    if case .explicit = v { return v.description }
    return "\"\(v)\""
}
