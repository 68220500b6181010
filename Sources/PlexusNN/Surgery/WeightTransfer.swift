import PlexusTensor
/// How `copyWeights` pairs the weights of two layers or models.
public enum WeightMatching: String {
    /// By path, `layer/weight` (Keras's `by_name`): the same layer names and weight names.
    case name
    /// By position: the layers that own weights, in order, and their weights in order
    /// (Keras's default topological loading).
    case order
}

/// What happened to each weight in `copyWeights` or `setWeights`.
///
/// Keras's `load_weights(by_name=True)` can load nothing and say nothing (keras#9683, #21404);
/// this lists every weight of both sides as matched (copied), reshaped (copied with another shape
/// of the same layout), shared (both sides hold the same weight object, nothing to copy), skipped
/// (no counterpart) or mismatched (shapes that do not fit).
public struct WeightCopyReport: CustomStringConvertible, Equatable {
    public enum Status: Equatable {
        /// Copied as is.
        case matched
        /// Copied after reshaping from the source's shape.
        case reshaped(from: [Int])
        /// Both sides are the same weight object (a shared layer): nothing to copy.
        case shared
        /// Left alone: no counterpart on the other side (`source` or `target` is nil).
        case skipped
        /// Left alone: shapes that cannot hold the same values.
        case mismatched(String)
    }

    /// One weight and its counterpart.
    public struct Entry: Equatable {
        /// The target weight's path and shape, `nil` for a source weight nothing took.
        public var target: String?
        public var targetShape: [Int]?
        /// The source weight's path and shape, `nil` when the target has no counterpart.
        public var source: String?
        public var sourceShape: [Int]?
        public var status: Status
    }

    /// `copy_weights(vgg16 → vgg16_fully_conv, by order)`.
    public var operation: String
    public var entries: [Entry]

    /// How many weights received values (matched or reshaped), and their parameter count.
    public var copied: Int { entries.filter { $0.status == .matched || isReshaped($0.status) }.count }
    public var copiedParameters: Int {
        entries.filter { $0.status == .matched || isReshaped($0.status) }.reduce(0) { $0 + ($1.targetShape?.reduce(1, *) ?? 0) }
    }
    public var reshaped: Int { entries.filter { isReshaped($0.status) }.count }
    public var shared: Int { entries.filter { $0.status == .shared }.count }
    public var skipped: Int { entries.filter { $0.status == .skipped }.count }
    public var mismatched: Int { entries.filter { if case .mismatched = $0.status { return true } else { return false } }.count }

    private func isReshaped(_ s: Status) -> Bool { if case .reshaped = s { return true } else { return false } }

    /// `copy_weights(a → b, by name): 4 copied (1 reshaped, 12,345 params), 1 skipped, 0 mismatched`.
    public var text: String {
        var s = "\(operation): \(copied) copied"
        s += reshaped > 0 ? " (\(reshaped) reshaped, \(formatCount(copiedParameters)) params)" : " (\(formatCount(copiedParameters)) params)"
        if shared > 0 { s += ", \(shared) shared" }
        s += ", \(skipped) skipped, \(mismatched) mismatched"
        return s
    }

    /// The one-line `text`, then a line per weight:
    /// `  reshaped    fc1_conv/kernel (7, 7, 512, 4096) ← fc1/kernel (25088, 4096)`.
    public var description: String {
        var lines = [text]
        for e in entries {
            let target = e.target.map { "\($0) \(formatShape(e.targetShape ?? []))" }
            let source = e.source.map { "\($0) \(formatShape(e.sourceShape ?? []))" }
            let label: String, detail: String
            switch e.status {
            case .matched: (label, detail) = ("matched", "\(target ?? "") ← \(source ?? "")")
            case .reshaped: (label, detail) = ("reshaped", "\(target ?? "") ← \(source ?? "")")
            case .shared: (label, detail) = ("shared", "\(target ?? ""): the same weight on both sides")
            case .mismatched(let why): (label, detail) = ("mismatched", "\(target ?? "") ← \(source ?? ""): \(why)")
            case .skipped:
                if let target { (label, detail) = ("skipped", "\(target): no counterpart in the source, kept") }
                else { (label, detail) = ("skipped", "\(source ?? ""): not used by the target") }
            }
            lines.append("  " + label.padding(toLength: 11, withPad: " ", startingAt: 0) + " " + detail)
        }
        return lines.joined(separator: "\n")
    }
}

/// Whether values of shape `from` can be poured into shape `to` without moving any number.
///
/// Equal element counts are not enough: the layouts must agree. They do when the shapes are the
/// same apart from sizes 1 (a bias `(n,)` and `(1, n)`), and when the last axis (the output units)
/// is the same size: a Dense kernel `(h·w·c, units)` and a Conv2D kernel `(h, w, c, units)` hold
/// each unit's weights in the same row-major order when the Dense follows a Flatten of an NHWC
/// map (and `(in, units)` vs a 1x1 kernel `(1, 1, in, units)`). Transposes are refused.
func layoutsAgree(_ from: [Int], _ to: [Int]) -> Bool {
    guard from.reduce(1, *) == to.reduce(1, *) else { return false }
    if from.filter({ $0 != 1 }) == to.filter({ $0 != 1 }) { return true }
    return !from.isEmpty && !to.isEmpty && from.last == to.last
}

/// Pairs weights and reports; `apply` then copies.
private struct WeightPairing {
    var entries: [WeightCopyReport.Entry] = []
    var copies: [(target: Weight, source: Weight)] = []

    mutating func pair(_ target: Weight, _ source: Weight) {
        var e = WeightCopyReport.Entry(target: target.path, targetShape: target.shape, source: source.path,
                                       sourceShape: source.shape, status: .matched)
        if target === source {
            e.status = .shared
            entries.append(e)
            return
        }
        if target.shape != source.shape {
            if layoutsAgree(source.shape, target.shape) {
                e.status = .reshaped(from: source.shape)
            } else {
                let why = target.count == source.count ? "same element count, but the layouts differ" : "shapes differ"
                e.status = .mismatched(why)
                entries.append(e)
                return
            }
        }
        entries.append(e)
        copies.append((target, source))
    }

    mutating func targetOnly(_ w: Weight) {
        entries.append(.init(target: w.path, targetShape: w.shape, source: nil, sourceShape: nil, status: .skipped))
    }

    mutating func sourceOnly(_ w: Weight) {
        entries.append(.init(target: nil, targetShape: nil, source: w.path, sourceShape: w.shape, status: .skipped))
    }

    /// Copies the paired values: now when the source has values, otherwise the target derives
    /// from the source and takes its values (reshaped) when materialised.
    func apply() throws {
        for (target, source) in copies {
            if let v = source.variable {
                try target.assign(target.shape == v.value.shape ? v.value : v.value.reshaped(to: target.shape))
            } else if !derives(source, from: target) {
                target.release()
                target.copyOf = source
            }
        }
    }
}

/// Whether `w` takes its values from `origin` (directly or through other copies): linking
/// `origin` to `w` then would make a cycle, and copying changes nothing anyway.
func derives(_ w: Weight, from origin: Weight) -> Bool {
    var current: Weight? = w
    var steps = 0
    while let c = current, steps < 10_000 {
        if c === origin { return true }
        current = c.copyOf
        steps += 1
    }
    return false
}

/// The layers that own weights, in the model's layer order, nested models walked in place, each
/// layer once.
private func weightOwners(_ layer: Layer) -> [Layer] {
    var seen = Set<ObjectIdentifier>()
    var out: [Layer] = []
    func walk(_ l: Layer) {
        guard seen.insert(ObjectIdentifier(l)).inserted else { return }
        if let m = l as? Model { m.layers.forEach(walk) } else if !l.ownWeights.isEmpty { out.append(l) }
    }
    walk(layer)
    return out
}

/// Copies weight values from `source` to `target` (layers or models) and reports each weight.
///
/// The matched weights are copied and the rest reported, as Keras users expect from
/// `load_weights(by_name=True, skip_mismatch=True)`; with `strict: true` nothing changes unless
/// every weight of both sides is matched. A weight is copied into another shape only when the
/// layouts agree (`layoutsAgree`: sizes of 1 aside, or the same last axis, which relates a Dense
/// kernel to a Conv2D one); the report says which were reshaped.
///
/// Values are taken now from a materialised source; from a source without values yet, the
/// target derives from it (`Weight.copyOf`) and takes them when materialised.
///
/// - Throws: `NetworkError` in strict mode when anything is skipped or mismatched (listing the
///   report), or when a value cannot be assigned.
@discardableResult
public func copyWeights(from source: Layer, to target: Layer, by matching: WeightMatching = .name,
                        strict: Bool = false) throws -> WeightCopyReport {
    var pairing = WeightPairing()
    switch matching {
    case .name:
        let sources = source.weights
        let byPath = Dictionary(sources.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var used = Set<ObjectIdentifier>()
        for w in target.weights {
            if let s = byPath[w.path] {
                pairing.pair(w, s)
                used.insert(ObjectIdentifier(s))
            } else {
                pairing.targetOnly(w)
            }
        }
        for s in sources where !used.contains(ObjectIdentifier(s)) { pairing.sourceOnly(s) }
    case .order:
        let ts = weightOwners(target), ss = weightOwners(source)
        for (t, s) in zip(ts, ss) {
            if t.ownWeights.count == s.ownWeights.count {
                for (tw, sw) in zip(t.ownWeights, s.ownWeights) { pairing.pair(tw, sw) }
            } else {
                for tw in t.ownWeights {
                    pairing.entries.append(.init(target: tw.path, targetShape: tw.shape, source: s.name, sourceShape: nil,
                                                 status: .mismatched("\(t.name) has \(t.ownWeights.count) weights, \(s.name) has \(s.ownWeights.count)")))
                }
            }
        }
        for t in ts.dropFirst(ss.count) { t.ownWeights.forEach { pairing.targetOnly($0) } }
        for s in ss.dropFirst(ts.count) { s.ownWeights.forEach { pairing.sourceOnly($0) } }
    }
    let report = WeightCopyReport(operation: "copy_weights(\(source.name) → \(target.name), by \(matching.rawValue))",
                                  entries: pairing.entries)
    if strict && (report.skipped > 0 || report.mismatched > 0) {
        throw NetworkError(nil, "copy_weights changed nothing: strict copying needs every weight matched\n" + report.description,
                           hint: "copy without strict to copy the matched weights and skip the rest")
    }
    try pairing.apply()
    return report
}

/// Sets a layer's (or a model's) weights from tensors, in the order of `layer.weights`; all or
/// nothing.
///
/// Each tensor must have its weight's shape, or another shape whose layout agrees (see
/// `layoutsAgree`), in which case it is reshaped and the report says so.
///
/// - Throws: `NetworkError` naming the layer, the number of weights or each misfit shape; no
///   weight changes then.
@discardableResult
public func setWeights(_ layer: Layer, _ values: [Tensor]) throws -> WeightCopyReport {
    let weights = layer.weights
    guard weights.count == values.count else {
        throw NetworkError(layer.name, "has \(weights.count) weight\(weights.count == 1 ? "" : "s") (\(weights.map { "\($0.name) \(formatShape($0.shape))" }.joined(separator: ", "))), got \(values.count) value\(values.count == 1 ? "" : "s")")
    }
    var entries: [WeightCopyReport.Entry] = []
    for (w, v) in zip(weights, values) {
        let status: WeightCopyReport.Status = v.shape == w.shape ? .matched : .reshaped(from: v.shape)
        guard v.shape == w.shape || layoutsAgree(v.shape, w.shape) else {
            throw NetworkError(layer.name, "has weight \(w.path) of shape \(formatShape(w.shape)), which cannot take a value of shape \(formatShape(v.shape))",
                               hint: "no weight was changed")
        }
        entries.append(.init(target: w.path, targetShape: w.shape, source: "value", sourceShape: v.shape, status: status))
    }
    for (w, v) in zip(weights, values) { try w.assign(v.shape == w.shape ? v : v.reshaped(to: w.shape)) }
    return WeightCopyReport(operation: "set_weights(\(layer.name))", entries: entries)
}
