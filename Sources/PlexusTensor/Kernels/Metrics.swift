// Metrics as Keras 3 defines them (keras/src/metrics/accuracy_metrics.py, regression_metrics.py),
// averaged over every sample of one batch. Keras's functions take (y_true, y_pred); these take the
// prediction first, with labels, so a call reads the same whichever order one remembers.
// The `Metric` catalogue (PlexusNN/Training/Metric.swift) names these.

/// The fraction of elements where the thresholded prediction (`prediction > threshold`, strictly, as
/// Keras) equals the target (0 or 1).
///
/// Shapes must be equal, except that a trailing dimension of 1 on either side is ignored
/// (`(N, 1)` against `(N,)`), as Keras's `squeeze_or_expand_to_same_rank` does.
/// - Throws: `TensorError` when the shapes differ or the threshold is not in (0, 1) (Keras's check).
public func binaryAccuracy(prediction: Tensor, target: Tensor, threshold: Float = 0.5) throws -> Float {
    guard threshold > 0 && threshold < 1 else {
        throw TensorError("binary_accuracy", "threshold must be in (0, 1), got \(threshold)", argument: "threshold")
    }
    try requireMatchingShapes(prediction, target, metric: "binary_accuracy")
    let n = prediction.count
    guard n > 0 else { return 0 }
    var hits = 0
    prediction.withUnsafeBufferPointer { pb in
        target.withUnsafeBufferPointer { tb in
            guard let p = pb.baseAddress, let t = tb.baseAddress else { return }  // invariant: n > 0
            for i in 0..<n where (p[i] > threshold ? Float(1) : 0) == t[i] { hits &+= 1 }
        }
    }
    return Float(hits) / Float(n)
}

/// The fraction of samples whose predicted class (the argmax of the last axis, first on ties) is
/// the target's class (the argmax of its one-hot last axis). Logits work as well as probabilities.
/// - Throws: `TensorError` when the shapes differ or there is no class axis.
public func categoricalAccuracy(prediction: Tensor, target: Tensor) throws -> Float {
    guard prediction.shape == target.shape, let classes = prediction.shape.last, classes > 0 else {
        throw TensorError("categorical_accuracy", "prediction \(formatShape(prediction.shape)) and one-hot target \(formatShape(target.shape)) must have the same shape, with classes last")
    }
    let rows = prediction.count / classes
    guard rows > 0 else { return 0 }
    var hits = 0
    prediction.withUnsafeBufferPointer { pb in
        target.withUnsafeBufferPointer { tb in
            guard let p = pb.baseAddress, let t = tb.baseAddress else { return }  // invariant: rows > 0
            for row in 0..<rows {
                let base = row &* classes
                if argmax(p + base, classes) == argmax(t + base, classes) { hits &+= 1 }
            }
        }
    }
    return Float(hits) / Float(rows)
}

/// The fraction of samples whose predicted class (the argmax of the last axis, first on ties)
/// equals the integer label. Labels have the prediction's shape without its class axis, or with a
/// class axis of 1 (`(N,)` or `(N, 1)` against `(N, C)`); a label that is not a whole number never
/// matches, as in Keras, which compares the argmax with the label as floats.
/// - Throws: `TensorError` when the shapes do not fit together.
public func sparseCategoricalAccuracy(prediction: Tensor, target: Tensor) throws -> Float {
    let samplesShape = Array(prediction.shape.dropLast())
    guard let classes = prediction.shape.last, classes > 0,
          target.shape == samplesShape || target.shape == samplesShape + [1] else {
        throw TensorError("sparse_categorical_accuracy", "integer labels \(formatShape(target.shape)) do not fit prediction \(formatShape(prediction.shape)); expected labels \(formatShape(Array(prediction.shape.dropLast())))")
    }
    let rows = target.count
    guard rows > 0 else { return 0 }
    var hits = 0
    prediction.withUnsafeBufferPointer { pb in
        target.withUnsafeBufferPointer { tb in
            guard let p = pb.baseAddress, let t = tb.baseAddress else { return }  // invariant: rows > 0
            for row in 0..<rows where Float(argmax(p + row &* classes, classes)) == t[row] { hits &+= 1 }
        }
    }
    return Float(hits) / Float(rows)
}

/// The mean of `|prediction - target|` over all elements (Keras's `mae`).
///
/// Shapes must be equal, except that a trailing dimension of 1 on either side is ignored.
/// - Throws: `TensorError` when the shapes differ.
public func meanAbsoluteError(prediction: Tensor, target: Tensor) throws -> Float {
    try requireMatchingShapes(prediction, target, metric: "mean_absolute_error")
    let n = prediction.count
    guard n > 0 else { return 0 }
    var total: Double = 0
    prediction.withUnsafeBufferPointer { pb in
        target.withUnsafeBufferPointer { tb in
            guard let p = pb.baseAddress, let t = tb.baseAddress else { return }  // invariant: n > 0
            for i in 0..<n { total += Double(abs(p[i] - t[i])) }
        }
    }
    return Float(total / Double(n))
}

/// The fraction of samples (the first axis) whose predicted map has its largest value at the
/// position of the target map's largest value (first on ties, in row-major order, on both sides).
///
/// Binary accuracy on a map with one positive pixel in 576 is 99.8% for a model that predicts
/// nothing anywhere; this metric asks the question a template matcher answers: where is it? Each
/// sample's map may have any shape (`(h, w, 1)`, `(h, w)`, a vector); a prediction in logits works
/// as well as one in probabilities, since a monotonic function keeps the argmax. Chance is one in
/// the number of places the target's peak can be.
///
/// Shapes must be equal, except that a trailing dimension of 1 on either side is ignored.
/// - Throws: `TensorError` when the shapes differ or there is no sample axis.
public func locationAccuracy(prediction: Tensor, target: Tensor) throws -> Float {
    try requireMatchingShapes(prediction, target, metric: "location_accuracy")
    guard let samples = prediction.shape.first else {
        throw TensorError("location_accuracy", "prediction \(formatShape(prediction.shape)) needs a batch axis first")
    }
    guard samples > 0 else { return 0 }
    let size = prediction.count / samples
    guard size > 0 else { return 0 }
    var hits = 0
    prediction.withUnsafeBufferPointer { pb in
        target.withUnsafeBufferPointer { tb in
            guard let p = pb.baseAddress, let t = tb.baseAddress else { return }  // invariant: samples * size > 0
            for s in 0..<samples {
                let base = s &* size
                if argmax(p + base, size) == argmax(t + base, size) { hits &+= 1 }
            }
        }
    }
    return Float(hits) / Float(samples)
}

/// The index of the first largest of `n` values (NumPy's and Keras's tie rule).
@inline(__always)
private func argmax(_ p: UnsafePointer<Float>, _ n: Int) -> Int {
    var best = 0
    var bestValue = p[0]
    var i = 1
    while i < n {
        if p[i] > bestValue { bestValue = p[i]; best = i }
        i &+= 1
    }
    return best
}

/// Equal shapes, or equal once a trailing 1 is dropped from the longer one.
private func requireMatchingShapes(_ prediction: Tensor, _ target: Tensor, metric: String) throws {
    let a = prediction.shape, b = target.shape
    if a == b { return }
    if a.count == b.count + 1, a.last == 1, Array(a.dropLast()) == b { return }
    if b.count == a.count + 1, b.last == 1, Array(b.dropLast()) == a { return }
    throw TensorError(metric, "prediction \(formatShape(a)) and target \(formatShape(b)) must have the same shape")
}
