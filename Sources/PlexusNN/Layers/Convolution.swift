import PlexusTensor
// The convolution family with Keras 3's arguments and weight shapes (channels last, NHWC).

extension Layer {
    /// The output size of a sliding window along one spatial axis, `nil` when the input size is
    /// unknown; throws when the window does not fit.
    func windowOutput(_ shapes: [[Int?]], _ index: Int, axis: Int, kernel: Size2D, strides: Size2D,
                      dilation: Size2D, padding: Padding, window: String) throws -> Int? {
        guard let n = shapes[index][axis + 1] else { return nil }
        let (k, s, d) = axis == 0 ? (kernel.height, strides.height, dilation.height) : (kernel.width, strides.width, dilation.width)
        guard let r = padding.resolve(input: n, kernel: k, stride: s, dilation: d, axis: axis) else {
            let span = Size2D((kernel.height - 1) * dilation.height + 1, (kernel.width - 1) * dilation.width + 1)
            throw shapeError("expects height and width of at least its \(window) span \(span) with padding \(cfg(padding))",
                             input: index, shapes, hint: "use padding \"same\" or a larger input")
        }
        return r.output
    }

    /// The spatial output size (height, width) of a window over input `index` (NHWC).
    func windowOutput2D(_ shapes: [[Int?]], _ index: Int, kernel: Size2D, strides: Size2D, dilation: Size2D,
                        padding: Padding, window: String) throws -> (Int?, Int?) {
        (try windowOutput(shapes, index, axis: 0, kernel: kernel, strides: strides, dilation: dilation, padding: padding, window: window),
         try windowOutput(shapes, index, axis: 1, kernel: kernel, strides: strides, dilation: dilation, padding: padding, window: window))
    }
}

/// Checks the arguments every 2-D convolution shares, as Keras does at construction.
func validateConvolution(_ typeName: String, kernelSize: Size2D, strides: Size2D, dilationRate: Size2D, padding: Padding) throws {
    try kernelSize.validate("kernel_size", of: typeName)
    try strides.validate("strides", of: typeName)
    try dilationRate.validate("dilation_rate", of: typeName)
    if case let .explicit(t, b, l, r) = padding, min(t, b, l, r) < 0 || max(t, b, l, r) > maximumDimension {
        throw Layer.argumentError(typeName, "padding must be between 0 and \(formatCount(maximumDimension)), got \(padding)")
    }
    if (strides.height > 1 || strides.width > 1) && (dilationRate.height > 1 || dilationRate.width > 1) {
        throw Layer.argumentError(typeName, "strides > 1 not supported in conjunction with dilation_rate > 1, got strides \(strides) and dilation_rate \(dilationRate)")
    }
}

let imageInput = "(batch, h, w, channels)"

/// Keras `Conv2D(filters, kernel_size, strides=(1, 1), padding="valid", dilation_rate=(1, 1),
/// groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
/// bias_initializer="zeros")`.
///
/// Weights: `kernel (kh, kw, channels / groups, filters)`, `bias (filters,)`.
public final class Conv2D: Layer, ActivationFusing {
    public let filters: Int
    public let kernelSize: Size2D
    public let strides: Size2D
    public let padding: Padding
    public let dilationRate: Size2D
    public let groups: Int
    public let activation: ActivationFunction
    public let useBias: Bool
    public let kernelInitializer: Initializer
    public let biasInitializer: Initializer

    /// - Throws: `NetworkError` for a non-positive size, strides > 1 with dilation > 1, or
    ///   `filters` not divisible by `groups`.
    public init(filters: Int, kernelSize: Size2D, strides: Size2D = 1, padding: Padding = .valid,
                dilationRate: Size2D = 1, groups: Int = 1, activation: ActivationFunction = .linear,
                useBias: Bool = true, kernelInitializer: Initializer = .glorotUniform,
                biasInitializer: Initializer = .zeros, name: String? = nil) throws {
        try checkSize(filters, "filters", of: "Conv2D")
        try checkSize(groups, "groups", of: "Conv2D")
        guard filters % groups == 0 else {
            throw Layer.argumentError("Conv2D", "filters (\(filters)) must be divisible by groups (\(groups))")
        }
        try validateConvolution("Conv2D", kernelSize: kernelSize, strides: strides, dilationRate: dilationRate, padding: padding)
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.dilationRate = dilationRate
        self.groups = groups
        self.activation = activation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        try super.init(typeName: "Conv2D", name: name)
    }

    override public var config: [(key: String, value: String)] {
        [("filters", cfg(filters)), ("kernel_size", kernelSize.description), ("strides", strides.description),
         ("padding", cfg(padding)), ("dilation_rate", dilationRate.description), ("groups", cfg(groups)),
         ("activation", activation.description), ("use_bias", cfg(useBias)),
         ("kernel_initializer", cfg(kernelInitializer)), ("bias_initializer", cfg(biasInitializer))]
    }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        try expectRank(inputShapes, 0, 4, imageInput)
        let (h, w) = try windowOutput2D(inputShapes, 0, kernel: kernelSize, strides: strides, dilation: dilationRate,
                                        padding: padding, window: "kernel")
        return [inputShapes[0][0], h, w, filters]
    }

    override public func weightSpecs(for inputShapes: [[Int?]]) throws -> [WeightSpec] {
        let cin = try knownDimension(inputShapes, 0, axis: 3, "channel dimension (the last)")
        guard cin % groups == 0 else {
            throw shapeError("with groups=\(groups) expects input channels divisible by \(groups)", input: 0, inputShapes)
        }
        var specs = [WeightSpec("kernel", [kernelSize.height, kernelSize.width, cin / groups, filters], kernelInitializer)]
        if useBias { specs.append(WeightSpec("bias", [filters], biasInitializer)) }
        return specs
    }

    /// Convolution, bias and activation as one op (`fusedConv2d`).
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try forward(inputs, context: context, activation: activation)
    }

    func forward(_ inputs: [Variable], context: ForwardContext, activation: ActivationFunction) throws -> Variable {
        try checkValueCount(inputs)
        return try fusedConv2d(inputs[0], kernel: variable("kernel", context), bias: optionalVariable("bias", context),
                               activation: activation, strides: strides.pair, padding: padding,
                               dilation: dilationRate.pair, groups: groups)
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer {
        try Conv2D(filters: filters, kernelSize: kernelSize, strides: strides, padding: padding, dilationRate: dilationRate,
                   groups: groups, activation: activation, useBias: useBias, kernelInitializer: kernelInitializer,
                   biasInitializer: biasInitializer, name: name)
    }
}

/// Keras `DepthwiseConv2D(kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
/// dilation_rate=(1, 1), activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
/// bias_initializer="zeros")`: each input channel convolved with its own `depth_multiplier` filters.
///
/// Weights: `depthwise_kernel (kh, kw, channels, depth_multiplier)`, `bias (channels * depth_multiplier,)`.
public final class DepthwiseConv2D: Layer, ActivationFusing {
    public let kernelSize: Size2D
    public let strides: Size2D
    public let padding: Padding
    public let depthMultiplier: Int
    public let dilationRate: Size2D
    public let activation: ActivationFunction
    public let useBias: Bool
    public let depthwiseInitializer: Initializer
    public let biasInitializer: Initializer

    public init(kernelSize: Size2D, strides: Size2D = 1, padding: Padding = .valid, depthMultiplier: Int = 1,
                dilationRate: Size2D = 1, activation: ActivationFunction = .linear, useBias: Bool = true,
                depthwiseInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
                name: String? = nil) throws {
        try checkSize(depthMultiplier, "depth_multiplier", of: "DepthwiseConv2D")
        try validateConvolution("DepthwiseConv2D", kernelSize: kernelSize, strides: strides, dilationRate: dilationRate, padding: padding)
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.depthMultiplier = depthMultiplier
        self.dilationRate = dilationRate
        self.activation = activation
        self.useBias = useBias
        self.depthwiseInitializer = depthwiseInitializer
        self.biasInitializer = biasInitializer
        try super.init(typeName: "DepthwiseConv2D", name: name)
    }

    override public var config: [(key: String, value: String)] {
        [("kernel_size", kernelSize.description), ("strides", strides.description), ("padding", cfg(padding)),
         ("depth_multiplier", cfg(depthMultiplier)), ("dilation_rate", dilationRate.description),
         ("activation", activation.description), ("use_bias", cfg(useBias)),
         ("depthwise_initializer", cfg(depthwiseInitializer)), ("bias_initializer", cfg(biasInitializer))]
    }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        try expectRank(inputShapes, 0, 4, imageInput)
        let (h, w) = try windowOutput2D(inputShapes, 0, kernel: kernelSize, strides: strides, dilation: dilationRate,
                                        padding: padding, window: "kernel")
        return [inputShapes[0][0], h, w, inputShapes[0][3].map { $0 * depthMultiplier }]
    }

    override public func weightSpecs(for inputShapes: [[Int?]]) throws -> [WeightSpec] {
        let cin = try knownDimension(inputShapes, 0, axis: 3, "channel dimension (the last)")
        var specs = [WeightSpec("depthwise_kernel", [kernelSize.height, kernelSize.width, cin, depthMultiplier], depthwiseInitializer)]
        if useBias { specs.append(WeightSpec("bias", [cin * depthMultiplier], biasInitializer)) }
        return specs
    }

    /// A grouped convolution with one group per input channel: Keras's kernel
    /// `(kh, kw, channels, multiplier)` read as `(kh, kw, 1, channels * multiplier)` (no copy), so
    /// output channel `c * multiplier + j` comes from input channel `c`, as in Keras. Bias and
    /// activation are fused.
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try forward(inputs, context: context, activation: activation)
    }

    func forward(_ inputs: [Variable], context: ForwardContext, activation: ActivationFunction) throws -> Variable {
        try checkValueCount(inputs)
        return try depthwise(inputs[0], kernel: variable("depthwise_kernel", context), bias: optionalVariable("bias", context),
                             activation: activation, strides: strides, padding: padding, dilation: dilationRate)
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer {
        try DepthwiseConv2D(kernelSize: kernelSize, strides: strides, padding: padding, depthMultiplier: depthMultiplier,
                            dilationRate: dilationRate, activation: activation, useBias: useBias,
                            depthwiseInitializer: depthwiseInitializer, biasInitializer: biasInitializer, name: name)
    }
}

/// Keras `SeparableConv2D(filters, kernel_size, strides=(1, 1), padding="valid",
/// dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True, ...)`: a depthwise
/// convolution followed by a 1x1 pointwise one.
///
/// Weights: `depthwise_kernel (kh, kw, channels, depth_multiplier)`,
/// `pointwise_kernel (1, 1, channels * depth_multiplier, filters)`, `bias (filters,)`.
public final class SeparableConv2D: Layer, ActivationFusing {
    public let filters: Int
    public let kernelSize: Size2D
    public let strides: Size2D
    public let padding: Padding
    public let dilationRate: Size2D
    public let depthMultiplier: Int
    public let activation: ActivationFunction
    public let useBias: Bool
    public let depthwiseInitializer: Initializer
    public let pointwiseInitializer: Initializer
    public let biasInitializer: Initializer

    public init(filters: Int, kernelSize: Size2D, strides: Size2D = 1, padding: Padding = .valid,
                dilationRate: Size2D = 1, depthMultiplier: Int = 1, activation: ActivationFunction = .linear,
                useBias: Bool = true, depthwiseInitializer: Initializer = .glorotUniform,
                pointwiseInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
                name: String? = nil) throws {
        try checkSize(filters, "filters", of: "SeparableConv2D")
        try checkSize(depthMultiplier, "depth_multiplier", of: "SeparableConv2D")
        try validateConvolution("SeparableConv2D", kernelSize: kernelSize, strides: strides, dilationRate: dilationRate, padding: padding)
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.dilationRate = dilationRate
        self.depthMultiplier = depthMultiplier
        self.activation = activation
        self.useBias = useBias
        self.depthwiseInitializer = depthwiseInitializer
        self.pointwiseInitializer = pointwiseInitializer
        self.biasInitializer = biasInitializer
        try super.init(typeName: "SeparableConv2D", name: name)
    }

    override public var config: [(key: String, value: String)] {
        [("filters", cfg(filters)), ("kernel_size", kernelSize.description), ("strides", strides.description),
         ("padding", cfg(padding)), ("dilation_rate", dilationRate.description), ("depth_multiplier", cfg(depthMultiplier)),
         ("activation", activation.description), ("use_bias", cfg(useBias)),
         ("depthwise_initializer", cfg(depthwiseInitializer)), ("pointwise_initializer", cfg(pointwiseInitializer)),
         ("bias_initializer", cfg(biasInitializer))]
    }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        try expectRank(inputShapes, 0, 4, imageInput)
        let (h, w) = try windowOutput2D(inputShapes, 0, kernel: kernelSize, strides: strides, dilation: dilationRate,
                                        padding: padding, window: "kernel")
        return [inputShapes[0][0], h, w, filters]
    }

    override public func weightSpecs(for inputShapes: [[Int?]]) throws -> [WeightSpec] {
        let cin = try knownDimension(inputShapes, 0, axis: 3, "channel dimension (the last)")
        var specs = [WeightSpec("depthwise_kernel", [kernelSize.height, kernelSize.width, cin, depthMultiplier], depthwiseInitializer),
                     WeightSpec("pointwise_kernel", [1, 1, cin * depthMultiplier, filters], pointwiseInitializer)]
        if useBias { specs.append(WeightSpec("bias", [filters], biasInitializer)) }
        return specs
    }

    /// The depthwise convolution (strides, padding and dilation apply to it), then the 1x1
    /// pointwise one with the bias and activation fused: two ops.
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try forward(inputs, context: context, activation: activation)
    }

    func forward(_ inputs: [Variable], context: ForwardContext, activation: ActivationFunction) throws -> Variable {
        try checkValueCount(inputs)
        let d = try depthwise(inputs[0], kernel: variable("depthwise_kernel", context), bias: nil, activation: .linear,
                              strides: strides, padding: padding, dilation: dilationRate)
        return try fusedConv2d(d, kernel: variable("pointwise_kernel", context), bias: optionalVariable("bias", context),
                               activation: activation)
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer {
        try SeparableConv2D(filters: filters, kernelSize: kernelSize, strides: strides, padding: padding,
                            dilationRate: dilationRate, depthMultiplier: depthMultiplier, activation: activation,
                            useBias: useBias, depthwiseInitializer: depthwiseInitializer,
                            pointwiseInitializer: pointwiseInitializer, biasInitializer: biasInitializer, name: name)
    }
}

/// Keras `Conv2DTranspose(filters, kernel_size, strides=(1, 1), padding="valid",
/// output_padding=None, dilation_rate=(1, 1), activation=None, use_bias=True, ...)`: the
/// gradient of a convolution, which upsamples by `strides`.
///
/// Weights: `kernel (kh, kw, filters, channels)` (output channels before input channels, as in
/// Keras), `bias (filters,)`. Output size per axis, Keras's `deconv_output_length`: without
/// `output_padding`, `n * s + max(k - s, 0)` for "valid" and `n * s` for "same"; with it,
/// `(n - 1) * s + k - 2 * pad + output_padding` where `pad` is `k / 2` for "same", 0 for "valid".
public final class Conv2DTranspose: Layer, ActivationFusing {
    public let filters: Int
    public let kernelSize: Size2D
    public let strides: Size2D
    public let padding: Padding
    public let outputPadding: Size2D?
    public let dilationRate: Size2D
    public let activation: ActivationFunction
    public let useBias: Bool
    public let kernelInitializer: Initializer
    public let biasInitializer: Initializer

    public init(filters: Int, kernelSize: Size2D, strides: Size2D = 1, padding: Padding = .valid,
                outputPadding: Size2D? = nil, dilationRate: Size2D = 1, activation: ActivationFunction = .linear,
                useBias: Bool = true, kernelInitializer: Initializer = .glorotUniform,
                biasInitializer: Initializer = .zeros, name: String? = nil) throws {
        try checkSize(filters, "filters", of: "Conv2DTranspose")
        try validateConvolution("Conv2DTranspose", kernelSize: kernelSize, strides: strides, dilationRate: dilationRate, padding: padding)
        if case .explicit = padding {
            throw Layer.argumentError("Conv2DTranspose", "padding must be \"valid\" or \"same\", got \(padding)")
        }
        if let op = outputPadding {
            try op.validate("output_padding", of: "Conv2DTranspose", minimum: 0)
            guard op.height < strides.height, op.width < strides.width else {
                throw Layer.argumentError("Conv2DTranspose", "output_padding \(op) must be smaller than strides \(strides)")
            }
        }
        self.filters = filters
        self.kernelSize = kernelSize
        self.strides = strides
        self.padding = padding
        self.outputPadding = outputPadding
        self.dilationRate = dilationRate
        self.activation = activation
        self.useBias = useBias
        self.kernelInitializer = kernelInitializer
        self.biasInitializer = biasInitializer
        try super.init(typeName: "Conv2DTranspose", name: name)
    }

    override public var config: [(key: String, value: String)] {
        [("filters", cfg(filters)), ("kernel_size", kernelSize.description), ("strides", strides.description),
         ("padding", cfg(padding)), ("output_padding", outputPadding?.description ?? "none"),
         ("dilation_rate", dilationRate.description), ("activation", activation.description), ("use_bias", cfg(useBias)),
         ("kernel_initializer", cfg(kernelInitializer)), ("bias_initializer", cfg(biasInitializer))]
    }

    /// Keras's `deconv_output_length` along one axis.
    static func outputLength(_ n: Int, kernel: Int, stride: Int, dilation: Int, padding: Padding, outputPadding: Int?) -> Int {
        let k = kernel + (kernel - 1) * (dilation - 1)
        let same: Bool
        if case .same = padding { same = true } else { same = false }
        guard let op = outputPadding else {
            return same ? n * stride : n * stride + Swift.max(k - stride, 0)
        }
        let pad = same ? k / 2 : 0
        return (n - 1) * stride + k - 2 * pad + op
    }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        try expectRank(inputShapes, 0, 4, imageInput)
        let s = inputShapes[0]
        let h = s[1].map { Conv2DTranspose.outputLength($0, kernel: kernelSize.height, stride: strides.height,
                                                        dilation: dilationRate.height, padding: padding, outputPadding: outputPadding?.height) }
        let w = s[2].map { Conv2DTranspose.outputLength($0, kernel: kernelSize.width, stride: strides.width,
                                                        dilation: dilationRate.width, padding: padding, outputPadding: outputPadding?.width) }
        if let h, let w, h <= 0 || w <= 0 {
            throw shapeError("would produce an empty output (\(h)x\(w))", input: 0, inputShapes)
        }
        return [s[0], h, w, filters]
    }

    override public func weightSpecs(for inputShapes: [[Int?]]) throws -> [WeightSpec] {
        let cin = try knownDimension(inputShapes, 0, axis: 3, "channel dimension (the last)")
        var specs = [WeightSpec("kernel", [kernelSize.height, kernelSize.width, filters, cin], kernelInitializer)]
        if useBias { specs.append(WeightSpec("bias", [filters], biasInitializer)) }
        return specs
    }

    /// The transposed convolution, bias and activation as one op (`fusedConv2dTranspose`).
    ///
    /// Without `output_padding` the tensor library's "valid" / "same" sizes are Keras's. With it,
    /// the padding is derived as TensorFlow derives it for Keras (the forward convolution of the
    /// `deconv_output_length`-sized output: `total = (n - 1) * s + k - out`, `before = total / 2`
    /// for "same", 0 for "valid"); rows the windows do not reach are zeros before the bias.
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try forward(inputs, context: context, activation: activation)
    }

    func forward(_ inputs: [Variable], context: ForwardContext, activation: ActivationFunction) throws -> Variable {
        try checkValueCount(inputs)
        let x = inputs[0]
        var pad = padding
        var extra = (bottom: 0, right: 0)
        if let op = outputPadding {
            guard x.shape.count == 4 else {
                throw NetworkError(name, "expects 4-D input \(imageInput)", received: [.init(shape: x.shape.map { $0 })])
            }
            let h = transposePadding(x.shape[1], kernel: kernelSize.height, stride: strides.height,
                                     dilation: dilationRate.height, outputPadding: op.height)
            let w = transposePadding(x.shape[2], kernel: kernelSize.width, stride: strides.width,
                                     dilation: dilationRate.width, outputPadding: op.width)
            pad = .explicit(top: h.before, bottom: h.after, left: w.before, right: w.after)
            extra = (h.extra, w.extra)
        }
        return try fusedConv2dTranspose(x, kernel: variable("kernel", context), bias: optionalVariable("bias", context),
                                        activation: activation, strides: strides.pair, padding: pad,
                                        dilation: dilationRate.pair, extra: extra)
    }

    /// Padding before and after along one axis for an explicit `output_padding`, and the rows of
    /// zeros beyond the last window (when the windows end before the output does).
    func transposePadding(_ n: Int, kernel: Int, stride: Int, dilation: Int, outputPadding: Int) -> (before: Int, after: Int, extra: Int) {
        let span = (kernel - 1) * dilation + 1
        let length = Conv2DTranspose.outputLength(n, kernel: kernel, stride: stride, dilation: dilation,
                                                  padding: padding, outputPadding: outputPadding)
        let total = (n - 1) * stride + span - length
        var before = 0
        if case .same = padding { before = Swift.max(total, 0) / 2 }
        let after = total - before
        return after >= 0 ? (before, after, 0) : (before, 0, -after)
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer {
        try Conv2DTranspose(filters: filters, kernelSize: kernelSize, strides: strides, padding: padding,
                            outputPadding: outputPadding, dilationRate: dilationRate, activation: activation,
                            useBias: useBias, kernelInitializer: kernelInitializer, biasInitializer: biasInitializer, name: name)
    }
}

/// A depthwise convolution with Keras's kernel `(kh, kw, channels, multiplier)`, bias and
/// activation fused: a grouped convolution with one group per channel on the kernel reshaped to
/// `(kh, kw, 1, channels * multiplier)`.
func depthwise(_ x: Variable, kernel: Variable, bias: Variable?, activation: ActivationFunction,
               strides: Size2D, padding: Padding, dilation: Size2D) throws -> Variable {
    let k = kernel.shape
    guard k.count == 4, x.shape.count == 4, x.shape[3] == k[2] else {
        throw TensorError("depthwise_conv2d", "input \(formatShape(x.shape)) does not fit depthwise kernel \(formatShape(k)): the kernel's third dimension must be the input's channels")
    }
    let grouped = try kernel.reshape([k[0], k[1], 1, k[2] * k[3]])
    return try fusedConv2d(x, kernel: grouped, bias: bias, activation: activation, strides: strides.pair,
                           padding: padding, dilation: dilation.pair, groups: k[2])
}
