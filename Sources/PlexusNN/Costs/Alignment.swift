import PlexusTensor
// Aligning two models' graphs by structure: which call of one corresponds to which call of the
// other, so that a diff (or compare) explains differences by what changed, not by names.
//
// The calls of each model are taken in execution order (a topological order of the graph) and
// aligned by a longest common subsequence on structural signatures: the layer's class, its
// configuration and its weight shapes (so a clone matches its original, and a renamed layer
// matches too); among alignments of the same length the one pairing more equal names wins. A
// nested model's call is one unit whose signature is its whole structure; where two stretches
// between aligned calls still differ, the nested models in them are opened and aligned layer by
// layer (how a graft's front is found inside its donor). Calls left between two aligned calls
// are then paired when they have the class or the parameter count in common ("changed"); the
// rest are added or removed. Finally each aligned pair's inputs are checked to come from aligned
// calls, so rewiring shows even where every layer matched.

/// One call as the alignment sees it: the node, and the nested calls it sits in (outermost first).
struct AlignedCall {
    let node: Node
    let path: [Node]
    var layer: Layer { node.layer }

    /// The call that produced input `t` of this call, seen from outside nested models: an input of
    /// a nested model is the outer call's argument.
    func producer(of t: SymbolicTensor) -> (node: Node, path: [Node]) {
        var tensor = t, path = path
        while tensor.node.layer is InputLayer, let outer = path.last, let m = outer.layer as? Model,
              let i = m.inputs.firstIndex(where: { $0.node === tensor.node }), i < outer.inputs.count {
            tensor = outer.inputs[i]
            path.removeLast()
        }
        return (tensor.node, path)
    }
}

/// The result of aligning model `a` with model `b`.
struct Alignment {
    enum Entry {
        /// Same structure (signature) at both sides.
        case matched(AlignedCall, AlignedCall)
        /// Corresponding calls whose class, configuration or weights differ.
        case changed(AlignedCall, AlignedCall)
        case removed(AlignedCall)
        case added(AlignedCall)
    }

    let entries: [Entry]

    /// Aligns the calls of `a` with those of `b`.
    init(_ a: Model, _ b: Model) {
        var signatures = SignatureCache()
        let xs = topLevel(a), ys = topLevel(b)
        entries = Alignment.align(xs, ys, &signatures, openNested: true)
    }

    /// The fraction of calls (of both models) that aligned with the same structure.
    var matchedFraction: Double {
        var matched = 0, all = 0
        for e in entries {
            switch e {
            case .matched: matched += 2; all += 2
            case .changed: all += 2
            case .removed, .added: all += 1
            }
        }
        return all == 0 ? 1 : Double(matched) / Double(all)
    }

    private static func align(_ xs: [AlignedCall], _ ys: [AlignedCall], _ sig: inout SignatureCache, openNested: Bool) -> [Entry] {
        let sx = xs.map { sig.signature($0.layer) }, sy = ys.map { sig.signature($0.layer) }
        let pairs = lcs(xs.count, ys.count) { i, j in
            guard sx[i] == sy[j] else { return 0 }
            return xs[i].layer.name == ys[j].layer.name ? 1001 : 1000
        }
        var out: [Entry] = []
        var i = 0, j = 0
        func gap(_ i1: Int, _ j1: Int) {
            let gx = Array(xs[i..<i1]), gy = Array(ys[j..<j1])
            if openNested, gx.contains(where: { $0.layer is Model }) || gy.contains(where: { $0.layer is Model }),
               !gx.isEmpty, !gy.isEmpty {
                out += align(opened(gx), opened(gy), &sig, openNested: false)
            } else {
                out += pairGap(gx, gy)
            }
        }
        for (pi, pj) in pairs {
            gap(pi, pj)
            out.append(.matched(xs[pi], ys[pj]))
            i = pi + 1
            j = pj + 1
        }
        gap(xs.count, ys.count)
        return out
    }

    /// Pairs the calls of a stretch that differ, in order: the same (non-zero) parameter count (a
    /// layer whose weights were reshaped), or the same class when the name is the same too or both
    /// sides of the stretch are as long (a layer edited in place); the rest are removed and added.
    private static func pairGap(_ xs: [AlignedCall], _ ys: [AlignedCall]) -> [Entry] {
        let pairs = lcs(xs.count, ys.count) { i, j in
            let a = xs[i].layer, b = ys[j].layer
            if a.typeName == b.typeName, a.name == b.name || xs.count == ys.count { return a.name == b.name ? 3 : 2 }
            let p = a.parameterCount.total
            return p > 0 && p == b.parameterCount.total ? 2 : 0
        }
        var out: [Entry] = []
        var i = 0, j = 0
        for (pi, pj) in pairs {
            out += xs[i..<pi].map(Entry.removed) + ys[j..<pj].map(Entry.added)
            out.append(.changed(xs[pi], ys[pj]))
            i = pi + 1
            j = pj + 1
        }
        out += xs[i...].map(Entry.removed) + ys[j...].map(Entry.added)
        return out
    }
}

/// The calls of a model (inputs included) in execution order.
private func topLevel(_ m: Model) -> [AlignedCall] {
    m.graphNodes.map { AlignedCall(node: $0, path: []) }
}

/// The calls with each nested model's call replaced by its own calls (its inputs left out).
private func opened(_ calls: [AlignedCall]) -> [AlignedCall] {
    calls.flatMap { c -> [AlignedCall] in
        guard let m = c.layer as? Model else { return [c] }
        return opened(m.graphNodes.filter { !($0.layer is InputLayer) }.map { AlignedCall(node: $0, path: c.path + [c.node]) })
    }
}

/// A weighted longest common subsequence: the index pairs of the best alignment where
/// `weight(i, j)` is positive for a pair that may align.
private func lcs(_ n: Int, _ m: Int, weight: (Int, Int) -> Int) -> [(Int, Int)] {
    guard n > 0, m > 0 else { return [] }
    var score = [Int](repeating: 0, count: (n + 1) * (m + 1))
    let w = m + 1
    for i in stride(from: n - 1, through: 0, by: -1) {
        for j in stride(from: m - 1, through: 0, by: -1) {
            var best = Swift.max(score[(i + 1) * w + j], score[i * w + j + 1])
            let s = weight(i, j)
            if s > 0 { best = Swift.max(best, score[(i + 1) * w + j + 1] + s) }
            score[i * w + j] = best
        }
    }
    var pairs: [(Int, Int)] = []
    var i = 0, j = 0
    while i < n, j < m {
        let s = weight(i, j)
        if s > 0, score[i * w + j] == score[(i + 1) * w + j + 1] + s {
            pairs.append((i, j))
            i += 1
            j += 1
        } else if score[(i + 1) * w + j] >= score[i * w + j + 1] {
            i += 1
        } else {
            j += 1
        }
    }
    return pairs
}

/// Structural signatures, computed once per layer: class, configuration and weight shapes; for a
/// model, the signatures of its calls; for an input, only that it is one (its shape may differ).
struct SignatureCache {
    private var cache: [ObjectIdentifier: String] = [:]

    mutating func signature(_ layer: Layer) -> String {
        if let s = cache[ObjectIdentifier(layer)] { return s }
        let s: String
        switch layer {
        case is InputLayer:
            s = "InputLayer"
        case let m as Model:
            var index: [ObjectIdentifier: Int] = [:]
            for (i, n) in m.graphNodes.enumerated() { index[ObjectIdentifier(n)] = i }
            s = "Functional{" + m.graphNodes.map { n in
                signature(n.layer) + "<" + n.inputs.map { "\(index[ObjectIdentifier($0.node)] ?? -1):\($0.outputIndex)" }.joined(separator: ",")
            }.joined(separator: ";") + "}"
        default:
            s = layer.typeName + "(" + layer.config.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + ")["
                + layer.weights.map { formatShape($0.shape) }.joined(separator: ",") + "]"
        }
        cache[ObjectIdentifier(layer)] = s
        return s
    }
}
