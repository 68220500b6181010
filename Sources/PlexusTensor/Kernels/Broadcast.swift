/// Strides of `shape` as seen from the broadcast `outShape`: right-aligned, 0 where broadcast.
@usableFromInline
func broadcastStrides(_ shape: [Int], to outShape: [Int]) -> [Int] {
    let own = contiguousStrides(shape)
    let offset = outShape.count - shape.count
    var strides = [Int](repeating: 0, count: outShape.count)
    for i in 0..<shape.count {
        strides[i + offset] = shape[i] == 1 ? 0 : own[i]
    }
    return strides
}

/// The source offset of row `row` (all dimensions but the last) of a broadcast iteration.
@inlinable
func rowOffset(_ row: Int, outShape: [Int], strides: [Int]) -> Int {
    var r = row
    var off = 0
    var d = outShape.count - 2
    while d >= 0 {
        let n = outShape[d]
        off &+= (r % n) &* strides[d]
        r /= n
        d -= 1
    }
    return off
}

/// The four arithmetic operators as values, for `Tensor.arithmetic(_:_:op:)`.
public enum Arithmetic: Sendable {
    case add, subtract, multiply, divide

    /// The operator on two numbers (the broadcasting path).
    public var function: @Sendable (Float, Float) -> Float {
        switch self {
        case .add: { $0 + $1 }
        case .subtract: { $0 - $1 }
        case .multiply: { $0 * $1 }
        case .divide: { $0 / $1 }
        }
    }
}

extension Tensor {
    /// `self op other` elementwise, broadcasting (NumPy rules).
    ///
    /// Why not `broadcasting(other, op:, +)`: there the operator is a closure called once per
    /// element from inside the parallel loop, which the compiler does not inline; on operands of
    /// one shape (a residual connection's add) each operator here is a plain loop the compiler
    /// vectorises (ResNet50's adds took 8% of its inference through the closure).
    public func arithmetic(_ operation: Arithmetic, _ other: Tensor, op: String) throws -> Tensor {
        guard shape == other.shape else { return try broadcasting(other, op: op, operation.function) }
        let out = Tensor(uninitializedShape: shape)
        let a = UnsafePointer(storage.base), b = UnsafePointer(other.storage.base), o = out.storage.base
        switch operation {
        case .add: parallelFor(count) { r in for i in r { o[i] = a[i] + b[i] } }
        case .subtract: parallelFor(count) { r in for i in r { o[i] = a[i] - b[i] } }
        case .multiply: parallelFor(count) { r in for i in r { o[i] = a[i] * b[i] } }
        case .divide: parallelFor(count) { r in for i in r { o[i] = a[i] / b[i] } }
        }
        return out
    }
}

extension Tensor {
    /// Applies `f` elementwise to `self` and `other` broadcast together (NumPy rules).
    ///
    /// Same-shape and scalar operands take flat loops; the general case walks rows of the output's
    /// last dimension, with each operand's offset computed once per row.
    @inlinable
    public func broadcasting(_ other: Tensor, op: String, _ f: (Float, Float) -> Float) throws -> Tensor {
        if shape == other.shape {
            let out = Tensor(uninitializedShape: shape)
            let a = storage.base, b = other.storage.base, o = out.storage.base
            parallelFor(count) { r in for i in r { o[i] = f(a[i], b[i]) } }
            return out
        }
        let outShape = try broadcastShapes(shape, other.shape, op: op)
        try checkShape(outShape, op: op)   // (1, n) against (n, 1) grows to n * n
        let out = Tensor(uninitializedShape: outShape)
        let a = storage.base, b = other.storage.base, o = out.storage.base
        if other.count == 1 {
            let s = b[0]
            parallelFor(count) { r in for i in r { o[i] = f(a[i], s) } }
            return out
        }
        if count == 1 {
            let s = a[0]
            parallelFor(other.count) { r in for i in r { o[i] = f(s, b[i]) } }
            return out
        }
        let inner = outShape.last ?? 1
        let rows = out.count / Swift.max(inner, 1)
        let sa = broadcastStrides(shape, to: outShape)
        let sb = broadcastStrides(other.shape, to: outShape)
        let ia = sa.last ?? 0, ib = sb.last ?? 0
        parallelFor(rows, grain: Swift.max(1, 32_768 / Swift.max(inner, 1))) { range in
            for row in range {
                let ao = rowOffset(row, outShape: outShape, strides: sa)
                let bo = rowOffset(row, outShape: outShape, strides: sb)
                let oo = row &* inner
                for j in 0..<inner { o[oo &+ j] = f(a[ao &+ j &* ia], b[bo &+ j &* ib]) }
            }
        }
        return out
    }

    /// Applies `f` to every element.
    @inlinable
    public func mapElements(_ f: (Float) -> Float) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        let a = storage.base, o = out.storage.base
        parallelFor(count) { r in for i in r { o[i] = f(a[i]) } }
        return out
    }

    /// `self` repeated along its axes of size 1 and in front to `target` (NumPy's `broadcast_to`,
    /// materialised): the operand of a batched matrix product whose batch dimensions are
    /// broadcast. `summed(toShape:)` is its backward rule.
    ///
    /// - Throws: `TensorError("broadcast_to", ...)` unless `self` broadcasts to exactly `target`.
    public func broadcasted(to target: [Int]) throws -> Tensor {
        if shape == target { return self }
        guard target.count >= shape.count, (try? broadcastShapes(shape, target, op: "broadcast_to")) == target else {
            throw TensorError("broadcast_to", "cannot broadcast \(formatShape(shape)) to \(formatShape(target))")
        }
        try checkShape(target, op: "broadcast_to")
        let out = Tensor(uninitializedShape: target)
        let inner = target.last ?? 1
        let rows = out.count / Swift.max(inner, 1)
        let st = broadcastStrides(shape, to: target)
        let step = st.last ?? 0
        let a = storage.base, o = out.storage.base
        parallelFor(rows, grain: Swift.max(1, 32_768 / Swift.max(inner, 1))) { range in
            for row in range {
                let from = rowOffset(row, outShape: target, strides: st)
                let to = row &* inner
                for j in 0..<inner { o[to &+ j] = a[from &+ j &* step] }
            }
        }
        return out
    }

    /// Sums a broadcast result back down to `target`, the shape of the operand it was broadcast
    /// from: the backward rule of every broadcasting op.
    public func summed(toShape target: [Int]) throws -> Tensor {
        if target == shape { return self }
        guard target.count <= shape.count,
              (try? broadcastShapes(target, shape, op: "sum_to")) == shape else {
            throw TensorError("sum_to", "cannot sum \(formatShape(shape)) down to \(formatShape(target))")
        }
        let out = Tensor(uninitializedShape: target)
        out.storage.base.initialize(repeating: 0, count: Swift.max(out.count, 1))
        let st = broadcastStrides(target, to: shape)
        let inner = shape.last ?? 1
        let rows = count / Swift.max(inner, 1)
        let it = st.last ?? 0
        let g = storage.base, o = out.storage.base
        // Serial: different rows may accumulate into the same target element.
        for row in 0..<rows {
            let to = rowOffset(row, outShape: shape, strides: st)
            let go = row &* inner
            if it == 0 {
                var s: Float = 0
                for j in 0..<inner { s += g[go &+ j] }
                o[to] += s
            } else {
                for j in 0..<inner { o[to &+ j] += g[go &+ j] }
            }
        }
        return out
    }

    /// Adds `other` (same shape) into `self` in place: gradient accumulation.
    public mutating func accumulate(_ other: Tensor) throws {
        guard shape == other.shape else {
            throw TensorError("accumulate", "gradient of shape \(formatShape(other.shape)) does not match \(formatShape(shape))")
        }
        makeUnique()
        let o = storage.base, b = other.storage.base
        parallelFor(count) { r in for i in r { o[i] += b[i] } }
    }
}
