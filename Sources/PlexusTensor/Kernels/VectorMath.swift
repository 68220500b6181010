// exp, log, log1p, sigmoid and tanh eight lanes at a time: the one implementation behind the
// activations (sigmoid, tanh, silu, softplus, tanh-GELU), softmax and the cross-entropies. libm's
// expf and log1pf are calls per element that the compiler cannot vectorise; these are a few
// multiply-adds per lane. Accuracy (tested against libm from -104 to 89 and on the special values):
// exp and log within 2 ulp of libm for normal results, the same zeros, infinities and NaNs, and
// denormal results within a few denormal steps. Coefficients are Cephes's (S. Moshier), minimax on
// the reduced ranges.

/// Eight floats, the width one AVX register holds.
public typealias Float8 = SIMD8<Float>

@usableFromInline
enum VectorMath {
    @usableFromInline static let log2e: Float = 1.442_695_04
    /// ln 2 split in two so that n * ln2Hi is exact for the n exp meets.
    @usableFromInline static let ln2Hi: Float = 0.693_359_375
    @usableFromInline static let ln2Lo: Float = -2.121_944_40e-4
    /// 1.5 * 2^23: adding it rounds a float below 2^22 in magnitude to an integer, held in the
    /// low bits of the sum.
    @usableFromInline static let roundMagic: Float = 12_582_912

    /// |x| per lane (the sign bit cleared).
    @inline(__always) @usableFromInline
    static func abs(_ x: Float8) -> Float8 {
        unsafeBitCast(unsafeBitCast(x, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: Float8.self)
    }

    /// 2^n for integer n in -126...127, from the exponent bits.
    @inline(__always) @usableFromInline
    static func pow2(_ n: SIMD8<Int32>) -> Float8 {
        unsafeBitCast((n &+ 127) &<< 23, to: Float8.self)
    }

    /// e^x per lane. Arguments are clamped to [-104, 89] (beyond which the result is 0 or
    /// infinity anyway) and 2^n is applied in two halves, so that denormal results and overflow
    /// come out as libm's do; NaN stays NaN.
    @inline(__always) @usableFromInline
    static func exp(_ x: Float8) -> Float8 {
        let c = x.clamped(lowerBound: Float8(repeating: -104), upperBound: Float8(repeating: 89))
        let shifted = c * log2e + roundMagic
        let n = shifted - roundMagic
        let ni = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(Float8(repeating: roundMagic), to: SIMD8<Int32>.self)
        var r = c - n * ln2Hi
        r = r - n * ln2Lo
        var p = Float8(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_91e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        p = p * (r * r) + r + 1
        let half = ni &>> 1
        let y = p * pow2(half) * pow2(ni &- half)
        return y.replacing(with: x, where: x .!= x)
    }

    /// The natural logarithm per lane: -infinity at 0, NaN below 0 and for NaN, infinity at
    /// infinity; denormal arguments are scaled up first.
    @inline(__always) @usableFromInline
    static func log(_ x: Float8) -> Float8 {
        let tiny = x .< Float.leastNormalMagnitude
        let scaled = x.replacing(with: x * 8_388_608, where: tiny)   // 2^23
        let bits = unsafeBitCast(scaled, to: SIMD8<Int32>.self)
        // frexp: scaled = m * 2^e with m in [0.5, 1).
        var e = Float8((bits &>> 23) &- 126)
        e = e.replacing(with: e - 23, where: tiny)
        var m = unsafeBitCast((bits & 0x007F_FFFF) | 0x3F00_0000, to: Float8.self)
        let low = m .< 0.707_106_77
        e = e.replacing(with: e - 1, where: low)
        m = m.replacing(with: m + m, where: low) - 1
        let z = m * m
        var y = Float8(repeating: 7.037_683_629_2e-2)
        y = y * m - 1.151_461_031_0e-1
        y = y * m + 1.167_699_874_0e-1
        y = y * m - 1.242_014_084_6e-1
        y = y * m + 1.424_932_278_7e-1
        y = y * m - 1.666_805_766_5e-1
        y = y * m + 2.000_071_476_5e-1
        y = y * m - 2.499_999_399_3e-1
        y = y * m + 3.333_333_117_4e-1
        y = y * m * z
        y = y + e * ln2Lo
        y = y - 0.5 * z
        var result = m + y + e * ln2Hi
        result.replace(with: -Float.infinity, where: x .== 0)
        result.replace(with: Float.nan, where: x .< 0)
        result.replace(with: x, where: (x .!= x) .| (x .== Float.infinity))
        return result
    }

    /// log(1 + x) per lane, keeping the digits of small x: log(u) * x / (u - 1) with u = 1 + x
    /// corrects the rounding of u (and is x itself where u rounds to 1).
    @inline(__always) @usableFromInline
    static func log1p(_ x: Float8) -> Float8 {
        let u = 1 + x
        let d = u - 1
        let corrected = log(u) * (x / d)
        var result = corrected.replacing(with: x, where: d .== 0)
        result.replace(with: log(u), where: u .== Float.infinity)
        return result
    }

    /// 1 / (1 + e^-x) per lane with exp's argument never positive: sigmoid(-100) is 3.7e-44, not 0
    /// or NaN, sigmoid(100) is 1.
    @inline(__always) @usableFromInline
    static func sigmoid(_ x: Float8) -> Float8 {
        let e = exp(-abs(x))
        let s = 1 / (1 + e)
        return s.replacing(with: e * s, where: x .< 0)
    }

    /// log(1 + e^x) per lane as max(x, 0) + log1p(e^-|x|).
    @inline(__always) @usableFromInline
    static func softplus(_ x: Float8) -> Float8 {
        x.replacing(with: 0, where: x .<= 0) + log1p(exp(-abs(x)))
    }

    /// tanh per lane: an odd polynomial below |x| = 0.625 (where 1 - 2 / (e^2x + 1) would cancel
    /// digits away), 1 - 2 / (e^2|x| + 1) with x's sign above.
    @inline(__always) @usableFromInline
    static func tanh(_ x: Float8) -> Float8 {
        let a = abs(x)
        let big = 1 - 2 / (exp(a + a) + 1)
        let signed = big.replacing(with: -big, where: x .< 0)
        let z = x * x
        var p = Float8(repeating: -5.704_988_727_45e-3)
        p = p * z + 2.063_908_879_54e-2
        p = p * z - 5.373_971_555_31e-2
        p = p * z + 1.333_144_220_36e-1
        p = p * z - 3.333_328_194_22e-1
        let small = p * z * x + x
        return signed.replacing(with: small, where: a .< 0.625)
    }
}

/// Eight floats from `p`, or the `count < 8` that remain padded with `pad`.
@inline(__always) @usableFromInline
func loadLanes(_ p: UnsafePointer<Float>, count: Int, pad: Float = 0) -> Float8 {
    if count >= 8 { return UnsafeRawPointer(p).loadUnaligned(as: Float8.self) }
    var v = Float8(repeating: pad)
    for i in 0..<count { v[i] = p[i] }
    return v
}

/// Stores the first `min(count, 8)` lanes of `v` at `p`.
@inline(__always) @usableFromInline
func storeLanes(_ v: Float8, _ p: UnsafeMutablePointer<Float>, count: Int) {
    if count >= 8 {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Float8.self)
        return
    }
    for i in 0..<count { p[i] = v[i] }
}

/// `y[i] = f(x[i])` for `i` in `r`, eight at a time (the tail padded), `f` a lane-wise function:
/// so that a loop and its last few elements run the same formula. `x` and `y` may be one buffer.
@inline(__always) @usableFromInline
func mapLanes(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ r: Range<Int>,
              _ f: (Float8) -> Float8) {
    var i = r.lowerBound
    while i < r.upperBound {
        let n = r.upperBound &- i
        storeLanes(f(loadLanes(x + i, count: n)), y + i, count: n)
        i &+= 8
    }
}

/// `out[i] = f(a[i], b[i])` for `i` in `r`, eight at a time; `out` may be `a` or `b`.
@inline(__always) @usableFromInline
func mapLanes(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>,
              _ r: Range<Int>, _ f: (Float8, Float8) -> Float8) {
    var i = r.lowerBound
    while i < r.upperBound {
        let n = r.upperBound &- i
        storeLanes(f(loadLanes(a + i, count: n), loadLanes(b + i, count: n)), out + i, count: n)
        i &+= 8
    }
}

/// The scalar forms, for the few places that meet one value at a time: one lane of the same
/// formulas, so a scalar and a vector path can never disagree.
extension VectorMath {
    @inline(__always) @usableFromInline static func exp(_ x: Float) -> Float { exp(Float8(repeating: x))[0] }
    @inline(__always) @usableFromInline static func log(_ x: Float) -> Float { log(Float8(repeating: x))[0] }
}
