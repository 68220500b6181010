// Convolution with one kernel per sample: the hypernetwork case, where another branch generates a
// kernel for each image. Keras's K.conv2d in a Lambda applies one kernel to the whole batch; here
// sample n meets kernel n. Few channels (the usual hypernetwork) take the direct kernel of
// Conv2DDirect.swift over the whole batch; otherwise each sample is a batch-1 conv2d sharing one
// column buffer.

/// The batch-1 geometry each sample is convolved with, checked against the whole batch's shapes.
func perSampleGeometry(op: String, input xs: [Int], kernels ks: [Int], strides: (Int, Int), padding: Padding,
                       dilation: (Int, Int)) throws -> ConvGeometry {
    guard ks.count == 5 else {
        throw TensorError(op, "kernels must be rank 5 (batch, height, width, in_channels, out_channels), got \(formatShape(ks)) for input \(formatShape(xs))")
    }
    guard xs.count == 4, ks[0] == xs[0] else {
        throw TensorError(op, "kernels \(formatShape(ks)) hold \(ks[0]) kernels, input \(formatShape(xs)) needs one per sample (rank 4, batch first)")
    }
    var g = try ConvGeometry(op: op, input: xs, kernel: Array(ks[1...]), strides: strides, padding: padding,
                             dilation: dilation, groups: 1)
    g.batch = 1
    return g
}

/// The output shape of `conv2dPerSample` for these shapes, without computing anything.
public func conv2dPerSampleOutputShape(input: [Int], kernels: [Int], strides: (Int, Int) = (1, 1),
                                       padding: Padding = .valid, dilation: (Int, Int) = (1, 1)) throws -> [Int] {
    let g = try perSampleGeometry(op: "conv2d_per_sample", input: input, kernels: kernels, strides: strides,
                                  padding: padding, dilation: dilation)
    return [input[0], g.outHeight, g.outWidth, g.outChannels]
}

/// Convolves each sample of `x` `(N, H, W, Cin)` with its own kernel from `kernels`
/// `(N, kh, kw, Cin, Cout)`: sample n of the output is `conv2d(x[n], kernels[n])`.
///
/// This is the convolution a hypernetwork needs when its kernel is computed from each input (a
/// template branch producing a matching filter per image). Gradients reach both the images and the
/// generated kernels.
/// - Throws: `TensorError` naming both shapes when they do not fit.
public func conv2dPerSample(_ x: Tensor, _ kernels: Tensor, strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                            dilation: (Int, Int) = (1, 1)) throws -> Tensor {
    let g = try perSampleGeometry(op: "conv2d_per_sample", input: x.shape, kernels: kernels.shape, strides: strides,
                                  padding: padding, dilation: dilation)
    return perSampleForward(g, x, kernels)
}

/// The gradients of `conv2dPerSample(x, kernels, ...)` with respect to `x` and `kernels`, given the
/// gradient of its output.
public func conv2dPerSampleGradients(_ x: Tensor, _ kernels: Tensor, outputGradient: Tensor,
                                     strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                                     dilation: (Int, Int) = (1, 1),
                                     input needInput: Bool = true, kernels needKernels: Bool = true) throws -> (input: Tensor?, kernels: Tensor?) {
    let g = try perSampleGeometry(op: "conv2d_per_sample", input: x.shape, kernels: kernels.shape, strides: strides,
                                  padding: padding, dilation: dilation)
    let outShape = [x.shape[0], g.outHeight, g.outWidth, g.outChannels]
    guard outputGradient.shape == outShape else {
        throw TensorError("conv2d_per_sample", "output gradient \(formatShape(outputGradient.shape)) does not match the output \(formatShape(outShape)) of input \(formatShape(x.shape)) and kernels \(formatShape(kernels.shape))")
    }
    return perSampleGradients(g, x, kernels, outputGradient: outputGradient, needInput: needInput, needKernels: needKernels)
}

/// The forward pass for a checked batch-1 geometry `g`, sample by sample.
func perSampleForward(_ g: ConvGeometry, _ x: Tensor, _ kernels: Tensor) -> Tensor {
    let n = x.shape[0]
    let out = Tensor(uninitializedShape: [n, g.outHeight, g.outWidth, g.outChannels])
    let xp = x.storage.base, wp = kernels.storage.base, yp = out.storage.base
    if g.perSampleDirect {
        perSampleDirectForward(g, samples: n, input: xp, kernels: wp, output: yp)
        return out
    }
    withScratch(g.forwardColumnCount) { col in
        for i in 0..<n {
            convForward(g, input: xp + i &* g.inputCount, kernel: wp + i &* g.kernelCount,
                        output: yp + i &* g.outputCount, columns: col)
        }
    }
    return out
}

/// The gradients for a checked batch-1 geometry `g`, sample by sample.
func perSampleGradients(_ g: ConvGeometry, _ x: Tensor, _ kernels: Tensor, outputGradient dy: Tensor,
                        needInput: Bool, needKernels: Bool) -> (input: Tensor?, kernels: Tensor?) {
    let n = x.shape[0]
    let dx = needInput ? Tensor(uninitializedShape: x.shape) : nil
    let dw = needKernels ? Tensor(uninitializedShape: kernels.shape) : nil
    guard dx != nil || dw != nil else { return (nil, nil) }
    let xp = x.storage.base, wp = kernels.storage.base, gp = dy.storage.base
    let dxp = dx?.storage.base, dwp = dw?.storage.base
    if g.perSampleDirect {
        perSampleDirectGradients(g, samples: n, input: xp, kernels: wp, outputGradient: gp,
                                 inputGradient: dxp, kernelGradient: dwp)
        return (dx, dw)
    }
    withScratch(g.columnCount) { col in
        for i in 0..<n {
            convBackward(g, input: xp + i &* g.inputCount, kernel: wp + i &* g.kernelCount,
                         outputGradient: gp + i &* g.outputCount,
                         inputGradient: dxp.map { $0 + i &* g.inputCount },
                         kernelGradient: dwp.map { $0 + i &* g.kernelCount }, columns: col)
        }
    }
    return (dx, dw)
}
