// 2-D convolution (cross-correlation, as in Keras and every framework) on NHWC tensors with HWIO
// kernels. The pointer-level passes below serve conv2d, its gradients, conv2dTranspose (whose
// forward is conv2d's input gradient) and conv2dPerSample (one geometry of batch 1 per sample).
//
// With M = N*Ho*Wo, K = kh*kw*Cin/g and the kernel seen as a (K, Cout) matrix W, per group:
//   forward   Y_g  = cols_g(X) W_g                       (M x K)(K x Cout/g)
//   input     dX  += col2im(dY_g W_g^T)                  (M x Cout/g)(Cout/g x K)
//   kernel    dW_g = cols_g(X)^T dY_g                     (K x M)(M x Cout/g)
// The pointwise path uses X itself as cols(X); the depthwise and single-output paths have their own
// loops (DepthwiseConv2D.swift, Conv2DDirect.swift), and the forward pass and input gradient of a
// 3x3 stride-1 convolution run as Winograd's F(2x2, 3x3) (Conv2DWinograd.swift).

/// The forward pass of geometry `g`: `y` (`g.outputCount` floats) is overwritten, with `bias`
/// (`g.outChannels` floats) added when given. `columns` holds `g.forwardColumnCount` floats of
/// scratch.
///
/// On the GEMM paths the bias (or zeros, without one) is written into the output first, both cores
/// writing, and the product added to it (beta 1): with beta 0 OpenBLAS clears the output in a pass
/// of its own (`sgemm_beta`, 5% of MobileNet's inference, and our zeros measured 2-3% faster
/// overall), and a bias would take another pass after it.
///
/// With an `epilogue` (inference), each output row gets it after the bias: the depthwise loop
/// applies it to every output row as it finishes it and im2col to every chunk after its GEMM,
/// while those rows are in cache; the other paths in a pass of their own at the end.
func convForward(_ g: ConvGeometry, input x: UnsafePointer<Float>, kernel w: UnsafePointer<Float>,
                 bias: UnsafePointer<Float>? = nil, epilogue: ChannelEpilogue? = nil,
                 output y: UnsafeMutablePointer<Float>, columns col: UnsafeMutablePointer<Float>) {
    let cin = g.inChannels, cout = g.outChannels, cg = g.groupIn, og = g.groupOut, k = g.patch
    switch g.path {
    case .depthwise:
        depthwiseForward(g, input: x, kernel: w, bias: bias, epilogue: epilogue, output: y)
        return
    case .singleOutput:
        singleOutputForward(g, input: x, kernel: w, output: y)
        if let bias { addRowVector(bias, to: y, rows: g.rows, count: cout) }
    case .pointwise:
        if let bias { fillRows(y, with: bias, rows: g.rows, count: cout) } else { fillZeros(y, count: g.outputCount) }
        for grp in 0..<g.groups {
            sgemm(transA: false, transB: false, m: g.rows, n: og, k: cg, a: x + grp &* cg, lda: cin,
                  b: w + grp &* og, ldb: cout, beta: 1, c: y + grp &* og, ldc: cout)
        }
    case .im2col where g.usesWinograd:
        winogradForward(g, input: x, kernel: w, bias: bias, output: y, scratch: col)
    case .im2col:
        // The column matrix streams through `col` some image rows at a time (g.forwardChunkRows),
        // one GEMM per chunk: a 224x224x64 map would otherwise need a 115 MB matrix written once
        // and read once, where a cache-sized slice is reused.
        let imageRows = g.batch &* g.outHeight, chunk = g.forwardChunkRows
        for grp in 0..<g.groups {
            var r0 = 0
            while r0 < imageRows {
                let r1 = Swift.min(imageRows, r0 &+ chunk)
                im2col(g, group: grp, input: x, columns: col, imageRows: r0..<r1)
                let pixel = r0 &* g.outWidth, pixels = (r1 &- r0) &* g.outWidth
                // The chunk's rows of the output, still to be read by this GEMM: filled while in cache.
                if grp == 0 {
                    if let bias { fillRows(y + pixel &* cout, with: bias, rows: pixels, count: cout) }
                    else { fillZeros(y + pixel &* cout, count: pixels &* cout) }
                }
                sgemm(transA: false, transB: false, m: pixels, n: og, k: k, a: col, lda: k,
                      b: w + grp &* og, ldb: cout, beta: 1, c: y + (pixel &* cout &+ grp &* og), ldc: cout)
                if g.groups == 1, let epilogue { epilogue.applyInParallel(y + pixel &* cout, rows: pixels) }
                r0 = r1
            }
        }
        if g.groups == 1 { return }
    }
    epilogue?.applyInParallel(y, rows: g.rows)
}

/// The backward passes of geometry `g` from the output gradient `dy`: the input gradient into `dx`
/// when given (needs `w`), the kernel gradient into `dw` when given (needs `x`); both overwritten.
/// On the im2col path one column buffer serves both: first the input's columns for `dw`, then the
/// columns' gradient for `dx`.
func convBackward(_ g: ConvGeometry, input x: UnsafePointer<Float>?, kernel w: UnsafePointer<Float>?,
                  outputGradient dy: UnsafePointer<Float>,
                  inputGradient dx: UnsafeMutablePointer<Float>?, kernelGradient dw: UnsafeMutablePointer<Float>?,
                  columns col: UnsafeMutablePointer<Float>) {
    let cin = g.inChannels, cout = g.outChannels, cg = g.groupIn, og = g.groupOut, k = g.patch
    let dx = w == nil ? nil : dx, dw = x == nil ? nil : dw
    switch g.path {
    case .depthwise:
        if let dx, let w { depthwiseInputGradient(g, outputGradient: dy, kernel: w, inputGradient: dx) }
        if let dw, let x { depthwiseKernelGradient(g, input: x, outputGradient: dy, kernelGradient: dw) }
    case .singleOutput:
        singleOutputGradients(g, input: x, kernel: w, outputGradient: dy, inputGradient: dx, kernelGradient: dw)
    case .pointwise:
        for grp in 0..<g.groups {
            if let dx, let w {
                sgemm(transA: false, transB: true, m: g.rows, n: cg, k: og, a: dy + grp &* og, lda: cout,
                      b: w + grp &* og, ldb: cout, beta: 0, c: dx + grp &* cg, ldc: cin)
            }
            if let dw, let x {
                sgemm(transA: true, transB: false, m: cg, n: og, k: g.rows, a: x + grp &* cg, lda: cin,
                      b: dy + grp &* og, ldb: cout, beta: 0, c: dw + grp &* og, ldc: cout)
            }
        }
    case .im2col:
        var dx = dx
        if let target = dx, let w, let t = g.winogradInputGradientGeometry {
            winogradInputGradient(g, through: t, outputGradient: dy, kernel: w, inputGradient: target)
            dx = nil
        }
        dx?.update(repeating: 0, count: g.inputCount)
        for grp in 0..<g.groups {
            if let dw, let x {
                im2col(g, group: grp, input: x, columns: col)
                sgemm(transA: true, transB: false, m: k, n: og, k: g.rows, a: col, lda: k,
                      b: dy + grp &* og, ldb: cout, beta: 0, c: dw + grp &* og, ldc: cout)
            }
            if let dx, let w {
                sgemm(transA: false, transB: true, m: g.rows, n: k, k: og, a: dy + grp &* og, lda: cout,
                      b: w + grp &* og, ldb: cout, beta: 0, c: col, ldc: k)
                col2im(g, group: grp, columns: col, addingInto: dx)
            }
        }
    }
}

/// Runs `convForward` into a new tensor of the output shape.
func convolve(_ g: ConvGeometry, _ x: Tensor, _ kernel: Tensor, bias: Tensor? = nil, epilogue: ChannelEpilogue? = nil) -> Tensor {
    let out = Tensor(uninitializedShape: g.outputShape)
    withScratch(g.forwardColumnCount) { col in
        convForward(g, input: x.storage.base, kernel: kernel.storage.base, bias: bias.map { UnsafePointer($0.storage.base) },
                    epilogue: epilogue, output: out.storage.base, columns: col)
    }
    return out
}

/// Every one of `rows` rows of `count` floats at `y` set to `vector`.
func fillRows(_ y: UnsafeMutablePointer<Float>, with vector: UnsafePointer<Float>, rows: Int, count: Int) {
    parallelFor(rows, grain: Swift.max(1, 32_768 / Swift.max(count, 1))) { r in
        for i in r { (y + i &* count).update(from: vector, count: count) }
    }
}

/// `count` zeros at `y`, both cores writing.
func fillZeros(_ y: UnsafeMutablePointer<Float>, count: Int) {
    parallelFor(count, grain: 1 << 16) { r in (y + r.lowerBound).update(repeating: 0, count: r.count) }
}

/// `vector` added to every one of `rows` rows of `count` floats at `y`.
func addRowVector(_ vector: UnsafePointer<Float>, to y: UnsafeMutablePointer<Float>, rows: Int, count: Int) {
    parallelFor(rows, grain: Swift.max(1, 32_768 / Swift.max(count, 1))) { r in
        for i in r {
            let row = y + i &* count
            for j in 0..<count { row[j] += vector[j] }
        }
    }
}

/// Runs `convBackward` into new tensors of the input and kernel shapes, for the ones asked for.
func convGradients(_ g: ConvGeometry, input x: Tensor?, kernel: Tensor?, outputGradient dy: Tensor,
                   needInput: Bool, needKernel: Bool) -> (input: Tensor?, kernel: Tensor?) {
    let dx = needInput && kernel != nil ? Tensor(uninitializedShape: g.inputShape) : nil
    let dw = needKernel && x != nil ? Tensor(uninitializedShape: g.kernelShape) : nil
    guard dx != nil || dw != nil else { return (nil, nil) }
    withScratch(g.columnCount) { col in
        convBackward(g, input: x?.storage.base, kernel: kernel?.storage.base, outputGradient: dy.storage.base,
                     inputGradient: dx?.storage.base, kernelGradient: dw?.storage.base, columns: col)
    }
    return (dx, dw)
}

/// Checks that a gradient has the shape of the output it belongs to.
func checkOutputGradient(_ dy: Tensor, _ g: ConvGeometry, op: String) throws {
    guard dy.shape == g.outputShape else {
        throw TensorError(op, "output gradient \(formatShape(dy.shape)) does not match the output \(formatShape(g.outputShape)) of input \(formatShape(g.inputShape)) and kernel \(formatShape(g.kernelShape))")
    }
}

/// A 2-D convolution of an NHWC batch `x` `(N, H, W, Cin)` with an HWIO `kernel`
/// `(kh, kw, Cin / groups, Cout)`, as Keras's `Conv2D` computes it (no bias: layers add their own).
///
/// Output `(N, Ho, Wo, Cout)` with `Ho` from `padding` (Keras's "valid" and "same", or explicit).
/// `groups` splits the channels into independent blocks; `groups == Cin` is a depthwise
/// convolution, with Keras's `DepthwiseConv2D` kernel `(kh, kw, Cin, mult)` reshaped to
/// `(kh, kw, 1, Cin * mult)`. Computed as one GEMM per group over the receptive fields (the whole
/// batch in one matrix), straight from the input for 1x1 convolutions, and with direct loops for
/// depthwise ones.
///
/// ```swift
/// let y = try conv2d(x, w, strides: (2, 2), padding: .same)   // (8, 32, 32, 3) -> (8, 16, 16, 64)
/// ```
/// - Throws: `TensorError` naming the input and kernel shapes when ranks, channels or groups do not
///   fit, or when the window is larger than the padded input.
public func conv2d(_ x: Tensor, _ kernel: Tensor, strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                   dilation: (Int, Int) = (1, 1), groups: Int = 1) throws -> Tensor {
    let g = try ConvGeometry(op: "conv2d", input: x.shape, kernel: kernel.shape, strides: strides,
                             padding: padding, dilation: dilation, groups: groups)
    return convolve(g, x, kernel)
}

/// `conv2d(x, kernel) + bias` along the channels, the bias written before the product (see
/// `convForward`): what a fused convolution layer runs.
///
/// - Throws: `TensorError` as `conv2d` does, or when `bias` is not one value per output channel.
func conv2d(_ x: Tensor, _ kernel: Tensor, bias: Tensor, strides: (Int, Int), padding: Padding,
            dilation: (Int, Int), groups: Int) throws -> Tensor {
    let g = try ConvGeometry(op: "conv2d", input: x.shape, kernel: kernel.shape, strides: strides,
                             padding: padding, dilation: dilation, groups: groups)
    guard bias.shape == [g.outChannels] else {
        throw TensorError("conv2d", "bias \(formatShape(bias.shape)) does not match the \(g.outChannels) output channels")
    }
    return convolve(g, x, kernel, bias: bias)
}

/// `epilogue(conv2d(x, kernel) + bias)`: a convolution in inference with the batch normalisation
/// and activation after it applied to its output rows as they are written (`ChannelEpilogue`).
/// No tape: the plan calls it only when nothing records gradients.
///
/// - Throws: `TensorError` as `conv2d` does, or when `bias` or the epilogue is not one value per
///   output channel.
public func conv2d(_ x: Tensor, _ kernel: Tensor, bias: Tensor?, strides: (Int, Int), padding: Padding,
                   dilation: (Int, Int), groups: Int, epilogue: ChannelEpilogue) throws -> Tensor {
    let g = try ConvGeometry(op: "conv2d", input: x.shape, kernel: kernel.shape, strides: strides,
                             padding: padding, dilation: dilation, groups: groups)
    if let bias, bias.shape != [g.outChannels] {
        throw TensorError("conv2d", "bias \(formatShape(bias.shape)) does not match the \(g.outChannels) output channels")
    }
    guard epilogue.channels == g.outChannels else {
        throw TensorError("conv2d", "a normalisation of \(epilogue.channels) channels does not fit the \(g.outChannels) output channels")
    }
    return convolve(g, x, kernel, bias: bias, epilogue: epilogue)
}

/// The output shape of `conv2d` for these shapes, without computing anything: for shape inference
/// in layers and summaries. Throws exactly the errors `conv2d` would.
public func conv2dOutputShape(input: [Int], kernel: [Int], strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                              dilation: (Int, Int) = (1, 1), groups: Int = 1) throws -> [Int] {
    try ConvGeometry(op: "conv2d", input: input, kernel: kernel, strides: strides, padding: padding,
                     dilation: dilation, groups: groups).outputShape
}

/// The gradients of `conv2d(x, kernel, ...)` with respect to its input and its kernel, given the
/// gradient of its output: what the autodiff op runs, exposed for compiled training plans.
///
/// Only the gradients asked for are computed (a frozen kernel skips its GEMM).
/// - Throws: `TensorError` when the shapes do not fit, as `conv2d` does, or when
///   `outputGradient` does not have the output's shape.
public func conv2dGradients(_ x: Tensor, _ kernel: Tensor, outputGradient: Tensor,
                            strides: (Int, Int) = (1, 1), padding: Padding = .valid,
                            dilation: (Int, Int) = (1, 1), groups: Int = 1,
                            input needInput: Bool = true, kernel needKernel: Bool = true) throws -> (input: Tensor?, kernel: Tensor?) {
    let g = try ConvGeometry(op: "conv2d", input: x.shape, kernel: kernel.shape, strides: strides,
                             padding: padding, dilation: dilation, groups: groups)
    try checkOutputGradient(outputGradient, g, op: "conv2d")
    return convGradients(g, input: x, kernel: kernel, outputGradient: outputGradient,
                         needInput: needInput, needKernel: needKernel)
}
