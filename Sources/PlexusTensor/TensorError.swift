/// An error from a tensor operation that user input can reach: a shape mismatch, a bad axis,
/// an impossible reshape, an allocation too large for the machine.
///
/// Errors carry the shapes involved so that the layers above can name them without re-deriving them.
public struct TensorError: Error, CustomStringConvertible, Equatable {
    /// The operation that failed, e.g. `"add"` or `"reshape"`.
    public var op: String
    /// What went wrong, with the shapes involved.
    public var message: String
    /// The argument refused, by the name the caller gave it (`momentum`), when one is: a caller
    /// that knows where it was written can point there.
    public var argument: String?

    public init(_ op: String, _ message: String, argument: String? = nil) {
        self.op = op
        self.message = message
        self.argument = argument
    }

    public var description: String { "\(op): \(message)" }
}

/// Formats a shape as Keras and NumPy print it: `(2, 3)`, `(5,)`, `()`.
public func formatShape(_ shape: [Int]) -> String {
    if shape.count == 1 { return "(\(shape[0]),)" }
    return "(" + shape.map(String.init).joined(separator: ", ") + ")"
}
