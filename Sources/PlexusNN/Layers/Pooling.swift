import PlexusTensor
/// The pooling layers shared arguments: Keras `MaxPooling2D(pool_size=(2, 2), strides=None,
/// padding="valid")`, where `strides` defaults to `pool_size` (non-overlapping windows).
public class Pooling2D: Layer {
    /// The arguments of `MaxPooling2D` and `AveragePooling2D`.
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("pool_size", .size2D, positional: true, default: .size2D(2), check: .positive,
                     doc: "the window's height and width"),
        ArgumentSpec("strides", .size2D, optional: true, check: .positive,
                     doc: "the step of the window (none: the pool size, windows that do not overlap)"),
        .padding, channelsLastArgument,
    ]

    public let poolSize: Size2D
    public let strides: Size2D
    public let padding: Padding

    /// The arguments with `strides` settled to the pool size when left out, as Keras does (so
    /// copies, summaries and Keras files show the strides in use).
    init(arguments given: LayerArguments, name: String?) throws {
        let typeName = given.spec.className
        var arguments = given
        poolSize = try arguments.size2D("pool_size")
        if arguments["strides"] == .none { arguments = try arguments.setting("strides", .size2D(poolSize)) }
        strides = try arguments.size2D("strides")
        padding = try arguments.padding("padding")
        if case .explicit = padding {
            throw Layer.argumentError(typeName, argument: "padding", "padding must be \"valid\" or \"same\", got \(padding)")
        }
        try super.init(typeName: typeName, name: name, arguments: arguments)
    }

    /// Checked arguments of `spec` from Swift values.
    static func arguments(_ spec: LayerSpec, poolSize: Size2D, strides: Size2D?, padding: Padding) throws -> LayerArguments {
        try spec.arguments(["pool_size": .size2D(poolSize), "strides": strides.map { .size2D($0) } ?? .none,
                            "padding": .padding(padding)])
    }

    override public func pixelGeometry(for inputShapes: [[Int?]]) -> PixelGeometry? {
        .window(kernel: poolSize, strides: strides, dilation: 1, padding: padding)
    }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        try expectRank(inputShapes, 0, 4, imageInput)
        let (h, w) = try windowOutput2D(inputShapes, 0, kernel: poolSize, strides: strides, dilation: 1,
                                        padding: padding, window: "pool")
        return [inputShapes[0][0], h, w, inputShapes[0][3]]
    }
}

/// Keras `MaxPooling2D(pool_size=(2, 2), strides=None, padding="valid")`.
public final class MaxPooling2D: Pooling2D {
    public static let spec = LayerSpec(
        "MaxPooling2D", builtin: "maxpool", aliases: ["max_pooling2d"], arguments: Pooling2D.arguments,
        help: "Max pooling over height and width (Keras MaxPooling2D). The strides default to the pool size, so maxpool(3) takes non-overlapping 3x3 windows.",
        example: "h = h |> maxpool(3)    # (None, 27, 27, 24) -> (None, 9, 9, 24)",
        make: { try MaxPooling2D(arguments: $0, name: $1) })

    override init(arguments: LayerArguments, name: String?) throws { try super.init(arguments: arguments, name: name) }

    public convenience init(poolSize: Size2D = 2, strides: Size2D? = nil, padding: Padding = .valid, name: String? = nil) throws {
        try self.init(arguments: Pooling2D.arguments(MaxPooling2D.spec, poolSize: poolSize, strides: strides, padding: padding), name: name)
    }

    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        return try maxPool2d(inputs[0], poolSize: poolSize.pair, strides: strides.pair, padding: padding)
    }
}

/// Keras `AveragePooling2D(pool_size=(2, 2), strides=None, padding="valid")`.
public final class AveragePooling2D: Pooling2D {
    public static let spec = LayerSpec(
        "AveragePooling2D", builtin: "avgpool", aliases: ["average_pooling2d"], arguments: Pooling2D.arguments,
        help: "Average pooling over height and width (Keras AveragePooling2D); the strides default to the pool size.",
        example: "h = h |> avgpool(2)    # halves height and width",
        make: { try AveragePooling2D(arguments: $0, name: $1) })

    override init(arguments: LayerArguments, name: String?) throws { try super.init(arguments: arguments, name: name) }

    public convenience init(poolSize: Size2D = 2, strides: Size2D? = nil, padding: Padding = .valid, name: String? = nil) throws {
        try self.init(arguments: Pooling2D.arguments(AveragePooling2D.spec, poolSize: poolSize, strides: strides, padding: padding), name: name)
    }

    /// Each window averages the cells it covers (padding not counted, as TensorFlow does).
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        return try avgPool2d(inputs[0], poolSize: poolSize.pair, strides: strides.pair, padding: padding)
    }
}

/// Global pooling over height and width: `(batch, h, w, c)` to `(batch, c)`, or
/// `(batch, 1, 1, c)` with `keepdims`.
public class GlobalPooling2D: Layer {
    /// The arguments of both global poolings.
    static let arguments: [ArgumentSpec] = [
        ArgumentSpec("keepdims", .bool, default: .bool(false), doc: "whether height and width stay, as 1"),
        channelsLastArgument,
    ]

    public let keepdims: Bool

    init(arguments: LayerArguments, name: String?) throws {
        keepdims = try arguments.bool("keepdims")
        try super.init(typeName: arguments.spec.className, name: name, arguments: arguments)
    }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        try expectRank(inputShapes, 0, 4, imageInput)
        let s = inputShapes[0]
        return keepdims ? [s[0], 1, 1, s[3]] : [s[0], s[3]]
    }
}

/// Keras `GlobalAveragePooling2D(keepdims=False)`.
public final class GlobalAveragePooling2D: GlobalPooling2D {
    public static let spec = LayerSpec(
        "GlobalAveragePooling2D", builtin: "global_avg_pool", aliases: ["gap", "global_average_pooling2d"],
        arguments: GlobalPooling2D.arguments,
        help: "The mean over height and width of each channel (Keras GlobalAveragePooling2D): (None, h, w, c) to (None, c), or (None, 1, 1, c) with keepdims.",
        example: "v = h |> gap()    # (None, 7, 7, 512) -> (None, 512)",
        make: { try GlobalAveragePooling2D(arguments: $0, name: $1) })

    override init(arguments: LayerArguments, name: String?) throws { try super.init(arguments: arguments, name: name) }

    public convenience init(keepdims: Bool = false, name: String? = nil) throws {
        try self.init(arguments: GlobalAveragePooling2D.spec.arguments(["keepdims": .bool(keepdims)]), name: name)
    }

    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        return try globalAvgPool2d(inputs[0], keepDims: keepdims)
    }
}

/// Keras `GlobalMaxPooling2D(keepdims=False)`.
public final class GlobalMaxPooling2D: GlobalPooling2D {
    public static let spec = LayerSpec(
        "GlobalMaxPooling2D", builtin: "global_max_pool", aliases: ["global_max_pooling2d"],
        arguments: GlobalPooling2D.arguments,
        help: "The maximum over height and width of each channel (Keras GlobalMaxPooling2D): (None, h, w, c) to (None, c).",
        example: "v = h |> global_max_pool()",
        make: { try GlobalMaxPooling2D(arguments: $0, name: $1) })

    override init(arguments: LayerArguments, name: String?) throws { try super.init(arguments: arguments, name: name) }

    public convenience init(keepdims: Bool = false, name: String? = nil) throws {
        try self.init(arguments: GlobalMaxPooling2D.spec.arguments(["keepdims": .bool(keepdims)]), name: name)
    }

    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        return try globalMaxPool2d(inputs[0], keepDims: keepdims)
    }
}
