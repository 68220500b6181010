import PlexusTensor
/// How an optimiser limits gradients before using them: Keras's `clipnorm`, `global_clipnorm` and
/// `clipvalue` arguments, of which at most one may be set.
///
/// Clipping keeps one bad batch (an exploding gradient) from throwing the weights far away.
/// `.norm` rescales each weight's gradient on its own, `.globalNorm` rescales all of them by one
/// factor (keeping their directions relative to each other), `.value` clamps each element.
public enum GradientClipping: Equatable, CustomStringConvertible {
    /// No clipping.
    case none
    /// Each weight's gradient is rescaled so that its L2 norm is at most this value (`clipnorm`).
    case norm(Float)
    /// All gradients are rescaled together so that their joint L2 norm is at most this value
    /// (`global_clipnorm`). A non-finite joint norm makes the update NaN, as in Keras.
    case globalNorm(Float)
    /// Each gradient element is clamped to `[-v, v]` (`clipvalue`).
    case value(Float)

    /// The clipping that Keras's three optional arguments select.
    ///
    /// - Throws: `TensorError` when more than one is set (Keras's rule) or a value is not a positive
    ///   finite number (Keras silently ignores zero and negative values; here they are mistakes).
    public init(clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil, kind: String = "optimizer") throws {
        let given = [("clipnorm", clipNorm), ("global_clipnorm", globalClipNorm), ("clipvalue", clipValue)]
            .compactMap { name, value in value.map { (name, $0) } }
        guard given.count <= 1 else {
            throw TensorError(kind, "only one of clipnorm, global_clipnorm and clipvalue can be set, got \(given.map { "\($0.0): \($0.1)" }.joined(separator: ", "))",
                              argument: given[0].0)
        }
        for (name, value) in given where !(value.isFinite && value > 0) {
            throw TensorError(kind, "\(name) must be a positive number, got \(value)", argument: name)
        }
        if let c = clipNorm { self = .norm(c) }
        else if let c = globalClipNorm { self = .globalNorm(c) }
        else if let v = clipValue { self = .value(v) }
        else { self = .none }
    }

    /// Whether the step needs each gradient's norm.
    var needsNorm: Bool {
        switch self {
        case .norm, .globalNorm: return true
        case .none, .value: return false
        }
    }

    /// The Keras argument that selects this clipping, for an optimiser's description.
    var configArguments: [String] {
        switch self {
        case .none: return []
        case .norm(let c): return ["clipnorm: \(c)"]
        case .globalNorm(let c): return ["global_clipnorm: \(c)"]
        case .value(let v): return ["clipvalue: \(v)"]
        }
    }

    public var description: String { configArguments.first ?? "none" }
}
