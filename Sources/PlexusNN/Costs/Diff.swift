import PlexusTensor
/// What changed from model `a` to model `b`, aligned by structure (see `Alignment`): layers added,
/// removed and changed (class, arguments, output shapes, parameters), layers shared in one model
/// and separate copies in the other, layers frozen in one and trainable in the other, calls whose
/// inputs were rewired; each with its parameter and MAC difference, then the totals.
///
/// A run of more than `listLimit` consecutive added or removed calls (a cut segment, a grafted
/// back) is one line with its first and last layer. MACs are per sample; a model whose sizes are
/// unknown is costed at the other model's input sizes, and MACs are left out if neither works.
///
/// ```
/// diff siamese → unshared: 9 calls aligned, 9 with the same structure
///   ≠ feature (Functional) shared x2 in siamese; 2 copies in unshared (feature, functional): params +1,381,872
/// params 3,483,122 → 4,864,994 (+1,381,872); MACs 16,701,184 → 16,701,184 (0)
/// ```
public func diff(_ a: Model, _ b: Model, listLimit: Int = 12) -> String {
    DiffReport(a, b, listLimit: listLimit).text
}

/// The lines of a diff and the figures behind them.
struct DiffReport {
    private(set) var lines: [String] = []
    let alignment: Alignment

    init(_ a: Model, _ b: Model, listLimit: Int) {
        alignment = Alignment(a, b)
        let macsA = macsByNode(a, shapesFrom: b), macsB = macsByNode(b, shapesFrom: a)
        func macs(_ c: AlignedCall, _ table: [ObjectIdentifier: Int]?) -> Int? {
            table.map { $0[ObjectIdentifier(c.node)] ?? 0 }
        }
        func macsText(_ x: Int?, _ y: Int?) -> String {
            guard let x, let y, x != y else { return "" }
            return ", MACs \(signedCount(y - x))"
        }
        func name(_ c: AlignedCall) -> String {
            (c.path.map(\.layer.name) + [c.layer.name]).joined(separator: "/") + " (\(c.layer.typeName))"
        }
        var seenA = Set<ObjectIdentifier>(), seenB = Set<ObjectIdentifier>()
        func params(_ l: Layer, _ seen: inout Set<ObjectIdentifier>) -> Int {
            seen.insert(ObjectIdentifier(l)).inserted ? l.parameterCount.total : 0
        }

        var body: [String] = []
        var run: [(sign: String, call: AlignedCall, params: Int, macs: Int?)] = []
        func flush() {
            guard let first = run.first else { return }
            if run.count <= listLimit {
                for r in run {
                    let m = r.macs.map { $0 == 0 ? "" : ", MACs \(r.sign)\(formatCount($0))" } ?? ""
                    body.append("  \(r.sign) \(name(r.call)): params \(r.params == 0 ? "0" : r.sign + formatCount(r.params))\(m)")
                }
            } else {
                let p = run.reduce(0) { $0 + $1.params }
                let m = run.allSatisfy { $0.macs != nil } ? ", MACs \(first.sign)\(formatCount(run.reduce(0) { $0 + ($1.macs ?? 0) }))" : ""
                let what = first.sign == "-" ? "only in \(a.name)" : "only in \(b.name)"
                body.append("  \(first.sign) \(run.count) layers \(name(first.call)) … \(name(run[run.count - 1].call)) (\(what)): params \(p == 0 ? "0" : first.sign + formatCount(p))\(m)")
            }
            run = []
        }

        // A nested model's call that was opened has no counterpart: its output's producer inside does.
        var aligned = Set<ObjectIdentifier>()
        for entry in alignment.entries {
            switch entry {
            case let .matched(x, y), let .changed(x, y): aligned.insert(ObjectIdentifier(x.node)); aligned.insert(ObjectIdentifier(y.node))
            case let .removed(x): aligned.insert(ObjectIdentifier(x.node))
            case let .added(y): aligned.insert(ObjectIdentifier(y.node))
            }
        }
        func resolve(_ p: (node: Node, path: [Node]), _ t: SymbolicTensor) -> Node {
            var node = p.node, index = t.outputIndex
            while !aligned.contains(ObjectIdentifier(node)), let m = node.layer as? Model, index < m.outputs.count {
                let out = m.outputs[index]
                node = out.node
                index = out.outputIndex
            }
            return node
        }
        var matchedCount = 0, identical = 0
        var counterpart: [ObjectIdentifier: ObjectIdentifier] = [:]   // a's node -> b's node
        var pairs: [(AlignedCall, AlignedCall)] = []
        for entry in alignment.entries {
            switch entry {
            case let .matched(x, y), let .changed(x, y):
                counterpart[ObjectIdentifier(x.node)] = ObjectIdentifier(y.node)
                pairs.append((x, y))
            default: break
            }
        }
        for entry in alignment.entries {
            switch entry {
            case let .removed(x):
                if run.first?.sign == "+" { flush() }
                run.append(("-", x, params(x.layer, &seenA), macs(x, macsA)))
            case let .added(y):
                if run.first?.sign == "-" { flush() }
                run.append(("+", y, params(y.layer, &seenB), macs(y, macsB)))
            case let .matched(x, y):
                flush()
                matchedCount += 1
                _ = params(x.layer, &seenA); _ = params(y.layer, &seenB)
                var notes: [String] = []
                if x.node.outputShapes != y.node.outputShapes {
                    notes.append("output \(shapes(x.node)) → \(shapes(y.node))")
                }
                let rewired = zip(x.node.inputs, y.node.inputs).contains { i, j in
                    let pi = resolve(x.producer(of: i), i), pj = resolve(y.producer(of: j), j)
                    return counterpart[ObjectIdentifier(pi)].map { $0 != ObjectIdentifier(pj) } ?? true
                } || x.node.inputs.count != y.node.inputs.count
                if rewired, !x.node.inputs.isEmpty { notes.append("inputs rewired: \(refs(x.node)) → \(refs(y.node))") }
                if notes.isEmpty { identical += 1; continue }
                body.append("  ~ \(name(x)) → \(y.layer.name): " + notes.joined(separator: "; ") + macsText(macs(x, macsA), macs(y, macsB)))
            case let .changed(x, y):
                flush()
                matchedCount += 1
                let pa = params(x.layer, &seenA), pb = params(y.layer, &seenB)
                var notes: [String] = []
                if x.layer.typeName != y.layer.typeName { notes.append("class \(x.layer.typeName) → \(y.layer.typeName)") }
                let ca = Dictionary(x.layer.config.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
                for (k, v) in y.layer.config where ca[k] != nil && ca[k] != v { notes.append("\(k) \(ca[k] ?? "") → \(v)") }
                let wa = x.layer.weights.map { formatShape($0.shape) }, wb = y.layer.weights.map { formatShape($0.shape) }
                if wa != wb { notes.append("weights \(wa.joined(separator: ", ")) → \(wb.joined(separator: ", "))") }
                if x.node.outputShapes != y.node.outputShapes { notes.append("output \(shapes(x.node)) → \(shapes(y.node))") }
                body.append("  ~ \(name(x)) → \(y.layer.name) (\(y.layer.typeName)): " + notes.joined(separator: "; ")
                            + ": params \(signedCount(pb - pa))" + macsText(macs(x, macsA), macs(y, macsB)))
            }
        }
        flush()

        // Sharing and freezing, per layer across its aligned calls.
        var bLayersOf: [ObjectIdentifier: [Layer]] = [:], aLayersOf: [ObjectIdentifier: [Layer]] = [:]
        var layerA: [ObjectIdentifier: Layer] = [:], layerB: [ObjectIdentifier: Layer] = [:]
        var order: [ObjectIdentifier] = [], orderB: [ObjectIdentifier] = []
        for (x, y) in pairs {
            let ka = ObjectIdentifier(x.layer), kb = ObjectIdentifier(y.layer)
            if layerA[ka] == nil { order.append(ka); layerA[ka] = x.layer }
            if layerB[kb] == nil { orderB.append(kb); layerB[kb] = y.layer }
            if !(bLayersOf[ka] ?? []).contains(where: { $0 === y.layer }) { bLayersOf[ka, default: []].append(y.layer) }
            if !(aLayersOf[kb] ?? []).contains(where: { $0 === x.layer }) { aLayersOf[kb, default: []].append(x.layer) }
        }
        for ka in order {
            guard let l = layerA[ka], let copies = bLayersOf[ka], copies.count > 1, !(l is InputLayer) else { continue }
            let extra = copies.dropFirst().reduce(0) { $0 + $1.parameterCount.total }
            body.append("  ≠ \(l.name) (\(l.typeName)) shared x\(copies.count) in \(a.name); \(copies.count) copies in \(b.name) (\(copies.map(\.name).joined(separator: ", "))): params \(signedCount(extra))")
        }
        for kb in orderB {
            guard let l = layerB[kb], let copies = aLayersOf[kb], copies.count > 1, !(l is InputLayer) else { continue }
            let fewer = copies.dropFirst().reduce(0) { $0 + $1.parameterCount.total }
            body.append("  ≠ \(l.name) (\(l.typeName)) \(copies.count) copies in \(a.name) (\(copies.map(\.name).joined(separator: ", "))); shared x\(copies.count) in \(b.name): params \(signedCount(-fewer))")
        }
        var frozenSeen = Set<ObjectIdentifier>()
        for (x, y) in pairs where frozenSeen.insert(ObjectIdentifier(x.layer)).inserted {
            let sa = x.layer.trainableState, sb = y.layer.trainableState
            guard sa != sb, sa != .noParameters, sb != .noParameters else { continue }
            body.append("  * \(name(x)): \(describe(sa)) in \(a.name), \(describe(sb)) in \(b.name)")
        }

        let ca = a.parameterCount, cb = b.parameterCount
        lines.append("diff \(a.name) → \(b.name): \(matchedCount) calls aligned, \(identical) unchanged")
        lines += body
        var totals = "params \(formatCount(ca.total)) → \(formatCount(cb.total)) (\(signedCount(cb.total - ca.total)))"
        if cb.trainable - ca.trainable != cb.total - ca.total {
            totals += ", trainable \(formatCount(ca.trainable)) → \(formatCount(cb.trainable)) (\(signedCount(cb.trainable - ca.trainable)))"
        }
        if let ma = macsA.map({ t in a.graphNodes.reduce(0) { $0 + (t[ObjectIdentifier($1)] ?? 0) } }),
           let mb = macsB.map({ t in b.graphNodes.reduce(0) { $0 + (t[ObjectIdentifier($1)] ?? 0) } }) {
            totals += "; MACs \(formatCount(ma)) → \(formatCount(mb)) (\(signedCount(mb - ma)))"
        }
        lines.append(totals)
    }

    var text: String { lines.joined(separator: "\n") }
}

private func describe(_ s: TrainableState) -> String {
    switch s {
    case .trainable: return "trainable"
    case .frozen: return "frozen"
    case .partlyFrozen: return "partly frozen"
    case .noParameters: return "no parameters"
    }
}

private func shapes(_ node: Node) -> String {
    node.outputShapes.map(formatSymbolicShape).joined(separator: ", ")
}

private func refs(_ node: Node) -> String {
    node.inputs.map(\.reference).joined(separator: ", ")
}

/// The MACs of every call of `m` (nested ones too), at its own input sizes or, when those are
/// unknown, at `other`'s; `nil` when neither can be costed.
private func macsByNode(_ m: Model, shapesFrom other: Model) -> [ObjectIdentifier: Int]? {
    if let w = try? CostWalk(model: m, inputShapes: m.inputs.map(\.shape), batch: 1) { return w.macsByNode }
    let shapes = other.inputs.map(\.shape)
    guard shapes.count == m.inputs.count else { return nil }
    return try? CostWalk(model: m, inputShapes: shapes, batch: 1).macsByNode
}
