import Foundation

// Elementwise math on tensors: flat loops over unsafe pointers, split across cores when large.
// The C names (expf, logf, powf ...) are used inside so that these kernels read the same in any
// extension, where a member called `exp` or `tanh` would hide the free functions.

/// Elements per thread below which a cheap elementwise loop (a compare, a multiply, a select)
/// stays on one core.
///
/// Such loops run at memory speed, a few hundred microseconds per million elements; waking a
/// second thread costs some microseconds, so splitting pays off from about a hundred thousand
/// elements on: a 1M-element relu uses both cores, a 1k one none.
@usableFromInline let cheapElementwiseGrain = 65_536

/// Elements per thread below which a transcendental loop (exp, log, erf, tanh, pow) stays on one
/// core: each element costs ten times a compare, so the second core pays off ten times sooner.
@usableFromInline let transcendentalElementwiseGrain = 8_192

extension Tensor {
    /// A new tensor of `self`'s shape that `body` fills from `self`'s elements, one chunk of indices
    /// per call: the switch or the setup in `body` runs once per chunk, the loop inside it per element.
    @inlinable
    func mapChunks(grain: Int,
                   _ body: (_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ range: Range<Int>) -> Void) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        let x = UnsafePointer(storage.base), y = out.storage.base
        parallelFor(count, grain: grain) { r in body(x, y, r) }
        return out
    }

    /// Like `mapChunks`, over `self` and `other` of the same shape: the shape of a backward rule,
    /// where the gradient and the saved value always match.
    @inlinable
    func zipChunks(_ other: Tensor, grain: Int,
                   _ body: (_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                            _ range: Range<Int>) -> Void) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        let a = UnsafePointer(storage.base), b = UnsafePointer(other.storage.base), y = out.storage.base
        assert(count == other.count, "callers pass a gradient and a value of one variable, whose shapes propagate() checked")  // invariant
        parallelFor(Swift.min(count, other.count), grain: grain) { r in body(a, b, y, r) }
        return out
    }
}

/// `a * b` for two tensors of the same shape (a gradient times a local derivative).
@inlinable
func elementwiseProduct(_ a: Tensor, _ b: Tensor) -> Tensor {
    a.zipChunks(b, grain: cheapElementwiseGrain) { a, b, y, r in
        for i in r { y[i] = a[i] * b[i] }
    }
}

/// e raised to each element.
public func exp(_ x: Tensor) -> Tensor {
    x.mapChunks(grain: transcendentalElementwiseGrain) { x, y, r in
        for i in r { y[i] = expf(x[i]) }
    }
}

/// The natural logarithm of each element: `-inf` at 0 and NaN below it, as in NumPy and PyTorch
/// (a loss that needs a guard adds its own epsilon).
public func log(_ x: Tensor) -> Tensor {
    x.mapChunks(grain: transcendentalElementwiseGrain) { x, y, r in
        for i in r { y[i] = logf(x[i]) }
    }
}

/// The square root of each element (NaN below 0).
public func sqrt(_ x: Tensor) -> Tensor {
    x.mapChunks(grain: cheapElementwiseGrain) { x, y, r in
        for i in r { y[i] = x[i].squareRoot() }
    }
}

/// The absolute value of each element.
public func abs(_ x: Tensor) -> Tensor {
    x.mapChunks(grain: cheapElementwiseGrain) { x, y, r in
        for i in r { y[i] = x[i].magnitude }
    }
}

/// Each element squared: `pow(x, 2)` without the call to `powf`.
public func square(_ x: Tensor) -> Tensor {
    x.mapChunks(grain: cheapElementwiseGrain) { x, y, r in
        for i in r { let v = x[i]; y[i] = v * v }
    }
}

/// Each element raised to the constant power `p` (C's `powf`: a negative base with a non-integer
/// power is NaN).
public func pow(_ x: Tensor, _ p: Float) -> Tensor {
    if p == 2 { return square(x) }
    if p == 1 { return x }
    return x.mapChunks(grain: transcendentalElementwiseGrain) { x, y, r in
        for i in r { y[i] = powf(x[i], p) }
    }
}

/// `a` raised to the power `b` elementwise, broadcasting (NumPy rules).
///
/// - Throws: `TensorError` naming both shapes when they do not broadcast.
public func pow(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try a.broadcasting(b, op: "pow") { powf($0, $1) }
}

/// The larger of `a` and `b` elementwise, broadcasting; NaN in either gives NaN, as in NumPy's
/// `maximum` and PyTorch's (a diverging loss should show, not be hidden by a max).
///
/// - Throws: `TensorError` naming both shapes when they do not broadcast.
public func maximum(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try a.broadcasting(b, op: "maximum") { x, y in (x > y || x != x) ? x : y }
}

/// The smaller of `a` and `b` elementwise, broadcasting; NaN in either gives NaN.
///
/// - Throws: `TensorError` naming both shapes when they do not broadcast.
public func minimum(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    try a.broadcasting(b, op: "minimum") { x, y in (x < y || x != x) ? x : y }
}

/// Throws unless `low...high` is a usable clamp range.
func checkClampBounds(_ low: Float, _ high: Float) throws {
    guard !low.isNaN, !high.isNaN, low <= high else {
        throw TensorError("clamp", "min \(low) must not exceed max \(high)")
    }
}

/// Each element limited to `min...max`; either bound may be left infinite to clamp one side only.
/// NaN stays NaN.
///
/// - Throws: `TensorError` when `min > max` or a bound is NaN (PyTorch silently returns `max`
///   everywhere then; here it is reported as the mistake it almost always is).
public func clamp(_ x: Tensor, min low: Float = -.infinity, max high: Float = .infinity) throws -> Tensor {
    try checkClampBounds(low, high)
    return x.mapChunks(grain: cheapElementwiseGrain) { x, y, r in
        for i in r {
            let v = x[i]
            y[i] = v < low ? low : (v > high ? high : v)
        }
    }
}
