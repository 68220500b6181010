/// The variables that `root` depends on and that require gradients, parents before children.
///
/// Iterative depth-first search: a 782-layer network is no reason for a stack overflow.
func topologicalOrder(from root: Variable) -> [Variable] {
    var order: [Variable] = []
    var visited = Set<ObjectIdentifier>()
    var stack: [(Variable, Int)] = [(root, 0)]
    visited.insert(ObjectIdentifier(root))
    while let (node, next) = stack.popLast() {
        if next < node.parents.count {
            stack.append((node, next + 1))
            let parent = node.parents[next]
            if parent.requiresGrad, visited.insert(ObjectIdentifier(parent)).inserted {
                stack.append((parent, 0))
            }
        } else {
            order.append(node)
        }
    }
    return order
}

/// Propagates `seed` (the gradient of `root`) back through the tape and returns the gradients of
/// the leaves reached and of the interior variables in `keeping`, by identity. Gradients from
/// several uses of one variable add up; other interior gradients are freed once passed on.
func propagate(from root: Variable, seed: Tensor, keeping: Set<ObjectIdentifier> = []) throws -> [ObjectIdentifier: Tensor] {
    guard seed.shape == root.shape else {
        throw TensorError("backward", "seed gradient of shape \(formatShape(seed.shape)) does not match output \(formatShape(root.shape))")
    }
    var grads: [ObjectIdentifier: Tensor] = [ObjectIdentifier(root): seed]
    guard root.requiresGrad else { return grads }
    for node in topologicalOrder(from: root).reversed() {
        let key = ObjectIdentifier(node)
        guard let rule = node.backwardRule, let g = grads[key] else { continue }
        let parentGrads = try rule(g)
        for (parent, pg) in zip(node.parents, parentGrads) {
            guard parent.requiresGrad, let pg else { continue }
            guard pg.shape == parent.shape else {
                throw TensorError("backward", "internal: gradient of shape \(formatShape(pg.shape)) for a value of shape \(formatShape(parent.shape))")
            }
            let parentKey = ObjectIdentifier(parent)
            if grads[parentKey] == nil { grads[parentKey] = pg } else { try grads[parentKey]?.accumulate(pg) }
        }
        if node !== root, !keeping.contains(key) { grads[key] = nil }
    }
    return grads
}

/// The gradients of `output` with respect to each of `inputs`.
///
/// `output` must be a scalar unless `seed` gives its gradient. An input that `output` does not
/// depend on gets zeros. Inputs may be computed variables, not only leaves: the gradient with
/// respect to a generated convolution kernel is available like any other.
public func gradients(of output: Variable, withRespectTo inputs: [Variable], seed: Tensor? = nil) throws -> [Tensor] {
    let seedValue = try seed ?? scalarSeed(for: output)
    let grads = try propagate(from: output, seed: seedValue, keeping: Set(inputs.map(ObjectIdentifier.init)))
    return try inputs.map { v in try grads[ObjectIdentifier(v)] ?? Tensor.zeros(v.shape) }
}

func scalarSeed(for output: Variable) throws -> Tensor {
    guard output.value.count == 1 else {
        throw TensorError("backward", "gradients need a scalar output, got shape \(formatShape(output.shape)); reduce it with sum or mean first")
    }
    return try Tensor(shape: output.shape, repeating: 1)
}

extension Variable {
    /// Reverse mode from this scalar: adds the gradient into `grad` of every leaf that requires one
    /// (PyTorch's `loss.backward()`; call `zeroGrad` on the leaves between steps).
    public func backward(seed: Tensor? = nil) throws {
        let seedValue = try seed ?? scalarSeed(for: self)
        let grads = try propagate(from: self, seed: seedValue)
        for node in topologicalOrder(from: self) where node.backwardRule == nil && node.requiresGrad {
            guard let g = grads[ObjectIdentifier(node)] else { continue }
            if node.grad == nil { node.grad = g } else { try node.grad?.accumulate(g) }
        }
    }

    /// Clears an accumulated gradient.
    public func zeroGrad() { grad = nil }
}
