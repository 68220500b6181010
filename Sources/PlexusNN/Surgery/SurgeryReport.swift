/// What a surgery did, in parameter counts and in words.
///
/// Keras lets `model.layers.pop()` silently do nothing (keras#8909); here every surgery returns
/// a report whose one-line `text` says what changed, so a step that changed nothing says so too.
///
/// ```
/// to_fully_conv(vgg16): 138,357,544 → 138,357,544 params (no change); flatten + fc1 → fc1_conv (Conv2D 7x7, valid), ...
/// ```
public struct SurgeryReport: CustomStringConvertible, Equatable {
    /// The operation as the language writes it: `to_fully_conv(vgg16)`.
    public var operation: String
    /// The counts before and after.
    public var before: ParameterCount
    public var after: ParameterCount
    /// What changed, one item per change, in the order it happened.
    public var changes: [String]

    public init(_ operation: String, before: ParameterCount, after: ParameterCount, changes: [String] = []) {
        self.operation = operation
        self.before = before
        self.after = after
        self.changes = changes
    }

    /// The report of a surgery that made `after` from `before`.
    public init(_ operation: String, before: Layer, after: Layer, changes: [String] = []) {
        self.init(operation, before: before.parameterCount, after: after.parameterCount, changes: changes)
    }

    /// The report of a slice: how much of the model it keeps (its weights are the model's own).
    public init(slice: Model, of model: Model) {
        let kept = slice.layers.filter { !($0 is InputLayer) }.count
        let all = model.layers.filter { !($0 is InputLayer) }.count
        self.init("slice(\(model.name))", before: model, after: slice,
                  changes: ["\(slice.name) keeps \(kept) of \(all) layers, sharing their weights"])
    }

    /// The change in total parameters, signed: `+4,096`, `-1,000`, `0`.
    public var delta: Int { after.total - before.total }

    /// One line: operation, total parameters before → after and the difference, the trainable
    /// count when it moved differently from the total (freezing), then the changes.
    public var text: String {
        var s = "\(operation): \(formatCount(before.total)) → \(formatCount(after.total)) params ("
        s += delta == 0 ? "no change)" : "\(signedCount(delta)))"
        if after.trainable - before.trainable != delta {
            s += ", trainable \(formatCount(before.trainable)) → \(formatCount(after.trainable))"
        }
        if !changes.isEmpty { s += "; " + changes.joined(separator: ", ") }
        return s
    }

    public var description: String { text }
}
