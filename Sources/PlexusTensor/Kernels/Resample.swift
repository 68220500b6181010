// Spatial resampling of NHWC tensors: nearest-neighbour upsampling and zero padding, each with
// its backward kernel (the sum over each block, the crop). Both copy whole channel runs and split
// the work over (batch x rows).

/// Checks an NHWC input and returns its four dimensions.
func nhwcDimensions(_ shape: [Int], op: String) throws -> (n: Int, h: Int, w: Int, c: Int) {
    guard shape.count == 4 else {
        throw TensorError(op, "expects an NHWC input of rank 4 (batch, height, width, channels), got shape \(formatShape(shape))")
    }
    return (shape[0], shape[1], shape[2], shape[3])
}

/// The output shape of `upsampling2d`, validated.
func upsampling2dShape(_ shape: [Int], size: (Int, Int)) throws -> [Int] {
    let (n, h, w, c) = try nhwcDimensions(shape, op: "upsampling2d")
    guard size.0 > 0, size.1 > 0 else {
        throw TensorError("upsampling2d", "size (\(size.0), \(size.1)) must be positive")
    }
    let (oh, o1) = h.multipliedReportingOverflow(by: size.0)
    let (ow, o2) = w.multipliedReportingOverflow(by: size.1)
    guard !o1, !o2 else {
        throw TensorError("upsampling2d", "size (\(size.0), \(size.1)) is too large for input \(formatShape(shape))")
    }
    let out = [n, oh, ow, c]
    try checkShape(out, op: "upsampling2d")
    return out
}

/// Repeats each pixel of an NHWC tensor `size.0` times down and `size.1` times across (Keras
/// `UpSampling2D` with nearest interpolation): (N, H, W, C) -> (N, H * sh, W * sw, C).
///
/// - Throws: `TensorError` for a non-NHWC input or a non-positive size.
public func upsampling2d(_ x: Tensor, size: (Int, Int)) throws -> Tensor {
    let outShape = try upsampling2dShape(x.shape, size: size)
    let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (sh, sw) = size
    let out = Tensor(uninitializedShape: outShape)
    let ow = outShape[2], outRow = ow &* c
    guard outRow > 0 else { return out }
    let xp = x.storage.base, op = out.storage.base
    parallelFor(n &* h, grain: Swift.max(1, 32_768 / (outRow &* sh))) { range in
        for row in range {
            let src = row &* w &* c
            let dst = row &* sh &* outRow   // output row (n, h * sh)
            for j in 0..<w {
                let s = src &+ j &* c
                for r in 0..<sw {
                    (op + (dst &+ (j &* sw &+ r) &* c)).update(from: xp + s, count: c)
                }
            }
            for i in 1..<Swift.max(sh, 1) {
                (op + (dst &+ i &* outRow)).update(from: op + dst, count: outRow)
            }
        }
    }
    return out
}

/// The backward kernel of `upsampling2d`: each input pixel's gradient is the sum over its block.
func upsampling2dBackward(_ grad: Tensor, inputShape: [Int], size: (Int, Int)) -> Tensor {
    let gx = Tensor(uninitializedShape: inputShape)
    let (n, h, w, c) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
    let (sh, sw) = size
    let outRow = w &* sw &* c, inRow = w &* c
    guard inRow > 0 else { return gx }
    let gp = grad.storage.base, xp = gx.storage.base
    parallelFor(n &* h, grain: Swift.max(1, 32_768 / (outRow &* sh))) { range in
        for row in range {
            let dst = row &* inRow
            for k in 0..<inRow { xp[dst &+ k] = 0 }
            for i in 0..<sh {
                let src = (row &* sh &+ i) &* outRow
                for j in 0..<w {
                    let d = dst &+ j &* c
                    for r in 0..<sw {
                        let s = src &+ (j &* sw &+ r) &* c
                        for k in 0..<c { xp[d &+ k] += gp[s &+ k] }
                    }
                }
            }
        }
    }
    return gx
}

/// The output shape of `zeroPadding2d`, validated.
func zeroPadding2dShape(_ shape: [Int], padding p: (top: Int, bottom: Int, left: Int, right: Int)) throws -> [Int] {
    let (n, h, w, c) = try nhwcDimensions(shape, op: "zero_padding2d")
    guard min(p.top, p.bottom, p.left, p.right) >= 0 else {
        throw TensorError("zero_padding2d", "padding (\(p.top), \(p.bottom), \(p.left), \(p.right)) must not be negative; crop instead")
    }
    let out = [n, h + p.top + p.bottom, w + p.left + p.right, c]
    try checkShape(out, op: "zero_padding2d")
    return out
}

/// Adds rows of zeros above and below and columns of zeros left and right of each image of an
/// NHWC tensor (Keras `ZeroPadding2D`): (N, H, W, C) -> (N, top + H + bottom, left + W + right, C).
///
/// - Parameter padding: (top, bottom, left, right), each non-negative.
/// - Throws: `TensorError` for a non-NHWC input or a negative padding.
public func zeroPadding2d(_ x: Tensor, padding: (top: Int, bottom: Int, left: Int, right: Int)) throws -> Tensor {
    let outShape = try zeroPadding2dShape(x.shape, padding: padding)
    let (h, w, c) = (x.shape[1], x.shape[2], x.shape[3])
    let oh = outShape[1], outRow = outShape[2] &* c, inRow = w &* c
    let out = Tensor(uninitializedShape: outShape)
    guard outRow > 0 else { return out }
    let xp = x.storage.base, op = out.storage.base
    let top = padding.top, leftRun = padding.left &* c, rightRun = padding.right &* c
    parallelFor(x.shape[0] &* oh, grain: Swift.max(1, 32_768 / outRow)) { range in
        for row in range {
            let b = row / oh, r = row &- b &* oh &- top
            let dst = op + row &* outRow
            if r < 0 || r >= h {
                dst.update(repeating: 0, count: outRow)
            } else {
                dst.update(repeating: 0, count: leftRun)
                (dst + leftRun).update(from: xp + (b &* h &+ r) &* inRow, count: inRow)
                (dst + (leftRun &+ inRow)).update(repeating: 0, count: rightRun)
            }
        }
    }
    return out
}

/// The backward kernel of `zeroPadding2d`: the gradient cropped back to the input.
func zeroPadding2dBackward(_ grad: Tensor, inputShape: [Int], padding: (top: Int, bottom: Int, left: Int, right: Int)) -> Tensor {
    let gx = Tensor(uninitializedShape: inputShape)
    let (n, h, w, c) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
    let inRow = w &* c, outRow = grad.shape[2] &* c, oh = grad.shape[1]
    guard inRow > 0 else { return gx }
    let gp = grad.storage.base, xp = gx.storage.base
    let top = padding.top, left = padding.left &* c
    parallelFor(n &* h, grain: Swift.max(1, 32_768 / inRow)) { range in
        for row in range {
            let b = row / h, r = row &- b &* h
            (xp + row &* inRow).update(from: gp + ((b &* oh &+ r &+ top) &* outRow &+ left), count: inRow)
        }
    }
    return gx
}

/// Removes rows above and below and columns left and right of each image of an NHWC tensor
/// (Keras `Cropping2D`): the inverse of `zeroPadding2d`, and the same copy as its backward kernel.
///
/// - Parameter cropping: (top, bottom, left, right), each non-negative, leaving at least one row
///   and one column.
/// - Throws: `TensorError` for a non-NHWC input, a negative amount, or nothing left.
public func cropping2d(_ x: Tensor, cropping c: (top: Int, bottom: Int, left: Int, right: Int)) throws -> Tensor {
    let (n, h, w, ch) = try nhwcDimensions(x.shape, op: "cropping2d")
    guard min(c.top, c.bottom, c.left, c.right) >= 0 else {
        throw TensorError("cropping2d", "cropping (\(c.top), \(c.bottom), \(c.left), \(c.right)) must not be negative; pad instead")
    }
    guard c.top + c.bottom < h, c.left + c.right < w else {
        throw TensorError("cropping2d", "cropping (\(c.top), \(c.bottom), \(c.left), \(c.right)) leaves nothing of \(formatShape(x.shape))")
    }
    return zeroPadding2dBackward(x, inputShape: [n, h - c.top - c.bottom, w - c.left - c.right, ch], padding: c)
}
