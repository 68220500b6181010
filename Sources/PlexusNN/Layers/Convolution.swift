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

/// Checks what the arguments of a 2-D convolution must satisfy together (each argument's own range
/// is in its spec), as Keras does at construction.
func validateConvolution(_ typeName: String, strides: Size2D, dilationRate: Size2D, padding: Padding) throws {
    if case let .explicit(t, b, l, r) = padding, min(t, b, l, r) < 0 || max(t, b, l, r) > maximumDimension {
        throw Layer.argumentError(typeName, argument: "padding", "padding must be between 0 and \(formatCount(maximumDimension)), got \(padding)")
    }
    if (strides.height > 1 || strides.width > 1) && (dilationRate.height > 1 || dilationRate.width > 1) {
        throw Layer.argumentError(typeName, argument: "strides", "strides > 1 not supported in conjunction with dilation_rate > 1, got strides \(strides) and dilation_rate \(dilationRate)")
    }
}

extension ArgumentSpec {
    /// `filters`: the number of output channels.
    static let filters = ArgumentSpec("filters", .integer, positional: true, check: .positive, doc: "the number of output channels")
    /// `kernel_size`: the window's height and width.
    static let kernelSize = ArgumentSpec("kernel_size", .size2D, positional: true, check: .positive,
                                         doc: "the height and width of the kernel")
    /// `depth_multiplier`: output channels per input channel of a depthwise convolution.
    static let depthMultiplier = ArgumentSpec("depth_multiplier", .integer, default: .int(1), check: .positive,
                                              doc: "the filters each input channel gets")
}

let imageInput = "(batch, h, w, channels)"

/// Keras `Conv2D(filters, kernel_size, strides=(1, 1), padding="valid", dilation_rate=(1, 1),
/// groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
/// bias_initializer="zeros")`.
///
/// Weights: `kernel (kh, kw, channels / groups, filters)`, `bias (filters,)`.
public final class Conv2D: Layer, ActivationFusing, PaddingAbsorbing, EpilogueFusing {
    public static let spec = LayerSpec(
        "Conv2D", builtin: "conv2d",
        arguments: [.filters, .kernelSize, .strides, .padding, channelsLastArgument, .dilationRate,
                    ArgumentSpec("groups", .integer, default: .int(1), check: .positive,
                                 doc: "channel groups convolved separately; filters and input channels must divide by it"),
                    .activation, .useBias, .initializer("kernel_initializer", .glorotUniform, of: "kernel"),
                    .initializer("bias_initializer", .zeros, of: "bias")] + unregularizedArguments(["kernel", "bias"]),
        help: "A 2-D convolution over (batch, height, width, channels) inputs (Keras Conv2D). Sizes take one integer or two: kernel_size 3 or (3, 5). Weights: kernel (kh, kw, channels / groups, filters) and bias (filters,).",
        example: "h = x |> conv2d(32, 3, padding: \"same\", activation: relu)    # (None, 28, 28, 32)",
        make: { try Conv2D(arguments: $0, name: $1) })

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

    /// - Throws: `NetworkError` for strides > 1 with dilation > 1, or `filters` not divisible by
    ///   `groups` (each argument's own range is checked by the spec).
    public init(arguments: LayerArguments, name: String?) throws {
        filters = try arguments.int("filters")
        kernelSize = try arguments.size2D("kernel_size")
        strides = try arguments.size2D("strides")
        padding = try arguments.padding("padding")
        dilationRate = try arguments.size2D("dilation_rate")
        groups = try arguments.int("groups")
        activation = try arguments.activation("activation")
        useBias = try arguments.bool("use_bias")
        kernelInitializer = try arguments.initializer("kernel_initializer")
        biasInitializer = try arguments.initializer("bias_initializer")
        guard filters % groups == 0 else {
            throw Layer.argumentError("Conv2D", argument: "filters", "filters (\(filters)) must be divisible by groups (\(groups))")
        }
        try validateConvolution("Conv2D", strides: strides, dilationRate: dilationRate, padding: padding)
        try super.init(typeName: Conv2D.spec.className, name: name, arguments: arguments)
    }

    /// - Throws: `NetworkError` for a non-positive size, strides > 1 with dilation > 1, or
    ///   `filters` not divisible by `groups`.
    public convenience init(filters: Int, kernelSize: Size2D, strides: Size2D = 1, padding: Padding = .valid,
                            dilationRate: Size2D = 1, groups: Int = 1, activation: ActivationFunction = .linear,
                            useBias: Bool = true, kernelInitializer: Initializer = .glorotUniform,
                            biasInitializer: Initializer = .zeros, name: String? = nil) throws {
        try self.init(arguments: Conv2D.spec.arguments([
            "filters": .int(filters), "kernel_size": .size2D(kernelSize), "strides": .size2D(strides), "padding": .padding(padding),
            "dilation_rate": .size2D(dilationRate), "groups": .int(groups), "activation": .activation(activation),
            "use_bias": .bool(useBias), "kernel_initializer": .initializer(kernelInitializer),
            "bias_initializer": .initializer(biasInitializer),
        ]), name: name)
    }

    override public func pixelGeometry(for inputShapes: [[Int?]]) -> PixelGeometry? {
        .window(kernel: kernelSize, strides: strides, dilation: dilationRate, padding: padding)
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
        try forward(inputs, context: context, activation: activation, padding: padding)
    }

    func forward(_ inputs: [Variable], context: ForwardContext, activation: ActivationFunction, padding: Padding) throws -> Variable {
        try checkValueCount(inputs)
        return try fusedConv2d(inputs[0], kernel: variable("kernel", context), bias: optionalVariable("bias", context),
                               activation: activation, strides: strides.pair, padding: padding,
                               dilation: dilationRate.pair, groups: groups)
    }

    func forward(_ inputs: [Variable], context: ForwardContext, padding: Padding?, epilogue: ChannelEpilogue) throws -> Tensor {
        try checkValueCount(inputs)
        return try conv2d(inputs[0].value, variable("kernel", context).value, bias: optionalVariable("bias", context)?.value,
                          strides: strides.pair, padding: padding ?? self.padding, dilation: dilationRate.pair, groups: groups,
                          epilogue: epilogue)
    }
}

/// Keras `DepthwiseConv2D(kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
/// dilation_rate=(1, 1), activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
/// bias_initializer="zeros")`: each input channel convolved with its own `depth_multiplier` filters.
///
/// Weights: `depthwise_kernel (kh, kw, channels, depth_multiplier)`, `bias (channels * depth_multiplier,)`.
public final class DepthwiseConv2D: Layer, ActivationFusing, PaddingAbsorbing, EpilogueFusing {
    public static let spec = LayerSpec(
        "DepthwiseConv2D", builtin: "depthwise_conv2d",
        arguments: [.kernelSize, .strides, .padding, .depthMultiplier, channelsLastArgument, .dilationRate, .activation, .useBias,
                    .initializer("depthwise_initializer", .glorotUniform, of: "depthwise_kernel"),
                    .initializer("bias_initializer", .zeros, of: "bias")] + unregularizedArguments(["depthwise", "bias"]),
        help: "A depthwise 2-D convolution (Keras DepthwiseConv2D): each input channel convolved with its own depth_multiplier filters. Weights: depthwise_kernel (kh, kw, channels, depth_multiplier) and bias.",
        example: "h = x |> depthwise_conv2d(3, padding: \"same\")",
        make: { try DepthwiseConv2D(arguments: $0, name: $1) })

    public let kernelSize: Size2D
    public let strides: Size2D
    public let padding: Padding
    public let depthMultiplier: Int
    public let dilationRate: Size2D
    public let activation: ActivationFunction
    public let useBias: Bool
    public let depthwiseInitializer: Initializer
    public let biasInitializer: Initializer

    public init(arguments: LayerArguments, name: String?) throws {
        kernelSize = try arguments.size2D("kernel_size")
        strides = try arguments.size2D("strides")
        padding = try arguments.padding("padding")
        depthMultiplier = try arguments.int("depth_multiplier")
        dilationRate = try arguments.size2D("dilation_rate")
        activation = try arguments.activation("activation")
        useBias = try arguments.bool("use_bias")
        depthwiseInitializer = try arguments.initializer("depthwise_initializer")
        biasInitializer = try arguments.initializer("bias_initializer")
        try validateConvolution("DepthwiseConv2D", strides: strides, dilationRate: dilationRate, padding: padding)
        try super.init(typeName: DepthwiseConv2D.spec.className, name: name, arguments: arguments)
    }

    public convenience init(kernelSize: Size2D, strides: Size2D = 1, padding: Padding = .valid, depthMultiplier: Int = 1,
                            dilationRate: Size2D = 1, activation: ActivationFunction = .linear, useBias: Bool = true,
                            depthwiseInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
                            name: String? = nil) throws {
        try self.init(arguments: DepthwiseConv2D.spec.arguments([
            "kernel_size": .size2D(kernelSize), "strides": .size2D(strides), "padding": .padding(padding),
            "depth_multiplier": .int(depthMultiplier), "dilation_rate": .size2D(dilationRate), "activation": .activation(activation),
            "use_bias": .bool(useBias), "depthwise_initializer": .initializer(depthwiseInitializer),
            "bias_initializer": .initializer(biasInitializer),
        ]), name: name)
    }

    override public func pixelGeometry(for inputShapes: [[Int?]]) -> PixelGeometry? {
        .window(kernel: kernelSize, strides: strides, dilation: dilationRate, padding: padding)
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
        try forward(inputs, context: context, activation: activation, padding: padding)
    }

    func forward(_ inputs: [Variable], context: ForwardContext, activation: ActivationFunction, padding: Padding) throws -> Variable {
        try checkValueCount(inputs)
        return try depthwise(inputs[0], kernel: variable("depthwise_kernel", context), bias: optionalVariable("bias", context),
                             activation: activation, strides: strides, padding: padding, dilation: dilationRate)
    }

    func forward(_ inputs: [Variable], context: ForwardContext, padding: Padding?, epilogue: ChannelEpilogue) throws -> Tensor {
        try checkValueCount(inputs)
        let x = inputs[0].value, kernel = try variable("depthwise_kernel", context).value
        let k = try depthwiseKernelShape(input: x.shape, kernel: kernel.shape)
        return try conv2d(x, kernel.reshaped(to: [k[0], k[1], 1, k[2] * k[3]]), bias: optionalVariable("bias", context)?.value,
                          strides: strides.pair, padding: padding ?? self.padding, dilation: dilationRate.pair, groups: k[2],
                          epilogue: epilogue)
    }
}

/// Keras `SeparableConv2D(filters, kernel_size, strides=(1, 1), padding="valid",
/// dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True, ...)`: a depthwise
/// convolution followed by a 1x1 pointwise one.
///
/// Weights: `depthwise_kernel (kh, kw, channels, depth_multiplier)`,
/// `pointwise_kernel (1, 1, channels * depth_multiplier, filters)`, `bias (filters,)`.
public final class SeparableConv2D: Layer, ActivationFusing {
    public static let spec = LayerSpec(
        "SeparableConv2D", builtin: "separable_conv2d",
        arguments: [.filters, .kernelSize, .strides, .padding, channelsLastArgument, .dilationRate, .depthMultiplier,
                    .activation, .useBias,
                    .initializer("depthwise_initializer", .glorotUniform, of: "depthwise_kernel"),
                    .initializer("pointwise_initializer", .glorotUniform, of: "pointwise_kernel"),
                    .initializer("bias_initializer", .zeros, of: "bias")] + unregularizedArguments(["depthwise", "pointwise", "bias"]),
        help: "A depthwise convolution followed by a 1x1 pointwise one (Keras SeparableConv2D): far fewer weights than conv2d for the same output.",
        example: "h = x |> separable_conv2d(64, 3, padding: \"same\", activation: relu)",
        make: { try SeparableConv2D(arguments: $0, name: $1) })

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

    public init(arguments: LayerArguments, name: String?) throws {
        filters = try arguments.int("filters")
        kernelSize = try arguments.size2D("kernel_size")
        strides = try arguments.size2D("strides")
        padding = try arguments.padding("padding")
        dilationRate = try arguments.size2D("dilation_rate")
        depthMultiplier = try arguments.int("depth_multiplier")
        activation = try arguments.activation("activation")
        useBias = try arguments.bool("use_bias")
        depthwiseInitializer = try arguments.initializer("depthwise_initializer")
        pointwiseInitializer = try arguments.initializer("pointwise_initializer")
        biasInitializer = try arguments.initializer("bias_initializer")
        try validateConvolution("SeparableConv2D", strides: strides, dilationRate: dilationRate, padding: padding)
        try super.init(typeName: SeparableConv2D.spec.className, name: name, arguments: arguments)
    }

    public convenience init(filters: Int, kernelSize: Size2D, strides: Size2D = 1, padding: Padding = .valid,
                            dilationRate: Size2D = 1, depthMultiplier: Int = 1, activation: ActivationFunction = .linear,
                            useBias: Bool = true, depthwiseInitializer: Initializer = .glorotUniform,
                            pointwiseInitializer: Initializer = .glorotUniform, biasInitializer: Initializer = .zeros,
                            name: String? = nil) throws {
        try self.init(arguments: SeparableConv2D.spec.arguments([
            "filters": .int(filters), "kernel_size": .size2D(kernelSize), "strides": .size2D(strides), "padding": .padding(padding),
            "dilation_rate": .size2D(dilationRate), "depth_multiplier": .int(depthMultiplier), "activation": .activation(activation),
            "use_bias": .bool(useBias), "depthwise_initializer": .initializer(depthwiseInitializer),
            "pointwise_initializer": .initializer(pointwiseInitializer), "bias_initializer": .initializer(biasInitializer),
        ]), name: name)
    }

    override public func pixelGeometry(for inputShapes: [[Int?]]) -> PixelGeometry? {
        .window(kernel: kernelSize, strides: strides, dilation: dilationRate, padding: padding)
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
    public static let spec = LayerSpec(
        "Conv2DTranspose", builtin: "conv2d_transpose",
        arguments: [.filters, .kernelSize, .strides, .padding,
                    ArgumentSpec("output_padding", .size2D, optional: true, check: .nonNegative,
                                 doc: "extra rows and columns on one side of the output, each below its stride (none: Keras's sizes)"),
                    channelsLastArgument, .dilationRate, .activation, .useBias,
                    .initializer("kernel_initializer", .glorotUniform, of: "kernel"),
                    .initializer("bias_initializer", .zeros, of: "bias")] + unregularizedArguments(["kernel", "bias"]),
        help: "A transposed convolution (Keras Conv2DTranspose), which upsamples by its strides: (None, 7, 7, c) with strides 2 and padding \"same\" gives (None, 14, 14, filters). Weights: kernel (kh, kw, filters, channels) and bias.",
        example: "up = h |> conv2d_transpose(32, 3, strides: 2, padding: \"same\")",
        make: { try Conv2DTranspose(arguments: $0, name: $1) })

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

    public init(arguments: LayerArguments, name: String?) throws {
        filters = try arguments.int("filters")
        kernelSize = try arguments.size2D("kernel_size")
        strides = try arguments.size2D("strides")
        padding = try arguments.padding("padding")
        outputPadding = try arguments.optionalSize2D("output_padding")
        dilationRate = try arguments.size2D("dilation_rate")
        activation = try arguments.activation("activation")
        useBias = try arguments.bool("use_bias")
        kernelInitializer = try arguments.initializer("kernel_initializer")
        biasInitializer = try arguments.initializer("bias_initializer")
        try validateConvolution("Conv2DTranspose", strides: strides, dilationRate: dilationRate, padding: padding)
        if case .explicit = padding {
            throw Layer.argumentError("Conv2DTranspose", argument: "padding", "padding must be \"valid\" or \"same\", got \(padding)")
        }
        if let op = outputPadding {
            guard op.height < strides.height, op.width < strides.width else {
                throw Layer.argumentError("Conv2DTranspose", argument: "output_padding", "output_padding \(op) must be smaller than strides \(strides)")
            }
        }
        try super.init(typeName: Conv2DTranspose.spec.className, name: name, arguments: arguments)
    }

    public convenience init(filters: Int, kernelSize: Size2D, strides: Size2D = 1, padding: Padding = .valid,
                            outputPadding: Size2D? = nil, dilationRate: Size2D = 1, activation: ActivationFunction = .linear,
                            useBias: Bool = true, kernelInitializer: Initializer = .glorotUniform,
                            biasInitializer: Initializer = .zeros, name: String? = nil) throws {
        try self.init(arguments: Conv2DTranspose.spec.arguments([
            "filters": .int(filters), "kernel_size": .size2D(kernelSize), "strides": .size2D(strides), "padding": .padding(padding),
            "output_padding": outputPadding.map { .size2D($0) } ?? .none, "dilation_rate": .size2D(dilationRate),
            "activation": .activation(activation), "use_bias": .bool(useBias),
            "kernel_initializer": .initializer(kernelInitializer), "bias_initializer": .initializer(biasInitializer),
        ]), name: name)
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

    override public func pixelGeometry(for inputShapes: [[Int?]]) -> PixelGeometry? {
        .upsample(factor: strides, grow: kernelSize)
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
}

/// A depthwise convolution with Keras's kernel `(kh, kw, channels, multiplier)`, bias and
/// activation fused: a grouped convolution with one group per channel on the kernel reshaped to
/// `(kh, kw, 1, channels * multiplier)`.
/// The depthwise kernel's shape `(kh, kw, channels, multiplier)`, checked against the input's.
func depthwiseKernelShape(input: [Int], kernel k: [Int]) throws -> [Int] {
    guard k.count == 4, input.count == 4, input[3] == k[2] else {
        throw TensorError("depthwise_conv2d", "input \(formatShape(input)) does not fit depthwise kernel \(formatShape(k)): the kernel's third dimension must be the input's channels")
    }
    return k
}

func depthwise(_ x: Variable, kernel: Variable, bias: Variable?, activation: ActivationFunction,
               strides: Size2D, padding: Padding, dilation: Size2D) throws -> Variable {
    let k = try depthwiseKernelShape(input: x.shape, kernel: kernel.shape)
    let grouped = try kernel.reshape([k[0], k[1], 1, k[2] * k[3]])
    return try fusedConv2d(x, kernel: grouped, bias: bias, activation: activation, strides: strides.pair,
                           padding: padding, dilation: dilation.pair, groups: k[2])
}
