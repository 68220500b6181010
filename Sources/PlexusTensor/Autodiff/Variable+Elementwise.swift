import Foundation

// Elementwise math on the tape. Each op computes its value with the Tensor kernel of
// Kernels/Elementwise.swift and records its backward rule beside it; the local derivative and the
// product with the incoming gradient are one fused loop. Broadcasting ops sum their gradients back
// down to each operand's shape.

/// e raised to each element; the gradient reuses the output (d/dx e^x = e^x).
public func exp(_ x: Variable) -> Variable {
    let y = exp(x.value)
    return Variable.record(y, parents: [x], op: .exp) { g in [elementwiseProduct(g, y)] }
}

/// The natural logarithm of each element; the gradient is `g / x`.
public func log(_ x: Variable) -> Variable {
    let xv = x.value
    return Variable.record(log(xv), parents: [x], op: .log) { g in
        [g.zipChunks(xv, grain: cheapElementwiseGrain) { g, x, o, r in for i in r { o[i] = g[i] / x[i] } }]
    }
}

/// The square root of each element; the gradient `g / (2 sqrt x)` reuses the output (and is
/// infinite at 0, as in PyTorch).
public func sqrt(_ x: Variable) -> Variable {
    let y = sqrt(x.value)
    return Variable.record(y, parents: [x], op: .sqrt) { g in
        [g.zipChunks(y, grain: cheapElementwiseGrain) { g, y, o, r in for i in r { o[i] = 0.5 * g[i] / y[i] } }]
    }
}

/// The absolute value of each element; the gradient is `sign(x) g`, with 0 at x = 0 (PyTorch).
public func abs(_ x: Variable) -> Variable {
    let xv = x.value
    return Variable.record(abs(xv), parents: [x], op: .abs) { g in
        [g.zipChunks(xv, grain: cheapElementwiseGrain) { g, x, o, r in
            for i in r { let v = x[i]; o[i] = v > 0 ? g[i] : (v < 0 ? -g[i] : 0) }
        }]
    }
}

/// Each element squared; the gradient is `2 x g`.
public func square(_ x: Variable) -> Variable {
    let xv = x.value
    return Variable.record(square(xv), parents: [x], op: .square) { g in
        [g.zipChunks(xv, grain: cheapElementwiseGrain) { g, x, o, r in for i in r { o[i] = 2 * x[i] * g[i] } }]
    }
}

/// Each element raised to the constant power `p`; the gradient is `p x^(p-1) g`, and exactly 0
/// for `p == 0` (not NaN at x = 0).
public func pow(_ x: Variable, _ p: Float) -> Variable {
    let xv = x.value
    return Variable.record(pow(xv, p), parents: [x], op: .powScalar) { g in
        if p == 0 { return [try Tensor.zeros(xv.shape)] }
        if p == 1 { return [g] }
        if p == 2 { return [g.zipChunks(xv, grain: cheapElementwiseGrain) { g, x, o, r in for i in r { o[i] = 2 * x[i] * g[i] } }] }
        let q = p - 1
        return [g.zipChunks(xv, grain: transcendentalElementwiseGrain) { g, x, o, r in
            for i in r { o[i] = p * powf(x[i], q) * g[i] }
        }]
    }
}

/// `a` raised to the power `b` elementwise, broadcasting.
///
/// The gradient for `a` is `b a^(b-1) g` (0 where b == 0); the gradient for `b` is
/// `a^b log(a) g`, defined for a > 0, and taken as its limit 0 where a == 0 and b >= 0
/// (PyTorch's convention); a negative base gives NaN there.
///
/// - Throws: `TensorError` naming both shapes when they do not broadcast.
public func pow(_ a: Variable, _ b: Variable) throws -> Variable {
    let av = a.value, bv = b.value
    let out = try pow(av, bv)
    return Variable.record(out, parents: [a, b], op: .pow) { g in
        let ga: Tensor? = a.requiresGrad
            ? try elementwiseProduct(g, av.broadcasting(bv, op: "pow") { x, p in p == 0 ? 0 : p * powf(x, p - 1) })
                .summed(toShape: av.shape)
            : nil
        let gb: Tensor? = b.requiresGrad
            ? try elementwiseProduct(g, av.broadcasting(bv, op: "pow") { x, p in (x == 0 && p >= 0) ? 0 : powf(x, p) * logf(x) })
                .summed(toShape: bv.shape)
            : nil
        return [ga, gb]
    }
}

/// The larger of `a` and `b` elementwise, broadcasting (Keras's `maximum` merge).
///
/// The gradient goes to the operand that was chosen; where they tie it is split evenly, half to
/// each (PyTorch's `torch.maximum` convention, and what central differences measure there).
///
/// - Throws: `TensorError` naming both shapes when they do not broadcast.
public func maximum(_ a: Variable, _ b: Variable) throws -> Variable {
    let av = a.value, bv = b.value
    let out = try maximum(av, bv)
    return Variable.record(out, parents: [a, b], op: .maximum) { g in
        [a.requiresGrad
            ? try elementwiseProduct(g, av.broadcasting(bv, op: "maximum") { x, y in x > y ? 1 : (x == y ? 0.5 : 0) })
                .summed(toShape: av.shape)
            : nil,
         b.requiresGrad
            ? try elementwiseProduct(g, av.broadcasting(bv, op: "maximum") { x, y in y > x ? 1 : (x == y ? 0.5 : 0) })
                .summed(toShape: bv.shape)
            : nil]
    }
}

/// The smaller of `a` and `b` elementwise, broadcasting; ties split the gradient evenly, as in
/// `maximum`.
///
/// - Throws: `TensorError` naming both shapes when they do not broadcast.
public func minimum(_ a: Variable, _ b: Variable) throws -> Variable {
    let av = a.value, bv = b.value
    let out = try minimum(av, bv)
    return Variable.record(out, parents: [a, b], op: .minimum) { g in
        [a.requiresGrad
            ? try elementwiseProduct(g, av.broadcasting(bv, op: "minimum") { x, y in x < y ? 1 : (x == y ? 0.5 : 0) })
                .summed(toShape: av.shape)
            : nil,
         b.requiresGrad
            ? try elementwiseProduct(g, av.broadcasting(bv, op: "minimum") { x, y in y < x ? 1 : (x == y ? 0.5 : 0) })
                .summed(toShape: bv.shape)
            : nil]
    }
}

/// Each element limited to `min...max` (either bound may stay infinite).
///
/// The gradient passes where `min <= x <= max`, bounds included, and is 0 outside (PyTorch's
/// `clamp`); `relu6` instead stops it at 0 and 6 themselves, as PyTorch's `hardtanh` does.
///
/// - Throws: `TensorError` when `min > max` or a bound is NaN.
public func clamp(_ x: Variable, min low: Float = -.infinity, max high: Float = .infinity) throws -> Variable {
    let xv = x.value
    let out = try clamp(xv, min: low, max: high)
    return Variable.record(out, parents: [x], op: .clamp) { g in
        [g.zipChunks(xv, grain: cheapElementwiseGrain) { g, x, o, r in
            for i in r { let v = x[i]; o[i] = (v >= low && v <= high) ? g[i] : 0 }
        }]
    }
}
