// Transposed convolution ("deconvolution") as Keras's Conv2DTranspose computes it: the adjoint of a
// conv2d, so its forward pass is that conv2d's input gradient and its gradients are conv2d's
// forward pass and kernel gradient with the roles of input and output exchanged.

/// The conv2d whose input gradient is the transposed convolution of `input` by `kernel`
/// `(kh, kw, Cout, Cin)`: its input is the transposed convolution's output.
///
/// Output sizes follow Keras: "valid" `in * s + max(k - s, 0)` (`(in - 1) * s + k` when `k >= s`),
/// "same" `in * s`, explicit `(in - 1) * s + k - before - after` (PyTorch's), with `k` the
/// dilated kernel span.
func transposedGeometry(op: String, input xs: [Int], kernel ks: [Int], strides: (Int, Int), padding: Padding,
                        dilation: (Int, Int)) throws -> ConvGeometry {
    let shapes = "input \(formatShape(xs)) and kernel \(formatShape(ks))"
    guard xs.count == 4 else {
        throw TensorError(op, "input must be rank 4 (batch, height, width, channels), got \(shapes)")
    }
    guard ks.count == 4 else {
        throw TensorError(op, "kernel must be rank 4 (height, width, out_channels, in_channels), got \(shapes)")
    }
    guard ks[3] == xs[3] else {
        throw TensorError(op, "\(shapes) do not fit: the input has \(xs[3]) channels, the kernel's last dimension expects \(ks[3])")
    }
    guard ks[0] >= 1, ks[1] >= 1, ks[2] >= 1 else {
        throw TensorError(op, "kernel \(formatShape(ks)) has an empty dimension")
    }
    guard strides.0 >= 1, strides.1 >= 1, dilation.0 >= 1, dilation.1 >= 1 else {
        throw TensorError(op, "strides \(strides) and dilation \(dilation) must be at least 1")
    }
    func length(_ n: Int, kernel: Int, stride: Int, dilation: Int, axis: Int) -> Int {
        let span = (kernel - 1) * dilation + 1
        switch padding {
        case .valid: return n * stride + Swift.max(span - stride, 0)
        case .same: return n * stride
        case let .explicit(t, b, l, r): return (n - 1) * stride + span - (axis == 0 ? t + b : l + r)
        }
    }
    let lh = length(xs[1], kernel: ks[0], stride: strides.0, dilation: dilation.0, axis: 0)
    let lw = length(xs[2], kernel: ks[1], stride: strides.1, dilation: dilation.1, axis: 1)
    guard lh >= 1, lw >= 1 else {
        throw TensorError(op, "\(shapes) with strides \(strides) and padding \(padding) give an empty \(lh)x\(lw) output")
    }
    let g = try ConvGeometry(op: op, input: [xs[0], lh, lw, ks[2]], kernel: ks, strides: strides,
                             padding: padding, dilation: dilation, groups: 1)
    guard g.outHeight == xs[1], g.outWidth == xs[2] else {
        throw TensorError(op, "\(shapes) with padding \(padding): the \(lh)x\(lw) output does not map back onto the input's \(xs[1])x\(xs[2])")
    }
    return g
}

/// The output shape of `conv2dTranspose` for these shapes, without computing anything: for shape
/// inference in layers and summaries.
public func conv2dTransposeOutputShape(input: [Int], kernel: [Int], strides: (Int, Int) = (1, 1),
                                       padding: Padding = .valid, dilation: (Int, Int) = (1, 1)) throws -> [Int] {
    try transposedGeometry(op: "conv2d_transpose", input: input, kernel: kernel, strides: strides,
                           padding: padding, dilation: dilation).inputShape
}

/// A transposed 2-D convolution of an NHWC batch `x` `(N, H, W, Cin)` with a kernel
/// `(kh, kw, Cout, Cin)` as Keras's `Conv2DTranspose` stores it: upsampling by `strides`.
///
/// It is the adjoint of `conv2d` with the same kernel, strides and padding (the gradient of conv2d
/// with respect to its input), so `<conv2d(a, w), b> == <a, conv2dTranspose(b, w)>`. Each input
/// pixel adds its channels times the kernel into a window of the output, windows overlapping where
/// the kernel is larger than the stride. See `conv2dTransposeOutputShape` for the output size.
///
/// ```swift
/// let up = try conv2dTranspose(x, w, strides: (2, 2), padding: .same)  // (1, 8, 8, 16) -> (1, 16, 16, Cout)
/// ```
/// - Throws: `TensorError` naming both shapes when they do not fit.
public func conv2dTranspose(_ x: Tensor, _ kernel: Tensor, strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                            dilation: (Int, Int) = (1, 1)) throws -> Tensor {
    let g = try transposedGeometry(op: "conv2d_transpose", input: x.shape, kernel: kernel.shape, strides: strides,
                                   padding: padding, dilation: dilation)
    return transposedForward(g, x, kernel)
}

/// The transposed convolution for a checked geometry: conv2d's input gradient with `x` as the
/// output gradient.
func transposedForward(_ g: ConvGeometry, _ x: Tensor, _ kernel: Tensor) -> Tensor {
    let out = Tensor(uninitializedShape: g.inputShape)
    withScratch(g.columnCount) { col in
        convBackward(g, input: nil, kernel: kernel.storage.base, outputGradient: x.storage.base,
                     inputGradient: out.storage.base, kernelGradient: nil, columns: col)
    }
    return out
}

/// The gradients of `conv2dTranspose(x, kernel, ...)` with respect to `x` and `kernel`, given the
/// gradient of its output: a conv2d of that gradient, and conv2d's kernel gradient with input and
/// output exchanged.
public func conv2dTransposeGradients(_ x: Tensor, _ kernel: Tensor, outputGradient: Tensor,
                                     strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                                     dilation: (Int, Int) = (1, 1),
                                     input needInput: Bool = true, kernel needKernel: Bool = true) throws -> (input: Tensor?, kernel: Tensor?) {
    let g = try transposedGeometry(op: "conv2d_transpose", input: x.shape, kernel: kernel.shape, strides: strides,
                                   padding: padding, dilation: dilation)
    guard outputGradient.shape == g.inputShape else {
        throw TensorError("conv2d_transpose", "output gradient \(formatShape(outputGradient.shape)) does not match the output \(formatShape(g.inputShape)) of input \(formatShape(x.shape)) and kernel \(formatShape(kernel.shape))")
    }
    return transposedGradients(g, x, kernel, outputGradient: outputGradient, needInput: needInput, needKernel: needKernel)
}

/// The transposed convolution's gradients for a checked geometry (the shared body of the public
/// function and the autodiff op).
func transposedGradients(_ g: ConvGeometry, _ x: Tensor, _ kernel: Tensor, outputGradient dOut: Tensor,
                         needInput: Bool, needKernel: Bool) -> (input: Tensor?, kernel: Tensor?) {
    let dx = needInput ? convolve(g, dOut, kernel) : nil
    let dw = needKernel
        ? convGradients(g, input: dOut, kernel: nil, outputGradient: x, needInput: false, needKernel: true).kernel
        : nil
    return (dx, dw)
}
