import PlexusTensor
/// Keras `Flatten()`: `(batch, d1, d2, ...)` to `(batch, d1 * d2 * ...)`, unknown when a
/// dimension is unknown.
public final class Flatten: Layer {
    public static let spec = LayerSpec(
        "Flatten", builtin: "flatten", arguments: [channelsLastArgument],
        help: "Flattens each sample to one axis (Keras Flatten): (None, 5, 5, 96) to (None, 2400).",
        example: "v = h |> flatten()",
        make: { try Flatten(arguments: $0, name: $1) })

    public init(arguments: LayerArguments, name: String?) throws {
        try super.init(typeName: Flatten.spec.className, name: name, arguments: arguments)
    }

    public convenience init(name: String? = nil) throws { try self.init(arguments: Flatten.spec.arguments([:]), name: name) }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        let s = inputShapes[0]
        guard !s.isEmpty else { throw shapeError("expects an input with a batch dimension", input: 0, inputShapes) }
        return [s[0], knownProduct(s.dropFirst())]
    }

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
    /// The `reshape` builtin is written by hand (it also reshapes tensors), so this spec serves
    /// Keras, `config` and copies.
    public static let spec = LayerSpec(
        "Reshape", builtin: nil,
        arguments: [ArgumentSpec("target_shape", .integers, positional: true, variadic: true,
                                 check: .custom { v in
                                     guard case .ints(let shape) = v else { return nil }
                                     return targetShapeProblem(shape).map { "must hold positive sizes and at most one -1, got \($0)" }
                                 },
                                 doc: "the shape of each sample, the batch dimension not written; one size may be -1")],
        help: "A new shape for each sample (Keras Reshape); see the reshape builtin.", example: "k = h |> reshape(3, 3, 1, 8)",
        make: { try Reshape(arguments: $0, name: $1) })

    public let targetShape: [Int]

    public init(arguments: LayerArguments, name: String?) throws {
        targetShape = try arguments.ints("target_shape")
        try super.init(typeName: Reshape.spec.className, name: name, arguments: arguments)
    }

    /// - Throws: `NetworkError` when a size is 0 or below -1, or -1 appears twice.
    public convenience init(targetShape: [Int], name: String? = nil) throws {
        try self.init(arguments: Reshape.spec.arguments(["target_shape": .ints(targetShape)]), name: name)
    }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        let s = inputShapes[0]
        guard !s.isEmpty else { throw shapeError("expects an input with a batch dimension", input: 0, inputShapes) }
        let out: [Int?]
        do {
            out = try ShapeRule.reshape(Array(s.dropFirst()), to: targetShape)
        } catch {
            switch error {
            case let .reshapeSplit(count, _, fixed):
                throw shapeError("cannot reshape to \(cfg(targetShape)): \(count) elements per sample are not a multiple of \(fixed)", input: 0, inputShapes)
            case let .reshapeCount(count, _, fixed):
                throw shapeError("cannot reshape to \(cfg(targetShape)) (\(fixed) elements per sample)", input: 0, inputShapes,
                                 hint: "the input has \(count) elements per sample")
            default:
                throw shapeError("cannot reshape each sample: its shape \(error)", input: 0, inputShapes)  // invariant: the target was checked when the layer was made
            }
        }
        return [s[0]] + out
    }

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
    public static let spec = LayerSpec(
        "Permute", builtin: "permute",
        arguments: [ArgumentSpec("dims", .integers, positional: true, variadic: true,
                                 check: .custom { v in
                                     guard case .ints(let dims) = v else { return nil }
                                     guard dims.sorted() == Array(1...Swift.max(dims.count, 1)), !dims.isEmpty else {
                                         return "must be a permutation of 1...\(dims.count) (the batch dimension is not included), got \(cfg(dims))"
                                     }
                                     return nil
                                 },
                                 doc: "the new order of the dimensions, counted from 1 (the batch dimension stays first)")],
        help: "Reorders the dimensions of each sample (Keras Permute): dims count from 1 and leave the batch dimension first, so permute(2, 1) swaps rows and columns. The dims may also be one list.",
        example: "t = x |> permute(2, 1)    # (None, 10, 64) -> (None, 64, 10)",
        make: { try Permute(arguments: $0, name: $1) })

    public let dims: [Int]

    public init(arguments: LayerArguments, name: String?) throws {
        dims = try arguments.ints("dims")
        try super.init(typeName: Permute.spec.className, name: name, arguments: arguments)
    }

    /// - Throws: `NetworkError` unless `dims` is a permutation of `1...n`.
    public convenience init(dims: [Int], name: String? = nil) throws {
        try self.init(arguments: Permute.spec.arguments(["dims": .ints(dims)]), name: name)
    }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        let s = inputShapes[0]
        guard s.count == dims.count + 1 else {
            throw shapeError("expects \(dims.count + 1)-D input (batch and the \(dims.count) dimensions it permutes)", input: 0, inputShapes)
        }
        return [s[0]] + dims.map { s[$0] }
    }

    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        return try inputs[0].permute([0] + dims)
    }
}

/// Keras `ZeroPadding2D(padding=(1, 1))`: zeros around height and width. One number pads all
/// sides, `(h, w)` pads top and bottom by `h`, left and right by `w`, or each side on its own.
public final class ZeroPadding2D: Layer {
    public static let spec = LayerSpec(
        "ZeroPadding2D", builtin: "zero_padding2d",
        arguments: [ArgumentSpec("padding", .sides2D, positional: true, default: .sides(Sides2D(top: 1, bottom: 1, left: 1, right: 1)),
                                 check: .nonNegative, doc: "the rows and columns of zeros on each side"),
                    channelsLastArgument],
        help: "Zeros around height and width (Keras ZeroPadding2D): one integer pads every side, (h, w) pads top and bottom by h and left and right by w, ((top, bottom), (left, right)) each side on its own.",
        example: "h = x |> zero_padding2d(((0, 1), (0, 1)))    # MobileNet's asymmetric pad",
        make: { try ZeroPadding2D(arguments: $0, name: $1) })

    public let top: Int, bottom: Int, left: Int, right: Int

    public init(arguments: LayerArguments, name: String?) throws {
        let p = try arguments.sides("padding")
        (top, bottom, left, right) = (p.top, p.bottom, p.left, p.right)
        try super.init(typeName: ZeroPadding2D.spec.className, name: name, arguments: arguments)
    }

    /// Each side on its own: Keras's `((top, bottom), (left, right))`.
    public convenience init(top: Int, bottom: Int, left: Int, right: Int, name: String? = nil) throws {
        try self.init(arguments: ZeroPadding2D.spec.arguments(["padding": .sides(Sides2D(top: top, bottom: bottom, left: left, right: right))]),
                      name: name)
    }

    /// Symmetric padding: `padding.height` above and below, `padding.width` left and right.
    public convenience init(padding: Size2D = 1, name: String? = nil) throws {
        try padding.validate("padding", of: "ZeroPadding2D", minimum: 0)
        try self.init(top: padding.height, bottom: padding.height, left: padding.width, right: padding.width, name: name)
    }

    override public func pixelGeometry(for inputShapes: [[Int?]]) -> PixelGeometry? { .shift(top: top, left: left) }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        try expectRank(inputShapes, 0, 4, imageInput)
        let s = inputShapes[0]
        return [s[0], s[1].map { $0 + top + bottom }, s[2].map { $0 + left + right }, s[3]]
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

    public static let spec = LayerSpec(
        "UpSampling2D", builtin: "upsampling2d", aliases: ["up_sampling2d"],
        arguments: [ArgumentSpec("size", .size2D, positional: true, default: .size2D(2), check: .positive,
                                 doc: "how many times rows and columns repeat"),
                    channelsLastArgument,
                    ArgumentSpec("interpolation", .choice(["nearest", "bilinear"]), default: .string("nearest"),
                                 doc: "how new pixels are filled (bilinear cannot run yet)")],
        help: "Repeats rows and columns (Keras UpSampling2D): (None, 7, 7, c) to (None, 14, 14, c) with size 2.",
        example: "h = h |> upsampling2d(2)",
        make: { try UpSampling2D(arguments: $0, name: $1) })

    public let size: Size2D
    public let interpolation: Interpolation

    public init(arguments: LayerArguments, name: String?) throws {
        size = try arguments.size2D("size")
        let named = Interpolation(rawValue: try arguments.string("interpolation"))
        assert(named != nil, "the spec's choices")  // invariant
        interpolation = named ?? .nearest
        try super.init(typeName: UpSampling2D.spec.className, name: name, arguments: arguments)
    }

    public convenience init(size: Size2D = 2, interpolation: Interpolation = .nearest, name: String? = nil) throws {
        try self.init(arguments: UpSampling2D.spec.arguments(["size": .size2D(size), "interpolation": .string(interpolation.rawValue)]),
                      name: name)
    }

    override public func pixelGeometry(for inputShapes: [[Int?]]) -> PixelGeometry? { .upsample(factor: size, grow: 1) }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        try expectRank(inputShapes, 0, 4, imageInput)
        let s = inputShapes[0]
        return [s[0], s[1].map { $0 * size.height }, s[2].map { $0 * size.width }, s[3]]
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
