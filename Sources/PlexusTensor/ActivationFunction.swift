/// An activation function: the one type for every place that names one (a layer's
/// `activation:` argument, the `Activation` layer, the language's `relu`, Keras and ONNX files).
///
/// The names and defaults are Keras 3's `keras.activations`: `leaky_relu` has slope 0.2 and
/// `gelu` is the exact erf form (`approximate: false`). Note that Keras's `LeakyReLU` *layer*
/// defaults to a slope of 0.3, and `keras.ops.gelu` to `approximate: true`; a layer that mirrors
/// those passes its own value. `softmax` is the one function that is not elementwise: it works
/// along the last axis, so it has no in-place kernel and a fused layer applies it after its own
/// (`elementwise` is `nil` for it).
///
/// ```swift
/// let act = ActivationFunction(name: "leaky_relu")   // .leakyRelu(alpha: 0.2)
/// let y = try act?.apply(x)                          // Tensor or Variable
/// ```
public enum ActivationFunction: Hashable, Sendable, CustomStringConvertible {
    /// The identity (Keras's `linear`, and what `activation: none` means).
    case linear
    /// `max(x, 0)`; the gradient at exactly 0 is 0, as in PyTorch and Keras.
    case relu
    /// `min(max(x, 0), 6)`, MobileNet's activation; the gradient is 0 at 0 and at 6.
    case relu6
    /// `x` for `x > 0`, `alpha * x` otherwise; the gradient at 0 is `alpha`.
    case leakyRelu(alpha: Float)
    /// `x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise; the gradient at 0 is `alpha`.
    case elu(alpha: Float)
    /// `x * Phi(x)` with Phi the standard normal CDF (exact, through erfc), or with Phi replaced by
    /// the tanh approximation of Hendrycks and Gimpel when `approximate` (BERT, GPT-2).
    case gelu(approximate: Bool)
    /// `x * sigmoid(x)`, also called swish.
    case silu
    /// `1 / (1 + exp(-x))`, computed without overflow for any x.
    case sigmoid
    /// The hyperbolic tangent.
    case tanh
    /// `log(1 + exp(x))`, computed without overflow for any x.
    case softplus
    /// `exp(x) / sum(exp(x))` along the last axis: probabilities. Not elementwise.
    case softmax

    /// The catalogue: every function by its Keras name with Keras's defaults, in the order the
    /// language lists them. The builtins, completion, `:help`, the Keras and ONNX tables and "did
    /// you mean" all read this one list.
    public static let all: [ActivationFunction] = [
        .relu, .relu6, .leakyRelu(alpha: 0.2), .elu(alpha: 1), .gelu(approximate: false), .silu, .sigmoid,
        .tanh, .softplus, .softmax, .linear,
    ]

    /// Every name `init?(name:)` accepts: the catalogue's, and Keras's alias `swish`.
    public static let allNames: [String] = all.map(\.name) + ["swish"]

    /// What the function computes, in one line (for `:help`).
    public var summary: String {
        switch self {
        case .linear: return "the identity (Keras's default activation)"
        case .relu: return "max(x, 0)"
        case .relu6: return "min(max(x, 0), 6), MobileNet's activation"
        case let .leakyRelu(alpha): return "x for x > 0, \(alpha) x otherwise" + (alpha == 0.2 ? " (Keras's default negative slope)" : "")
        case let .elu(alpha): return (alpha == 1 ? "x for x > 0, exp(x) - 1 otherwise" : "x for x > 0, \(alpha) (exp(x) - 1) otherwise")
        case .gelu(approximate: false): return "x Phi(x) with Phi the normal distribution function (exact erf form, Keras's default)"
        case .gelu(approximate: true): return "x Phi(x) with Phi's tanh approximation"
        case .silu: return "x sigmoid(x), also called swish"
        case .sigmoid: return "1 / (1 + exp(-x))"
        case .tanh: return "the hyperbolic tangent"
        case .softplus: return "log(1 + exp(x)), a smooth relu"
        case .softmax: return "exp(x) / sum(exp(x)) over the last axis: probabilities"
        }
    }

    /// The function itself when it is elementwise, `nil` for softmax: what a layer can apply in
    /// place to its kernel's output.
    public var elementwise: ActivationFunction? { self == .softmax ? nil : self }

    /// The activation Keras means by `name` (snake_case, e.g. "leaky_relu"), with Keras's default
    /// parameters, or `nil` for an unknown name. "swish" is accepted as Keras's alias of "silu",
    /// and "none" (Python's `None`) as "linear".
    public init?(name: String) {
        switch name {
        case "None", "none": self = .linear
        case "linear": self = .linear
        case "relu": self = .relu
        case "relu6": self = .relu6
        case "leaky_relu": self = .leakyRelu(alpha: 0.2)
        case "elu": self = .elu(alpha: 1)
        case "gelu": self = .gelu(approximate: false)
        case "silu", "swish": self = .silu
        case "sigmoid": self = .sigmoid
        case "tanh": self = .tanh
        case "softplus": self = .softplus
        case "softmax": self = .softmax
        default: return nil
        }
    }

    /// Keras's name for the function, without its parameters.
    public var name: String {
        switch self {
        case .linear: return "linear"
        case .relu: return "relu"
        case .relu6: return "relu6"
        case .leakyRelu: return "leaky_relu"
        case .elu: return "elu"
        case .gelu: return "gelu"
        case .silu: return "silu"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .softplus: return "softplus"
        case .softmax: return "softmax"
        }
    }

    /// The name, with the parameters when they differ from Keras's defaults:
    /// `leaky_relu(alpha: 0.3)`, `gelu(approximate: true)`.
    public var description: String {
        switch self {
        case let .leakyRelu(alpha) where alpha != 0.2: return "leaky_relu(alpha: \(alpha))"
        case let .elu(alpha) where alpha != 1: return "elu(alpha: \(alpha))"
        case .gelu(approximate: true): return "gelu(approximate: true)"
        default: return name
        }
    }

    /// Whether the derivative can be computed from the output alone, so that a fused layer can
    /// drop its pre-activation buffer.
    ///
    /// True for linear, relu, relu6, sigmoid (`y (1 - y)`), tanh (`1 - y^2`), softplus
    /// (`1 - exp(-y)`), and for leaky_relu and elu when `alpha >= 0` (then the output's sign is the
    /// input's). False for gelu and silu, which are not one-to-one, for a negative alpha, and for
    /// softmax, which has no elementwise derivative.
    public var derivativeFromOutput: Bool {
        switch self {
        case .linear, .relu, .relu6, .sigmoid, .tanh, .softplus: return true
        case let .leakyRelu(alpha), let .elu(alpha): return alpha >= 0
        case .gelu, .silu, .softmax: return false
        }
    }

    /// Applies the function to a tensor (inference; no tape); softmax along the last axis.
    ///
    /// - Throws: `TensorError` when softmax meets a scalar (it has no axis).
    public func apply(_ x: Tensor) throws -> Tensor {
        if self == .softmax { return try x.softmax(axis: -1) }
        return applyElementwise(x)
    }

    /// Applies the function to a variable, recording its gradient: from the saved output where
    /// `derivativeFromOutput`, from the saved input otherwise; softmax along the last axis, with
    /// softmax's own rule. `linear` returns `v` itself.
    ///
    /// - Throws: `TensorError` when softmax meets a scalar.
    public func apply(_ v: Variable) throws -> Variable {
        if self == .softmax { return try v.softmax(axis: -1) }
        return applyElementwise(v)
    }

    /// The elementwise path of `apply(_: Tensor)`: softmax is never passed here.
    func applyElementwise(_ x: Tensor) -> Tensor {
        assert(self != .softmax, "softmax is not elementwise")
        if case .linear = self { return x }
        return x.mapChunks(grain: grain) { x, y, r in forwardLoop(x, y, r) }
    }

    /// The elementwise path of `apply(_: Variable)`: softmax is never passed here.
    func applyElementwise(_ v: Variable) -> Variable {
        if case .linear = self { return v }
        let x = v.value
        let y = applyElementwise(x)
        if derivativeFromOutput {
            return Variable.record(y, parents: [v], op: .activation) { g in [try backward(output: y, gradient: g)] }
        }
        return Variable.record(y, parents: [v], op: .activation) { g in [try backward(input: x, gradient: g)] }
    }

    /// Overwrites `count` floats at `buffer` with their activations: the fused path, where a layer
    /// applies the activation to its kernel's output buffer without another allocation. Only for
    /// `elementwise` functions: a layer applies softmax after its kernel instead.
    public func applyInPlace(_ buffer: UnsafeMutablePointer<Float>, count: Int) {
        if case .linear = self { return }
        let x = UnsafePointer(buffer)
        parallelFor(count, grain: grain) { r in forwardLoop(x, buffer, r) }
    }

    /// `applyInPlace` on the calling thread, for a kernel already inside a parallel loop.
    func applyInPlaceSerially(_ buffer: UnsafeMutablePointer<Float>, count: Int) {
        if case .linear = self { return }
        forwardLoop(UnsafePointer(buffer), buffer, 0..<count)
    }

    /// The gradient with respect to the input, `gradient * f'(x)`, from the activation's output
    /// `y = f(x)` alone (see `derivativeFromOutput` for which activations allow it).
    ///
    /// - Throws: `TensorError` when the shapes differ, or when the derivative needs the input
    ///   (gelu, silu, a negative alpha): use `backward(input:gradient:)` for those.
    public func backward(output: Tensor, gradient: Tensor) throws -> Tensor {
        try checkBackward(output, gradient, what: "output")
        try requireDerivativeFromOutput()
        return gradient.zipChunks(output, grain: grain) { g, y, o, r in backwardFromOutputLoop(y, g, o, r) }
    }

    /// The gradient with respect to the input, `gradient * f'(x)`, from the input `x`: works for
    /// every activation.
    ///
    /// - Throws: `TensorError` when the shapes differ.
    public func backward(input: Tensor, gradient: Tensor) throws -> Tensor {
        try checkBackward(input, gradient, what: "input")
        guard self != .softmax else {
            throw TensorError(name, "softmax is not elementwise: its gradient is Variable.softmax(axis:)'s")
        }
        return gradient.zipChunks(input, grain: grain) { g, x, o, r in backwardFromInputLoop(x, g, o, r) }
    }

    /// Multiplies `count` gradient floats in place by the derivative read off the activation's
    /// output: the fused backward path, mirroring `applyInPlace`.
    ///
    /// - Throws: `TensorError` when the derivative needs the input (see `derivativeFromOutput`).
    public func backwardInPlace(output: UnsafePointer<Float>, gradient: UnsafeMutablePointer<Float>, count: Int) throws {
        try requireDerivativeFromOutput()
        let g = UnsafePointer(gradient)
        parallelFor(count, grain: grain) { r in backwardFromOutputLoop(output, g, gradient, r) }
    }

    private func checkBackward(_ value: Tensor, _ gradient: Tensor, what: String) throws {
        guard value.shape == gradient.shape else {
            throw TensorError(name, "gradient of shape \(formatShape(gradient.shape)) does not match the \(what) \(formatShape(value.shape))")
        }
    }

    private func requireDerivativeFromOutput() throws {
        guard derivativeFromOutput else {
            throw TensorError(name, "the derivative of \(description) cannot be computed from its output alone; keep the input and use backward(input:gradient:)")
        }
    }
}
