/// Anything that can stand for a tensor in a graph: a symbolic tensor itself, or a weight used as
/// a value (its source node, without a batch dimension).
public protocol SymbolicConvertible: AnyObject {
    /// The graph value this stands for.
    var symbolic: SymbolicTensor { get }
}

/// A tensor of a network under construction: a shape (batch dimension first for tensors that flow
/// through layers, unknown sizes as `nil`) and where it comes from (the call that produced it and
/// which of its outputs it is). It holds no data.
public final class SymbolicTensor: CustomStringConvertible, SymbolicConvertible {
    /// The shape, `nil` where unknown (`None`).
    public let shape: [Int?]
    /// The call that produced this tensor.
    public let node: Node
    /// Which output of that call.
    public let outputIndex: Int

    init(shape: [Int?], node: Node, outputIndex: Int) {
        self.shape = shape
        self.node = node
        self.outputIndex = outputIndex
    }

    /// The layer that produced this tensor.
    public var producer: Layer { node.layer }
    /// The number of dimensions.
    public var rank: Int { shape.count }
    public var symbolic: SymbolicTensor { self }

    /// Keras's reference to this tensor: `conv2d[0][0]` (layer, node index, tensor index).
    public var reference: String { "\(node.layer.name)[\(node.index)][\(outputIndex)]" }

    /// How errors name the producer: the layer's name, with node and tensor indices only when the
    /// name alone is ambiguous (a later call, or a second output).
    public var sourceDescription: String {
        (node.index == 0 && outputIndex == 0) ? node.layer.name : reference
    }

    /// `<tensor (None, 26, 26, 32) from conv2d (Conv2D)>`: shape and producer, as the prompt prints it.
    public var description: String {
        let source = (node.index == 0 && outputIndex == 0) ? node.layer.name : reference
        return "<tensor \(formatSymbolicShape(shape)) from \(source) (\(node.layer.typeName))>"
    }
}

/// One call of a layer: which layer, on which tensors, with which output shapes.
///
/// Nodes hold their inputs (so a tensor keeps everything upstream alive) but not their outputs,
/// and layers refer to their nodes weakly: a graph lives as long as the tensors or models that
/// use it, and no reference cycle keeps weight storage alive after a session drops it.
public final class Node {
    /// The layer called (a model, for a nested model's call).
    public let layer: Layer
    /// The tensors it was called on.
    public let inputs: [SymbolicTensor]
    /// The shapes of its outputs.
    public let outputShapes: [[Int?]]
    /// Keras's node index: the position of this call among the layer's calls.
    public let index: Int
    private var outputRecords: [WeakTensor] = []

    init(layer: Layer, inputs: [SymbolicTensor], outputShapes: [[Int?]], index: Int) {
        self.layer = layer
        self.inputs = inputs
        self.outputShapes = outputShapes
        self.index = index
    }

    /// The input shapes of this call.
    public var inputShapes: [[Int?]] { inputs.map(\.shape) }

    /// The output tensors still referenced (index `i` is `nil` once nothing uses output `i`).
    public var outputs: [SymbolicTensor?] { outputRecords.map(\.tensor) }

    func makeOutputs() -> [SymbolicTensor] {
        let outs = outputShapes.enumerated().map { SymbolicTensor(shape: $1, node: self, outputIndex: $0) }
        outputRecords = outs.map(WeakTensor.init)
        return outs
    }
}

struct WeakTensor {
    weak var tensor: SymbolicTensor?
    init(_ t: SymbolicTensor) { tensor = t }
}
