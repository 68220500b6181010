import PlexusTensor
extension Model {
    /// One training step: a forward pass in training mode with the tape on, `loss` of the
    /// outputs, the backward pass, and one `optimizer` update of every trainable weight; returns
    /// the loss.
    ///
    /// Gradients are zeroed before the pass and left on the weights' variables afterwards
    /// (`weight.variable?.grad`), so they can be inspected (which weights a step reached, and
    /// how strongly). Frozen weights get no gradient and are not updated; BatchNormalization
    /// layers move their moving statistics (unless in inference mode).
    ///
    /// ```swift
    /// let loss = try model.trainStep(inputs: [x], context: context, optimizer: adam) { outs in
    ///     try mseLoss(outs[0], y)
    /// }
    /// ```
    /// - Throws: `NetworkError` when gradients are switched off (inside `withoutGradients`) or the
    ///   loss is not a single number; the errors of `plan().run` and of the optimiser (for
    ///   instance when no gradient reached any trainable weight).
    @discardableResult
    public func trainStep(inputs: [Tensor], context: ForwardContext, optimizer: Optimizer,
                          loss: ([Variable]) throws -> Variable) throws -> Float {
        let (value, _) = try trainStep(inputs: inputs, context: context, optimizer: optimizer, loss: loss, keepOutputs: false)
        return value
    }

    /// One training step that also returns the outputs of its forward pass (for metrics). A loss
    /// that is not finite is returned without updating any weight.
    /// With `logits: true` the plan's output is the input of its final sigmoid or softmax
    /// (`ExecutionPlan.run(_:context:logits:)`), for a loss that reads logits.
    func trainStep(inputs: [Tensor], context: ForwardContext, optimizer: Optimizer, logits: Bool = false,
                   loss: ([Variable]) throws -> Variable, keepOutputs: Bool) throws -> (Float, [Tensor]) {
        // The whole step (forward, loss, backward, update) takes its buffers from the plan's pool.
        try BufferPool.withActive(plan().buffers) {
            try pooledTrainStep(inputs: inputs, context: context, optimizer: optimizer, logits: logits,
                                loss: loss, keepOutputs: keepOutputs)
        }
    }

    private func pooledTrainStep(inputs: [Tensor], context: ForwardContext, optimizer: Optimizer, logits: Bool,
                                 loss: ([Variable]) throws -> Variable, keepOutputs: Bool) throws -> (Float, [Tensor]) {
        let (value, outputs) = try forwardBackward(inputs: inputs, context: context, logits: logits, loss: loss)
        // A loss that is not finite leaves the weights as they were: its gradients would spread
        // nan or inf into every weight (the divergence rule of docs/limits.md).
        guard value.isFinite else { return (value, keepOutputs ? outputs : []) }
        let parameters = try plan().trainableWeights.compactMap(\.variable)
        if !parameters.isEmpty { try optimizer.update(parameters) }
        return (value, keepOutputs ? outputs : [])
    }

    /// The forward pass in training mode with the tape on, the loss, and the backward pass:
    /// gradients are left on the weights' variables (zeroed first); nothing is updated.
    func forwardBackward(inputs: [Tensor], context: ForwardContext, logits: Bool = false,
                         loss: ([Variable]) throws -> Variable) throws -> (Float, [Tensor]) {
        guard GradMode.isEnabled else {
            throw NetworkError(name, "cannot train with gradients switched off (inside withoutGradients)")
        }
        let plan = try plan()
        for w in plan.weights { w.variable?.zeroGrad() }
        let outputs = try context.with(training: true) {
            try plan.run(inputs.map { Variable($0) }, context: context, logits: logits)
        }
        let l = try loss(outputs)
        guard let value = l.value.scalarValue else {
            throw NetworkError(name, "needs a loss that is one number, got shape \(formatShape(l.shape))")
        }
        try l.backward()
        return (value, outputs.map(\.value))
    }
}
