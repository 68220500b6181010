// Softmax and log-softmax, each with a fused backward rule: one pass over the lane instead of the
// exp, sum, divide chain a composed version would record.

extension Variable {
    /// Probabilities along `axis` (the last by default), stable for large logits.
    ///
    /// Backward: `y * (g - sum(g * y))` along the axis, from the output `y` alone.
    ///
    /// - Throws: `TensorError` for an axis out of range.
    public func softmax(axis: Int = -1) throws -> Variable {
        let y = try value.softmax(axis: axis)
        return Variable.record(y, parents: [self], op: .softmax) { g in
            [try y.softmaxGradient(g, axis: axis, log: false)]
        }
    }

    /// Log-probabilities along `axis` (the last by default): what a classifier's loss needs, finite
    /// even where the probability underflows.
    ///
    /// Backward: `g - softmax * sum(g)` along the axis, with the softmax recovered as `exp(out)`.
    ///
    /// - Throws: `TensorError` for an axis out of range.
    public func logSoftmax(axis: Int = -1) throws -> Variable {
        let out = try value.logSoftmax(axis: axis)
        return Variable.record(out, parents: [self], op: .logSoftmax) { g in
            [try out.softmaxGradient(g, axis: axis, log: true)]
        }
    }
}
