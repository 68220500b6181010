/// A model's graph seen as tensors: each tensor is a vertex, and a call draws an edge from each of
/// its inputs to each of its outputs. Surgery reasons at this level because a cut is a tensor,
/// not a layer (a layer called twice produces two tensors, a model with two outputs too).
///
/// Vertices are numbered in an execution order (the model's `graphNodes`, outputs by index), so a
/// parent always has a smaller number than its children.
struct TensorGraph {
    /// A tensor's identity: the call that produced it and which of its outputs it is.
    struct Key: Hashable {
        let node: ObjectIdentifier
        let index: Int
        init(_ t: SymbolicTensor) { node = ObjectIdentifier(t.node); index = t.outputIndex }
    }

    /// The tensors, in execution order.
    private(set) var tensors: [SymbolicTensor] = []
    /// The vertex of each tensor.
    private(set) var vertex: [Key: Int] = [:]
    /// For each vertex, the vertices its producing call read (one entry per use, so `add(x, x)`
    /// lists `x` twice); empty for the model's inputs and for sources such as weights.
    private(set) var parents: [[Int]] = []
    /// The reverse of `parents`.
    private(set) var children: [[Int]] = []
    /// The model's inputs and outputs as vertices.
    private(set) var inputs: [Int] = []
    private(set) var outputs: [Int] = []

    init(_ model: Model) {
        // Inputs whose producer lies outside the model (a model cut from another) come first.
        let inGraph = Set(model.graphNodes.map(ObjectIdentifier.init))
        for t in model.inputs where !inGraph.contains(ObjectIdentifier(t.node)) { add(t) }
        for node in model.graphNodes {
            for case let t? in node.outputs { add(t) }
        }
        // Tensors used but no longer reachable through `node.outputs` cannot exist (a consumer
        // holds them), but the model's own tensors are added defensively.
        for t in model.inputs + model.outputs { add(t) }
        for node in model.graphNodes { for t in node.inputs { add(t) } }

        let modelInputs = Set(model.inputs.map(Key.init))
        parents = Array(repeating: [], count: tensors.count)
        children = Array(repeating: [], count: tensors.count)
        for (v, t) in tensors.enumerated() where !modelInputs.contains(Key(t)) && inGraph.contains(ObjectIdentifier(t.node)) {
            for p in t.node.inputs {
                guard let u = vertex[Key(p)] else { assertionFailure("every input was added above"); continue }  // invariant
                parents[v].append(u)
                children[u].append(v)
            }
        }
        inputs = model.inputs.compactMap { vertex[Key($0)] }
        outputs = model.outputs.compactMap { vertex[Key($0)] }
    }

    private mutating func add(_ t: SymbolicTensor) {
        let k = Key(t)
        guard vertex[k] == nil else { return }
        vertex[k] = tensors.count
        tensors.append(t)
    }

    /// The vertex of `t`, if it belongs to the model.
    func vertex(of t: SymbolicTensor) -> Int? { vertex[Key(t)] }

    // MARK: - Reachability

    /// The vertices reachable from `sources` along edges (the sources included).
    func descendants(of sources: [Int]) -> [Bool] {
        var seen = [Bool](repeating: false, count: tensors.count)
        for s in sources { seen[s] = true }
        for v in 0..<tensors.count where seen[v] {
            for c in children[v] { seen[c] = true }
        }
        return seen
    }

    /// The vertices from which `sinks` are reachable (the sinks included), walking back but not
    /// past the vertices in `stops` (which are included when reached).
    func ancestors(of sinks: [Int], stoppingAt stops: Set<Int> = []) -> [Bool] {
        var seen = [Bool](repeating: false, count: tensors.count)
        for s in sinks { seen[s] = true }
        for v in stride(from: tensors.count - 1, through: 0, by: -1) where seen[v] && !stops.contains(v) {
            for p in parents[v] { seen[p] = true }
        }
        return seen
    }

    /// The tensors through which every path from `sources` to `sinks` passes, in execution order.
    ///
    /// Picture a virtual source feeding every source and a virtual sink fed by every sink. A vertex
    /// `v` on some path is a cut exactly when, cutting the execution order just after `v`, every
    /// edge that crosses the cut starts at `v`: an edge from before `v` to after it would be a path
    /// around `v`. (Every vertex on a path is an ancestor or a descendant of a cut, so this holds
    /// in any execution order.) Counting crossing edges with a difference array makes it linear.
    func cuts(sources: [Int], sinks: [Int]) -> [Int] {
        let n = tensors.count
        let forward = descendants(of: sources), backward = ancestors(of: sinks)
        let relevant = (0..<n).map { forward[$0] && backward[$0] }
        var delta = [Int](repeating: 0, count: n + 1)
        var leaving = [Int](repeating: 0, count: n)
        for s in Set(sources) where relevant[s] {
            delta[0] += 1
            delta[s] -= 1
        }
        for t in Set(sinks) where relevant[t] {
            delta[t] += 1
            leaving[t] += 1
        }
        for u in 0..<n where relevant[u] {
            for w in children[u] where relevant[w] {
                delta[u] += 1
                delta[w] -= 1
                leaving[u] += 1
            }
        }
        var crossing = 0
        var found: [Int] = []
        for v in 0..<n {
            crossing += delta[v]
            if relevant[v] && crossing == leaving[v] { found.append(v) }
        }
        return found
    }
}
