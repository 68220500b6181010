// Activations on the tape. Each method is `ActivationFunction.apply(_: Variable)`, whose forward call
// and backward rule sit together in ActivationFunction.swift: the rule reads the saved output where that is
// enough (relu, relu6, leaky_relu, elu, sigmoid, tanh, softplus) and the saved input otherwise
// (gelu, silu).

extension Variable {
    /// `max(x, 0)`; the gradient at exactly 0 is 0 (PyTorch's and Keras's convention).
    public func relu() -> Variable { ActivationFunction.relu.applyElementwise(self) }
    /// `min(max(x, 0), 6)`; the gradient is 0 at 0 and at 6.
    public func relu6() -> Variable { ActivationFunction.relu6.applyElementwise(self) }
    /// `x` where positive, `alpha * x` elsewhere; 0.2 is `keras.activations.leaky_relu`'s default
    /// (Keras's `LeakyReLU` layer defaults to 0.3). The gradient at 0 is `alpha`.
    public func leakyRelu(alpha: Float = 0.2) -> Variable { ActivationFunction.leakyRelu(alpha: alpha).applyElementwise(self) }
    /// `x` where positive, `alpha * (exp(x) - 1)` elsewhere. The gradient at 0 is `alpha`.
    public func elu(alpha: Float = 1) -> Variable { ActivationFunction.elu(alpha: alpha).applyElementwise(self) }
    /// `x * Phi(x)`: exact (erf) by default, as `keras.activations.gelu` and PyTorch's `GELU()`;
    /// `approximate: true` is the tanh form (`keras.ops.gelu`'s default, BERT, GPT-2).
    public func gelu(approximate: Bool = false) -> Variable { ActivationFunction.gelu(approximate: approximate).applyElementwise(self) }
    /// `x * sigmoid(x)` (swish).
    public func silu() -> Variable { ActivationFunction.silu.applyElementwise(self) }
    /// The logistic function, stable for any |x|; the gradient is `y (1 - y)` from the output.
    public func sigmoid() -> Variable { ActivationFunction.sigmoid.applyElementwise(self) }
    /// The hyperbolic tangent; the gradient is `1 - y^2` from the output.
    public func tanh() -> Variable { ActivationFunction.tanh.applyElementwise(self) }
    /// `log(1 + exp(x))`, stable for any |x|; the gradient is sigmoid(x), read off the output.
    public func softplus() -> Variable { ActivationFunction.softplus.applyElementwise(self) }
    /// The identity: returns `self`, adding nothing to the tape.
    public func linear() -> Variable { self }

    /// Keras's `ReLU(max_value, negative_slope, threshold)` in general, as one elementwise op:
    /// `min(x, max_value)` above `threshold`, `negative_slope * (x - threshold)` at or below it
    /// (keras/src/activations/activations.py, `ReLU.static_call`).
    ///
    /// The derivative is 1 strictly between the threshold and `max_value`, 0 at and above
    /// `max_value`, and `negative_slope` at and below the threshold (the relu convention of a zero
    /// gradient at the kink when the slope is 0).
    public func relu(maxValue: Float?, negativeSlope: Float, threshold: Float) -> Variable {
        let x = self
        let high = maxValue ?? .infinity
        let xv = x.value
        var y = xv
        y.withUnsafeMutableBufferPointer { yp in
            guard let p = yp.baseAddress else { return }
            parallelFor(yp.count, grain: 65_536) { r in
                for i in r {
                    let v = p[i]
                    p[i] = v > threshold ? (v < high ? v : high) : negativeSlope * (v - threshold)
                }
            }
        }
        return Variable.record(y, parents: [x], op: .generalRelu) { g in
            var dx = g
            dx.withUnsafeMutableBufferPointer { dp in
                xv.withUnsafeBufferPointer { xp in
                    guard let d = dp.baseAddress, let s = xp.baseAddress else { return }
                    parallelFor(Swift.min(dp.count, xp.count), grain: 65_536) { r in
                        for i in r {
                            let v = s[i]
                            d[i] = v > threshold ? (v < high ? d[i] : 0) : negativeSlope * d[i]
                        }
                    }
                }
            }
            return [dx]
        }
    }
}
