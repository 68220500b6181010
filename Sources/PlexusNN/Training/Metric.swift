import PlexusTensor
// The metrics a training can report, by Keras's names; their kernels are PlexusTensor's
// (Kernels/Metrics.swift).

/// A training metric that the caller names in `compile(m, metrics: [...])`.
///
/// A metric only watches training: it takes no part in gradients. Each one returns the batch mean;
/// weight by the batch size to average over an epoch. The raw values are Keras's default metric
/// names; resolving the generic `"accuracy"` by the loss is left to the caller, as Keras does in
/// `compile`.
public enum Metric: String, CaseIterable, CustomStringConvertible {
    /// Fraction of elements where `prediction > 0.5` equals the 0/1 target.
    case binaryAccuracy = "binary_accuracy"
    /// Fraction of samples whose predicted class (argmax) is the one-hot target's class.
    case categoricalAccuracy = "categorical_accuracy"
    /// Fraction of samples whose predicted class (argmax) equals the integer label.
    case sparseCategoricalAccuracy = "sparse_categorical_accuracy"
    /// Mean absolute difference between prediction and target.
    case meanAbsoluteError = "mean_absolute_error"
    /// Fraction of samples whose predicted map peaks (argmax over all its positions) where the
    /// target map does: whether a map points at the right place.
    case locationAccuracy = "location_accuracy"

    /// The metric a Keras metric string selects: its full name or the short alias `"mae"`.
    /// `nil` for unknown names and for `"accuracy"`, whose meaning depends on the loss.
    public init?(named name: String) {
        if name == "mae" { self = .meanAbsoluteError; return }
        self.init(rawValue: name)
    }

    /// Keras's default name for the metric (the key of its history column).
    public var name: String { rawValue }
    public var description: String { rawValue }

    /// Whether larger values are better (accuracies) or smaller (errors).
    public var higherIsBetter: Bool { self != .meanAbsoluteError }

    /// The metric's value on one batch.
    /// - Throws: `TensorError` naming both shapes when they do not fit together.
    public func callAsFunction(prediction: Tensor, target: Tensor) throws -> Float {
        try evaluate(self, prediction: prediction, target: target)
    }
}

/// Dispatch at file scope: inside `Metric`, the cases would shadow the functions of the same names.
private func evaluate(_ metric: Metric, prediction: Tensor, target: Tensor) throws -> Float {
    switch metric {
    case .binaryAccuracy: return try binaryAccuracy(prediction: prediction, target: target)
    case .categoricalAccuracy: return try categoricalAccuracy(prediction: prediction, target: target)
    case .sparseCategoricalAccuracy: return try sparseCategoricalAccuracy(prediction: prediction, target: target)
    case .meanAbsoluteError: return try meanAbsoluteError(prediction: prediction, target: target)
    case .locationAccuracy: return try locationAccuracy(prediction: prediction, target: target)
    }
}
