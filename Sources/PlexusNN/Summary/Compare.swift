/// Several models side by side: total, trainable and non-trainable parameters, then for each
/// model after the first, where its difference from the first comes from.
///
/// Differences are explained from the structural alignment of `diff` (calls matched by class,
/// arguments and weight shapes, so a clone matches its original): a block that is one layer
/// called twice in one model and two layers in the other is counted once in the first and twice
/// in the second; layers changed or only in one model are named. Models that share too little
/// structure are explained per layer type instead, which stays true where names would mislead.
/// For the siamese example:
/// `feature counted once in siamese (shared x2), twice in unshared: +1,381,872`.
public func compare(_ models: [Model]) -> String {
    guard let first = models.first else { return "nothing to compare" }
    let counts = models.map(\.parameterCount)
    let labels = ["", "Total params", "Trainable params", "Non-trainable params"]
    let columns: [[String]] = zip(models, counts).map { m, c in
        [m.name, formatCount(c.total), formatCount(c.trainable), formatCount(c.nonTrainable)]
    }
    let labelWidth = labels.map(\.count).max() ?? 0
    let widths = columns.map { $0.map(\.count).max() ?? 0 }
    var lines: [String] = []
    for row in 0..<labels.count {
        var line = labels[row].padding(toLength: labelWidth, withPad: " ", startingAt: 0)
        for (c, w) in zip(columns, widths) {
            line += "  " + String(repeating: " ", count: w - c[row].count) + c[row]
        }
        lines.append(line)
    }
    for (m, c) in zip(models, counts).dropFirst() {
        lines.append("")
        lines.append("\(m.name) vs \(first.name): \(signedCount(c.total - counts[0].total)) params")
        lines += explainDifference(first, m).map { "  " + $0 }
    }
    return lines.joined(separator: "\n")
}

/// `compare(a, b, ...)`.
public func compare(_ models: Model...) -> String { compare(models) }

func signedCount(_ n: Int) -> String { n > 0 ? "+" + formatCount(n) : n == 0 ? "0" : formatCount(n) }

private func times(_ n: Int) -> String { n == 1 ? "once" : n == 2 ? "twice" : "\(n) times" }

/// The lines explaining how `b`'s parameter count differs from `a`'s, from the structural
/// alignment `diff` uses: a layer shared in one model and copied in the other, layers changed,
/// layers only in one. When less than half of the two models aligns (unrelated architectures),
/// layer-by-layer attributions would be false, so the difference is given per layer type instead.
func explainDifference(_ a: Model, _ b: Model) -> [String] {
    let alignment = Alignment(a, b)
    let total = b.parameterCount.total - a.parameterCount.total
    if alignment.matchedFraction < 0.5 { return explainByType(a, b) }
    var lines: [String] = []
    var explained = 0
    var seenA = Set<ObjectIdentifier>(), seenB = Set<ObjectIdentifier>()
    var onlyA: [Layer] = [], onlyB: [Layer] = []
    var copies: [(Layer, [Layer])] = [], reverse: [(Layer, [Layer])] = []
    var changed: [(Layer, Layer)] = []
    func note(_ list: inout [(Layer, [Layer])], _ key: Layer, _ value: Layer) {
        if let i = list.firstIndex(where: { $0.0 === key }) {
            if !list[i].1.contains(where: { $0 === value }) { list[i].1.append(value) }
        } else {
            list.append((key, [value]))
        }
    }
    for entry in alignment.entries {
        switch entry {
        case let .matched(x, y), let .changed(x, y):
            note(&copies, x.layer, y.layer)
            note(&reverse, y.layer, x.layer)
            seenA.insert(ObjectIdentifier(x.layer))
            seenB.insert(ObjectIdentifier(y.layer))
            if case .changed = entry, !changed.contains(where: { $0.0 === x.layer }) { changed.append((x.layer, y.layer)) }
        case let .removed(x):
            if !x.layer.weights.isEmpty, !onlyA.contains(where: { $0 === x.layer }) { onlyA.append(x.layer) }
        case let .added(y):
            if !y.layer.weights.isEmpty, !onlyB.contains(where: { $0 === y.layer }) { onlyB.append(y.layer) }
        }
    }
    func calls(_ m: Model, _ l: Layer) -> String {
        let n = m.calls(of: l).count
        return n > 1 ? " (shared x\(n))" : ""
    }
    for (l, ys) in copies where ys.count > 1 && !l.weights.isEmpty {
        let delta = ys.dropFirst().reduce(0) { $0 + $1.parameterCount.total }
        explained += delta
        lines.append("\(l.name) counted once in \(a.name)\(calls(a, l)), \(times(ys.count)) in \(b.name): \(signedCount(delta))")
    }
    for (l, xs) in reverse where xs.count > 1 && !l.weights.isEmpty {
        let delta = -xs.dropFirst().reduce(0) { $0 + $1.parameterCount.total }
        explained += delta
        lines.append("\(l.name) counted \(times(xs.count)) in \(a.name), once in \(b.name)\(calls(b, l)): \(signedCount(delta))")
    }
    for (x, y) in changed {
        let delta = y.parameterCount.total - x.parameterCount.total
        guard delta != 0 else { continue }
        explained += delta
        lines.append("\(x.name) (\(x.typeName)) in \(a.name) is \(y.name) (\(y.typeName)) in \(b.name): \(signedCount(delta))")
    }
    let limit = 12
    for (model, only, sign) in [(a, onlyA.filter { !seenA.contains(ObjectIdentifier($0)) }, -1), (b, onlyB.filter { !seenB.contains(ObjectIdentifier($0)) }, 1)] {
        for (i, l) in only.enumerated() {
            let delta = sign * l.parameterCount.total
            explained += delta
            if i < limit { lines.append("\(l.name) (\(l.typeName)) only in \(model.name): \(signedCount(delta))") }
        }
        if only.count > limit {
            let rest = only.dropFirst(limit).reduce(0) { $0 + sign * $1.parameterCount.total }
            lines.append("\(only.count - limit) more layers only in \(model.name): \(signedCount(rest))")
        }
    }
    if total != explained { lines.append("other differences: \(signedCount(total - explained))") }
    if lines.isEmpty { lines.append("same parameters") }
    return lines
}

/// The difference per layer type, over every distinct layer (nested models opened): how many
/// layers of each type and their parameters in each model; types that are the same are left out.
private func explainByType(_ a: Model, _ b: Model) -> [String] {
    func tally(_ m: Model) -> [String: (layers: Int, params: Int)] {
        var t: [String: (layers: Int, params: Int)] = [:]
        for l in allLayers(of: m) where !(l is Model) && !(l is InputLayer) {
            let v = t[l.typeName] ?? (0, 0)
            t[l.typeName] = (v.layers + 1, v.params + l.parameterCount.total)
        }
        return t
    }
    let ta = tally(a), tb = tally(b)
    let types = Set(ta.keys).union(tb.keys).sorted()
    var lines = ["too different to align layer by layer (\(a.name) and \(b.name) share too little structure); by layer type:"]
    for type in types {
        let x = ta[type] ?? (0, 0), y = tb[type] ?? (0, 0)
        guard x != y, x.params != 0 || y.params != 0 else { continue }
        func part(_ v: (layers: Int, params: Int), _ m: Model) -> String {
            "\(v.layers) in \(m.name) (\(formatCount(v.params)) params)"
        }
        lines.append("\(type): \(part(x, a)), \(part(y, b)): \(signedCount(y.params - x.params))")
    }
    return lines
}
