/// The outcome of comparing an autodiff gradient with central finite differences.
public struct GradcheckResult: CustomStringConvertible {
    /// The largest |analytic - numeric| / max(1, |numeric|) over all checked elements.
    public var maxError: Double
    /// Where it happened: input index and flat element index.
    public var worst: (input: Int, element: Int)
    /// The analytic and numeric values there.
    public var analytic: Double, numeric: Double
    /// Whether `maxError` is within the tolerance asked for.
    public var passed: Bool

    public var description: String {
        "gradcheck \(passed ? "passed" : "FAILED"): max error \(maxError) at input \(worst.input) element \(worst.element) (analytic \(analytic), numeric \(numeric))"
    }
}

/// Checks the reverse-mode gradient of `f` against central finite differences.
///
/// `f` maps the inputs (as variables requiring gradients) to any tensor; the check reduces it to the
/// scalar `sum(f(x) * r)` with a fixed random `r`, so that a gradient that is transposed, permuted or
/// missing a term changes the result instead of cancelling out. The finite differences are taken in
/// Float32 with step `eps` and summed in Double; `tolerance` bounds the error relative to
/// max(1, |numeric|), tight enough to catch a wrong sign, a wrong factor or a missing term. The
/// default, 1e-3, holds for every primitive (`PrimitiveGradientTests`): the values are Float32, so
/// the central difference carries a rounding error near ulp(f) / eps (about 1e-5 here) besides its
/// O(eps^2) truncation, and an error ten times the default would pass a factor of 0.99 unnoticed.
///
/// - Parameters:
///   - inputs: the points to differentiate at.
///   - checking: which inputs to differentiate with respect to (default: all).
///   - maxElements: how many elements of each input to perturb at most (spread evenly).
public func gradcheck(_ inputs: [Tensor], checking: [Int]? = nil, eps: Float = 1e-2, tolerance: Double = 1e-3,
                      maxElements: Int = 200, seed: UInt64 = 7,
                      _ f: ([Variable]) throws -> Variable) throws -> GradcheckResult {
    let vars = inputs.map { Variable($0, requiresGrad: true) }
    let probe = try withoutGradients { try f(inputs.map { Variable($0) }) }
    var gen = RandomGenerator(seed: seed)
    let r = try Tensor.uniform(probe.shape, low: -1, high: 1, using: &gen)

    func objective(_ xs: [Tensor]) throws -> Double {
        let y = try withoutGradients { try f(xs.map { Variable($0) }) }.value
        var s = 0.0
        y.withUnsafeBufferPointer { yp in r.withUnsafeBufferPointer { rp in
            for i in 0..<yp.count { s += Double(yp[i]) * Double(rp[i]) }
        } }
        return s
    }

    let y = try f(vars)
    let loss = try (y * Variable(r))
    let checked = checking ?? Array(inputs.indices)
    let analytic = try gradients(of: try sumAll(loss), withRespectTo: checked.map { vars[$0] })

    var result = GradcheckResult(maxError: 0, worst: (0, 0), analytic: 0, numeric: 0, passed: true)
    for (k, idx) in checked.enumerated() {
        let n = inputs[idx].count
        let step = Swift.max(1, n / maxElements)
        for e in stride(from: 0, to: n, by: step) {
            var plus = inputs, minus = inputs
            plus[idx].withUnsafeMutableBufferPointer { $0[e] += eps }
            minus[idx].withUnsafeMutableBufferPointer { $0[e] -= eps }
            let numeric = (try objective(plus) - objective(minus)) / (2 * Double(eps))
            let a = Double(analytic[k].withUnsafeBufferPointer { $0[e] })
            let err = abs(a - numeric) / Swift.max(1, abs(numeric))
            if err > result.maxError || (err.isNaN && !result.maxError.isNaN) {
                result.maxError = err
                result.worst = (idx, e)
                result.analytic = a
                result.numeric = numeric
            }
        }
    }
    result.passed = result.maxError <= tolerance
    return result
}

/// The sum of every element as a scalar variable; the reduction the gradient check needs before the
/// reduction ops exist in their own file.
func sumAll(_ x: Variable) throws -> Variable {
    var total: Double = 0
    x.value.withUnsafeBufferPointer { p in for v in p { total += Double(v) } }
    let shape = x.shape
    return Variable.record(Tensor(scalar: Float(total)), parents: [x], op: .sum) { g in
        [try Tensor(shape: shape, repeating: g.scalarValue ?? 0)]
    }
}
