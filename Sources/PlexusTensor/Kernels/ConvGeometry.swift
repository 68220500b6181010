/// How a convolution is computed; chosen once per geometry.
enum ConvPath: Equatable, Sendable {
    /// Receptive fields copied into a column matrix, then one GEMM per group.
    case im2col
    /// 1x1, stride 1, no padding: the NHWC input already is the `(N*H*W, Cin)` matrix.
    case pointwise
    /// One input channel per group (`groups == Cin`): a direct loop, since a GEMM with
    /// `K = kh * kw` cannot use the machine.
    case depthwise
    /// One output channel and no horizontal dilation: a dot product per output pixel along the
    /// kernel's rows (Conv2DDirect.swift), since a GEMM with `N = 1` would first write the whole
    /// column matrix.
    case singleOutput
}

/// Everything a 2-D convolution's kernels need, resolved and checked once: NHWC input
/// `(N, H, W, Cin)`, HWIO kernel `(kh, kw, Cin / groups, Cout)`, output `(N, Ho, Wo, Cout)`.
///
/// Output channels are split into `groups` contiguous blocks, each seeing its own contiguous block
/// of input channels (Keras's grouped `Conv2D`); `groups == Cin` is a depthwise convolution whose
/// output channel `c * mult + j` reads input channel `c` (Keras's `DepthwiseConv2D` order).
struct ConvGeometry: Equatable {
    var batch: Int, height: Int, width: Int, inChannels: Int
    var kernelHeight: Int, kernelWidth: Int, outChannels: Int, groups: Int
    var strideH: Int, strideW: Int, dilationH: Int, dilationW: Int
    var padTop: Int, padBottom: Int, padLeft: Int, padRight: Int
    var outHeight: Int, outWidth: Int

    /// Input channels seen by one group.
    var groupIn: Int { inChannels / groups }
    /// Output channels produced by one group.
    var groupOut: Int { outChannels / groups }
    /// The GEMM's M: one row per output pixel.
    var rows: Int { batch &* outHeight &* outWidth }
    /// The GEMM's K: one column per kernel tap and input channel of a group.
    var patch: Int { kernelHeight &* kernelWidth &* groupIn }

    var inputShape: [Int] { [batch, height, width, inChannels] }
    var kernelShape: [Int] { [kernelHeight, kernelWidth, groupIn, outChannels] }
    var outputShape: [Int] { [batch, outHeight, outWidth, outChannels] }
    var inputCount: Int { batch &* height &* width &* inChannels }
    var kernelCount: Int { kernelHeight &* kernelWidth &* groupIn &* outChannels }
    var outputCount: Int { rows &* outChannels }

    /// The floating-point operations of the forward pass counted as GEMM work, `2 * M * N * K`.
    var flops: Int { 2 &* rows &* patch &* outChannels }

    var path: ConvPath {
        if groups == inChannels { return .depthwise }
        if kernelHeight == 1, kernelWidth == 1, strideH == 1, strideW == 1,
           padTop == 0, padBottom == 0, padLeft == 0, padRight == 0 { return .pointwise }
        if groups == 1, outChannels == 1, dilationW == 1 { return .singleOutput }
        return .im2col
    }

    /// Floats of column buffer the forward or backward pass needs (0 off the im2col path).
    var columnCount: Int { path == .im2col ? rows &* patch : 0 }
    /// Output image rows per forward chunk: about 4 MB of columns (one row at the least; 2 MB and
    /// 8 MB measured 10% slower and the same on VGG16 here).
    var forwardChunkRows: Int { Swift.max(1, (1 << 20) / Swift.max(outWidth &* patch, 1)) }
    /// The forward pass's scratch: one chunk of the column matrix, or Winograd's transforms.
    var forwardColumnCount: Int {
        guard path == .im2col else { return 0 }
        return usesWinograd ? winogradScratchCount : Swift.min(batch &* outHeight, forwardChunkRows) &* outWidth &* patch
    }

    /// Resolves and checks a convolution of `input` by `kernel`, or throws naming both shapes.
    init(op: String, input: [Int], kernel: [Int], strides: (Int, Int), padding: Padding,
         dilation: (Int, Int), groups: Int) throws {
        let shapes = "input \(formatShape(input)) and kernel \(formatShape(kernel))"
        guard input.count == 4 else {
            throw TensorError(op, "input must be rank 4 (batch, height, width, channels), got \(shapes)")
        }
        guard kernel.count == 4 else {
            throw TensorError(op, "kernel must be rank 4 (height, width, in_channels / groups, out_channels), got \(shapes)")
        }
        guard strides.0 >= 1, strides.1 >= 1, dilation.0 >= 1, dilation.1 >= 1 else {
            throw TensorError(op, "strides \(strides) and dilation \(dilation) must be at least 1")
        }
        if case let .explicit(t, b, l, r) = padding, min(t, b, l, r) < 0 {
            throw TensorError(op, "padding \(padding) must not be negative")
        }
        let cin = input[3], cout = kernel[3]
        guard groups >= 1, cin >= 1, cin % groups == 0, cout % groups == 0 else {
            throw TensorError(op, "\(groups) groups must divide the \(cin) input and \(cout) output channels of \(shapes)")
        }
        guard kernel[2] == cin / groups else {
            throw TensorError(op, "\(shapes) do not fit: the input has \(cin) channels, so with \(groups) group\(groups == 1 ? "" : "s") the kernel's third dimension must be \(cin / groups), not \(kernel[2])")
        }
        guard kernel[0] >= 1, kernel[1] >= 1, cout >= 1 else {
            throw TensorError(op, "kernel \(formatShape(kernel)) has an empty dimension")
        }
        guard let rh = padding.resolve(input: input[1], kernel: kernel[0], stride: strides.0, dilation: dilation.0, axis: 0),
              let rw = padding.resolve(input: input[2], kernel: kernel[1], stride: strides.1, dilation: dilation.1, axis: 1) else {
            let span = "\((kernel[0] - 1) * dilation.0 + 1)x\((kernel[1] - 1) * dilation.1 + 1)"
            throw TensorError(op, "the kernel's \(span) window (dilation \(dilation)) does not fit \(shapes) with padding \(padding)")
        }
        batch = input[0]; height = input[1]; width = input[2]; inChannels = cin
        kernelHeight = kernel[0]; kernelWidth = kernel[1]; outChannels = cout; self.groups = groups
        (strideH, strideW) = strides
        (dilationH, dilationW) = dilation
        (padTop, padBottom, outHeight) = rh
        (padLeft, padRight, outWidth) = rw
        try checkShape(outputShape, op: op)
        // BLAS takes 32-bit sizes; the column buffer must fit in memory like any tensor.
        let (cols, overflow) = rows.multipliedReportingOverflow(by: patch)
        guard !overflow, cols <= maximumTensorElements, rows <= blasIndexLimit, patch <= blasIndexLimit,
              batch &* height &* width <= blasIndexLimit else {
            throw TensorError(op, "\(shapes) need a \(rows) x \(patch) column matrix, more than this machine can hold")
        }
    }
}

/// Runs `body` with an uninitialised scratch buffer of `count` floats (a null-free pointer even
/// for 0): the column matrix or Winograd's transforms.
///
/// While a plan runs, the buffer is one of its `BufferPool`'s scratch blocks, so a convolution's
/// scratch is allocated once per plan rather than once per call (a fresh 16 MB buffer is mapped,
/// faulted in page by page and unmapped on every call, which cost VGG16 more than a tenth of its
/// inference). Outside a plan it is allocated and freed here.
@inline(__always)
func withScratch<R>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
    let count = Swift.max(count, 1), pool = BufferPool.current
    let (p, capacity) = pool?.takeScratch(count: count) ?? (.allocate(capacity: count), count)
    defer { if let pool { pool.giveScratch(p, capacity: capacity) } else { p.deallocate() } }
    return try body(p)
}
