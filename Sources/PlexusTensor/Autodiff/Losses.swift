import Foundation

// Losses with Keras's semantics and its default reduction, "sum_over_batch_size": the per-sample
// losses are averaged (an empty batch gives 0, Keras's divide_no_nan). Each loss is one fused
// forward pass with its backward rule beside it; targets are constants and get no gradient.
// The `Tensor` overloads give the value alone, for evaluation.

/// Keras's fuzz factor (`keras.backend.epsilon()`): probabilities are clipped to
/// `[lossEpsilon, 1 - lossEpsilon]` before a log, so a confident wrong answer costs about 16.1,
/// not infinity.
public let lossEpsilon: Float = 1e-7

// A file-scope wrapper on VectorMath (the one exp and log of the library): a bare `log` inside an
// extension could resolve to a Tensor method.
@inline(__always) private func flog(_ x: Float) -> Float { VectorMath.log(x) }
@inline(__always) private func clipProbability(_ p: Float) -> Float {
    Swift.min(Swift.max(p, lossEpsilon), 1 - lossEpsilon)
}
/// Whether a clip to [epsilon, 1 - epsilon] passes the gradient (bounds included, as TensorFlow's
/// `clip_by_value`).
@inline(__always) private func insideClip(_ p: Float) -> Bool {
    p >= lossEpsilon && p <= 1 - lossEpsilon
}

/// `target` seen with the prediction's shape: equal shapes, or shapes that differ by a trailing 1
/// (predictions (N, 1) against labels (N,)), which Keras squeezes or expands.
func matchedTarget(_ target: Tensor, to predShape: [Int], op: String) throws -> Tensor {
    if target.shape == predShape { return target }
    let t = target.shape, p = predShape
    if (t == p + [1] || p == t + [1]) {
        return try target.reshaped(to: p)
    }
    throw TensorError(op, "target shape \(formatShape(t)) does not match prediction shape \(formatShape(p))")
}

/// The upstream gradient of a scalar loss divided by the number of samples averaged over.
private func lossScale(_ g: Tensor, over n: Int) -> Float {
    (g.scalarValue ?? 0) / Float(Swift.max(n, 1))
}

/// A loss's scalar result, averaged over `n` samples (0 when there are none).
private func averaged(_ total: Double, over n: Int) -> Tensor {
    Tensor(scalar: n > 0 ? Float(total / Double(n)) : 0)
}

// MARK: - Regression

/// Mean squared error, `mean((pred - target)^2)` over every element (Keras's
/// `MeanSquaredError`: the mean over the last axis, then over the batch).
///
/// - Throws: `TensorError` naming both shapes when they do not match.
public func mseLoss(_ pred: Variable, _ target: Tensor) throws -> Variable {
    let t = try matchedTarget(target, to: pred.shape, op: "mean_squared_error")
    let p = pred.value
    let n = p.count
    let pp = p.storage.base, tp = t.storage.base
    var total = 0.0
    for i in 0..<n { let d = Double(pp[i]) - Double(tp[i]); total += d * d }
    return Variable.record(averaged(total, over: n), parents: [pred], op: .meanSquaredError) { g in
        let scale = 2 * lossScale(g, over: n)
        let dx = Tensor(uninitializedShape: p.shape)
        let o = dx.storage.base
        parallelFor(n) { r in for i in r { o[i] = scale * (pp[i] - tp[i]) } }
        return [withExtendedLifetime((p, t)) { dx }]
    }
}

/// Mean absolute error, `mean(|pred - target|)` over every element.
///
/// Where `pred == target` the gradient is 0 (the subgradient TensorFlow's `abs` uses).
///
/// - Throws: `TensorError` naming both shapes when they do not match.
public func maeLoss(_ pred: Variable, _ target: Tensor) throws -> Variable {
    let t = try matchedTarget(target, to: pred.shape, op: "mean_absolute_error")
    let p = pred.value
    let n = p.count
    let pp = p.storage.base, tp = t.storage.base
    var total = 0.0
    for i in 0..<n { total += abs(Double(pp[i]) - Double(tp[i])) }
    return Variable.record(averaged(total, over: n), parents: [pred], op: .meanAbsoluteError) { g in
        let scale = lossScale(g, over: n)
        let dx = Tensor(uninitializedShape: p.shape)
        let o = dx.storage.base
        parallelFor(n) { r in
            for i in r {
                let d = pp[i] - tp[i]
                o[i] = d > 0 ? scale : (d < 0 ? -scale : 0)
            }
        }
        return [withExtendedLifetime((p, t)) { dx }]
    }
}

// MARK: - Classification

/// Binary crossentropy, averaged over every element (Keras's `BinaryCrossentropy`).
///
/// With `fromLogits: false`, `pred` holds probabilities, clipped to `[1e-7, 1 - 1e-7]` as Keras
/// does (no gradient outside the clip): `-(t log p + (1 - t) log(1 - p))`. With `fromLogits:
/// true`, `pred` holds raw scores and the loss is the stable `max(x, 0) - x t + log(1 + exp(-|x|))`
/// with the fused gradient `sigmoid(x) - t`; prefer it, a sigmoid output saturates.
/// `binaryCrossentropy(0.8, 1) = -log 0.8 = 0.22314355`.
///
/// - Throws: `TensorError` naming both shapes when they do not match.
public func binaryCrossentropy(_ pred: Variable, _ target: Tensor, fromLogits: Bool = false) throws -> Variable {
    let t = try matchedTarget(target, to: pred.shape, op: "binary_crossentropy")
    let p = pred.value
    let n = p.count
    let pp = p.storage.base, tp = t.storage.base
    var total = 0.0
    // Eight elements at a time; each element's loss is added to the Double total on its own.
    var i = 0
    while i < n {
        let left = n &- i
        let x = loadLanes(pp + i, count: left), z = loadLanes(tp + i, count: left)
        let loss: Float8
        if fromLogits {
            loss = x.replacing(with: 0, where: x .< 0) - x * z + VectorMath.log1p(VectorMath.exp(-VectorMath.abs(x)))
        } else {
            let c = x.clamped(lowerBound: Float8(repeating: lossEpsilon), upperBound: Float8(repeating: 1 - lossEpsilon))
            loss = -(z * VectorMath.log(c) + (1 - z) * VectorMath.log(1 - c))
        }
        for k in 0..<Swift.min(left, 8) { total += Double(loss[k]) }
        i &+= 8
    }
    return Variable.record(averaged(total, over: n), parents: [pred], op: .binaryCrossentropy) { g in
        let scale = lossScale(g, over: n)
        let dx = Tensor(uninitializedShape: p.shape)
        let o = dx.storage.base
        parallelFor(n) { r in
            if fromLogits {
                mapLanes(pp, tp, o, r) { x, z in scale * (VectorMath.sigmoid(x) - z) }
            } else {
                for i in r {
                    let v = pp[i], z = tp[i]
                    o[i] = insideClip(v) ? scale * ((1 - z) / (1 - v) - z / v) : 0
                }
            }
        }
        return [withExtendedLifetime((p, t)) { dx }]
    }
}

/// The class count and row count of a prediction whose last axis holds the classes.
private func classLayout(_ shape: [Int], op: String) throws -> (classes: Int, rows: Int) {
    guard let classes = shape.last, classes > 0 else {
        throw TensorError(op, "prediction shape \(formatShape(shape)) needs a last axis of at least one class")
    }
    return (classes, shapeElementCount(shape) / classes)
}

/// Categorical crossentropy over the last axis, averaged over the other positions (Keras's
/// `CategoricalCrossentropy`); `oneHotTarget` has `pred`'s shape and may hold soft labels.
///
/// With `fromLogits: false`, each row of `pred` is first divided by its sum, then clipped to
/// `[1e-7, 1 - 1e-7]`, as Keras does. With `fromLogits: true`, the loss is
/// `sum(t) * logsumexp(x) - sum(t * x)` and the fused gradient is `softmax(x) * sum(t) - t`
/// (`softmax - onehot` for one-hot targets), divided by the number of rows.
///
/// - Throws: `TensorError` naming both shapes when they differ.
public func categoricalCrossentropy(_ pred: Variable, _ oneHotTarget: Tensor, fromLogits: Bool = false) throws -> Variable {
    let op = "categorical_crossentropy"
    guard oneHotTarget.shape == pred.shape else {
        throw TensorError(op, "target shape \(formatShape(oneHotTarget.shape)) does not match prediction shape \(formatShape(pred.shape))")
    }
    let (classes, rows) = try classLayout(pred.shape, op: op)
    return crossentropy(pred, rows: rows, classes: classes, fromLogits: fromLogits, target: oneHotTarget, labels: [])
}

/// Sparse categorical crossentropy: `categoricalCrossentropy` with the target given as class
/// indices (Keras's `SparseCategoricalCrossentropy`).
///
/// `labels` holds one class index per row, stored as Floats, shaped as `pred` without its last
/// axis (or with a last axis of 1). For logits `[[2, 1, 0]]` and label 0 the loss is
/// `logsumexp - 2 = 0.40760596`.
///
/// - Throws: `TensorError` naming the shapes when they do not fit, or naming a label that is not a
///   whole number in `0..<classes`, and where it is.
public func sparseCategoricalCrossentropy(_ pred: Variable, labels: Tensor, fromLogits: Bool = false) throws -> Variable {
    let op = "sparse_categorical_crossentropy"
    let (classes, rows) = try classLayout(pred.shape, op: op)
    let rowShape = Array(pred.shape.dropLast())
    guard labels.shape == rowShape || labels.shape == rowShape + [1] else {
        throw TensorError(op, "labels of shape \(formatShape(labels.shape)) do not fit predictions of shape \(formatShape(pred.shape)); expected \(formatShape(rowShape)), one class index per row")
    }
    var indices = [Int](repeating: 0, count: rows)
    let lp = labels.storage.base
    for r in 0..<rows {
        let v = lp[r]
        guard v >= 0, v < Float(classes), v == v.rounded() else {
            let shown = v == v.rounded() && abs(v) < 1e9 ? String(Int(v)) : "\(v)"
            throw TensorError(op, "label \(shown) at index \(r) is not a class index in 0..<\(classes) (predictions of shape \(formatShape(pred.shape)))")
        }
        indices[r] = Int(v)
    }
    return crossentropy(pred, rows: rows, classes: classes, fromLogits: fromLogits, target: nil, labels: indices)
}

/// The categorical crossentropy of `pred` against either a dense `target` or class `labels`.
private func crossentropy(_ pred: Variable, rows: Int, classes: Int, fromLogits: Bool,
                          target: Tensor?, labels: [Int]) -> Variable {
    let p = pred.value
    let t = target ?? Tensor(scalar: 0)
    let dense = target != nil
    let pp = p.storage.base, tp = t.storage.base
    // Per row: the log-sum-exp of the logits, or the sum of the probabilities.
    var rowStat = [Float](repeating: 0, count: rows)
    var total = 0.0
    for r in 0..<rows {
        let x = pp + r &* classes, z = dense ? tp + r &* classes : tp
        if fromLogits {
            var m = -Float.infinity
            for i in 0..<classes where x[i] > m { m = x[i] }
            var lanes = Float8()
            var i = 0
            while i < classes {
                // The tail's padding of -infinity adds exp(-inf) = 0.
                lanes += VectorMath.exp(loadLanes(x + i, count: classes &- i, pad: -.infinity) - m)
                i &+= 8
            }
            let lse = m + flog(lanes.sum())
            rowStat[r] = lse
            if dense {
                for i in 0..<classes { total += Double(z[i] * (lse - x[i])) }
            } else {
                total += Double(lse - x[labels[r]])
            }
        } else {
            var s: Float = 0
            for i in 0..<classes { s += x[i] }
            rowStat[r] = s
            if dense {
                for i in 0..<classes { total -= Double(z[i] * flog(clipProbability(x[i] / s))) }
            } else {
                total -= Double(flog(clipProbability(x[labels[r]] / s)))
            }
        }
    }
    return Variable.record(averaged(total, over: rows), parents: [pred], op: .crossentropy) { g in
        let scale = lossScale(g, over: rows)
        let dx = Tensor(uninitializedShape: p.shape)
        let o = dx.storage.base
        for r in 0..<rows {
            let x = pp + r &* classes, z = dense ? tp + r &* classes : tp, d = o + r &* classes
            let stat = rowStat[r]
            if fromLogits {
                // softmax * sum(t) - t
                var targetSum: Float = 1
                if dense {
                    targetSum = 0
                    for i in 0..<classes { targetSum += z[i] }
                }
                let factor = scale * targetSum
                mapLanes(x, d, 0..<classes) { factor * VectorMath.exp($0 - stat) }
                if dense {
                    for i in 0..<classes { d[i] -= scale * z[i] }
                } else {
                    d[labels[r]] -= scale
                }
            } else {
                // q = p / s; u = dL/dq (0 where clipped); dL/dp_k = (u_k - sum_i u_i q_i) / s
                var w: Float = 0
                if dense {
                    for i in 0..<classes {
                        let q = x[i] / stat
                        let u = insideClip(q) ? -z[i] / q : 0
                        d[i] = u
                        w += u * q
                    }
                } else {
                    for i in 0..<classes { d[i] = 0 }
                    let k = labels[r], q = x[k] / stat
                    let u: Float = insideClip(q) ? -1 / q : 0
                    d[k] = u
                    w = u * q
                }
                let f = scale / stat
                for i in 0..<classes { d[i] = f * (d[i] - w) }
            }
        }
        return [withExtendedLifetime((p, t)) { dx }]
    }
}

// MARK: - Metric learning

/// Contrastive loss for siamese networks (Hadsell, Chopra and LeCun 2006), averaged:
/// `mean(y * d^2 + (1 - y) * max(margin - d, 0)^2)`, where `distance` holds the distance `d`
/// between the two embeddings of each pair and `label` is **1 for a similar pair, 0 for a
/// dissimilar one**.
///
/// Similar pairs are pulled together; dissimilar pairs are pushed apart until they are `margin`
/// away. The label convention is that of `tfa.losses.contrastive_loss` and of Keras's classic
/// `mnist_siamese` example. The paper, and keras.io's `siamese_contrastive` example since 2022
/// (keras-team/keras#16935), use the opposite labels (0 = similar): pass `1 - y` for those.
///
/// - Throws: `TensorError` naming both shapes when they do not match.
public func contrastiveLoss(_ distance: Variable, _ label: Tensor, margin: Float = 1) throws -> Variable {
    let y = try matchedTarget(label, to: distance.shape, op: "contrastive_loss")
    let d = distance.value
    let n = d.count
    let dp = d.storage.base, yp = y.storage.base
    var total = 0.0
    for i in 0..<n {
        let hinge = Swift.max(margin - dp[i], 0)
        total += Double(yp[i] * dp[i] * dp[i] + (1 - yp[i]) * hinge * hinge)
    }
    return Variable.record(averaged(total, over: n), parents: [distance], op: .contrastive) { g in
        let scale = 2 * lossScale(g, over: n)
        let dx = Tensor(uninitializedShape: d.shape)
        let o = dx.storage.base
        parallelFor(n) { r in
            for i in r {
                let hinge = Swift.max(margin - dp[i], 0)
                o[i] = scale * (yp[i] * dp[i] - (1 - yp[i]) * hinge)
            }
        }
        return [withExtendedLifetime((d, y)) { dx }]
    }
}

// MARK: - Values without a tape

/// The value of `mseLoss` for plain tensors (evaluation).
public func mseLoss(_ pred: Tensor, _ target: Tensor) throws -> Float {
    try lossValue(mseLoss(Variable(pred), target))
}

/// The value of `maeLoss` for plain tensors (evaluation).
public func maeLoss(_ pred: Tensor, _ target: Tensor) throws -> Float {
    try lossValue(maeLoss(Variable(pred), target))
}

/// The value of `binaryCrossentropy` for plain tensors (evaluation).
public func binaryCrossentropy(_ pred: Tensor, _ target: Tensor, fromLogits: Bool = false) throws -> Float {
    try lossValue(binaryCrossentropy(Variable(pred), target, fromLogits: fromLogits))
}

/// The value of `categoricalCrossentropy` for plain tensors (evaluation).
public func categoricalCrossentropy(_ pred: Tensor, _ oneHotTarget: Tensor, fromLogits: Bool = false) throws -> Float {
    try lossValue(categoricalCrossentropy(Variable(pred), oneHotTarget, fromLogits: fromLogits))
}

/// The value of `sparseCategoricalCrossentropy` for plain tensors (evaluation).
public func sparseCategoricalCrossentropy(_ pred: Tensor, labels: Tensor, fromLogits: Bool = false) throws -> Float {
    try lossValue(sparseCategoricalCrossentropy(Variable(pred), labels: labels, fromLogits: fromLogits))
}

/// The value of `contrastiveLoss` for plain tensors (evaluation).
public func contrastiveLoss(_ distance: Tensor, _ label: Tensor, margin: Float = 1) throws -> Float {
    try lossValue(contrastiveLoss(Variable(distance), label, margin: margin))
}

private func lossValue(_ v: Variable) -> Float {
    v.value.scalarValue ?? .nan
}
