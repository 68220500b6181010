/// What `compile` attaches to a model: the loss, the optimiser (whose state persists across calls
/// of `step` and `fit`), the metrics, and the history of everything trained so far.
public final class TrainingSetup {
    public let loss: Loss
    public let optimizer: Optimizer
    public let metrics: [Metric]
    /// How each metric is shown: the name it was asked by (`accuracy`), as Keras logs it.
    public let metricNames: [String]
    /// One record per epoch of `fit`, and one per call of `step`.
    public internal(set) var history: [TrainingRecord] = []
    /// Optimiser steps taken so far.
    public internal(set) var steps = 0
    /// Whether the warning about positive targets stuck at the probability clip was given.
    public internal(set) var warnedAboutClipping = false

    public init(loss: Loss, optimizer: Optimizer, metrics: [Metric] = [], metricNames: [String]? = nil) {
        self.loss = loss
        self.optimizer = optimizer
        self.metrics = metrics
        self.metricNames = metricNames ?? metrics.map(\.name)
    }
}

/// The figures of one epoch (or of one `step` call): mean training loss and metrics, and the
/// validation ones when there was validation data.
public struct TrainingRecord: Equatable {
    public var label: String
    public var loss: Float
    public var metrics: [(name: String, value: Float)]
    public var validationLoss: Float?
    public var validationMetrics: [(name: String, value: Float)]

    public static func == (a: TrainingRecord, b: TrainingRecord) -> Bool {
        a.label == b.label && a.loss == b.loss && a.validationLoss == b.validationLoss
            && a.metrics.map(\.name) == b.metrics.map(\.name) && a.metrics.map(\.value) == b.metrics.map(\.value)
    }

    /// `loss 0.1234 - accuracy 0.9500 - val_loss ...`, as Keras prints an epoch.
    public var summary: String {
        var parts = ["loss \(format4(loss))"]
        parts += metrics.map { "\($0.name) \(format4($0.value))" }
        if let v = validationLoss { parts.append("val_loss \(format4(v))") }
        parts += validationMetrics.map { "val_\($0.name) \(format4($0.value))" }
        return parts.joined(separator: " - ")
    }
}

/// Four decimals, as Keras prints losses and metrics; any Float prints (see `formatFigure`).
public func format4(_ x: Float) -> String { formatFigure(Double(x)) }
