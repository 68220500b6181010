/// An error in building a network: a shape that does not fit a layer, a bad argument, a graph
/// that does not connect. Every user-reachable failure in PlexusNN throws one.
///
/// A shape error names the layer, what it expects and what it received, with the tensor that
/// produced each received shape:
/// `conv2d_3 expects 4-D input (batch, h, w, channels), got (None, 512) from dense_1`.
/// Layers fill in the received shapes; applying the layer to symbolic tensors adds where each came
/// from, since only the call site knows.
public struct NetworkError: Error, CustomStringConvertible, Equatable {
    /// One received input: its shape, which input it was, and which tensor produced it.
    public struct Received: Equatable, Sendable {
        public var shape: [Int?]
        /// The position among the layer's inputs, so the caller can name the producer.
        public var input: Int?
        /// The producing layer, e.g. `dense_1` (or `feature[1][0]` for a later call).
        public var source: String?

        public init(shape: [Int?], input: Int? = nil, source: String? = nil) {
            self.shape = shape
            self.input = input
            self.source = source
        }
    }

    /// The layer, model or operation at fault (its name), if any.
    public var layer: String?
    /// What went wrong, written to follow the layer's name: "expects 4-D input (...)".
    public var message: String
    /// The shapes received, printed after ", got".
    public var received: [Received]
    /// A suggested fix, when one is clear.
    public var hint: String?
    /// For an argument refused when a layer is made: the layer type (`Conv2D`), shown before the
    /// message when no layer name is set.
    public var layerType: String?
    /// The argument at fault, by its Keras name (`filters`, a model's `inputs`), so a caller can
    /// point at where it was written.
    public var argument: String?

    public init(_ layer: String?, _ message: String, received: [Received] = [], hint: String? = nil, argument: String? = nil) {
        self.layer = layer
        self.message = message
        self.received = received
        self.hint = hint
        self.argument = argument
    }

    public var description: String {
        var s = layer.map { "\($0) \(message)" } ?? layerType.map { "\($0): \(message)" } ?? message
        if !received.isEmpty {
            s += ", got " + received.map { r in
                formatSymbolicShape(r.shape) + (r.source.map { " from \($0)" } ?? "")
            }.joined(separator: ", ")
        }
        if let hint { s += "; " + hint }
        return s
    }

    /// Fills in the producers of the received shapes from the inputs of a call.
    mutating func attachSources(_ sources: [String]) {
        for i in received.indices {
            if received[i].source == nil, let k = received[i].input, k >= 0, k < sources.count {
                received[i].source = sources[k]
            }
        }
    }
}
