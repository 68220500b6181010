/// A pair of sizes for the two spatial axes (height, width): kernel sizes, strides, pool sizes,
/// dilation rates. Written as Keras accepts them: one integer for both axes (`3`) or two (`[3, 5]`).
public struct Size2D: Equatable, Sendable, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, CustomStringConvertible {
    public var height: Int
    public var width: Int
    /// Set when an array literal did not hold one or two numbers; `validate` reports it.
    private var malformedCount: Int?

    public init(_ height: Int, _ width: Int) {
        self.height = height
        self.width = width
    }

    /// The same size on both axes.
    public init(_ both: Int) { self.init(both, both) }

    public init(integerLiteral value: Int) { self.init(value, value) }

    public init(arrayLiteral elements: Int...) {
        switch elements.count {
        case 1: self.init(elements[0], elements[0])
        case 2: self.init(elements[0], elements[1])
        default:
            self.init(0, 0)
            malformedCount = elements.count
        }
    }

    /// The sizes as the tensor library takes them: `(height, width)`.
    public var pair: (Int, Int) { (height, width) }

    /// Two integers as Keras prints a tuple: `(3, 3)`.
    public var description: String { "(\(height), \(width))" }

    /// Throws unless both sizes are at least `minimum`.
    func validate(_ argument: String, of typeName: String, minimum: Int = 1) throws {
        if let n = malformedCount {
            throw Layer.argumentError(typeName, argument: argument, "\(argument) must be one integer or two, got \(n)")
        }
        guard height >= minimum, width >= minimum else {
            throw Layer.argumentError(typeName, argument: argument, "\(argument) must be at least \(minimum), got \(self)")
        }
        guard height <= maximumDimension, width <= maximumDimension else {
            throw Layer.argumentError(typeName, argument: argument, "\(argument) must be at most \(formatCount(maximumDimension)), got \(self)")
        }
    }
}

/// Throws unless `value` is a positive size no larger than `maximumDimension`.
func checkSize(_ value: Int, _ argument: String, of typeName: String) throws {
    guard value > 0 else { throw Layer.argumentError(typeName, argument: argument, "\(argument) must be positive, got \(value)") }
    guard value <= maximumDimension else {
        throw Layer.argumentError(typeName, argument: argument, "\(argument) must be at most \(formatCount(maximumDimension)), got \(formatCount(value))")
    }
}

/// Throws unless `shape` holds positive sizes (or -1 once) whose product fits.
func checkTargetShape(_ shape: [Int], _ argument: String, of typeName: String) throws {
    if let got = targetShapeProblem(shape) {
        throw Layer.argumentError(typeName, argument: argument, "\(argument) must hold positive sizes and at most one -1, got \(got)")
    }
}

/// The shape as written (`(3, 0)`) when it is not positive sizes with at most one -1 whose
/// product fits; `nil` when it is fine.
func targetShapeProblem(_ shape: [Int]) -> String? {
    let fixed = shape.filter { $0 != -1 }
    guard shape.allSatisfy({ ($0 > 0 && $0 <= maximumDimension) || $0 == -1 }), shape.count - fixed.count <= 1,
          knownProduct(fixed.map { Optional($0) }) != nil else {
        return cfg(shape)
    }
    return nil
}
