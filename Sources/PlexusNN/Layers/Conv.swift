import PlexusTensor
/// A 2-D convolution whose kernel is a second input instead of a weight: `conv([x, kernel])`.
///
/// The kernel is any tensor expression: a weight, `sum_i a_i b_i` over a frozen basis, or the
/// output of another branch (a hypernetwork). Its shape is `(kh, kw, in_channels, out_channels)`
/// for one kernel shared by the batch, or `(batch, kh, kw, in_channels, out_channels)` for a
/// kernel per sample, each sample convolved with its own (what Keras's `K.conv2d` in a `Lambda`
/// gets wrong for batch > 1). The only weight of its own is the optional bias `(out_channels,)`.
public final class Conv: Layer, ActivationFusing {
    public let strides: Size2D
    public let padding: Padding
    public let dilationRate: Size2D
    public let activation: ActivationFunction
    public let useBias: Bool
    public let biasInitializer: Initializer

    public init(strides: Size2D = 1, padding: Padding = .valid, dilationRate: Size2D = 1,
                activation: ActivationFunction = .linear, useBias: Bool = true,
                biasInitializer: Initializer = .zeros, name: String? = nil) throws {
        try strides.validate("strides", of: "Conv")
        try dilationRate.validate("dilation_rate", of: "Conv")
        try validateConvolution("Conv", strides: strides, dilationRate: dilationRate, padding: padding)
        self.strides = strides
        self.padding = padding
        self.dilationRate = dilationRate
        self.activation = activation
        self.useBias = useBias
        self.biasInitializer = biasInitializer
        try super.init(typeName: "Conv", name: name)
    }

    override public var inputArity: ClosedRange<Int> { 2...2 }

    override public var config: [(key: String, value: String)] {
        [("strides", strides.description), ("padding", cfg(padding)), ("dilation_rate", dilationRate.description),
         ("activation", activation.description), ("use_bias", cfg(useBias)), ("bias_initializer", cfg(biasInitializer))]
    }

    /// Whether the kernel input carries a batch dimension (one kernel per sample).
    public static func isPerSample(kernelShape: [Int?]) -> Bool { kernelShape.count == 5 }

    /// A window of the kernel's size; only the image (input 0) carries pixels.
    override public func pixelGeometry(for inputShapes: [[Int?]]) -> PixelGeometry? {
        let k = inputShapes.count > 1 ? inputShapes[1].suffix(4).map { $0 ?? 1 } : []
        guard k.count == 4 else { return nil }
        return .window(kernel: Size2D(k[0], k[1]), strides: strides, dilation: dilationRate, padding: padding)
    }

    override public var pixelInputCount: Int { 1 }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        try expectRank(inputShapes, 0, 4, imageInput)
        let k = inputShapes[1]
        guard k.count == 4 || k.count == 5 else {
            throw shapeError("expects a kernel of shape (kh, kw, in_channels, out_channels), or (batch, kh, kw, in_channels, out_channels) for a kernel per sample",
                             input: 1, inputShapes)
        }
        let dims = Array(k.suffix(4))
        guard dims.allSatisfy({ $0 != nil }) else {
            throw shapeError("needs the kernel's sizes (kh, kw, in_channels, out_channels) known", input: 1, inputShapes)
        }
        assert(dims.count >= 4 && dims.prefix(4).allSatisfy { $0 != nil }, "kernel sizes checked known above")  // invariant
        let (kh, kw, cin, cout) = (dims[0] ?? 1, dims[1] ?? 1, dims[2] ?? 1, dims[3] ?? 1)
        if let c = inputShapes[0][3], c != cin {
            throw shapeError("expects the kernel's in_channels (\(cin)) to equal the image's channels (\(c))", allOf: inputShapes)
        }
        var batch = inputShapes[0][0]
        if k.count == 5 {
            switch (batch, k[0]) {
            case let (b?, kb?) where b != kb:
                throw shapeError("expects as many per-sample kernels as images (batch \(b) vs \(kb))", allOf: inputShapes)
            case let (nil, kb): batch = kb
            default: break
            }
        }
        let (h, w) = try windowOutput2D(inputShapes, 0, kernel: Size2D(kh, kw), strides: strides, dilation: dilationRate,
                                        padding: padding, window: "kernel")
        return [batch, h, w, cout]
    }

    override public func weightSpecs(for inputShapes: [[Int?]]) throws -> [WeightSpec] {
        guard useBias, let cout = inputShapes[1].last ?? nil else { return [] }
        return [WeightSpec("bias", [cout], biasInitializer)]
    }

    /// Convolves the image with the kernel value (one kernel for the batch, or one per sample when
    /// the kernel has a batch dimension), the bias and activation fused into the same op. The
    /// kernel's gradient flows on into whatever computed it.
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try forward(inputs, context: context, activation: activation)
    }

    func forward(_ inputs: [Variable], context: ForwardContext, activation: ActivationFunction) throws -> Variable {
        try checkValueCount(inputs)
        let x = inputs[0], kernel = inputs[1]
        let bias = try optionalVariable("bias", context)
        if Conv.isPerSample(kernelShape: kernel.shape.map { $0 }) {
            return try fusedConv2dPerSample(x, kernels: kernel, bias: bias, activation: activation, strides: strides.pair,
                                            padding: padding, dilation: dilationRate.pair)
        }
        return try fusedConv2d(x, kernel: kernel, bias: bias, activation: activation, strides: strides.pair,
                               padding: padding, dilation: dilationRate.pair)
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer {
        try Conv(strides: strides, padding: padding, dilationRate: dilationRate, activation: activation,
                 useBias: useBias, biasInitializer: biasInitializer, name: name)
    }
}
