import Foundation

// File-scope wrappers on VectorMath (the one exp and log): inside `extension Tensor` a bare `exp`
// could resolve to a Tensor method.
@inline(__always) private func expf32(_ x: Float) -> Float { VectorMath.exp(x) }
@inline(__always) private func logf32(_ x: Float) -> Float { VectorMath.log(x) }


extension Tensor {
    /// `exp(x) / sum(exp(x))` along `axis` (the last by default): each lane becomes probabilities.
    ///
    /// Numerically stable: the lane's max is subtracted before `exp`, so logits of 1000 do not
    /// overflow. `softmax([1, 2, 3]) = [0.0900, 0.2447, 0.6652]`.
    ///
    /// - Throws: `TensorError` for an axis out of range.
    public func softmax(axis: Int = -1) throws -> Tensor {
        try softmaxKernel(axis: axis, log: false, op: "softmax")
    }

    /// `x - log(sum(exp(x)))` along `axis` (the last by default): log-probabilities, computed
    /// without forming the probabilities, so a probability below Float's range is still a finite
    /// log (-1000, not -inf).
    ///
    /// - Throws: `TensorError` for an axis out of range.
    public func logSoftmax(axis: Int = -1) throws -> Tensor {
        try softmaxKernel(axis: axis, log: true, op: "log_softmax")
    }

    func softmaxKernel(axis: Int, log takeLog: Bool, op: String) throws -> Tensor {
        let lay = try AxisLayout(shape, axis: axis, op: op)
        let out = Tensor(uninitializedShape: shape)
        guard count > 0 else { return out }
        let x = storage.base, o = out.storage.base
        let n = lay.size, inner = lay.inner
        if inner == 1 {
            parallelFor(lay.outer, grain: lay.grain) { range in
                for r in range {
                    let s = x + r &* n, d = o + r &* n
                    var m = -Float.infinity
                    var j = 0
                    while j < n { if s[j] > m { m = s[j] }; j &+= 1 }
                    // exp eight lanes at a time; the tail's padding of -infinity adds exp(-inf) = 0.
                    var lanes = Float8()
                    j = 0
                    while j < n {
                        let left = n &- j
                        let e = VectorMath.exp(loadLanes(s + j, count: left, pad: -.infinity) - m)
                        storeLanes(e, d + j, count: left)
                        lanes += e
                        j &+= 8
                    }
                    let total = lanes.sum()
                    j = 0
                    if takeLog {
                        let shift = m + logf32(total)
                        while j < n { d[j] = s[j] - shift; j &+= 1 }
                    } else {
                        let inv = 1 / total
                        while j < n { d[j] *= inv; j &+= 1 }
                    }
                }
            }
            return out
        }
        parallelFor(lay.outer, grain: lay.grain) { range in
            let m = UnsafeMutablePointer<Float>.allocate(capacity: inner)
            let total = UnsafeMutablePointer<Float>.allocate(capacity: inner)
            defer { m.deallocate(); total.deallocate() }
            for r in range {
                let s = x + r &* n &* inner, d = o + r &* n &* inner
                m.initialize(repeating: -.infinity, count: inner)
                total.initialize(repeating: 0, count: inner)
                for k in 0..<n {
                    let sk = s + k &* inner
                    var i = 0
                    while i < inner { if sk[i] > m[i] { m[i] = sk[i] }; i &+= 1 }
                }
                for k in 0..<n {
                    let sk = s + k &* inner, dk = d + k &* inner
                    var i = 0
                    while i < inner { let e = expf32(sk[i] - m[i]); dk[i] = e; total[i] += e; i &+= 1 }
                }
                var i = 0
                if takeLog {
                    while i < inner { m[i] += logf32(total[i]); i &+= 1 }
                    for k in 0..<n {
                        let sk = s + k &* inner, dk = d + k &* inner
                        i = 0
                        while i < inner { dk[i] = sk[i] - m[i]; i &+= 1 }
                    }
                } else {
                    while i < inner { total[i] = 1 / total[i]; i &+= 1 }
                    for k in 0..<n {
                        let dk = d + k &* inner
                        i = 0
                        while i < inner { dk[i] *= total[i]; i &+= 1 }
                    }
                }
            }
        }
        return out
    }

    /// The gradient of softmax (`log: false`, `self` = its output y): `y * (g - sum(g * y))`; or of
    /// log-softmax (`log: true`, `self` = its output): `g - exp(out) * sum(g)`, sums along `axis`.
    func softmaxGradient(_ g: Tensor, axis: Int, log isLog: Bool) throws -> Tensor {
        let lay = try AxisLayout(shape, axis: axis, op: isLog ? "log_softmax" : "softmax")
        let dx = Tensor(uninitializedShape: shape)
        guard count > 0 else { return dx }
        let y = storage.base, gp = g.storage.base, o = dx.storage.base
        let n = lay.size, inner = lay.inner
        parallelFor(lay.outer, grain: lay.grain) { range in
            let acc = UnsafeMutablePointer<Float>.allocate(capacity: inner)
            defer { acc.deallocate() }
            for r in range {
                let base = r &* n &* inner
                let yr = y + base, gr = gp + base, dr = o + base
                acc.initialize(repeating: 0, count: inner)
                for k in 0..<n {
                    let off = k &* inner
                    var i = 0
                    if isLog {
                        while i < inner { acc[i] += gr[off &+ i]; i &+= 1 }
                    } else {
                        while i < inner { acc[i] += gr[off &+ i] * yr[off &+ i]; i &+= 1 }
                    }
                }
                for k in 0..<n {
                    let off = k &* inner
                    var i = 0
                    if isLog {
                        while i < inner { dr[off &+ i] = gr[off &+ i] - expf32(yr[off &+ i]) * acc[i]; i &+= 1 }
                    } else {
                        while i < inner { dr[off &+ i] = yr[off &+ i] * (gr[off &+ i] - acc[i]); i &+= 1 }
                    }
                }
            }
        }
        return dx
    }
}
