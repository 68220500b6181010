import PlexusTensor
/// The layer behind `Input(...)`: a graph's entry point, holding the shape of what will be fed.
public final class InputLayer: Layer {
    /// The shape fed, batch dimension first.
    public let batchShape: [Int?]

    /// An input layer producing tensors of `batchShape` (batch dimension included).
    ///
    /// - Throws: `NetworkError` when a known size is not positive.
    public init(batchShape: [Int?], name: String? = nil) throws {
        guard batchShape.allSatisfy({ ($0 ?? 1) > 0 && ($0 ?? 1) <= maximumDimension }) else {
            throw Layer.argumentError("InputLayer", "sizes must be positive (at most \(formatCount(maximumDimension))) or None, got \(formatSymbolicShape(batchShape))")
        }
        self.batchShape = batchShape
        try super.init(typeName: "InputLayer", name: name)
        buildShapes = []
    }

    override public var inputArity: ClosedRange<Int> { 0...0 }
    override public var config: [(key: String, value: String)] { [("batch_shape", formatSymbolicShape(batchShape))] }
    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] { batchShape }
    override public func makeUnbuiltCopy(name: String) throws -> Layer { try InputLayer(batchShape: batchShape, name: name) }

    /// The tensor this input layer produces (held by its users, not by the layer, so that no
    /// reference cycle keeps it alive).
    public var output: SymbolicTensor {
        if let t = nodes.first?.outputs.first, let t { return t }
        return recordCall(inputs: [], outputShapes: [batchShape])[0] // invariant: one output shape given
    }

    /// An input passes its value through.
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        guard inputs.count == 1 else { throw NetworkError(name, "expects one value to feed, got \(inputs.count)") }
        return inputs[0]
    }
}

/// A symbolic input of `shape` (without the batch dimension, which is `batchSize` or unknown):
/// Keras's `Input(shape=(28, 28, 1))`, whose tensor has shape `(None, 28, 28, 1)`.
///
/// - Throws: `NetworkError` when a size is not positive.
public func Input(shape: [Int?], batchSize: Int? = nil, name: String? = nil) throws -> SymbolicTensor {
    try InputLayer(batchShape: [batchSize] + shape, name: name).output
}

/// The graph node of a weight used as a value (`weight.symbolic`): no inputs, one output of the
/// weight's shape without a batch dimension, the weight as its only weight.
///
/// It is named after the weight (`a`, or `dense/kernel` for a layer's weight) and appears in
/// summaries as `a (Weight)` with the weight's parameter count.
public final class WeightSource: Layer {
    /// The weight this node stands for.
    public let weight: Weight

    init(weight: Weight) {
        self.weight = weight
        super.init(typeName: "Weight", exactName: weight.path)
        ownWeights = [weight]
        buildShapes = []
    }

    override public var inputArity: ClosedRange<Int> { 0...0 }
    override public var config: [(key: String, value: String)] {
        [("shape", formatShape(weight.shape)), ("init", weight.initializer.description), ("trainable", cfg(weight.trainable))]
    }
    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] { weight.shape.map { $0 } }
    override public func weightSpecs(for inputShapes: [[Int?]]) throws -> [WeightSpec] {
        [WeightSpec(weight.name, weight.shape, weight.initializer, role: weight.role)]
    }

    func makeSourceNode() -> SymbolicTensor {
        recordCall(inputs: [], outputShapes: [weight.shape.map { $0 }])[0] // invariant: one output shape given
    }

    override public func freeze() { frozenFlag = true; weight.trainable = false }
    override public func unfreeze() { frozenFlag = false; weight.trainable = true }

    /// The weight's variable, materialised with the context's generator on first use.
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try weight.materialize(using: &context.generator)
    }
}
