// Convolutions on the tape. Each backward rule runs the tensor-level gradient passes of its kernel
// file for the gradients its parents need, with the geometry checked once in the forward call.

/// `conv2d` of variables; see `conv2d(_:_:strides:padding:dilation:groups:)` on tensors.
///
/// The kernel may be any variable, including one computed by another branch; its gradient comes
/// from one GEMM per group, the input's from one GEMM per group and a col2im.
public func conv2d(_ x: Variable, _ kernel: Variable, strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                   dilation: (Int, Int) = (1, 1), groups: Int = 1) throws -> Variable {
    let g = try ConvGeometry(op: "conv2d", input: x.shape, kernel: kernel.shape, strides: strides,
                             padding: padding, dilation: dilation, groups: groups)
    let xv = x.value, wv = kernel.value
    let needX = x.requiresGrad, needW = kernel.requiresGrad
    return Variable.record(convolve(g, xv, wv), parents: [x, kernel], op: .conv2d) { dy in
        let grads = convGradients(g, input: xv, kernel: wv, outputGradient: dy, needInput: needX, needKernel: needW)
        return [grads.input, grads.kernel]
    }
}

/// `conv2dTranspose` of variables; see `conv2dTranspose(_:_:strides:padding:dilation:)` on tensors.
///
/// Its input gradient is a conv2d of the output gradient, its kernel gradient conv2d's kernel
/// gradient with input and output exchanged.
public func conv2dTranspose(_ x: Variable, _ kernel: Variable, strides: (Int, Int) = (1, 1),
                            padding: Padding = .valid, dilation: (Int, Int) = (1, 1)) throws -> Variable {
    let g = try transposedGeometry(op: "conv2d_transpose", input: x.shape, kernel: kernel.shape, strides: strides,
                                   padding: padding, dilation: dilation)
    let xv = x.value, wv = kernel.value
    let needX = x.requiresGrad, needW = kernel.requiresGrad
    return Variable.record(transposedForward(g, xv, wv), parents: [x, kernel], op: .conv2dTranspose) { dOut in
        let grads = transposedGradients(g, xv, wv, outputGradient: dOut, needInput: needX, needKernel: needW)
        return [grads.input, grads.kernel]
    }
}

/// `conv2dPerSample` of variables: each sample convolved with its own kernel, gradients flowing to
/// the images and to the kernels (and on into whatever branch generated them).
public func conv2dPerSample(_ x: Variable, _ kernels: Variable, strides: (Int, Int) = (1, 1),
                            padding: Padding = .valid, dilation: (Int, Int) = (1, 1)) throws -> Variable {
    let g = try perSampleGeometry(op: "conv2d_per_sample", input: x.shape, kernels: kernels.shape, strides: strides,
                                  padding: padding, dilation: dilation)
    let xv = x.value, wv = kernels.value
    let needX = x.requiresGrad, needW = kernels.requiresGrad
    return Variable.record(perSampleForward(g, xv, wv), parents: [x, kernels], op: .conv2dPerSample) { dy in
        let grads = perSampleGradients(g, xv, wv, outputGradient: dy, needInput: needX, needKernels: needW)
        return [grads.input, grads.kernels]
    }
}
