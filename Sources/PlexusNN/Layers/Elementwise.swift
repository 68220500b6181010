import PlexusTensor
// Layers that keep their input's shape: activations, dropout, rescaling.

/// Keras `Activation(activation)`: an activation function as a layer of its own (what a bare
/// `relu` in a pipeline becomes).
public final class Activation: Layer {
    public let activation: ActivationFunction

    public init(_ activation: ActivationFunction, name: String? = nil) throws {
        self.activation = activation
        try super.init(typeName: "Activation", name: name)
    }

    override public var config: [(key: String, value: String)] { [("activation", activation.description)] }
    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] { inputShapes[0] }
    override public func makeUnbuiltCopy(name: String) throws -> Layer { try Activation(activation, name: name) }

    /// The function on the value (softmax along the last axis). An execution plan fuses it into
    /// the convolution or dense layer before it when that layer has no activation of its own.
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        return try activation.apply(inputs[0])
    }
}

/// Keras `ReLU(max_value=None, negative_slope=0.0, threshold=0.0)`: `ReLU(maxValue: 6)` is
/// MobileNet's ReLU6.
public final class ReLU: Layer {
    public let maxValue: Float?
    public let negativeSlope: Float
    public let threshold: Float

    public init(maxValue: Float? = nil, negativeSlope: Float = 0, threshold: Float = 0, name: String? = nil) throws {
        if let m = maxValue, m < 0 { throw Layer.argumentError("ReLU", "max_value must not be negative, got \(formatFloat(m))") }
        guard negativeSlope >= 0 else { throw Layer.argumentError("ReLU", "negative_slope must not be negative, got \(formatFloat(negativeSlope))") }
        self.maxValue = maxValue
        self.negativeSlope = negativeSlope
        self.threshold = threshold
        try super.init(typeName: "ReLU", name: name)
    }

    override public var config: [(key: String, value: String)] {
        [("max_value", maxValue.map(cfg) ?? "none"), ("negative_slope", cfg(negativeSlope)), ("threshold", cfg(threshold))]
    }
    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] { inputShapes[0] }
    override public func makeUnbuiltCopy(name: String) throws -> Layer {
        try ReLU(maxValue: maxValue, negativeSlope: negativeSlope, threshold: threshold, name: name)
    }

    /// The catalogue's function this layer computes, when it is one: `relu` (no arguments),
    /// `relu6` (`maxValue: 6`), `leaky_relu` (slope 0.2, Keras's function default). A plan can
    /// fuse those into the layer before.
    public var equivalentFunction: ActivationFunction? {
        guard threshold == 0 else { return nil }
        switch (maxValue, negativeSlope) {
        case (nil, 0): return .relu
        case (6?, 0): return .relu6
        case (nil, 0.2): return .leakyRelu(alpha: 0.2)
        default: return nil
        }
    }

    /// Keras's `ReLU` on the value: the plain activations where they match, else one general op.
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        if let f = equivalentFunction { return try f.apply(inputs[0]) }
        return inputs[0].relu(maxValue: maxValue, negativeSlope: negativeSlope, threshold: threshold)
    }
}

/// Keras `Dropout(rate, noise_shape=None, seed=None)`: zeroes a fraction `rate` of the values
/// in training, the identity in inference.
public final class Dropout: Layer {
    public static let spec = LayerSpec(
        "Dropout", builtin: "dropout",
        arguments: [
            ArgumentSpec("rate", .number, positional: true,
                         check: .custom { v in
                             guard case .number(let d) = v, !(d >= 0 && d < 1) else { return nil }
                             return "must be in [0, 1), got \(formatFloat(Float(d)))"
                         },
                         doc: "the fraction of values zeroed while training"),
            ArgumentSpec("noise_shape", .dimensions, optional: true,
                         doc: "the mask's shape, broadcast where it is 1 (none: the input's; a none size: the input's size)"),
            ArgumentSpec("seed", .integer, optional: true, doc: "a seed of the layer's own, for repeatable masks"),
        ],
        help: "Zeroes a fraction `rate` of the values while training and scales the rest by 1 / (1 - rate); passes values through unchanged in inference (Keras Dropout).",
        example: "h = h |> dropout(0.5)",
        make: { try Dropout(arguments: $0, name: $1) })

    public let rate: Float
    public let noiseShape: [Int?]?
    public let seed: Int?

    /// - Throws: `NetworkError` unless `0 <= rate < 1`.
    public init(arguments: LayerArguments, name: String?) throws {
        rate = try arguments.float("rate")
        if case .dimensions(let ns) = arguments["noise_shape"] { noiseShape = ns } else { noiseShape = nil }
        seed = try arguments.optionalInt("seed")
        try super.init(typeName: Dropout.spec.className, name: name, arguments: arguments)
    }

    /// - Throws: `NetworkError` unless `0 <= rate < 1`.
    public convenience init(rate: Float, noiseShape: [Int?]? = nil, seed: Int? = nil, name: String? = nil) throws {
        try self.init(arguments: Dropout.spec.arguments([
            "rate": .number(Double(rate)), "noise_shape": noiseShape.map { .dimensions($0) } ?? .none,
            "seed": seed.map { .int($0) } ?? .none,
        ]), name: name)
    }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        if let ns = noiseShape {
            guard ns.count == inputShapes[0].count,
                  zip(ns, inputShapes[0]).allSatisfy({ n, d in n == nil || n == 1 || d == nil || n == d }) else {
                throw shapeError("expects input that its noise_shape \(formatSymbolicShape(ns)) broadcasts to", input: 0, inputShapes)
            }
        }
        return inputShapes[0]
    }

    /// The layer's own generator when it was given a `seed` (Keras's per-layer `SeedGenerator`:
    /// repeatable from the seed, a new mask on every call).
    private var seededGenerator: RandomGenerator?

    /// Inverted dropout in training (kept values scaled by `1 / (1 - rate)`), the value itself in
    /// inference. The mask has the `noise_shape` when one is given (`None` taking the input's
    /// size) and is broadcast over the axes where it is 1. It is drawn from the layer's own
    /// generator when the layer has a seed, from the context's otherwise.
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        let x = inputs[0]
        guard context.training, rate > 0 else { return x }
        if seededGenerator == nil, let seed { seededGenerator = RandomGenerator(seed: UInt64(bitPattern: Int64(seed))) }
        func draw(_ body: (inout RandomGenerator) throws -> Variable) rethrows -> Variable {
            if var g = seededGenerator {
                defer { seededGenerator = g }
                return try body(&g)
            }
            return try body(&context.generator)
        }
        guard let ns = noiseShape else {
            return try draw { try dropout(x, rate: rate, training: true, generator: &$0) }
        }
        guard ns.count == x.shape.count else {
            throw NetworkError(name, "expects input that its noise_shape \(formatSymbolicShape(ns)) broadcasts to",
                               received: [.init(shape: x.shape.map { $0 })])
        }
        let shape = zip(ns, x.shape).map { n, d in n ?? d }
        let mask = try draw { try Variable(dropout(Tensor.ones(shape), rate: rate, training: true, generator: &$0)) }
        return try x * mask
    }
}

/// Keras `Rescaling(scale, offset=0.0)`: `x * scale + offset`, e.g. `1 / 255` for pixels.
public final class Rescaling: Layer {
    public static let spec = LayerSpec(
        "Rescaling", builtin: "rescaling",
        arguments: [ArgumentSpec("scale", .number, positional: true, doc: "what each value is multiplied by"),
                    ArgumentSpec("offset", .number, default: .number(0), doc: "what is added after scaling")],
        help: "x * scale + offset (Keras Rescaling): 1 / 255 brings pixels to 0..1. Arithmetic of a symbolic tensor with a number (x * 2, x - 1) makes one of these.",
        example: "x01 = x |> rescaling(1 / 255)",
        make: { try Rescaling(arguments: $0, name: $1) })

    public let scale: Float
    public let offset: Float

    public init(arguments: LayerArguments, name: String?) throws {
        scale = try arguments.float("scale")
        offset = try arguments.float("offset")
        try super.init(typeName: Rescaling.spec.className, name: name, arguments: arguments)
    }

    public convenience init(scale: Float, offset: Float = 0, name: String? = nil) throws {
        try self.init(arguments: Rescaling.spec.arguments(["scale": .number(Double(scale)), "offset": .number(Double(offset))]), name: name)
    }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] { inputShapes[0] }

    /// `x * scale + offset` (the offset op left out when it is 0).
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        let scaled = scale == 1 ? inputs[0] : inputs[0] * scale
        return offset == 0 ? scaled : scaled + offset
    }
}
