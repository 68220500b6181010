import PlexusTensor
/// Keras `Dense(units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
/// bias_initializer="zeros")`: a linear map of the last axis, for inputs of any rank >= 2.
///
/// Weights: `kernel (input_dim, units)`, `bias (units,)`.
public final class Dense: Layer, ActivationFusing {
    public static let spec = LayerSpec(
        "Dense", builtin: "dense",
        arguments: [
            ArgumentSpec("units", .integer, positional: true, check: .positive, doc: "the size of the output's last axis"),
            .activation, .useBias,
            .initializer("kernel_initializer", .glorotUniform, of: "kernel"), .initializer("bias_initializer", .zeros, of: "bias"),
        ] + unregularizedArguments(["kernel", "bias"], activity: false)
          + [.fixed("lora_rank", .none), .fixed("quantization_config", .none)],
        help: "A fully connected layer (Keras Dense): a linear map of the last axis to `units` values, plus a bias, then the activation. Weights: kernel (input_dim, units) and bias (units,).",
        example: "h = x |> flatten() |> dense(128, activation: relu)\ny = h |> dense(10, activation: \"softmax\")",
        make: { try Dense(arguments: $0, name: $1) })

    public let units: Int
    public let activation: ActivationFunction
    public let useBias: Bool
    public let kernelInitializer: Initializer
    public let biasInitializer: Initializer

    /// A dense layer from checked arguments (the builtin, Keras import, copies).
    public init(arguments: LayerArguments, name: String?) throws {
        units = try arguments.int("units")
        activation = try arguments.activation("activation")
        useBias = try arguments.bool("use_bias")
        kernelInitializer = try arguments.initializer("kernel_initializer")
        biasInitializer = try arguments.initializer("bias_initializer")
        try super.init(typeName: Dense.spec.className, name: name, arguments: arguments)
    }

    /// - Throws: `NetworkError` when `units` is not positive.
    public convenience init(units: Int, activation: ActivationFunction = .linear, useBias: Bool = true,
                            kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
                            name: String? = nil) throws {
        try self.init(arguments: Dense.spec.arguments([
            "units": .int(units), "activation": .activation(activation), "use_bias": .bool(useBias),
            "kernel_initializer": .initializer(kernelInitializer), "bias_initializer": .initializer(biasInitializer),
        ]), name: name)
    }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        let s = inputShapes[0]
        guard s.count >= 2 else {
            throw shapeError("expects input of rank 2 or more (batch, ..., features)", input: 0, inputShapes)
        }
        return Array(s.dropLast()) + [units]
    }

    override public func weightSpecs(for inputShapes: [[Int?]]) throws -> [WeightSpec] {
        let s = inputShapes[0]
        let inDim = try knownDimension(inputShapes, 0, axis: s.count - 1, "last dimension (features)")
        var specs = [WeightSpec("kernel", [inDim, units], kernelInitializer)]
        if useBias { specs.append(WeightSpec("bias", [units], biasInitializer)) }
        return specs
    }

    /// Kernel, bias and activation as one op (`fusedDense`), over the last axis of any rank.
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try forward(inputs, context: context, activation: activation)
    }

    func forward(_ inputs: [Variable], context: ForwardContext, activation: ActivationFunction) throws -> Variable {
        try checkValueCount(inputs)
        return try fusedDense(inputs[0], kernel: variable("kernel", context), bias: optionalVariable("bias", context),
                              activation: activation)
    }
}
