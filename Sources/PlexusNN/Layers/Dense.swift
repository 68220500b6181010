import PlexusTensor
/// Keras `Dense(units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
/// bias_initializer="zeros")`: a linear map of the last axis, for inputs of any rank >= 2.
///
/// Weights: `kernel (input_dim, units)`, `bias (units,)`.
public final class Dense: Layer, ActivationFusing {
    public let units: Int
    public let activation: ActivationFunction
    public let useBias: Bool
    public let kernelInitializer: Initializer
    public let biasInitializer: Initializer

    /// - Throws: `NetworkError` when `units` is not positive.
    public init(units: Int, activation: ActivationFunction = .linear, useBias: Bool = true,
                kernelInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
                name: String? = nil) throws {
        try checkSize(units, "units", of: "Dense")
        self.units = units
        self.activation = activation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        try super.init(typeName: "Dense", name: name)
    }

    override public var config: [(key: String, value: String)] {
        [("units", cfg(units)), ("activation", activation.description), ("use_bias", cfg(useBias)),
         ("kernel_initializer", cfg(kernelInitializer)), ("bias_initializer", cfg(biasInitializer))]
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

    override public func makeUnbuiltCopy(name: String) throws -> Layer {
        try Dense(units: units, activation: activation, useBias: useBias, kernelInitializer: kernelInitializer,
                  biasInitializer: biasInitializer, name: name)
    }
}
