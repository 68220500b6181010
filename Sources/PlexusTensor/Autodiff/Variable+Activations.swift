// Activations on the tape. Each method is `Activation.apply(_: Variable)`, whose forward call and
// backward rule sit together in Activation.swift: the rule reads the saved output where that is
// enough (relu, relu6, leaky_relu, elu, sigmoid, tanh, softplus) and the saved input otherwise
// (gelu, silu).

extension Variable {
    /// `max(x, 0)`; the gradient at exactly 0 is 0 (PyTorch's and Keras's convention).
    public func relu() -> Variable { Activation.relu.apply(self) }
    /// `min(max(x, 0), 6)`; the gradient is 0 at 0 and at 6.
    public func relu6() -> Variable { Activation.relu6.apply(self) }
    /// `x` where positive, `alpha * x` elsewhere; 0.2 is `keras.activations.leaky_relu`'s default
    /// (Keras's `LeakyReLU` layer defaults to 0.3). The gradient at 0 is `alpha`.
    public func leakyRelu(alpha: Float = 0.2) -> Variable { Activation.leakyRelu(alpha: alpha).apply(self) }
    /// `x` where positive, `alpha * (exp(x) - 1)` elsewhere. The gradient at 0 is `alpha`.
    public func elu(alpha: Float = 1) -> Variable { Activation.elu(alpha: alpha).apply(self) }
    /// `x * Phi(x)`: exact (erf) by default, as `keras.activations.gelu` and PyTorch's `GELU()`;
    /// `approximate: true` is the tanh form (`keras.ops.gelu`'s default, BERT, GPT-2).
    public func gelu(approximate: Bool = false) -> Variable { Activation.gelu(approximate: approximate).apply(self) }
    /// `x * sigmoid(x)` (swish).
    public func silu() -> Variable { Activation.silu.apply(self) }
    /// The logistic function, stable for any |x|; the gradient is `y (1 - y)` from the output.
    public func sigmoid() -> Variable { Activation.sigmoid.apply(self) }
    /// The hyperbolic tangent; the gradient is `1 - y^2` from the output.
    public func tanh() -> Variable { Activation.tanh.apply(self) }
    /// `log(1 + exp(x))`, stable for any |x|; the gradient is sigmoid(x), read off the output.
    public func softplus() -> Variable { Activation.softplus.apply(self) }
    /// The identity: returns `self`, adding nothing to the tape.
    public func linear() -> Variable { self }
}
