import PlexusTensor

/// Keras `Cropping2D(cropping=((0, 0), (0, 0)))`: rows and columns removed at the edges of each
/// image, the inverse of `ZeroPadding2D` (a U-Net's skip connection cropped to the decoder's size).
/// One number crops every side, `(h, w)` crops top and bottom by `h` and left and right by `w`, or
/// each side on its own.
///
/// Everything else a layer needs (the `cropping2d` builtin and its `:help`, keyword completion,
/// docs/LANGUAGE.md, `config`, copies and clones, Keras's class name and config both ways) comes
/// from `spec`.
public final class Cropping2D: Layer {
    public static let spec = LayerSpec(
        "Cropping2D", builtin: "cropping2d",
        arguments: [ArgumentSpec("cropping", .sides2D, positional: true, default: .sides(Sides2D(top: 0, bottom: 0, left: 0, right: 0)),
                                 check: .nonNegative, doc: "the rows and columns removed on each side"),
                    channelsLastArgument],
        help: "Removes rows and columns at the edges (Keras Cropping2D), the inverse of zero_padding2d: one integer crops every side, (h, w) crops top and bottom by h and left and right by w, ((top, bottom), (left, right)) each side on its own.",
        example: "h = x |> cropping2d(((2, 2), (4, 4)))    # (None, 28, 28, c) -> (None, 24, 20, c)",
        make: { try Cropping2D(arguments: $0, name: $1) })

    public let top: Int, bottom: Int, left: Int, right: Int

    public init(arguments: LayerArguments, name: String?) throws {
        let c = try arguments.sides("cropping")
        (top, bottom, left, right) = (c.top, c.bottom, c.left, c.right)
        try super.init(typeName: Cropping2D.spec.className, name: name, arguments: arguments)
    }

    /// Each side on its own: Keras's `((top, bottom), (left, right))`.
    public convenience init(top: Int, bottom: Int, left: Int, right: Int, name: String? = nil) throws {
        try self.init(arguments: Cropping2D.spec.arguments(["cropping": .sides(Sides2D(top: top, bottom: bottom, left: left, right: right))]),
                      name: name)
    }

    override public func pixelGeometry(for inputShapes: [[Int?]]) -> PixelGeometry? { .shift(top: -top, left: -left) }

    override public func computeOutputShape(_ inputShapes: [[Int?]]) throws -> [Int?] {
        try expectRank(inputShapes, 0, 4, imageInput)
        let s = inputShapes[0]
        let h = s[1].map { $0 - top - bottom }, w = s[2].map { $0 - left - right }
        if let h, h < 1 { throw NetworkError(name, "crops \(top) + \(bottom) rows of an input \(s[1] ?? 0) high: nothing is left") }
        if let w, w < 1 { throw NetworkError(name, "crops \(left) + \(right) columns of an input \(s[2] ?? 0) wide: nothing is left") }
        return [s[0], h, w, s[3]]
    }

    override public func forward(_ inputs: [Variable], context: ForwardContext) throws -> Variable {
        try checkValueCount(inputs)
        return try cropping2d(inputs[0], cropping: (top, bottom, left, right))
    }
}
