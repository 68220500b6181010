/// The structure of a model's graph, computed once when the model is made: which calls belong to
/// it, their depth, and the order of its layers, all as Keras 3's `map_graph` computes them (so
/// that summaries list layers in Keras's order).
///
/// Depth counts calls from the outputs: output calls have depth 0, and a call's depth is one more
/// than the deepest call that consumes it (a shared layer takes the largest depth of its calls).
/// Layers are listed by decreasing depth, ties broken by the order a depth-first walk from the
/// outputs first meets them.
struct GraphMap {
    /// Calls in execution order: decreasing depth.
    var nodes: [Node]
    /// Calls grouped by depth, deepest first.
    var nodesByDepth: [[Node]]
    /// Layers in Keras's order.
    var layers: [Layer]

    /// Walks back from `outputs` to `inputs`.
    ///
    /// - Throws: `NetworkError` when an output depends on an input that is not in `inputs`
    ///   (naming it), or when `inputs` repeats a tensor.
    init(inputs: [SymbolicTensor], outputs: [SymbolicTensor], modelName: String?) throws {
        let inputSet = Set(inputs.map(ObjectIdentifier.init))
        guard inputSet.count == inputs.count else {
            throw NetworkError(modelName.map { "model \"\($0)\"" }, "lists the same input tensor twice")
        }
        var finished = Set<ObjectIdentifier>()
        var inProgress = Set<ObjectIdentifier>()
        var postOrder: [Node] = []
        var layerIndex: [ObjectIdentifier: Int] = [:]

        // A depth-first walk with its own stack (a chain of thousands of layers must not exhaust
        // the thread's stack): each frame is a tensor and the next of its node's inputs to visit.
        // Nodes are numbered on entry and listed on exit, as the recursive walk would.
        var stack: [(tensor: SymbolicTensor, next: Int)] = []
        func enter(_ tensor: SymbolicTensor, output: SymbolicTensor) throws {
            let node = tensor.node
            let id = ObjectIdentifier(node)
            if finished.contains(id) { return }
            // invariant: graphs are built forward from existing tensors, so they have no cycles
            if inProgress.contains(id) { assertionFailure("a cycle through \(node.layer.name)"); return }
            let isInput = inputSet.contains(ObjectIdentifier(tensor))
            if isInput && !(node.layer is InputLayer) { return } // a cut: its producer is outside
            if layerIndex[ObjectIdentifier(node.layer)] == nil { layerIndex[ObjectIdentifier(node.layer)] = layerIndex.count }
            if !isInput && node.layer is InputLayer {
                let given = inputs.map(\.sourceDescription).joined(separator: ", ")
                throw NetworkError(modelName.map { "model \"\($0)\"" } ?? "the model",
                                   "cannot be built: output \(output.sourceDescription) \(formatSymbolicShape(output.shape)) depends on input \(node.layer.name) \(formatSymbolicShape(tensor.shape)), which is not among its inputs (\(given.isEmpty ? "none" : given))",
                                   hint: "add \(node.layer.name) to the inputs, or build the model from its outputs alone to find the inputs by walking back",
                                   argument: "inputs")
            }
            inProgress.insert(id)
            stack.append((tensor, 0))
        }
        for output in outputs {
            try enter(output, output: output)
            while let top = stack.last {
                let node = top.tensor.node
                let isInput = inputSet.contains(ObjectIdentifier(top.tensor))
                if !isInput, top.next < node.inputs.count {
                    stack[stack.count - 1].next += 1
                    try enter(node.inputs[top.next], output: output)
                    continue
                }
                stack.removeLast()
                inProgress.remove(ObjectIdentifier(node))
                finished.insert(ObjectIdentifier(node))
                postOrder.append(node)
            }
        }

        // Depths, as Keras's map_graph assigns them (insertion order kept for ties).
        var nodeDepth: [ObjectIdentifier: Int] = [:]
        var depthOrder: [Node] = []
        var layerDepth: [ObjectIdentifier: Int] = [:]
        var layerOrder: [Layer] = []
        func touch(_ node: Node, _ depth: Int) {
            let id = ObjectIdentifier(node)
            if nodeDepth[id] == nil { depthOrder.append(node) }
            nodeDepth[id] = depth
        }
        for node in postOrder.reversed() {
            var depth = nodeDepth[ObjectIdentifier(node)] ?? 0
            if nodeDepth[ObjectIdentifier(node)] == nil { touch(node, 0) }
            let lid = ObjectIdentifier(node.layer)
            if layerDepth[lid] == nil { layerOrder.append(node.layer) }
            depth = Swift.max(depth, layerDepth[lid] ?? 0)
            layerDepth[lid] = depth
            touch(node, depth)
            for parent in node.inputs.map(\.node) where finished.contains(ObjectIdentifier(parent)) {
                touch(parent, Swift.max(depth + 1, nodeDepth[ObjectIdentifier(parent)] ?? 0))
            }
        }
        // Inputs that no output uses still belong to the model, at depth 0.
        for input in inputs where input.node.layer is InputLayer && layerDepth[ObjectIdentifier(input.node.layer)] == nil {
            layerDepth[ObjectIdentifier(input.node.layer)] = 0
            layerIndex[ObjectIdentifier(input.node.layer)] = -1
            layerOrder.append(input.node.layer)
            touch(input.node, 0)
        }

        let maxDepth = nodeDepth.values.max() ?? 0
        var byDepth = [[Node]](repeating: [], count: maxDepth + 1)
        for node in depthOrder {
            // invariant: every node in depthOrder has a depth
            assert(nodeDepth[ObjectIdentifier(node)] != nil, "\(node.layer.name) has no depth")
            let d = nodeDepth[ObjectIdentifier(node)] ?? 0
            byDepth[maxDepth - d].append(node)
        }
        self.nodesByDepth = byDepth.filter { !$0.isEmpty }
        self.nodes = nodesByDepth.flatMap { $0 }
        self.layers = layerOrder.sorted { a, b in
            let da = layerDepth[ObjectIdentifier(a)] ?? 0, db = layerDepth[ObjectIdentifier(b)] ?? 0
            if da != db { return da > db }
            return (layerIndex[ObjectIdentifier(a)] ?? 0) < (layerIndex[ObjectIdentifier(b)] ?? 0)
        }
    }
}
