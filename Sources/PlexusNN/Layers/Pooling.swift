import PlexusTensor
/// The pooling layers shared arguments: Keras `MaxPooling2D(pool_size=(2, 2), strides=None,
/// padding="valid")`, where `strides` defaults to `pool_size` (non-overlapping windows).
public class Pooling2D: Layer {
    public let poolSize: Size2D
    public let strides: Size2D
    public let padding: Padding

    init(typeName: String, poolSize: Size2D, strides: Size2D?, padding: Padding, name: String?) throws {
        try poolSize.validate("pool_size", of: typeName)
        try strides?.validate("strides", of: typeName)
        if case .explicit = padding {
            throw Layer.argumentError(typeName, "padding must be \"valid\" or \"same\", got \(padding)")
        }
        self.poolSize = poolSize
        self.strides = strides ?? poolSize
        self.padding = padding
        try super.init(typeName: typeName, name: name)
    }

    override public var config: [(key: String, value: String)] {
        [("pool_size", poolSize.description), ("strides", strides.description), ("padding", cfg(padding))]
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
    public init(poolSize: Size2D = 2, strides: Size2D? = nil, padding: Padding = .valid, name: String? = nil) throws {
        try super.init(typeName: "MaxPooling2D", poolSize: poolSize, strides: strides, padding: padding, name: name)
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer {
        try MaxPooling2D(poolSize: poolSize, strides: strides, padding: padding, name: name)
    }

    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        return try maxPool2d(inputs[0], poolSize: poolSize.pair, strides: strides.pair, padding: padding)
    }
}

/// Keras `AveragePooling2D(pool_size=(2, 2), strides=None, padding="valid")`.
public final class AveragePooling2D: Pooling2D {
    public init(poolSize: Size2D = 2, strides: Size2D? = nil, padding: Padding = .valid, name: String? = nil) throws {
        try super.init(typeName: "AveragePooling2D", poolSize: poolSize, strides: strides, padding: padding, name: name)
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer {
        try AveragePooling2D(poolSize: poolSize, strides: strides, padding: padding, name: name)
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
    public let keepdims: Bool

    init(typeName: String, keepdims: Bool, name: String?) throws {
        self.keepdims = keepdims
        try super.init(typeName: typeName, name: name)
    }

    override public var config: [(key: String, value: String)] { [("keepdims", cfg(keepdims))] }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        try expectRank(inputShapes, 0, 4, imageInput)
        let s = inputShapes[0]
        return keepdims ? [s[0], 1, 1, s[3]] : [s[0], s[3]]
    }
}

/// Keras `GlobalAveragePooling2D(keepdims=False)`.
public final class GlobalAveragePooling2D: GlobalPooling2D {
    public init(keepdims: Bool = false, name: String? = nil) throws {
        try super.init(typeName: "GlobalAveragePooling2D", keepdims: keepdims, name: name)
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer { try GlobalAveragePooling2D(keepdims: keepdims, name: name) }

    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        return try globalAvgPool2d(inputs[0], keepDims: keepdims)
    }
}

/// Keras `GlobalMaxPooling2D(keepdims=False)`.
public final class GlobalMaxPooling2D: GlobalPooling2D {
    public init(keepdims: Bool = false, name: String? = nil) throws {
        try super.init(typeName: "GlobalMaxPooling2D", keepdims: keepdims, name: name)
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer { try GlobalMaxPooling2D(keepdims: keepdims, name: name) }

    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        return try globalMaxPool2d(inputs[0], keepDims: keepdims)
    }
}
