import Foundation

// Batch and layer normalisation kernels, with Keras 3's semantics:
// - BatchNormalization normalises over every axis but the last (channels) and uses the *biased*
//   batch variance (`keras.ops.moments`: mean of squared deviations; its documented example gives
//   variance 1553.36 for [0, 1, 2, 3, 100]) both to normalise and in the moving update
//   `moving = moving * momentum + batch * (1 - momentum)`; inference uses the moving statistics.
// - LayerNormalization normalises over one axis (the last by default), biased variance too.
// Defaults follow Keras: momentum 0.99, epsilon 1e-3 for both layers.
// Statistics are accumulated in Double, two passes (mean, then squared deviations).

/// Sums `lanes` accumulators over `0..<count` split across cores: each chunk adds into its own
/// zeroed row of Doubles and the rows are added at the end, so no two threads share an accumulator.
func chunkedLaneSums(count: Int, lanes: Int, grain: Int,
                     _ body: (Range<Int>, UnsafeMutablePointer<Double>) -> Void) -> [Double] {
    guard lanes > 0 else { return [] }
    let chunks = Swift.max(1, Swift.min(kernelThreadCount, count / Swift.max(grain, 1)))
    var partial = [Double](repeating: 0, count: chunks &* lanes)
    partial.withUnsafeMutableBufferPointer { p in
        guard let base = p.baseAddress else { return }
        let per = (count + chunks - 1) / chunks
        parallelFor(chunks, grain: 1) { range in
            for k in range {
                let lo = k &* per, hi = Swift.min(count, lo &+ per)
                if lo < hi { body(lo..<hi, base + k &* lanes) }
            }
        }
    }
    var total = [Double](repeating: 0, count: lanes)
    for k in 0..<chunks {
        for l in 0..<lanes { total[l] += partial[k &* lanes &+ l] }
    }
    return total
}

/// The channels of a channels-last tensor and the number of rows (all other axes flattened).
func channelLayout(_ x: Tensor, op: String) throws -> (rows: Int, channels: Int) {
    guard let c = x.shape.last else {
        throw TensorError(op, "expects an input with a channel axis, got a scalar")
    }
    return (c == 0 ? 0 : x.count / c, c)
}

/// Throws unless `t` is a vector of `channels` elements.
func checkChannelVector(_ t: Tensor, _ name: String, channels: Int, input: [Int], op: String) throws {
    guard t.shape == [channels] else {
        throw TensorError(op, "\(name) of shape \(formatShape(t.shape)) does not match the \(channels) channels of input \(formatShape(input)); expected (\(channels),)")
    }
}

/// The per-channel mean and biased variance of a channels-last tensor, over all other axes.
func channelMoments(_ x: Tensor, rows: Int, channels c: Int) -> (mean: [Double], variance: [Double]) {
    let xp = x.storage.base
    let grain = Swift.max(1, 32_768 / Swift.max(c, 1))
    let sums = chunkedLaneSums(count: rows, lanes: c, grain: grain) { range, acc in
        for r in range {
            let b = r &* c
            for k in 0..<c { acc[k] += Double(xp[b &+ k]) }
        }
    }
    let mean = sums.map { $0 / Double(rows) }
    let squares = mean.withUnsafeBufferPointer { mp in
        chunkedLaneSums(count: rows, lanes: c, grain: grain) { range, acc in
            for r in range {
                let b = r &* c
                for k in 0..<c {
                    let d = Double(xp[b &+ k]) - mp[k]
                    acc[k] += d * d
                }
            }
        }
    }
    return (mean, squares.map { $0 / Double(rows) })
}

/// `x * scale[c] + shift[c]` over the channel axis: the normalisation and the affine step in one pass.
func channelAffine(_ x: Tensor, scale: [Float], shift: [Float]) -> Tensor {
    let out = Tensor(uninitializedShape: x.shape)
    let c = scale.count
    guard c > 0 else { return out }
    let rows = x.count / c
    let xp = x.storage.base, op = out.storage.base
    scale.withUnsafeBufferPointer { sp in shift.withUnsafeBufferPointer { tp in
        parallelFor(rows, grain: Swift.max(1, 32_768 / c)) { range in
            for r in range {
                let b = r &* c
                for k in 0..<c { op[b &+ k] = xp[b &+ k] * sp[k] + tp[k] }
            }
        }
    } }
    return out
}

/// What a batch-normalisation forward pass leaves for its backward pass: the centre and inverse
/// standard deviation it normalised with, per channel, so that `xhat = (x - center) * invStd`.
struct BatchNormSaved {
    let center: [Float]
    let invStd: [Float]
}

/// The batch-normalisation forward pass; in training it also updates the moving statistics.
func batchNormForward(_ x: Tensor, gamma: Tensor, beta: Tensor, runningMean: inout Tensor, runningVar: inout Tensor,
                      training: Bool, momentum: Float, epsilon: Float) throws -> (Tensor, BatchNormSaved) {
    let op = "batchnorm"
    let (rows, c) = try channelLayout(x, op: op)
    for (t, name) in [(gamma, "gamma"), (beta, "beta"), (runningMean, "moving_mean"), (runningVar, "moving_variance")] {
        try checkChannelVector(t, name, channels: c, input: x.shape, op: op)
    }
    guard epsilon >= 0, epsilon.isFinite else {
        throw TensorError(op, "epsilon \(epsilon) must be a finite non-negative number")
    }
    let center: [Float], invStd: [Float]
    if training {
        guard rows > 0 else {
            throw TensorError(op, "cannot compute batch statistics of an empty batch: input \(formatShape(x.shape))")
        }
        let (mean, variance) = channelMoments(x, rows: rows, channels: c)
        center = mean.map { Float($0) }
        invStd = variance.map { Float(1 / ($0 + Double(epsilon)).squareRoot()) }
        // Keras's moving update, with the biased batch variance.
        let keep = momentum, take = 1 - momentum
        let rm = runningMean.scalars, rv = runningVar.scalars
        runningMean = try Tensor(shape: [c], values: (0..<c).map { rm[$0] * keep + Float(mean[$0]) * take })
        runningVar = try Tensor(shape: [c], values: (0..<c).map { rv[$0] * keep + Float(variance[$0]) * take })
    } else {
        center = runningMean.scalars
        invStd = runningVar.scalars.map { 1 / ($0 + epsilon).squareRoot() }
    }
    let g = gamma.scalars, b = beta.scalars
    let scale = (0..<c).map { g[$0] * invStd[$0] }
    let shift = (0..<c).map { b[$0] - center[$0] * scale[$0] }
    return (channelAffine(x, scale: scale, shift: shift), BatchNormSaved(center: center, invStd: invStd))
}

/// Per-channel `sum(grad)` and `sum(grad * xhat)` with `xhat = (x - center) * invStd`: the
/// gradients of beta and gamma, and the two correction terms of the training-mode input gradient.
func batchNormGradientSums(_ grad: Tensor, _ x: Tensor, _ saved: BatchNormSaved) -> (sumG: [Double], sumGXhat: [Double]) {
    let c = saved.center.count
    guard c > 0 else { return ([], []) }
    let rows = x.count / c
    let gp = grad.storage.base, xp = x.storage.base
    let sums = saved.center.withUnsafeBufferPointer { mp in saved.invStd.withUnsafeBufferPointer { sp in
        chunkedLaneSums(count: rows, lanes: 2 &* c, grain: Swift.max(1, 32_768 / c)) { range, acc in
            for r in range {
                let b = r &* c
                for k in 0..<c {
                    let gv = Double(gp[b &+ k])
                    acc[k] += gv
                    acc[c &+ k] += gv * Double((xp[b &+ k] - mp[k]) * sp[k])
                }
            }
        }
    } }
    return (Array(sums[0..<c]), Array(sums[c...]))
}

/// The input gradient of training-mode batch normalisation, through the batch statistics:
/// `dx = gamma * invStd / M * (M * g - sum(g) - xhat * sum(g * xhat))` per channel, M the rows.
func batchNormTrainingInputGradient(_ grad: Tensor, _ x: Tensor, gamma: Tensor, _ saved: BatchNormSaved,
                                    sumG: [Double], sumGXhat: [Double]) -> Tensor {
    let out = Tensor(uninitializedShape: x.shape)
    let c = saved.center.count
    guard c > 0 else { return out }
    let rows = x.count / c
    let m = Float(rows)
    // Per channel: dx = a * g - b - d * xhat.
    let gm = gamma.scalars
    let a = (0..<c).map { gm[$0] * saved.invStd[$0] }
    let b = (0..<c).map { a[$0] * Float(sumG[$0]) / m }
    let d = (0..<c).map { a[$0] * Float(sumGXhat[$0]) / m }
    let gp = grad.storage.base, xp = x.storage.base, op = out.storage.base
    a.withUnsafeBufferPointer { ap in b.withUnsafeBufferPointer { bp in d.withUnsafeBufferPointer { dp in
        saved.center.withUnsafeBufferPointer { mp in saved.invStd.withUnsafeBufferPointer { sp in
            parallelFor(rows, grain: Swift.max(1, 32_768 / c)) { range in
                for r in range {
                    let base = r &* c
                    for k in 0..<c {
                        let xhat = (xp[base &+ k] - mp[k]) * sp[k]
                        op[base &+ k] = ap[k] * gp[base &+ k] - bp[k] - dp[k] * xhat
                    }
                }
            }
        } }
    } } }
    return out
}

/// Batch normalisation of a channels-last tensor (Keras `BatchNormalization`, axis -1).
///
/// In training it normalises with the batch's per-channel mean and biased variance and moves
/// `runningMean` / `runningVar` towards them (`moving * momentum + batch * (1 - momentum)`); in
/// inference it normalises with the moving statistics and leaves them alone. Either way the result
/// is `gamma * (x - mean) / sqrt(variance + epsilon) + beta`.
///
/// - Parameters:
///   - gamma, beta, runningMean, runningVar: vectors of the channel count (the last axis).
///   - training: batch statistics (and the moving update) or moving statistics.
/// - Throws: `TensorError` when a vector does not match the channels or a training batch is empty.
public func batchNorm(_ x: Tensor, gamma: Tensor, beta: Tensor, runningMean: inout Tensor, runningVar: inout Tensor,
                      training: Bool, momentum: Float = 0.99, epsilon: Float = 1e-3) throws -> Tensor {
    try batchNormForward(x, gamma: gamma, beta: beta, runningMean: &runningMean, runningVar: &runningVar,
                         training: training, momentum: momentum, epsilon: epsilon).0
}

// MARK: - Layer normalisation

/// What a layer-normalisation forward pass leaves for its backward pass: each group's mean and
/// inverse standard deviation.
struct LayerNormSaved {
    let layout: AxisLayout
    let mean: [Float]
    let invStd: [Float]
}

/// The layer-normalisation forward pass.
func layerNormForward(_ x: Tensor, gamma: Tensor, beta: Tensor, axis: Int, epsilon: Float) throws -> (Tensor, LayerNormSaved) {
    let opName = "layernorm"
    guard x.rank > 0 else { throw TensorError(opName, "expects an input with at least one axis, got a scalar") }
    let ax = try normalizeAxis(axis, rank: x.rank, op: opName, shape: x.shape)
    let layout = AxisLayout(x.shape, axis: ax)
    let d = layout.size
    for (t, name) in [(gamma, "gamma"), (beta, "beta")] where t.shape != [d] {
        throw TensorError(opName, "\(name) of shape \(formatShape(t.shape)) does not match axis \(axis) of input \(formatShape(x.shape)); expected (\(d),)")
    }
    guard epsilon >= 0, epsilon.isFinite else {
        throw TensorError(opName, "epsilon \(epsilon) must be a finite non-negative number")
    }
    let out = Tensor(uninitializedShape: x.shape)
    var mean = [Float](repeating: 0, count: layout.groups)
    var invStd = [Float](repeating: 0, count: layout.groups)
    guard d > 0 else { return (out, LayerNormSaved(layout: layout, mean: mean, invStd: invStd)) }
    let xp = x.storage.base, op = out.storage.base, gp = gamma.storage.base, bp = beta.storage.base
    let step = layout.inner
    mean.withUnsafeMutableBufferPointer { mb in invStd.withUnsafeMutableBufferPointer { sb in
        guard let mp = mb.baseAddress, let sp = sb.baseAddress else { return }
        parallelFor(layout.groups, grain: Swift.max(1, 32_768 / d)) { range in
            for gi in range {
                let s = layout.start(gi)
                var sum = 0.0
                for j in 0..<d { sum += Double(xp[s &+ j &* step]) }
                let mu = sum / Double(d)
                var sq = 0.0
                for j in 0..<d { let v = Double(xp[s &+ j &* step]) - mu; sq += v * v }
                let m = Float(mu), inv = Float(1 / (sq / Double(d) + Double(epsilon)).squareRoot())
                mp[gi] = m; sp[gi] = inv
                for j in 0..<d {
                    let i = s &+ j &* step
                    op[i] = (xp[i] - m) * inv * gp[j] + bp[j]
                }
            }
        }
    } }
    return (out, LayerNormSaved(layout: layout, mean: mean, invStd: invStd))
}

/// The input gradient of layer normalisation, per group of D elements with `h = g * gamma`:
/// `dx = invStd / D * (D * h - sum(h) - xhat * sum(h * xhat))`.
func layerNormInputGradient(_ grad: Tensor, _ x: Tensor, gamma: Tensor, _ saved: LayerNormSaved) -> Tensor {
    let out = Tensor(uninitializedShape: x.shape)
    let layout = saved.layout, d = layout.size, step = layout.inner
    guard d > 0 else { return out }
    let gp = grad.storage.base, xp = x.storage.base, op = out.storage.base, wp = gamma.storage.base
    let fd = Float(d)
    saved.mean.withUnsafeBufferPointer { mp in saved.invStd.withUnsafeBufferPointer { sp in
        parallelFor(layout.groups, grain: Swift.max(1, 32_768 / d)) { range in
            for gi in range {
                let s = layout.start(gi), m = mp[gi], inv = sp[gi]
                var sumH: Float = 0, sumHX: Float = 0
                for j in 0..<d {
                    let i = s &+ j &* step
                    let h = gp[i] * wp[j]
                    sumH += h
                    sumHX += h * (xp[i] - m) * inv
                }
                for j in 0..<d {
                    let i = s &+ j &* step
                    let xhat = (xp[i] - m) * inv
                    op[i] = inv / fd * (fd * gp[i] * wp[j] - sumH - xhat * sumHX)
                }
            }
        }
    } }
    return out
}

/// The gradients of gamma and beta of layer normalisation: `sum(g * xhat)` and `sum(g)` over
/// every group, per position along the normalised axis.
func layerNormParameterGradients(_ grad: Tensor, _ x: Tensor, _ saved: LayerNormSaved) throws -> (gamma: Tensor, beta: Tensor) {
    let layout = saved.layout, d = layout.size, inner = layout.inner
    let gp = grad.storage.base, xp = x.storage.base
    let sums = saved.mean.withUnsafeBufferPointer { mp in saved.invStd.withUnsafeBufferPointer { sp in
        chunkedLaneSums(count: layout.outer, lanes: 2 &* d, grain: Swift.max(1, 32_768 / Swift.max(1, d &* inner))) { range, acc in
            for o in range {
                for j in 0..<d {
                    let base = (o &* d &+ j) &* inner
                    for k in 0..<inner {
                        let gi = o &* inner &+ k, gv = gp[base &+ k]
                        acc[d &+ j] += Double(gv)
                        acc[j] += Double(gv * (xp[base &+ k] - mp[gi]) * sp[gi])
                    }
                }
            }
        }
    } }
    guard d > 0 else { return (try Tensor.zeros([0]), try Tensor.zeros([0])) }
    return (try Tensor(shape: [d], values: sums[0..<d].map { Float($0) }),
            try Tensor(shape: [d], values: sums[d...].map { Float($0) }))
}

/// Layer normalisation (Keras `LayerNormalization`): each sample normalised over `axis` with its
/// own mean and biased variance, then scaled by `gamma` and shifted by `beta` along that axis.
///
/// Unlike batch normalisation it keeps no state and behaves the same in training and inference.
///
/// - Parameters:
///   - gamma, beta: vectors of the size of `axis`.
///   - axis: the normalised axis, the last by default (one axis; Keras also accepts several).
///   - epsilon: added to the variance; Keras's default 1e-3.
/// - Throws: `TensorError` for a bad axis or mismatched gamma / beta.
public func layerNorm(_ x: Tensor, gamma: Tensor, beta: Tensor, axis: Int = -1, epsilon: Float = 1e-3) throws -> Tensor {
    try layerNormForward(x, gamma: gamma, beta: beta, axis: axis, epsilon: epsilon).0
}

// MARK: - Inference batch normalisation as an epilogue

/// Inference batch normalisation's per-channel `(scale, shift)`, `y = x * scale + shift` on the
/// moving statistics: the numbers `batchNormForward` computes when not training, so a plan that
/// applies them in a convolution's epilogue gets the same results to the bit.
///
/// - Throws: `TensorError` when a vector's length is not `channels` or epsilon is negative.
public func batchNormInferenceAffine(gamma: Tensor, beta: Tensor, movingMean: Tensor, movingVariance: Tensor,
                                     channels c: Int, epsilon: Float) throws -> (scale: [Float], shift: [Float]) {
    let op = "batchnorm"
    for (t, name) in [(gamma, "gamma"), (beta, "beta"), (movingMean, "moving_mean"), (movingVariance, "moving_variance")] {
        guard t.rank == 1, t.count == c else {
            throw TensorError(op, "\(name) has shape \(formatShape(t.shape)); expected (\(c),) for \(c) channels")
        }
    }
    guard epsilon >= 0, epsilon.isFinite else { throw TensorError(op, "epsilon \(epsilon) must be a finite non-negative number") }
    let center = movingMean.scalars
    let invStd = movingVariance.scalars.map { 1 / ($0 + epsilon).squareRoot() }
    let g = gamma.scalars, b = beta.scalars
    let scale = (0..<c).map { g[$0] * invStd[$0] }
    let shift = (0..<c).map { b[$0] - center[$0] * scale[$0] }
    return (scale, shift)
}

/// A per-channel affine and an elementwise activation, `y = activation(y * scale + shift)`, applied
/// to rows of a kernel's output while they are in cache: a batch normalisation in inference (its
/// moving statistics folded into `scale` and `shift`) and the activation after it, which would
/// otherwise read and write the whole map twice more.
public struct ChannelEpilogue: Sendable {
    public let scale: [Float], shift: [Float]
    public let activation: ActivationFunction

    /// - Throws: `TensorError` when the vectors are empty or differ in length, or when the
    ///   activation is not elementwise (softmax).
    public init(scale: [Float], shift: [Float], activation: ActivationFunction) throws {
        guard !scale.isEmpty, shift.count == scale.count else {
            throw TensorError("batchnorm", "a per-channel scale of \(scale.count) with a shift of \(shift.count)")
        }
        guard activation.elementwise != nil else {
            throw TensorError("batchnorm", "\(activation) is not elementwise and cannot follow the affine in place")
        }
        (self.scale, self.shift, self.activation) = (scale, shift, activation)
    }

    /// The number of channels: the length of each row.
    public var channels: Int { scale.count }

    /// Applies it in place to `rows` contiguous rows of `channels` floats, on the calling thread
    /// (from inside a kernel's parallel loop).
    func apply(_ y: UnsafeMutablePointer<Float>, rows: Int) {
        let c = scale.count
        scale.withUnsafeBufferPointer { sp in shift.withUnsafeBufferPointer { tp in
            guard let s = sp.baseAddress, let t = tp.baseAddress else { return }
            for r in 0..<rows {
                let row = y + r &* c
                for k in 0..<c { row[k] = row[k] * s[k] + t[k] }
            }
        } }
        activation.applyInPlaceSerially(y, count: rows &* c)
    }

    /// Applies it in place to `rows` rows at `y`, both cores taking a share of the rows.
    func applyInParallel(_ y: UnsafeMutablePointer<Float>, rows: Int) {
        parallelFor(rows, grain: Swift.max(1, 32_768 / scale.count)) { range in
            apply(y + range.lowerBound &* scale.count, rows: range.count)
        }
    }
}

/// `x = activation(x * scale + shift)` per channel (the last axis), in place, a chunk of rows at
/// a time: the affine and the activation touch each chunk while it is in cache (`ChannelEpilogue`).
///
/// - Throws: `TensorError` when the last axis is not `scale.count` long or the vectors differ.
public func channelAffineInPlace(_ x: inout Tensor, scale: [Float], shift: [Float], activation: ActivationFunction) throws {
    let epilogue = try ChannelEpilogue(scale: scale, shift: shift, activation: activation)
    guard x.rank >= 1, x.shape[x.rank - 1] == epilogue.channels else {
        throw TensorError("batchnorm", "a per-channel scale of \(epilogue.channels) does not fit \(formatShape(x.shape))")
    }
    let rows = x.count / epilogue.channels
    x.withUnsafeMutableBufferPointer { xb in
        if let xp = xb.baseAddress { epilogue.applyInParallel(xp, rows: rows) }
    }
}
