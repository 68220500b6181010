import PlexusTensor
/// Keras `Flatten()`: `(batch, d1, d2, ...)` to `(batch, d1 * d2 * ...)`, unknown when a
/// dimension is unknown.
public final class Flatten: Layer {
    public init(name: String? = nil) throws { try super.init(typeName: "Flatten", name: name) }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        let s = inputShapes[0]
        guard !s.isEmpty else { throw shapeError("expects an input with a batch dimension", input: 0, inputShapes) }
        return [s[0], knownProduct(s.dropFirst())]
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer { try Flatten(name: name) }

    /// A reshape to `(batch, rest)`: no copy.
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        let s = inputs[0].shape
        guard let batch = s.first else {
            throw NetworkError(name, "expects an input with a batch dimension", received: [.init(shape: [])])
        }
        return try inputs[0].reshape([batch, s.dropFirst().reduce(1, *)])
    }
}

/// Keras `Reshape(target_shape)`: a new shape for each sample (the batch dimension is kept and
/// not written); one size may be -1, inferred from the others.
public final class Reshape: Layer {
    public let targetShape: [Int]

    /// - Throws: `NetworkError` when a size is 0 or below -1, or -1 appears twice.
    public init(targetShape: [Int], name: String? = nil) throws {
        try checkTargetShape(targetShape, "target_shape", of: "Reshape")
        self.targetShape = targetShape
        try super.init(typeName: "Reshape", name: name)
    }

    override public var config: [(key: String, value: String)] { [("target_shape", cfg(targetShape))] }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        let s = inputShapes[0]
        guard !s.isEmpty else { throw shapeError("expects an input with a batch dimension", input: 0, inputShapes) }
        let fixed = targetShape.filter { $0 != -1 }.reduce(1, *)
        var out: [Int?] = targetShape.map { $0 }
        if let count = knownProduct(s.dropFirst()) {
            if let u = targetShape.firstIndex(of: -1) {
                guard count % fixed == 0 else {
                    throw shapeError("cannot reshape to \(cfg(targetShape)): \(count) elements per sample are not a multiple of \(fixed)", input: 0, inputShapes)
                }
                out[u] = count / fixed
            } else if count != fixed {
                throw shapeError("cannot reshape to \(cfg(targetShape)) (\(fixed) elements per sample)", input: 0, inputShapes,
                                 hint: "the input has \(count) elements per sample")
            }
        } else if let u = targetShape.firstIndex(of: -1) {
            out[u] = nil
        }
        return [s[0]] + out
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer { try Reshape(targetShape: targetShape, name: name) }

    /// A reshape of each sample to the target shape (the batch kept): no copy.
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        guard let batch = inputs[0].shape.first else {
            throw NetworkError(name, "expects an input with a batch dimension", received: [.init(shape: [])])
        }
        return try inputs[0].reshape([batch] + targetShape)
    }
}

/// Keras `Permute(dims)`: reorders the non-batch dimensions; `dims` counts from 1 (the batch
/// dimension stays first), e.g. `(2, 1)` swaps rows and columns.
public final class Permute: Layer {
    public let dims: [Int]

    /// - Throws: `NetworkError` unless `dims` is a permutation of `1...n`.
    public init(dims: [Int], name: String? = nil) throws {
        guard dims.sorted() == Array(1...Swift.max(dims.count, 1)), !dims.isEmpty else {
            throw Layer.argumentError("Permute", "dims must be a permutation of 1...\(dims.count) (the batch dimension is not included), got \(cfg(dims))")
        }
        self.dims = dims
        try super.init(typeName: "Permute", name: name)
    }

    override public var config: [(key: String, value: String)] { [("dims", cfg(dims))] }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        let s = inputShapes[0]
        guard s.count == dims.count + 1 else {
            throw shapeError("expects \(dims.count + 1)-D input (batch and the \(dims.count) dimensions it permutes)", input: 0, inputShapes)
        }
        return [s[0]] + dims.map { s[$0] }
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer { try Permute(dims: dims, name: name) }

    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        return try inputs[0].permute([0] + dims)
    }
}

/// Keras `ZeroPadding2D(padding=(1, 1))`: zeros around height and width. One number pads all
/// sides, `(h, w)` pads top and bottom by `h`, left and right by `w`, or each side on its own.
public final class ZeroPadding2D: Layer {
    public let top: Int, bottom: Int, left: Int, right: Int

    /// Each side on its own: Keras's `((top, bottom), (left, right))`.
    public init(top: Int, bottom: Int, left: Int, right: Int, name: String? = nil) throws {
        guard min(top, bottom, left, right) >= 0, max(top, bottom, left, right) <= maximumDimension else {
            throw Layer.argumentError("ZeroPadding2D", "padding must not be negative, got ((\(top), \(bottom)), (\(left), \(right)))")
        }
        (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
        try super.init(typeName: "ZeroPadding2D", name: name)
    }

    /// Symmetric padding: `padding.height` above and below, `padding.width` left and right.
    public convenience init(padding: Size2D = 1, name: String? = nil) throws {
        try padding.validate("padding", of: "ZeroPadding2D", minimum: 0)
        try self.init(top: padding.height, bottom: padding.height, left: padding.width, right: padding.width, name: name)
    }

    override public var config: [(key: String, value: String)] {
        [("padding", "((\(top), \(bottom)), (\(left), \(right)))")]
    }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        try expectRank(inputShapes, 0, 4, imageInput)
        let s = inputShapes[0]
        return [s[0], s[1].map { $0 + top + bottom }, s[2].map { $0 + left + right }, s[3]]
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer {
        try ZeroPadding2D(top: top, bottom: bottom, left: left, right: right, name: name)
    }

    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        return try zeroPadding2d(inputs[0], padding: (top, bottom, left, right))
    }
}

/// Keras `UpSampling2D(size=(2, 2), interpolation="nearest")`: repeats rows and columns.
public final class UpSampling2D: Layer {
    /// How new pixels are filled.
    public enum Interpolation: String { case nearest, bilinear }

    public let size: Size2D
    public let interpolation: Interpolation

    public init(size: Size2D = 2, interpolation: Interpolation = .nearest, name: String? = nil) throws {
        try size.validate("size", of: "UpSampling2D")
        self.size = size
        self.interpolation = interpolation
        try super.init(typeName: "UpSampling2D", name: name)
    }

    override public var config: [(key: String, value: String)] {
        [("size", size.description), ("interpolation", cfg(interpolation.rawValue))]
    }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        try expectRank(inputShapes, 0, 4, imageInput)
        let s = inputShapes[0]
        return [s[0], s[1].map { $0 * size.height }, s[2].map { $0 * size.width }, s[3]]
    }

    override public func makeUnbuiltCopy(name: String) throws -> Layer {
        try UpSampling2D(size: size, interpolation: interpolation, name: name)
    }

    /// Nearest-neighbour repetition; bilinear interpolation is not implemented yet and says so.
    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        guard interpolation == .nearest else {
            throw NetworkError(name, "cannot run: interpolation \"bilinear\" is not implemented yet",
                               hint: "use interpolation \"nearest\"")
        }
        return try upsampling2d(inputs[0], size: size.pair)
    }
}
