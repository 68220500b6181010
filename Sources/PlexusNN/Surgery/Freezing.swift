// Freezing and unfreezing groups of layers (`freeze(m.layers[0..10])`), with a report of the
// trainable parameters before and after: fine-tuning the top of a network is the common case,
// and a freeze that touched nothing should say so.

/// Freezes every layer in `layers` (its parameters stop learning; weights built later too).
///
/// - Returns: the trainable and total counts over those layers' weights before and after.
@discardableResult
public func freeze(_ layers: [Layer]) -> SurgeryReport {
    setFrozen(layers, true, operation: "freeze(\(layerListText(layers)))", counting: layers.flatMap(\.weights))
}

/// Unfreezes every layer in `layers` (statistics such as moving means stay non-trainable).
@discardableResult
public func unfreeze(_ layers: [Layer]) -> SurgeryReport {
    setFrozen(layers, false, operation: "unfreeze(\(layerListText(layers)))", counting: layers.flatMap(\.weights))
}

/// Freezes `model.layers[range]` (both ends included, as the language's `a..b`), reporting the
/// model's counts before and after.
///
/// - Throws: `NetworkError` when the range is outside `0..<model.layers.count`.
@discardableResult
public func freeze(_ model: Model, layers range: ClosedRange<Int>) throws -> SurgeryReport {
    try setFrozen(model, range, true)
}

/// Unfreezes `model.layers[range]` (both ends included).
@discardableResult
public func unfreeze(_ model: Model, layers range: ClosedRange<Int>) throws -> SurgeryReport {
    try setFrozen(model, range, false)
}

/// Freezes the layers of `model` from the one named `first` to the one named `last`, both
/// included, in the order of `model.layers`.
///
/// - Throws: `NetworkError` for an unknown name (suggesting close ones) or when `last` comes
///   before `first`.
@discardableResult
public func freeze(_ model: Model, from first: String, to last: String) throws -> SurgeryReport {
    try setFrozen(model, layerRange(model, from: first, to: last), true)
}

/// Unfreezes the layers of `model` from `first` to `last`, both included.
@discardableResult
public func unfreeze(_ model: Model, from first: String, to last: String) throws -> SurgeryReport {
    try setFrozen(model, layerRange(model, from: first, to: last), false)
}

private func layerRange(_ model: Model, from first: String, to last: String) throws -> ClosedRange<Int> {
    let a = try model.layer(named: first), b = try model.layer(named: last)
    // invariant: layer(named:) returns one of model.layers
    let i = model.layers.firstIndex { $0 === a } ?? 0, j = model.layers.firstIndex { $0 === b } ?? 0
    assert(model.layers.contains { $0 === a } && model.layers.contains { $0 === b })
    guard i <= j else {
        throw NetworkError("model \"\(model.name)\"", "lists \(last) (layer \(j)) before \(first) (layer \(i))", hint: "swap from and to")
    }
    return i...j
}

private func setFrozen(_ model: Model, _ range: ClosedRange<Int>, _ frozen: Bool) throws -> SurgeryReport {
    guard range.lowerBound >= 0, range.upperBound < model.layers.count else {
        throw NetworkError("model \"\(model.name)\"", "has layers 0..\(model.layers.count - 1), not \(range.lowerBound)..\(range.upperBound)")
    }
    let before = model.parameterCount
    let layers = Array(model.layers[range])
    var report = setFrozen(layers, frozen, operation: "\(frozen ? "freeze" : "unfreeze")(\(model.name).layers[\(range.lowerBound)..\(range.upperBound)])",
                           counting: [])
    report.before = before
    report.after = model.parameterCount
    return report
}

private func setFrozen(_ layers: [Layer], _ frozen: Bool, operation: String, counting weights: [Weight]) -> SurgeryReport {
    let before = ParameterCount(weights: weights)
    let changed = layers.filter { l in l.weights.contains { $0.role == .parameter && $0.trainable == frozen } }
    for l in layers { if frozen { l.freeze() } else { l.unfreeze() } }
    let verb = frozen ? "frozen" : "unfrozen"
    let what: String
    if changed.isEmpty {
        what = "no parameters changed: \(layers.isEmpty ? "no layers given" : "all were already \(verb)")"
    } else {
        what = "\(changed.count) layer\(changed.count == 1 ? "" : "s") with parameters \(verb) (\(layerListText(changed)))"
    }
    return SurgeryReport(operation, before: before, after: ParameterCount(weights: weights), changes: [what])
}

/// `a`, `a, b, c`, or `a … z` for a longer list.
private func layerListText(_ layers: [Layer]) -> String {
    switch layers.count {
    case 0: return ""
    case 1...3: return layers.map(\.name).joined(separator: ", ")
    default: return "\(layers[0].name) … \(layers[layers.count - 1].name)"
    }
}
