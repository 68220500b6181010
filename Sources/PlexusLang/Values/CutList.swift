import PlexusNN

/// The value `cuts(m)` returns: a model's cuts, in execution order.
///
/// A script uses it as a list of the cut tensors (`c[0]`, `len(c)`, `for t in c`, `slice(m, from:
/// c[3])`); the prompt shows it as the table of cuts (layer position, tensor and type, shape), which
/// says more than a list of tensors would.
public final class CutList {
    public let modelName: String
    public let cuts: [Cut]

    public init(modelName: String, cuts: [Cut]) {
        self.modelName = modelName
        self.cuts = cuts
    }

    /// The elements a script sees: the cut tensors.
    var elements: [Value] { cuts.map { .symbolic($0.tensor) } }
}
