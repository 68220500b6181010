/// Several models side by side: total, trainable and non-trainable parameters, then for each
/// model after the first, where its difference from the first comes from.
///
/// Differences are explained by matching the models' top-level layers by structure (type and
/// weight shapes, so a clone matches its original): a block that is one layer called twice in
/// one model and two layers in the other is counted once in the first and twice in the second.
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

/// A top-level block of a model, grouped with blocks of the same structure.
private struct BlockGroup {
    var signature: String
    var instances: [Layer] = []
    var calls = 0
    var params = 0
}

/// The structure of a layer for matching: its type and the shapes of its weights.
private func signature(_ layer: Layer) -> String {
    layer.typeName + "|" + layer.weights.map { "\($0.name)\(formatShape($0.shape))" }.joined(separator: ",")
}

private func blockGroups(_ model: Model) -> [BlockGroup] {
    var groups: [BlockGroup] = []
    var index: [String: Int] = [:]
    for layer in model.layers where !layer.weights.isEmpty {
        let sig = signature(layer)
        if index[sig] == nil {
            index[sig] = groups.count
            groups.append(BlockGroup(signature: sig, params: layer.parameterCount.total))
        }
        let i = index[sig] ?? 0 // invariant: inserted above
        groups[i].instances.append(layer)
        groups[i].calls += model.calls(of: layer).count
    }
    return groups
}

/// The lines explaining how `b`'s parameter count differs from `a`'s.
func explainDifference(_ a: Model, _ b: Model) -> [String] {
    let ga = blockGroups(a), gb = blockGroups(b)
    var order = ga.map(\.signature)
    for g in gb where !order.contains(g.signature) { order.append(g.signature) }
    var lines: [String] = []
    var explained = 0
    for sig in order {
        let x = ga.first { $0.signature == sig }, y = gb.first { $0.signature == sig }
        let na = x?.instances.count ?? 0, nb = y?.instances.count ?? 0
        guard na != nb else { continue }
        let p = x?.params ?? y?.params ?? 0
        let delta = (nb - na) * p
        explained += delta
        func shared(_ g: BlockGroup?) -> String {
            guard let g, g.calls > g.instances.count else { return "" }
            return " (shared x\(g.calls))"
        }
        if let x, na > 0, nb > 0 {
            lines.append("\(x.instances[0].name) counted \(times(na)) in \(a.name)\(shared(x)), \(times(nb)) in \(b.name)\(shared(y)): \(signedCount(delta))")
        } else if let y, na == 0 {
            let l = y.instances[0]
            lines.append("\(l.name) (\(l.typeName)) only in \(b.name)\(nb > 1 ? " (\(times(nb)))" : ""): \(signedCount(delta))")
        } else if let x {
            let l = x.instances[0]
            lines.append("\(l.name) (\(l.typeName)) only in \(a.name)\(na > 1 ? " (\(times(na)))" : ""): \(signedCount(delta))")
        }
    }
    let total = b.parameterCount.total - a.parameterCount.total
    if total != explained { lines.append("other differences: \(signedCount(total - explained))") }
    if lines.isEmpty { lines.append("same parameters") }
    return lines
}
