/// How an operation passes its output's gradient back to its inputs: given the gradient of the
/// output, the gradient of each parent in order (`nil` for a parent that needs none).
public typealias BackwardRule = (_ outputGradient: Tensor) throws -> [Tensor?]

/// A tensor on the autodiff tape: a value, the variables it was computed from, and the rule that
/// carries a gradient back to them (micrograd's `Value`, for whole tensors).
///
/// Leaves are created with `Variable(_:requiresGrad:)`; every differentiable op returns a new
/// variable whose `backwardRule` sits in the same function as its forward computation. Reverse mode
/// walks the recorded graph from a scalar back to any set of variables, including variables that
/// were themselves computed (a kernel produced by another branch).
public final class Variable {
    /// The computed value.
    public internal(set) var value: Tensor
    /// Whether gradients flow to or through this variable.
    public let requiresGrad: Bool
    /// The accumulated gradient of a leaf after `backward()`; `nil` until then.
    public var grad: Tensor?
    /// An optional label, shown in error messages and gradient reports.
    public var label: String?

    @usableFromInline let parents: [Variable]
    @usableFromInline let backwardRule: BackwardRule?
    /// The primitive that computed this variable, `nil` for a leaf or a constant.
    public let op: Primitive?

    /// A leaf variable: a weight (`requiresGrad: true`) or a constant input.
    public init(_ value: Tensor, requiresGrad: Bool = false, label: String? = nil) {
        self.value = value
        self.requiresGrad = requiresGrad
        self.parents = []
        self.backwardRule = nil
        self.label = label
        self.op = nil
    }

    private init(value: Tensor, parents: [Variable], op: Primitive, rule: BackwardRule?) {
        self.value = value
        self.requiresGrad = rule != nil
        self.parents = rule != nil ? parents : []
        self.backwardRule = rule
        self.op = rule != nil ? op : nil
    }

    /// Records the result of the primitive `op`, whose backward rule is `backward`: the one way a
    /// differentiable op enters the tape, so every one is listed in `Primitive`. When gradient
    /// recording is off, or no parent requires a gradient, the result is a constant and `backward`
    /// is dropped (inference keeps no tape).
    public static func record(_ value: Tensor, parents: [Variable], op: Primitive, backward: @escaping BackwardRule) -> Variable {
        let needed = GradMode.isEnabled && parents.contains { $0.requiresGrad }
        return Variable(value: value, parents: parents, op: op, rule: needed ? backward : nil)
    }

    /// The value's shape.
    public var shape: [Int] { value.shape }

    /// Replaces a leaf's value in place (an optimizer step). Throws for a computed variable, which
    /// would silently detach it from its inputs.
    public func assign(_ newValue: Tensor) throws {
        guard backwardRule == nil else {
            throw TensorError("assign", "cannot assign to a computed variable; assign to its inputs")
        }
        guard newValue.shape == value.shape else {
            throw TensorError("assign", "new value of shape \(formatShape(newValue.shape)) does not match \(formatShape(value.shape))")
        }
        value = newValue
    }

    /// Writes a leaf's value in place through a buffer pointer (optimizer updates without copies).
    public func updateValue(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        value.withUnsafeMutableBufferPointer(body)
    }

    /// A constant holding the same value: gradients stop here.
    public func detached() -> Variable { Variable(value) }
}

/// Whether operations record themselves for reverse mode.
public enum GradMode {
    /// On by default; off inside `withoutGradients`.
    nonisolated(unsafe) public static var isEnabled = true
}

/// Runs `body` without recording a tape: inference, evaluation, optimizer arithmetic.
public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
    let previous = GradMode.isEnabled
    GradMode.isEnabled = false
    defer { GradMode.isEnabled = previous }
    return try body()
}
