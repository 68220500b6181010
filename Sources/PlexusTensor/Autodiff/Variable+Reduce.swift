// Reductions. The gradient of a sum or mean spreads the result's gradient back over the run it
// came from; the gradient of a max goes to the one element that won.

extension Variable {
    /// The sum of every element, as a scalar (the usual last step before `backward()`).
    public func sum() -> Variable {
        let shape = self.shape
        return Variable.record(value.sum(), parents: [self], op: .sum) { g in
            [try Tensor(shape: shape, repeating: g.scalarValue ?? 0)]
        }
    }

    /// The mean of every element, as a scalar.
    public func mean() -> Variable {
        let shape = self.shape
        let scale = 1 / Float(value.count)
        return Variable.record(value.mean(), parents: [self], op: .mean) { g in
            [try Tensor(shape: shape, repeating: (g.scalarValue ?? 0) * scale)]
        }
    }

    /// Sums over `axes` (negative counts from the end; `nil` or empty: all), keeping each reduced
    /// axis as a 1 when `keepDims`.
    ///
    /// - Throws: `TensorError` for an axis out of range or named twice.
    public func sum(axes: [Int]?, keepDims: Bool = false) throws -> Variable {
        let plan = try ReductionPlan(shape: shape, axes: axes, keepDims: keepDims, op: "sum")
        let inputShape = shape
        return Variable.record(value.reducedSum(plan, scale: 1), parents: [self], op: .sumAxes) { g in
            [g.spreadOverReduced(plan, inputShape: inputShape, scale: 1)]
        }
    }

    /// Means over `axes` (negative counts from the end; `nil` or empty: all), keeping each reduced
    /// axis as a 1 when `keepDims`.
    ///
    /// - Throws: `TensorError` for an axis out of range or named twice.
    public func mean(axes: [Int]?, keepDims: Bool = false) throws -> Variable {
        let plan = try ReductionPlan(shape: shape, axes: axes, keepDims: keepDims, op: "mean")
        let inputShape = shape
        let scale = 1 / Double(plan.reducedCount)
        return Variable.record(value.reducedSum(plan, scale: scale), parents: [self], op: .meanAxes) { g in
            [g.spreadOverReduced(plan, inputShape: inputShape, scale: Float(scale))]
        }
    }

    /// The largest element over `axes` (negative counts from the end; `nil` or empty: all).
    ///
    /// The gradient goes to the arg-max alone. When several elements tie for the max, the first in
    /// row-major order gets all of it (PyTorch's `amax` would split it evenly; a subgradient either
    /// way), so `max` of `[3, 3]` passes its gradient to the first 3. Inside an extension of
    /// `Variable` this method hides the global `max(_:_:)`: write `Swift.max(a, b)` there.
    ///
    /// - Throws: `TensorError` for a bad axis or a max over zero elements.
    public func max(axes: [Int]? = nil, keepDims: Bool = false) throws -> Variable {
        let plan = try ReductionPlan(shape: shape, axes: axes, keepDims: keepDims, op: "max")
        let (values, argmax) = try value.maxWithArgmax(plan)
        let inputShape = shape
        return Variable.record(values, parents: [self], op: .max) { g in
            let dx = try Tensor.zeros(inputShape)
            let o = dx.storage.base, gp = g.storage.base
            for k in 0..<argmax.count { o[argmax[k]] += gp[k] }
            return [dx]
        }
    }
}
