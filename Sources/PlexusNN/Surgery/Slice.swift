/// Where a slice starts or ends: a layer by name (its output), a Keras tensor reference
/// (`feature[1][0]`: the second call's first output), or a symbolic tensor of the model.
public enum SlicePoint: ExpressibleByStringLiteral, CustomStringConvertible {
    /// A layer's name or a reference `name[node][tensor]`.
    case layer(String)
    /// A tensor of the model's graph.
    case tensor(SymbolicTensor)

    public init(stringLiteral value: String) { self = .layer(value) }

    public var description: String {
        switch self {
        case .layer(let s): return s
        case .tensor(let t): return t.sourceDescription
        }
    }
}

/// The part of `model` between two points, as a model made of the same layers.
///
/// `from` names where the slice starts: its input is that layer's output (the layer itself is
/// left out), so `slice(m, to: c)` and `slice(m, from: c)` split a model in two at a cut `c`
/// with parameter counts adding up to the whole. `to` names the output, included. Either may be
/// left out: the model's inputs (those `to` needs, found by walking back) or outputs.
///
/// The slice is a `Model` of the original layers: calling it on a new tensor re-applies those
/// layers with their weights shared (train the slice and the original changes too; `copy` the
/// slice for independent weights).
///
/// ```swift
/// let head = try slice(vgg, from: "block5_pool")          // flatten, fc1, fc2, predictions
/// let y = try head(Input(shape: [7, 7, 512]))
/// ```
///
/// - Throws: `NetworkError` when a name is unknown (suggesting close ones), names a shared layer
///   without saying which call, when `to` does not depend on `from`, or when `from` is not a
///   cut: other branches cross it (cutting InceptionResNetV2 as if it were a list). The error
///   names those branches by their layers, where they read from and rejoin, and the nearest
///   valid cuts before and after with their shapes.
public func slice(_ model: Model, from: SlicePoint? = nil, to: SlicePoint? = nil, name: String? = nil) throws -> Model {
    try slice(model, from: from.map { [$0] } ?? [], to: to.map { [$0] } ?? [], name: name)
}

/// A slice with several inputs or outputs: every tensor in `from` becomes an input (together
/// they must carry everything `to` needs), every tensor in `to` an output. Empty lists mean the
/// model's inputs and outputs.
public func slice(_ model: Model, from: [SlicePoint], to: [SlicePoint], name: String? = nil) throws -> Model {
    let graph = TensorGraph(model)
    let sinks = try to.isEmpty ? graph.outputs : unique(to.map { try resolveSlicePoint($0, in: model, graph: graph, argument: "to") })
    let inputs: [Int]
    if from.isEmpty {
        let needed = graph.ancestors(of: sinks)
        inputs = graph.inputs.filter { needed[$0] }
    } else {
        inputs = unique(try from.map { try resolveSlicePoint($0, in: model, graph: graph, argument: "from") })
        try checkSliceInputs(model, graph: graph, sources: inputs, sinks: sinks)
    }
    let sliceName = name ?? NameScope.current.uniqueName(model.name + "_slice")
    return try Model(inputs: inputs.map { graph.tensors[$0] }, outputs: sinks.map { graph.tensors[$0] }, name: sliceName)
}

private func unique(_ xs: [Int]) -> [Int] {
    var seen = Set<Int>()
    return xs.filter { seen.insert($0).inserted }
}

// MARK: - Finding the tensors

/// The vertex of a slice point: a tensor of the graph, or the output of the named layer's only
/// call (or of the call a reference `name[node][tensor]` picks). A point that names nothing of the
/// model is refused as the `argument` (`from` or `to`) it was given as.
func resolveSlicePoint(_ point: SlicePoint, in model: Model, graph: TensorGraph, argument: String) throws -> Int {
    do {
        return try resolveSlicePoint(point, in: model, graph: graph)
    } catch var error as NetworkError {
        error.argument = error.argument ?? argument
        throw error
    }
}

private func resolveSlicePoint(_ point: SlicePoint, in model: Model, graph: TensorGraph) throws -> Int {
    let owner = "model \"\(model.name)\""
    switch point {
    case .tensor(let t):
        guard let v = graph.vertex(of: t) else {
            throw NetworkError(owner, "does not contain the tensor \(t.sourceDescription) \(formatSymbolicShape(t.shape))",
                               hint: "name a layer of the model instead")
        }
        return v
    case .layer(let text):
        let (layerName, nodeIndex, tensorIndex) = parseTensorReference(text)
        let layer: Layer
        if let l = model[layerName] {
            layer = l
        } else if let t = model.inputs.first(where: { $0.producer.name == layerName }), let v = graph.vertex(of: t) {
            return v // the input of a model cut from another: its producer is not one of its layers
        } else {
            layer = try model.layer(named: layerName)
        }
        let calls = model.calls(of: layer)
        let node: Node
        if let nodeIndex {
            guard let n = calls.first(where: { $0.index == nodeIndex }) else {
                throw NetworkError(owner, "has no call \(nodeIndex) of \(layer.name)",
                                   hint: "its calls are " + calls.map { "\(layer.name)[\($0.index)][0]" }.joined(separator: ", "))
            }
            node = n
        } else {
            guard calls.count == 1 else {
                throw NetworkError(owner, "calls \(layer.name) \(calls.count) times, so its name alone does not say which output",
                                   hint: "say which call: " + calls.map { "\(layer.name)[\($0.index)][0]" }.joined(separator: " or "))
            }
            node = calls[0]
        }
        let index = tensorIndex ?? 0
        guard index < node.outputShapes.count else {
            throw NetworkError(owner, "has no output \(index) from \(layer.name)[\(node.index)] (it has \(node.outputShapes.count))")
        }
        if tensorIndex == nil && node.outputShapes.count > 1 {
            throw NetworkError(owner, "gets \(node.outputShapes.count) outputs from \(layer.name)[\(node.index)]",
                               hint: "say which: " + (0..<node.outputShapes.count).map { "\(layer.name)[\(node.index)][\($0)]" }.joined(separator: " or "))
        }
        guard index < node.outputs.count, let t = node.outputs[index], let v = graph.vertex(of: t) else {
            throw NetworkError(owner, "does not use the output of \(layer.name)[\(node.index)][\(index)]")
        }
        return v
    }
}

/// Splits `name[node][tensor]` (Keras's reference); a plain name has no indices.
func parseTensorReference(_ text: String) -> (name: String, node: Int?, tensor: Int?) {
    var rest = Substring(text)
    var indices: [Int] = []
    while rest.hasSuffix("]"), let open = rest.lastIndex(of: "["),
          let n = Int(rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]), n >= 0, indices.count < 2 {
        indices.insert(n, at: 0)
        rest = rest[..<open]
    }
    guard !rest.isEmpty else { return (text, nil, nil) }
    return (String(rest), indices.first, indices.count > 1 ? indices[1] : nil)
}

// MARK: - Checking that the inputs carry everything

/// Throws unless every path from the model's inputs to `sinks` passes through `sources`.
private func checkSliceInputs(_ model: Model, graph: TensorGraph, sources: [Int], sinks: [Int]) throws {
    let owner = "model \"\(model.name)\""
    // Tensors are named as `slice` accepts them: a shared layer's output by its reference.
    var calls: [ObjectIdentifier: Int] = [:]
    for node in model.graphNodes { calls[ObjectIdentifier(node.layer), default: 0] += 1 }
    let name = { (v: Int) -> String in
        let t = graph.tensors[v]
        return (calls[ObjectIdentifier(t.producer)] ?? 0) > 1 ? t.reference : t.sourceDescription
    }
    let fromText = sources.count == 1 ? name(sources[0]) : "[" + sources.map(name).joined(separator: ", ") + "]"
    let toText = sinks.map(name).joined(separator: ", ")
    let stops = Set(sources)
    for s in sources where sinks.contains(s) {
        throw NetworkError(owner, "cannot be sliced from and to the same tensor \(name(s)): the slice would be empty")
    }
    let reached = graph.ancestors(of: sinks, stoppingAt: stops)
    for s in sources where !reached[s] {
        let swapped = graph.ancestors(of: [s])
        let hint = sinks.contains { swapped[$0] } ? "did you swap from and to?" : nil
        throw NetworkError(owner, "cannot be sliced from \(name(s)) to \(toText): \(toText) does not depend on \(name(s))", hint: hint)
    }
    // A slice needs no input for weights used as values; anything reading a model input around
    // the sources would be left without one.
    let inputSet = Set(graph.inputs)
    let stranded = (0..<graph.tensors.count).filter { v in
        reached[v] && !stops.contains(v) && graph.parents[v].isEmpty
            && (inputSet.contains(v) || graph.tensors[v].producer is InputLayer)
    }
    guard !stranded.isEmpty else { return }

    var dirty = [Bool](repeating: false, count: graph.tensors.count)
    for v in stranded { dirty[v] = true }
    for v in 0..<graph.tensors.count where reached[v] && !stops.contains(v) && !dirty[v] {
        dirty[v] = graph.parents[v].contains { dirty[$0] }
    }
    let before = graph.ancestors(of: sources), after = graph.descendants(of: sources)
    let upstream = { (v: Int) in before[v] && !stops.contains(v) }
    let downstream = { (v: Int) in after[v] && !stops.contains(v) }
    let branch = (0..<graph.tensors.count).map { reached[$0] && dirty[$0] && !upstream($0) && !downstream($0) }

    var lines: [String] = []
    // Branches beside the sources: connected groups of such tensors, each named by its layers.
    var component = [Int](repeating: -1, count: graph.tensors.count)
    var groups: [[Int]] = []
    for v in 0..<graph.tensors.count where branch[v] && component[v] < 0 {
        var members: [Int] = []
        var stack = [v]
        component[v] = groups.count
        while let u = stack.popLast() {
            members.append(u)
            for w in graph.parents[u] + graph.children[u] where branch[w] && component[w] < 0 {
                component[w] = groups.count
                stack.append(w)
            }
        }
        groups.append(members.sorted())
    }
    for members in groups {
        let inside = Set(members)
        var reads: [Int] = [], joins: [Int] = []
        for u in members {
            reads += graph.parents[u].filter { !inside.contains($0) }
            joins += graph.children[u].filter { reached[$0] && downstream($0) }
        }
        let (chain, length) = describeChain(members.map(name), isChain: isChain(members, graph: graph))
        var line = "branch " + chain
        let parts = [length,
                     unique(reads).map(name).joined(separator: ", ").nonEmpty.map { "reads \($0)" },
                     unique(joins).map(name).joined(separator: ", ").nonEmpty.map { "joins at \($0)" }].compactMap { $0 }
        if !parts.isEmpty { line += " (" + parts.joined(separator: "; ") + ")" }
        lines.append(line)
    }
    // Connections that jump from before the sources to after them.
    for w in 0..<graph.tensors.count where reached[w] && downstream(w) {
        for u in unique(graph.parents[w]) where dirty[u] && upstream(u) {
            lines.append("\(name(w)) also reads \(name(u)) directly (a connection around \(fromText))")
        }
    }
    // Every tensor entering the slice's part after the sources: the inputs a multi-input slice needs.
    var entering = sources
    for w in 0..<graph.tensors.count where reached[w] && downstream(w) {
        for u in graph.parents[w] where dirty[u] && !downstream(u) && !stops.contains(u) { entering.append(u) }
    }
    entering = unique(entering)

    let valid = graph.cuts(sources: graph.inputs, sinks: sinks)
    assert(!sources.isEmpty, "a slice has sources here")  // invariant
    let first = sources.min() ?? 0, last = sources.max() ?? 0
    var near: [String] = []
    if let c = valid.last(where: { $0 < first }) { near.append(makeCut(graph.tensors[c], in: model).description + " (before)") }
    if let c = valid.first(where: { $0 > last }) { near.append(makeCut(graph.tensors[c], in: model).description + " (after)") }

    var message = "cannot be sliced from \(fromText): it is not a cut, other branches cross it and would be left without input:"
    message += lines.map { "\n  " + $0 }.joined()
    if !near.isEmpty { message += "\nnearest cuts: " + near.joined(separator: "; ") }
    let list = entering.map { "\"\(name($0))\"" }.joined(separator: ", ")
    throw NetworkError(owner, message,
                       hint: "slice from a cut (cuts(m) lists them), or from every tensor that enters the slice: from: [\(list)]",
                       argument: "from")
}

/// Whether a group of tensors is a simple chain (no forks inside it).
private func isChain(_ members: [Int], graph: TensorGraph) -> Bool {
    let inside = Set(members)
    return members.allSatisfy { v in
        graph.parents[v].filter(inside.contains).count <= 1 && graph.children[v].filter(inside.contains).count <= 1
    }
}

/// `a → b → c` for a chain of tensors (in execution order), `a, b, c` when it forks; a long one
/// shows its ends, and how many layers it has.
private func describeChain(_ names: [String], isChain: Bool) -> (text: String, length: String?) {
    let sep = isChain ? " → " : ", "
    guard names.count > 6 else { return (names.joined(separator: sep), nil) }
    return (names.prefix(3).joined(separator: sep) + sep + "…" + sep + names.suffix(2).joined(separator: sep), "\(names.count) layers")
}

private extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
