import Foundation

// The activation kernels: one formula per function (the transcendental ones eight lanes at a time,
// on VectorMath), and one flat loop per function that the switch picks once per chunk.
// `ActivationFunction.apply`, `applyInPlace` and the Tensor methods below all run these loops; `x` and `y`
// may be the same buffer (in place).

/// Formulas shared by the forward and backward loops.
@usableFromInline
enum ActivationMath {
    /// sqrt(2 / pi), the tanh-GELU constant.
    @usableFromInline static let geluTanhScale: Float = 0.797_884_56
    /// The cubic coefficient of the tanh-GELU approximation.
    @usableFromInline static let geluTanhCubic: Float = 0.044_715
    /// 1 / sqrt(2 pi), the standard normal density's factor.
    @usableFromInline static let normalDensityScale: Float = 0.398_942_28
    /// 1 / sqrt(2).
    @usableFromInline static let inverseSqrt2: Float = 0.707_106_78

    /// x * Phi(x), with Phi(x) = erfc(-x / sqrt 2) / 2: erfc keeps the small tail for negative x
    /// that 1 + erf would cancel away.
    @inline(__always) @usableFromInline
    static func geluExact(_ x: Float) -> Float {
        0.5 * x * erfcf(-x * inverseSqrt2)
    }

    /// d/dx x Phi(x) = Phi(x) + x phi(x).
    @inline(__always) @usableFromInline
    static func geluExactDerivative(_ x: Float) -> Float {
        0.5 * erfcf(-x * inverseSqrt2) + x * normalDensityScale * expf(-0.5 * x * x)
    }

    /// The tanh approximation 0.5 x (1 + tanh u), u = sqrt(2/pi) (x + 0.044715 x^3), written as
    /// x * sigmoid(2u) (the same function, since (1 + tanh u) / 2 = sigmoid(2u)), which keeps
    /// the tail for negative x and gives -0 rather than NaN at any |x|. Eight lanes at a time.
    @inline(__always) @usableFromInline
    static func geluTanh(_ x: Float8) -> Float8 {
        let u = geluTanhScale * (x + geluTanhCubic * x * x * x)
        return x / (1 + VectorMath.exp(-2 * u))
    }

    /// d/dx x s(2u) = s + 2 x s (1 - s) u'. Past |x| = 10 the derivative is 1 or 0 to Float
    /// precision, and the formula would multiply 0 by an overflowing u'.
    @inline(__always) @usableFromInline
    static func geluTanhDerivative(_ x: Float8) -> Float8 {
        let x2 = x * x
        let u = geluTanhScale * (x + geluTanhCubic * x2 * x)
        let du = geluTanhScale * (1 + 3 * geluTanhCubic * x2)
        let s = 1 / (1 + VectorMath.exp(-2 * u))
        let d = s + 2 * x * s * (1 - s) * du
        let saturated = Float8(repeating: 0).replacing(with: 1, where: x .> 0)
        return d.replacing(with: saturated, where: VectorMath.abs(x) .> 10)
    }
}

extension ActivationFunction {
    /// Elements per thread below which this activation runs on one core.
    @usableFromInline var grain: Int {
        switch self {
        case .linear, .relu, .relu6, .leakyRelu: return cheapElementwiseGrain
        case .elu, .gelu, .silu, .sigmoid, .tanh, .softplus, .softmax: return transcendentalElementwiseGrain
        }
    }

    /// `y[i] = f(x[i])` for `i` in `r`, where `y` may be `x` (the fused layers apply their
    /// activation in place). Why two loops: the compiler vectorises a loop over two pointers only
    /// after checking at run time that they do not overlap, and `x == y` overlaps, so in place the
    /// two-pointer loop ran one element at a time (a conv's fused relu6 took 7x the instructions);
    /// over one pointer there is nothing to check.
    @inline(__always) @usableFromInline
    func elementLoop(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ r: Range<Int>, _ f: (Float) -> Float) {
        if UnsafePointer(y) == x {
            for i in r { y[i] = f(y[i]) }
        } else {
            for i in r { y[i] = f(x[i]) }
        }
    }

    /// y[i] = f(x[i]) for i in `r`.
    @usableFromInline
    func forwardLoop(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ r: Range<Int>) {
        switch self {
        case .linear:
            if x != UnsafePointer(y) { for i in r { y[i] = x[i] } }
        case .relu:
            // `0 >= v ? 0 : v` rather than `v > 0 ? v : 0`: NaN stays NaN, as in PyTorch.
            elementLoop(x, y, r) { v in 0 >= v ? 0 : v }
        case .relu6:
            elementLoop(x, y, r) { v in let p = 0 >= v ? 0 : v; return p >= 6 ? 6 : p }
        case let .leakyRelu(alpha):
            elementLoop(x, y, r) { v in v > 0 ? v : alpha * v }
        case let .elu(alpha):
            elementLoop(x, y, r) { v in v > 0 ? v : alpha * expm1f(v) }
        case .gelu(approximate: false):
            elementLoop(x, y, r) { ActivationMath.geluExact($0) }
        case .gelu(approximate: true):
            mapLanes(x, y, r) { ActivationMath.geluTanh($0) }
        case .silu:
            mapLanes(x, y, r) { $0 * VectorMath.sigmoid($0) }
        case .sigmoid:
            mapLanes(x, y, r) { VectorMath.sigmoid($0) }
        case .tanh:
            mapLanes(x, y, r) { VectorMath.tanh($0) }
        case .softplus:
            mapLanes(x, y, r) { VectorMath.softplus($0) }
        case .softmax:
            // invariant: softmax is not elementwise; apply(_:) and the fused layers take it along its axis
            assertionFailure("softmax has no elementwise loop")
        }
    }

    /// out[i] = g[i] * f'(x[i]) for i in `r`; `out` may be `g`.
    @usableFromInline
    func backwardFromInputLoop(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>,
                               _ out: UnsafeMutablePointer<Float>, _ r: Range<Int>) {
        switch self {
        case .linear:
            if g != UnsafePointer(out) { for i in r { out[i] = g[i] } }
        case .relu:
            for i in r { out[i] = x[i] > 0 ? g[i] : 0 }
        case .relu6:
            for i in r { let v = x[i]; out[i] = (v > 0 && v < 6) ? g[i] : 0 }
        case let .leakyRelu(alpha):
            for i in r { out[i] = x[i] > 0 ? g[i] : alpha * g[i] }
        case let .elu(alpha):
            for i in r { let v = x[i]; out[i] = v > 0 ? g[i] : alpha * expf(v) * g[i] }
        case .gelu(approximate: false):
            for i in r { out[i] = g[i] * ActivationMath.geluExactDerivative(x[i]) }
        case .gelu(approximate: true):
            mapLanes(x, g, out, r) { v, gv in gv * ActivationMath.geluTanhDerivative(v) }
        case .silu:
            // d/dx x s(x) = s (1 + x (1 - s))
            mapLanes(x, g, out, r) { v, gv in
                let s = VectorMath.sigmoid(v)
                return gv * (s * (1 + v * (1 - s)))
            }
        case .sigmoid:
            mapLanes(x, g, out, r) { v, gv in let s = VectorMath.sigmoid(v); return gv * (s * (1 - s)) }
        case .tanh:
            mapLanes(x, g, out, r) { v, gv in let t = VectorMath.tanh(v); return gv * (1 - t * t) }
        case .softplus:
            mapLanes(x, g, out, r) { v, gv in gv * VectorMath.sigmoid(v) }
        case .softmax:
            // invariant: backward(input:gradient:) refuses softmax before any loop
            assertionFailure("softmax has no elementwise derivative")
        }
    }

    /// out[i] = g[i] * f'(x[i]) computed from y[i] = f(x[i]) for i in `r`; `out` may be `g`.
    /// Only for activations whose `derivativeFromOutput` is true; the others leave `out` as `g`.
    @usableFromInline
    func backwardFromOutputLoop(_ y: UnsafePointer<Float>, _ g: UnsafePointer<Float>,
                                _ out: UnsafeMutablePointer<Float>, _ r: Range<Int>) {
        switch self {
        case .linear:
            if g != UnsafePointer(out) { for i in r { out[i] = g[i] } }
        case .gelu, .silu, .softmax:
            // invariant: requireDerivativeFromOutput refuses these before any loop
            assertionFailure("\(name)'s derivative needs its input")
        case .relu:
            for i in r { out[i] = y[i] > 0 ? g[i] : 0 }
        case .relu6:
            for i in r { let v = y[i]; out[i] = (v > 0 && v < 6) ? g[i] : 0 }
        case let .leakyRelu(alpha):
            // alpha >= 0: y > 0 exactly when x > 0.
            for i in r { out[i] = y[i] > 0 ? g[i] : alpha * g[i] }
        case let .elu(alpha):
            // alpha >= 0: for x <= 0, f'(x) = alpha e^x = y + alpha.
            for i in r { let v = y[i]; out[i] = v > 0 ? g[i] : (v + alpha) * g[i] }
        case .sigmoid:
            for i in r { let s = y[i]; out[i] = g[i] * (s * (1 - s)) }
        case .tanh:
            for i in r { let t = y[i]; out[i] = g[i] * (1 - t * t) }
        case .softplus:
            // sigmoid(x) = 1 - exp(-softplus(x)), via expm1 so that tiny outputs keep their digits.
            for i in r { out[i] = g[i] * -expm1f(-y[i]) }
        }
    }
}

extension Tensor {
    /// `max(x, 0)` elementwise.
    public func relu() -> Tensor { ActivationFunction.relu.applyElementwise(self) }
    /// `min(max(x, 0), 6)` elementwise.
    public func relu6() -> Tensor { ActivationFunction.relu6.applyElementwise(self) }
    /// `x` where positive, `alpha * x` elsewhere; 0.2 is `keras.activations.leaky_relu`'s default
    /// (Keras's `LeakyReLU` layer defaults to 0.3).
    public func leakyRelu(alpha: Float = 0.2) -> Tensor { ActivationFunction.leakyRelu(alpha: alpha).applyElementwise(self) }
    /// `x` where positive, `alpha * (exp(x) - 1)` elsewhere.
    public func elu(alpha: Float = 1) -> Tensor { ActivationFunction.elu(alpha: alpha).applyElementwise(self) }
    /// `x * Phi(x)`, exact by default as `keras.activations.gelu`; `approximate: true` is the tanh form.
    public func gelu(approximate: Bool = false) -> Tensor { ActivationFunction.gelu(approximate: approximate).applyElementwise(self) }
    /// `x * sigmoid(x)` (swish).
    public func silu() -> Tensor { ActivationFunction.silu.applyElementwise(self) }
    /// The logistic function, stable for any |x|.
    public func sigmoid() -> Tensor { ActivationFunction.sigmoid.applyElementwise(self) }
    /// The hyperbolic tangent.
    public func tanh() -> Tensor { ActivationFunction.tanh.applyElementwise(self) }
    /// `log(1 + exp(x))`, stable for any |x|.
    public func softplus() -> Tensor { ActivationFunction.softplus.applyElementwise(self) }
    /// The identity (returns `self`, sharing storage).
    public func linear() -> Tensor { self }
}
