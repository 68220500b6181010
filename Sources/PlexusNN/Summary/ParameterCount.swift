/// Parameter counts over unique weights: a weight shared by several calls, layers or models (or
/// used in two expressions) counts once.
public struct ParameterCount: Equatable, CustomStringConvertible {
    /// All elements of all weights.
    public var total: Int
    /// Elements of trainable weights.
    public var trainable: Int
    /// Elements of frozen weights and statistics.
    public var nonTrainable: Int

    public init(total: Int, trainable: Int, nonTrainable: Int) {
        self.total = total
        self.trainable = trainable
        self.nonTrainable = nonTrainable
    }

    /// Counts `weights`, each distinct weight object once.
    public init<S: Sequence>(weights: S) where S.Element == Weight {
        var seen = Set<ObjectIdentifier>()
        var t = 0, n = 0
        for w in weights where seen.insert(ObjectIdentifier(w)).inserted {
            if w.trainable { t += w.count } else { n += w.count }
        }
        self.init(total: t + n, trainable: t, nonTrainable: n)
    }

    /// Bytes of Float32 storage for `count` parameters.
    public static func bytes(_ count: Int) -> Double { Double(count) * 4 }

    /// `3,483,122 params (13.29 MB): 3,483,122 trainable, 0 non-trainable`.
    public var description: String {
        "\(formatCount(total)) params (\(formatBytes(ParameterCount.bytes(total)))): \(formatCount(trainable)) trainable, \(formatCount(nonTrainable)) non-trainable"
    }
}

extension Layer {
    /// The parameters of the layer (for a model: of all its layers, each weight once).
    public var parameterCount: ParameterCount { ParameterCount(weights: weights) }
}

/// The parameter counts of a layer or model (`params(m)` at the prompt).
public func params(_ layer: Layer) -> ParameterCount { layer.parameterCount }
