import PlexusTensor
// Activation functions on concrete values: the mapping from the catalogue's names (Keras's) to the
// tensor library's elementwise activations, and Keras's general `ReLU` layer as one op.

extension ActivationFunction {
    /// The tensor library's elementwise activation with Keras's defaults (`leaky_relu` slope 0.2,
    /// `elu` alpha 1, exact `gelu`), or `nil` for softmax, which works along an axis instead.
    public var elementwise: PlexusTensor.Activation? {
        switch self {
        case .linear: return .linear
        case .relu: return .relu
        case .relu6: return .relu6
        case .elu: return .elu(alpha: 1)
        case .gelu: return .gelu(approximate: false)
        case .silu: return .silu
        case .sigmoid: return .sigmoid
        case .tanh: return .tanh
        case .leakyRelu: return .leakyRelu(alpha: 0.2)
        case .softmax: return nil
        }
    }

    /// Applies the function to a variable (softmax along the last axis, as Keras's activation).
    ///
    /// - Throws: `TensorError` when softmax meets a scalar.
    public func apply(_ x: Variable) throws -> Variable {
        guard let e = elementwise else { return try x.softmax(axis: -1) }
        return e.apply(x)
    }
}

/// Keras's `ReLU(max_value, negative_slope, threshold)` in general, as one elementwise op:
/// `min(x, max_value)` above `threshold`, `negative_slope * (x - threshold)` at or below it
/// (keras/src/activations/activations.py, `ReLU.static_call`).
///
/// The derivative is 1 strictly between the threshold and `max_value`, 0 at and above
/// `max_value`, and `negative_slope` at and below the threshold (the relu convention of a zero
/// gradient at the kink when the slope is 0).
func generalRelu(_ x: Variable, maxValue: Float?, negativeSlope: Float, threshold: Float) -> Variable {
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
    return Variable.record(y, parents: [x]) { g in
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
