// Kernel + bias + activation as one op on the tape. A layer such as `Dense(512, activation: relu)`
// would otherwise record three ops and keep three tensors (the product, the biased product, the
// activation); fused, it records one, adds the bias and applies the activation in place in the
// kernel's output buffer, and its backward rule undoes all three: the activation's derivative
// (read from the saved output where the activation allows, else from the one kept pre-activation
// buffer), the bias gradient as column sums, then the kernel's own gradients.

/// The one-op form shared by every fused layer: `activation(core(x, w) + bias)`.
///
/// - Parameters:
///   - core: the kernel's forward pass on values; its output's last axis has `bias.count` entries.
///   - biasedCore: the same pass with the bias added by the kernel itself, when it can do so more
///     cheaply than a pass of its own afterwards (a convolution writes it before its GEMM).
///   - gradients: the kernel's backward pass from the gradient of its output (the pre-bias
///     product), computing only the gradients asked for.
func fusedAffine(_ x: Variable, _ w: Variable, bias: Variable?, activation: ActivationFunction, op: String,
                 core: (Tensor, Tensor) throws -> Tensor,
                 biasedCore: ((Tensor, Tensor, Tensor) throws -> Tensor)? = nil,
                 gradients: @escaping (_ dz: Tensor, _ needX: Bool, _ needW: Bool) throws -> (Tensor?, Tensor?)) throws -> Variable {
    var z: Tensor
    if let bias, let biasedCore {
        z = try biasedCore(x.value, w.value, bias.value)
    } else {
        z = try core(x.value, w.value)
        if let bias { try addBias(&z, bias.value, op: op) }
    }
    let parents = bias.map { [x, w, $0] } ?? [x, w]
    let recording = GradMode.isEnabled && parents.contains { $0.requiresGrad }
    // Softmax is not elementwise: the fused op stops at the bias and softmax is its own op.
    let elementwise = activation.elementwise ?? .linear
    let saved: (output: Bool, value: Tensor)
    if case .linear = elementwise {
        saved = (true, z)
    } else if !recording || elementwise.derivativeFromOutput {
        z.withUnsafeMutableBufferPointer { p in
            if let base = p.baseAddress { elementwise.applyInPlace(base, count: p.count) }
        }
        saved = (true, z)
    } else {
        saved = (false, z)
        z = try elementwise.apply(z)
    }
    let needX = x.requiresGrad, needW = w.requiresGrad, needB = bias?.requiresGrad ?? false
    let result = Variable.record(z, parents: parents, op: .fusedAffine) { g in
        let dz: Tensor
        if case .linear = elementwise {
            dz = g
        } else if saved.output {
            dz = try elementwise.backward(output: saved.value, gradient: g)
        } else {
            dz = try elementwise.backward(input: saved.value, gradient: g)
        }
        let (dx, dw) = try gradients(dz, needX, needW)
        var grads: [Tensor?] = [dx, dw]
        if bias != nil { grads.append(needB ? try biasGradient(dz) : nil) }
        return grads
    }
    return activation.elementwise == nil ? try result.softmax(axis: -1) : result
}

/// `activation(x w + bias)` over the last axis of `x` (any rank >= 2): Keras's `Dense`, as one op.
///
/// The leading axes are folded into one matrix, so the whole batch (and every position of a
/// sequence or image) is one GEMM; the kernel gradient is one GEMM, the input gradient another.
///
/// - Parameters:
///   - kernel: `(in, units)`; `bias`: `(units,)` or `nil`.
/// - Throws: `TensorError` naming the shapes when the last axis of `x` is not the kernel's `in`.
public func fusedDense(_ x: Variable, kernel: Variable, bias: Variable?, activation: ActivationFunction) throws -> Variable {
    let xs = x.shape, ks = kernel.shape
    guard xs.count >= 2, ks.count == 2, xs[xs.count - 1] == ks[0] else {
        throw TensorError("dense", "input \(formatShape(xs)) does not fit kernel \(formatShape(ks)): the input's last axis must be the kernel's first")
    }
    let rows = xs.dropLast().reduce(1, *)
    let outShape = Array(xs.dropLast()) + [ks[1]]
    let xv = x.value, wv = kernel.value
    return try fusedAffine(x, kernel, bias: bias, activation: activation, op: "dense", core: { xv, wv in
        try matmul(xv.reshaped(to: [rows, ks[0]]), wv).reshaped(to: outShape)
    }, gradients: { dz, needX, needW in
        let d2 = try dz.reshaped(to: [rows, ks[1]])
        let dx = needX ? try matmul(d2, wv, transposeB: true).reshaped(to: xs) : nil
        let dw = needW ? try matmul(xv.reshaped(to: [rows, ks[0]]), d2, transposeA: true) : nil
        return (dx, dw)
    })
}

/// `activation(conv2d(x, kernel) + bias)` as one op: Keras's `Conv2D` (and, with `groups` equal
/// to the input channels, `DepthwiseConv2D`).
///
/// - Parameters:
///   - kernel: `(kh, kw, in / groups, out)`; `bias`: `(out,)` or `nil`.
/// - Throws: `TensorError` naming the input and kernel shapes when they do not fit.
public func fusedConv2d(_ x: Variable, kernel: Variable, bias: Variable?, activation: ActivationFunction,
                        strides: (Int, Int) = (1, 1), padding: Padding = .valid, dilation: (Int, Int) = (1, 1),
                        groups: Int = 1) throws -> Variable {
    let xv = x.value, wv = kernel.value
    return try fusedAffine(x, kernel, bias: bias, activation: activation, op: "conv2d", core: { xv, wv in
        try conv2d(xv, wv, strides: strides, padding: padding, dilation: dilation, groups: groups)
    }, biasedCore: { xv, wv, bv in
        try conv2d(xv, wv, bias: bv, strides: strides, padding: padding, dilation: dilation, groups: groups)
    }, gradients: { dz, needX, needW in
        try conv2dGradients(xv, wv, outputGradient: dz, strides: strides, padding: padding, dilation: dilation,
                            groups: groups, input: needX, kernel: needW)
    })
}

/// `activation(conv2dPerSample(x, kernels) + bias)` as one op: sample `n` convolved with its own
/// kernel `kernels[n]` `(kh, kw, in, out)`, the hypernetwork's convolution.
///
/// - Throws: `TensorError` naming the shapes when they do not fit.
public func fusedConv2dPerSample(_ x: Variable, kernels: Variable, bias: Variable?, activation: ActivationFunction,
                                 strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                                 dilation: (Int, Int) = (1, 1)) throws -> Variable {
    let xv = x.value, wv = kernels.value
    return try fusedAffine(x, kernels, bias: bias, activation: activation, op: "conv", core: { xv, wv in
        try conv2dPerSample(xv, wv, strides: strides, padding: padding, dilation: dilation)
    }, gradients: { dz, needX, needW in
        try conv2dPerSampleGradients(xv, wv, outputGradient: dz, strides: strides, padding: padding,
                                     dilation: dilation, input: needX, kernels: needW)
    })
}

/// `activation(conv2dTranspose(x, kernel) + bias)` as one op, with `extra` rows and columns of
/// zeros added below and to the right of the transposed convolution's output before the bias
/// (what Keras's `output_padding` adds beyond the last input's window).
///
/// - Parameters:
///   - kernel: `(kh, kw, out, in)`, Keras's `Conv2DTranspose` layout.
/// - Throws: `TensorError` naming the shapes when they do not fit.
public func fusedConv2dTranspose(_ x: Variable, kernel: Variable, bias: Variable?, activation: ActivationFunction,
                                 strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                                 dilation: (Int, Int) = (1, 1), extra: (bottom: Int, right: Int) = (0, 0)) throws -> Variable {
    let xv = x.value, wv = kernel.value
    let padded = extra.bottom > 0 || extra.right > 0
    return try fusedAffine(x, kernel, bias: bias, activation: activation, op: "conv2d_transpose", core: { xv, wv in
        let y = try conv2dTranspose(xv, wv, strides: strides, padding: padding, dilation: dilation)
        return padded ? try zeroPadding2d(y, padding: (0, extra.bottom, 0, extra.right)) : y
    }, gradients: { dz, needX, needW in
        var d = dz
        if padded {
            let s = dz.shape
            d = try dz.sliced(starts: [0, 0, 0, 0], sizes: [s[0], s[1] - extra.bottom, s[2] - extra.right, s[3]])
        }
        return try conv2dTransposeGradients(xv, wv, outputGradient: d, strides: strides, padding: padding,
                                            dilation: dilation, input: needX, kernel: needW)
    })
}

/// `activation(a + b)` as one op for two values of one shape: a residual connection and the ReLU
/// after it (ResNet's every block) in one pass over memory instead of two, and one op on the tape.
/// Values of different shapes (broadcasting), softmax, and, while recording, an activation whose
/// derivative needs its input (gelu, silu) run as the two ops they are.
///
/// - Throws: `TensorError` naming the shapes when they do not broadcast.
public func addActivated(_ a: Variable, _ b: Variable, activation: ActivationFunction) throws -> Variable {
    let recording = GradMode.isEnabled && (a.requiresGrad || b.requiresGrad)
    guard a.shape == b.shape, let f = activation.elementwise, !recording || f.derivativeFromOutput else {
        return try activation.apply(try a + b)
    }
    let y = a.value.zipChunks(b.value, grain: cheapElementwiseGrain) { a, b, y, r in
        for i in r { y[i] = a[i] + b[i] }
        f.forwardLoop(UnsafePointer(y), y, r)
    }
    return Variable.record(y, parents: [a, b], op: .addActivated) { g in
        let dz = try f.backward(output: y, gradient: g)
        return [a.requiresGrad ? dz : nil, b.requiresGrad ? dz : nil]
    }
}
