// 2-D pooling over NHWC tensors, with Keras's (TensorFlow's) semantics:
// - strides default to the pool size (Keras MaxPooling2D / AveragePooling2D);
// - padded cells never take part: max ignores them, and an average divides by the number of valid
//   cells in its window, not by the window's area (TensorFlow's avg_pool, PyTorch's
//   count_include_pad=False; see tensorflow/tensorflow#60509: a 3x3 input 1...9 pooled 2x2, stride 2,
//   "same" gives [[3, 4.5], [7.5, 9]]);
// - max pooling routes the gradient to the first maximum of each window in row-major order.

/// The resolved geometry of a 2-D pooling window over an NHWC input, shared by the forward and
/// backward kernels.
struct PoolGeometry {
    let batch: Int, height: Int, width: Int, channels: Int
    let outHeight: Int, outWidth: Int
    let poolH: Int, poolW: Int, strideH: Int, strideW: Int
    let padTop: Int, padLeft: Int

    var outputShape: [Int] { [batch, outHeight, outWidth, channels] }

    init(op: String, shape: [Int], poolSize: (Int, Int), strides: (Int, Int)?, padding: Padding) throws {
        guard shape.count == 4 else {
            throw TensorError(op, "expects an NHWC input of rank 4 (batch, height, width, channels), got shape \(formatShape(shape))")
        }
        let (ph, pw) = poolSize
        guard ph > 0, pw > 0 else {
            throw TensorError(op, "pool size (\(ph), \(pw)) must be positive")
        }
        let (sh, sw) = strides ?? poolSize
        guard sh > 0, sw > 0 else {
            throw TensorError(op, "strides (\(sh), \(sw)) must be positive")
        }
        if case let .explicit(t, b, l, r) = padding, min(t, b, l, r) < 0 {
            throw TensorError(op, "padding \(padding) must not be negative")
        }
        guard let rh = padding.resolve(input: shape[1], kernel: ph, stride: sh, axis: 0),
              let rw = padding.resolve(input: shape[2], kernel: pw, stride: sw, axis: 1) else {
            throw TensorError(op, "pool window (\(ph), \(pw)) does not fit input \(formatShape(shape)) with padding \(padding)")
        }
        // A side padded by the window size or more would make a window of padding only.
        guard rh.before < ph, rh.after < ph, rw.before < pw, rw.after < pw else {
            throw TensorError(op, "padding \(padding) must be smaller than the pool window (\(ph), \(pw)) on every side of input \(formatShape(shape))")
        }
        batch = shape[0]; height = shape[1]; width = shape[2]; channels = shape[3]
        outHeight = rh.output; outWidth = rw.output
        poolH = ph; poolW = pw; strideH = sh; strideW = sw
        padTop = rh.before; padLeft = rw.before
    }

    /// Input rows `h0..<h1` covered by output row `oh`: never empty (checked above).
    @inline(__always)
    func rows(_ oh: Int) -> (Int, Int) {
        let start = oh &* strideH &- padTop
        return (Swift.max(start, 0), Swift.min(start &+ poolH, height))
    }

    /// Input columns `w0..<w1` covered by output column `ow`: never empty.
    @inline(__always)
    func columns(_ ow: Int) -> (Int, Int) {
        let start = ow &* strideW &- padLeft
        return (Swift.max(start, 0), Swift.min(start &+ poolW, width))
    }

    /// How the backward scatter may be split without two threads writing one input cell: by output
    /// row when windows do not overlap vertically, by batch sample otherwise. Returns the number of
    /// output elements in one unit.
    var scatterUnit: Int {
        strideH >= poolH ? outWidth &* channels : outHeight &* outWidth &* channels
    }

    /// The parallel grain, in output rows, for roughly 32K operations a chunk.
    var rowGrain: Int {
        Swift.max(1, 32_768 / Swift.max(1, outWidth &* poolH &* poolW &* channels))
    }
}

/// The max-pooling forward kernel; also writes the flat input index of each maximum when
/// `indices` is given (the backward pass needs them; inference does not).
func maxPool2dForward(_ x: Tensor, _ g: PoolGeometry, indices: UnsafeMutablePointer<Int>?) -> Tensor {
    let out = Tensor(uninitializedShape: g.outputShape)
    let xp = x.storage.base, op = out.storage.base
    let H = g.height, W = g.width, C = g.channels, OH = g.outHeight, OW = g.outWidth
    parallelFor(g.batch &* OH, grain: g.rowGrain) { range in
        for row in range {
            let n = row / OH, oh = row &- n &* OH
            let (h0, h1) = g.rows(oh)
            for ow in 0..<OW {
                let (w0, w1) = g.columns(ow)
                let o = (row &* OW &+ ow) &* C
                let first = ((n &* H &+ h0) &* W &+ w0) &* C
                for c in 0..<C { op[o &+ c] = xp[first &+ c] }
                if let ip = indices { for c in 0..<C { ip[o &+ c] = first &+ c } }
                for h in h0..<h1 {
                    for w in w0..<w1 {
                        let base = ((n &* H &+ h) &* W &+ w) &* C
                        if let ip = indices {
                            for c in 0..<C {
                                let v = xp[base &+ c]
                                // Strictly greater: the first maximum in row-major order wins ties.
                                if v > op[o &+ c] { op[o &+ c] = v; ip[o &+ c] = base &+ c }
                            }
                        } else {
                            // Branch-free, so the loop vectorises; Swift.max keeps the old value
                            // against a NaN exactly as `v > old` did.
                            for c in 0..<C { op[o &+ c] = Swift.max(op[o &+ c], xp[base &+ c]) }
                        }
                    }
                }
            }
        }
    }
    return out
}

/// Scatters `grad` (the output's gradient) to the input cells in `indices`, adding where one cell
/// is the maximum of several windows.
func maxPool2dBackward(_ grad: Tensor, indices: UnsafePointer<Int>, inputShape: [Int], _ g: PoolGeometry) -> Tensor {
    let gx = Tensor(uninitializedShape: inputShape)
    gx.storage.base.initialize(repeating: 0, count: Swift.max(gx.count, 1))
    let unit = g.scatterUnit
    guard unit > 0 else { return gx }
    let gp = grad.storage.base, xp = gx.storage.base
    parallelFor(grad.count / unit, grain: Swift.max(1, 32_768 / unit)) { range in
        for i in (range.lowerBound &* unit)..<(range.upperBound &* unit) {
            xp[indices[i]] += gp[i]
        }
    }
    return gx
}

/// The average-pooling forward kernel: each output divides by the valid cells of its window.
func avgPool2dForward(_ x: Tensor, _ g: PoolGeometry) -> Tensor {
    let out = Tensor(uninitializedShape: g.outputShape)
    let xp = x.storage.base, op = out.storage.base
    let H = g.height, W = g.width, C = g.channels, OH = g.outHeight, OW = g.outWidth
    parallelFor(g.batch &* OH, grain: g.rowGrain) { range in
        for row in range {
            let n = row / OH, oh = row &- n &* OH
            let (h0, h1) = g.rows(oh)
            for ow in 0..<OW {
                let (w0, w1) = g.columns(ow)
                let o = (row &* OW &+ ow) &* C
                for c in 0..<C { op[o &+ c] = 0 }
                for h in h0..<h1 {
                    for w in w0..<w1 {
                        let base = ((n &* H &+ h) &* W &+ w) &* C
                        for c in 0..<C { op[o &+ c] += xp[base &+ c] }
                    }
                }
                let scale = 1 / Float((h1 &- h0) &* (w1 &- w0))
                for c in 0..<C { op[o &+ c] *= scale }
            }
        }
    }
    return out
}

/// Spreads each output gradient evenly over the valid cells of its window.
func avgPool2dBackward(_ grad: Tensor, inputShape: [Int], _ g: PoolGeometry) -> Tensor {
    let gx = Tensor(uninitializedShape: inputShape)
    gx.storage.base.initialize(repeating: 0, count: Swift.max(gx.count, 1))
    let unit = g.scatterUnit
    guard unit > 0 else { return gx }
    let gp = grad.storage.base, xp = gx.storage.base
    let H = g.height, W = g.width, C = g.channels, OH = g.outHeight, OW = g.outWidth
    let rowsPerUnit = unit / (OW &* C)
    parallelFor(grad.count / unit, grain: Swift.max(1, 32_768 / (unit &* g.poolH &* g.poolW))) { range in
        for row in (range.lowerBound &* rowsPerUnit)..<(range.upperBound &* rowsPerUnit) {
            let n = row / OH, oh = row &- n &* OH
            let (h0, h1) = g.rows(oh)
            for ow in 0..<OW {
                let (w0, w1) = g.columns(ow)
                let o = (row &* OW &+ ow) &* C
                let scale = 1 / Float((h1 &- h0) &* (w1 &- w0))
                for h in h0..<h1 {
                    for w in w0..<w1 {
                        let base = ((n &* H &+ h) &* W &+ w) &* C
                        for c in 0..<C { xp[base &+ c] += gp[o &+ c] * scale }
                    }
                }
            }
        }
    }
    return gx
}

/// Max pooling over the two spatial axes of an NHWC tensor (Keras `MaxPooling2D`).
///
/// Padded cells never win: with `"same"` padding a border window takes the maximum of the cells it
/// actually covers, as TensorFlow does, so negative inputs are not clipped to zero.
///
/// ```swift
/// let y = try maxPool2d(x, poolSize: (2, 2))   // (1, 4, 4, 1) -> (1, 2, 2, 1)
/// ```
/// - Parameters:
///   - poolSize: the window (height, width).
///   - strides: the step (height, width); `nil` means the pool size, Keras's default.
///   - padding: `.valid`, `.same` or `.explicit` (each side smaller than the window).
/// - Throws: `TensorError` for a non-NHWC input, non-positive sizes, or a window that does not fit.
public func maxPool2d(_ x: Tensor, poolSize: (Int, Int), strides: (Int, Int)? = nil,
                      padding: Padding = .valid) throws -> Tensor {
    let g = try PoolGeometry(op: "maxpool", shape: x.shape, poolSize: poolSize, strides: strides, padding: padding)
    return maxPool2dForward(x, g, indices: nil)
}

/// Average pooling over the two spatial axes of an NHWC tensor (Keras `AveragePooling2D`).
///
/// Each window averages only the input cells it covers: with `"same"` padding a border window of
/// 2 valid cells divides by 2, not by the window's area (TensorFlow's rule, PyTorch's
/// `count_include_pad=False`).
///
/// - Parameters:
///   - poolSize: the window (height, width).
///   - strides: the step (height, width); `nil` means the pool size, Keras's default.
///   - padding: `.valid`, `.same` or `.explicit` (each side smaller than the window).
/// - Throws: `TensorError` for a non-NHWC input, non-positive sizes, or a window that does not fit.
public func avgPool2d(_ x: Tensor, poolSize: (Int, Int), strides: (Int, Int)? = nil,
                      padding: Padding = .valid) throws -> Tensor {
    let g = try PoolGeometry(op: "avgpool", shape: x.shape, poolSize: poolSize, strides: strides, padding: padding)
    return avgPool2dForward(x, g)
}

// MARK: - Global pooling

/// Checks an NHWC input to a global pooling op and returns (batch, height * width, channels).
func globalPoolDimensions(_ x: Tensor, op: String) throws -> (n: Int, hw: Int, c: Int) {
    guard x.rank == 4 else {
        throw TensorError(op, "expects an NHWC input of rank 4 (batch, height, width, channels), got shape \(formatShape(x.shape))")
    }
    let hw = x.shape[1] * x.shape[2]
    guard hw > 0 else {
        throw TensorError(op, "cannot pool an empty spatial extent: input \(formatShape(x.shape))")
    }
    return (x.shape[0], hw, x.shape[3])
}

func globalPoolShape(_ n: Int, _ c: Int, keepDims: Bool) -> [Int] {
    keepDims ? [n, 1, 1, c] : [n, c]
}

/// The mean of each channel over height and width: (N, H, W, C) -> (N, C), or (N, 1, 1, C) with
/// `keepDims` (Keras `GlobalAveragePooling2D(keepdims:)`).
public func globalAvgPool2d(_ x: Tensor, keepDims: Bool = false) throws -> Tensor {
    let (n, hw, c) = try globalPoolDimensions(x, op: "global_avg_pool")
    let out = Tensor(uninitializedShape: globalPoolShape(n, c, keepDims: keepDims))
    let xp = x.storage.base, op = out.storage.base
    let scale = 1 / Float(hw)
    parallelFor(n, grain: Swift.max(1, 32_768 / Swift.max(1, hw &* c))) { range in
        for b in range {
            let o = b &* c
            for k in 0..<c { op[o &+ k] = 0 }
            for p in 0..<hw {
                let base = (b &* hw &+ p) &* c
                for k in 0..<c { op[o &+ k] += xp[base &+ k] }
            }
            for k in 0..<c { op[o &+ k] *= scale }
        }
    }
    return out
}

/// The global max-pooling kernel; also writes the flat input index of each maximum (first on ties)
/// when `indices` is given.
func globalMaxPool2dForward(_ x: Tensor, n: Int, hw: Int, c: Int, keepDims: Bool,
                            indices: UnsafeMutablePointer<Int>?) -> Tensor {
    let out = Tensor(uninitializedShape: globalPoolShape(n, c, keepDims: keepDims))
    let xp = x.storage.base, op = out.storage.base
    parallelFor(n, grain: Swift.max(1, 32_768 / Swift.max(1, hw &* c))) { range in
        for b in range {
            let o = b &* c, first = b &* hw &* c
            for k in 0..<c { op[o &+ k] = xp[first &+ k] }
            if let ip = indices { for k in 0..<c { ip[o &+ k] = first &+ k } }
            for p in 1..<Swift.max(hw, 1) {
                let base = (b &* hw &+ p) &* c
                if let ip = indices {
                    for k in 0..<c where xp[base &+ k] > op[o &+ k] {
                        op[o &+ k] = xp[base &+ k]; ip[o &+ k] = base &+ k
                    }
                } else {
                    for k in 0..<c where xp[base &+ k] > op[o &+ k] { op[o &+ k] = xp[base &+ k] }
                }
            }
        }
    }
    return out
}

/// The maximum of each channel over height and width: (N, H, W, C) -> (N, C), or (N, 1, 1, C)
/// with `keepDims` (Keras `GlobalMaxPooling2D(keepdims:)`).
public func globalMaxPool2d(_ x: Tensor, keepDims: Bool = false) throws -> Tensor {
    let (n, hw, c) = try globalPoolDimensions(x, op: "global_max_pool")
    return globalMaxPool2dForward(x, n: n, hw: hw, c: c, keepDims: keepDims, indices: nil)
}
