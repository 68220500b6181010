// Normalisation ops on the tape, each a fused rule (checked by gradcheck): in training mode batch
// normalisation's gradient flows through the batch mean and variance as well as through gamma
// and beta; in inference mode it is an affine map per channel.

/// Batch normalisation of a channels-last variable (Keras `BatchNormalization`, axis -1).
///
/// Training normalises with the batch's per-channel mean and biased variance, moves
/// `runningMean` / `runningVar` towards them with Keras's rule
/// (`moving * momentum + batch * (1 - momentum)`), and passes gradients to `x`, `gamma` and `beta`
/// through the batch statistics. Inference normalises with the moving statistics and leaves them
/// alone. The moving statistics are state, not parameters: they receive no gradient.
///
/// ```swift
/// var mean = try Tensor.zeros([c]), variance = try Tensor.ones([c])
/// let y = try batchNorm(x, gamma: g, beta: b, runningMean: &mean, runningVar: &variance, training: true)
/// ```
/// - Throws: `TensorError` when a vector does not match the channels or a training batch is empty.
public func batchNorm(_ x: Variable, gamma: Variable, beta: Variable, runningMean: inout Tensor, runningVar: inout Tensor,
                      training: Bool, momentum: Float = 0.99, epsilon: Float = 1e-3) throws -> Variable {
    let xv = x.value, gv = gamma.value
    let (out, saved) = try batchNormForward(xv, gamma: gv, beta: beta.value, runningMean: &runningMean,
                                            runningVar: &runningVar, training: training,
                                            momentum: momentum, epsilon: epsilon)
    return Variable.record(out, parents: [x, gamma, beta], op: .batchNorm) { grad in
        let (sumG, sumGXhat) = batchNormGradientSums(grad, xv, saved)
        let dx: Tensor?
        if !x.requiresGrad {
            dx = nil
        } else if training {
            dx = batchNormTrainingInputGradient(grad, xv, gamma: gv, saved, sumG: sumG, sumGXhat: sumGXhat)
        } else {
            // Inference: y = x * gamma * invStd + const, so dx = g * gamma * invStd.
            let g = gv.scalars
            let scale = (0..<saved.invStd.count).map { g[$0] * saved.invStd[$0] }
            dx = channelAffine(grad, scale: scale, shift: [Float](repeating: 0, count: scale.count))
        }
        let c = saved.center.count
        return [dx,
                gamma.requiresGrad ? try Tensor(shape: [c], values: sumGXhat.map { Float($0) }) : nil,
                beta.requiresGrad ? try Tensor(shape: [c], values: sumG.map { Float($0) }) : nil]
    }
}

/// Layer normalisation (Keras `LayerNormalization`) of a variable over one axis (the last by
/// default), with gradients to `x` through each group's mean and variance, and to `gamma` and `beta`.
///
/// - Parameters:
///   - gamma, beta: vectors of the size of `axis`.
///   - epsilon: added to the variance; Keras's default 1e-3.
/// - Throws: `TensorError` for a bad axis or mismatched gamma / beta.
public func layerNorm(_ x: Variable, gamma: Variable, beta: Variable, axis: Int = -1, epsilon: Float = 1e-3) throws -> Variable {
    let xv = x.value, gv = gamma.value
    let (out, saved) = try layerNormForward(xv, gamma: gv, beta: beta.value, axis: axis, epsilon: epsilon)
    return Variable.record(out, parents: [x, gamma, beta], op: .layerNorm) { grad in
        let dx = x.requiresGrad ? layerNormInputGradient(grad, xv, gamma: gv, saved) : nil
        guard gamma.requiresGrad || beta.requiresGrad else { return [dx, nil, nil] }
        let (dg, db) = try layerNormParameterGradients(grad, xv, saved)
        return [dx, gamma.requiresGrad ? dg : nil, beta.requiresGrad ? db : nil]
    }
}
