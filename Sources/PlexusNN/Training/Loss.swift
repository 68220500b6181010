import PlexusTensor
/// A loss by Keras's name, pairing a model's output with a dataset's target.
///
/// Each reduces to the mean over the batch (Keras's default `sum_over_batch_size`). The
/// crossentropies take probabilities unless `fromLogits` is set; contrastive takes a distance
/// and a 0/1 "similar" label (1 = same), as TensorFlow Addons defines it.
public enum Loss: Equatable, CustomStringConvertible {
    case meanSquaredError
    case meanAbsoluteError
    case binaryCrossentropy(fromLogits: Bool)
    case categoricalCrossentropy(fromLogits: Bool)
    case sparseCategoricalCrossentropy(fromLogits: Bool)
    case contrastive(margin: Float)

    /// Keras's names and short aliases.
    public static let names = ["mse", "mae", "binary_crossentropy", "categorical_crossentropy",
                               "sparse_categorical_crossentropy", "contrastive"]

    /// The loss a Keras loss string selects, or nil.
    public init?(name: String, fromLogits: Bool = false) {
        switch name {
        case "mse", "mean_squared_error": self = .meanSquaredError
        case "mae", "mean_absolute_error": self = .meanAbsoluteError
        case "binary_crossentropy", "bce": self = .binaryCrossentropy(fromLogits: fromLogits)
        case "categorical_crossentropy": self = .categoricalCrossentropy(fromLogits: fromLogits)
        case "sparse_categorical_crossentropy": self = .sparseCategoricalCrossentropy(fromLogits: fromLogits)
        case "contrastive", "contrastive_loss": self = .contrastive(margin: 1)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .meanSquaredError: return "mse"
        case .meanAbsoluteError: return "mae"
        case .binaryCrossentropy(let l): return "binary_crossentropy" + (l ? "(from_logits)" : "")
        case .categoricalCrossentropy(let l): return "categorical_crossentropy" + (l ? "(from_logits)" : "")
        case .sparseCategoricalCrossentropy(let l): return "sparse_categorical_crossentropy" + (l ? "(from_logits)" : "")
        case .contrastive(let m): return "contrastive(margin: \(m))"
        }
    }

    /// The loss of `prediction` against `target`, on the tape.
    public func callAsFunction(_ prediction: Variable, _ target: Tensor) throws -> Variable {
        switch self {
        case .meanSquaredError: return try mseLoss(prediction, target)
        case .meanAbsoluteError: return try maeLoss(prediction, target)
        case .binaryCrossentropy(let l): return try PlexusTensor.binaryCrossentropy(prediction, target, fromLogits: l)
        case .categoricalCrossentropy(let l): return try PlexusTensor.categoricalCrossentropy(prediction, target, fromLogits: l)
        case .sparseCategoricalCrossentropy(let l): return try PlexusTensor.sparseCategoricalCrossentropy(prediction, labels: target, fromLogits: l)
        case .contrastive(let m): return try contrastiveLoss(prediction, target, margin: m)
        }
    }

    /// What `"accuracy"` means with this loss, as Keras resolves it in `compile`.
    public var accuracyMetric: Metric {
        switch self {
        case .categoricalCrossentropy: return .categoricalAccuracy
        case .sparseCategoricalCrossentropy: return .sparseCategoricalAccuracy
        default: return .binaryAccuracy
        }
    }
}
