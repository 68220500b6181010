// The optimisers' update rules on raw buffers: Keras 3's formulas (keras/src/optimizers), each
// written as one loop over the weight, its gradient and its state slots, so a step touches every
// weight once. The optimiser classes (PlexusNN/Training) keep the state and the schedule; these
// loops are all they run per weight.

/// The update loops of SGD, Adam and RMSprop, weight decay and gradient clipping.
public enum OptimizerKernels {
    /// SGD, with (Nesterov) momentum when `velocity` is given and `momentum` is not 0:
    /// `v = mu v - lr g; w += v` (Nesterov: `w += mu v - lr g`).
    public static func sgd(weights w: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, count n: Int,
                           velocity: UnsafeMutablePointer<Float>?, learningRate: Float, momentum: Float, nesterov: Bool) {
        let lr = learningRate
        guard momentum != 0, let v = velocity else {
            parallelFor(n) { r in for i in r { w[i] -= g[i] * lr } }
            return
        }
        let mu = momentum
        if nesterov {
            parallelFor(n) { r in
                for i in r {
                    let step = g[i] * lr
                    let vi = v[i] * mu - step
                    v[i] = vi
                    w[i] += vi * mu - step
                }
            }
        } else {
            parallelFor(n) { r in
                for i in r {
                    let vi = v[i] * mu - g[i] * lr
                    v[i] = vi
                    w[i] += vi
                }
            }
        }
    }

    /// Adam (AMSGrad when `vhat` is given): `m += (g - m)(1 - b1)`, `v += (g^2 - v)(1 - b2)`,
    /// `w -= alpha m / (sqrt(v) + eps)` with the bias corrections folded into `alpha`.
    public static func adam(weights w: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, count n: Int,
                            m: UnsafeMutablePointer<Float>, v: UnsafeMutablePointer<Float>, vhat: UnsafeMutablePointer<Float>?,
                            alpha: Float, beta1 b1: Float, beta2 b2: Float, epsilon eps: Float) {
        let c1 = 1 - b1, c2 = 1 - b2
        if let vhat {
            parallelFor(n) { r in
                for i in r {
                    let gi = g[i]
                    let mi = m[i] + (gi - m[i]) * c1
                    let vi = v[i] + (gi * gi - v[i]) * c2
                    let hi = Swift.max(vhat[i], vi)
                    m[i] = mi; v[i] = vi; vhat[i] = hi
                    w[i] -= (mi * alpha) / (hi.squareRoot() + eps)
                }
            }
        } else {
            // Eight lanes at a time: the pointers could alias as far as the compiler knows, so it
            // would not vectorise the scalar loop (10% of a siamese training step). Same operations
            // in the same order, so the same results as the tail loop.
            let c1v = SIMD8<Float>(repeating: c1), c2v = SIMD8<Float>(repeating: c2)
            let av = SIMD8<Float>(repeating: alpha), ev = SIMD8<Float>(repeating: eps)
            parallelFor(n) { r in
                var i = r.lowerBound
                while i &+ 8 <= r.upperBound {
                    let gi = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
                    let mp = UnsafeMutableRawPointer(m + i), vp = UnsafeMutableRawPointer(v + i)
                    let wp = UnsafeMutableRawPointer(w + i)
                    let m0 = mp.loadUnaligned(as: SIMD8<Float>.self), v0 = vp.loadUnaligned(as: SIMD8<Float>.self)
                    let mi = m0 + (gi - m0) * c1v
                    let vi = v0 + (gi * gi - v0) * c2v
                    mp.storeBytes(of: mi, as: SIMD8<Float>.self)
                    vp.storeBytes(of: vi, as: SIMD8<Float>.self)
                    let w0 = wp.loadUnaligned(as: SIMD8<Float>.self)
                    wp.storeBytes(of: w0 - (mi * av) / (vi.squareRoot() + ev), as: SIMD8<Float>.self)
                    i &+= 8
                }
                while i < r.upperBound {
                    let gi = g[i]
                    let mi = m[i] + (gi - m[i]) * c1
                    let vi = v[i] + (gi * gi - v[i]) * c2
                    m[i] = mi; v[i] = vi
                    w[i] -= (mi * alpha) / (vi.squareRoot() + eps)
                    i &+= 1
                }
            }
        }
    }

    /// RMSprop, centred when `average` is given, with momentum when `momentumBuffer` is.
    public static func rmsprop(weights w: UnsafeMutablePointer<Float>, gradient g: UnsafePointer<Float>, count n: Int,
                               velocity: UnsafeMutablePointer<Float>, momentumBuffer: UnsafeMutablePointer<Float>?,
                               average: UnsafeMutablePointer<Float>?, learningRate: Float, rho: Float, epsilon: Float,
                               momentum: Float) {
        let lr = learningRate, p = rho, q = 1 - rho, eps = epsilon, mu = momentum
        let mom = momentumBuffer
        parallelFor(n) { r in
            for i in r {
                let gi = g[i]
                let vel = p * velocity[i] + q * (gi * gi)
                velocity[i] = vel
                var denominator = vel + eps
                if let a = average {
                    let ai = p * a[i] + q * gi
                    a[i] = ai
                    denominator = vel - ai * ai + eps
                }
                let increment = (lr * gi) / denominator.squareRoot()
                if let m = mom {
                    let mi = mu * m[i] + increment
                    m[i] = mi
                    w[i] -= mi
                } else {
                    w[i] -= increment
                }
            }
        }
    }

    /// Decoupled weight decay, Keras's `variable.assign(variable - variable * wd * lr)`.
    public static func decay(weights w: UnsafeMutablePointer<Float>, count n: Int, weightDecay wd: Float, learningRate lr: Float) {
        parallelFor(n) { r in for i in r { w[i] = w[i] - w[i] * wd * lr } }
    }

    /// Keras's `_clip_by_norm`: `g * clipnorm / maximum(l2norm, clipnorm)`.
    public static func clipByNorm(_ g: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count n: Int,
                                  clipNorm c: Float, norm: Float) {
        let d = Swift.max(norm, c)
        parallelFor(n) { r in for i in r { out[i] = g[i] * c / d } }
    }

    /// Every gradient times one scale (Keras's `clip_by_global_norm`).
    public static func scale(_ g: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count n: Int, by s: Float) {
        parallelFor(n) { r in for i in r { out[i] = g[i] * s } }
    }

    /// Keras's `ops.clip(g, -v, v)`; NaN passes through.
    public static func clipByValue(_ g: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, count n: Int, limit v: Float) {
        parallelFor(n) { r in
            for i in r {
                let x = g[i]
                out[i] = x < -v ? -v : (x > v ? v : x)
            }
        }
    }
}
