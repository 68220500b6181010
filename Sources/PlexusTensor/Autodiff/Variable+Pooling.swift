// Pooling ops on the tape. Max pooling keeps the arg-max indices of its forward pass so that the
// backward pass routes each gradient to the cell that won, without comparing values again.

/// Runs a max kernel that writes indices, and returns its output with the indices it recorded.
private func recordingIndices(count: Int, _ kernel: (UnsafeMutablePointer<Int>?) -> Tensor) -> (Tensor, [Int]) {
    var indices = [Int](repeating: 0, count: count)
    let out = indices.withUnsafeMutableBufferPointer { kernel($0.baseAddress) }
    return (out, indices)
}

/// Scatters `grad` to `shape` at `indices`; the backward rule of every max reduction that kept
/// its arg-max.
private func scatter(_ grad: Tensor, _ indices: [Int], shape: [Int], _ body: (Tensor, UnsafePointer<Int>) -> Tensor) throws -> Tensor {
    try indices.withUnsafeBufferPointer { p in
        guard let base = p.baseAddress else { return try Tensor.zeros(shape) }
        return body(grad, base)
    }
}

/// Max pooling over the spatial axes of an NHWC variable (Keras `MaxPooling2D`); the gradient
/// goes to the first maximum of each window, found in the forward pass.
///
/// - Parameters:
///   - poolSize: the window (height, width).
///   - strides: the step; `nil` means the pool size, Keras's default.
///   - padding: `.valid`, `.same` or `.explicit`; padded cells never win.
/// - Throws: `TensorError` naming the shape when the input is not NHWC or the window does not fit.
public func maxPool2d(_ x: Variable, poolSize: (Int, Int), strides: (Int, Int)? = nil,
                      padding: Padding = .valid) throws -> Variable {
    let g = try PoolGeometry(op: "maxpool", shape: x.shape, poolSize: poolSize, strides: strides, padding: padding)
    let xv = x.value, inputShape = x.shape
    guard GradMode.isEnabled, x.requiresGrad else {
        return Variable(maxPool2dForward(xv, g, indices: nil))
    }
    let (out, indices) = recordingIndices(count: shapeElementCount(g.outputShape)) { maxPool2dForward(xv, g, indices: $0) }
    return Variable.record(out, parents: [x], op: .maxPool2d) { grad in
        [try scatter(grad, indices, shape: inputShape) { maxPool2dBackward($0, indices: $1, inputShape: inputShape, g) }]
    }
}

/// Average pooling over the spatial axes of an NHWC variable (Keras `AveragePooling2D`); each
/// window averages, and passes gradient to, only the input cells it covers.
///
/// - Parameters:
///   - poolSize: the window (height, width).
///   - strides: the step; `nil` means the pool size, Keras's default.
///   - padding: `.valid`, `.same` or `.explicit`; padded cells are not counted.
/// - Throws: `TensorError` naming the shape when the input is not NHWC or the window does not fit.
public func avgPool2d(_ x: Variable, poolSize: (Int, Int), strides: (Int, Int)? = nil,
                      padding: Padding = .valid) throws -> Variable {
    let g = try PoolGeometry(op: "avgpool", shape: x.shape, poolSize: poolSize, strides: strides, padding: padding)
    let inputShape = x.shape
    return Variable.record(avgPool2dForward(x.value, g), parents: [x], op: .avgPool2d) { grad in
        [avgPool2dBackward(grad, inputShape: inputShape, g)]
    }
}

/// The mean of each channel over height and width: (N, H, W, C) -> (N, C), or (N, 1, 1, C) with
/// `keepDims`; each cell receives 1/(H*W) of its channel's gradient.
public func globalAvgPool2d(_ x: Variable, keepDims: Bool = false) throws -> Variable {
    let out = try globalAvgPool2d(x.value, keepDims: keepDims)
    let (n, hw, c) = try globalPoolDimensions(x.value, op: "global_avg_pool")
    let inputShape = x.shape
    return Variable.record(out, parents: [x], op: .globalAvgPool2d) { grad in
        let gx = Tensor(uninitializedShape: inputShape)
        let gp = grad.storage.base, xp = gx.storage.base
        let scale = 1 / Float(hw)
        parallelFor(n &* hw, grain: Swift.max(1, 32_768 / Swift.max(1, c))) { range in
            for row in range {
                let o = (row / hw) &* c, base = row &* c
                for k in 0..<c { xp[base &+ k] = gp[o &+ k] * scale }
            }
        }
        return [gx]
    }
}

/// The maximum of each channel over height and width: (N, H, W, C) -> (N, C), or (N, 1, 1, C)
/// with `keepDims`; the gradient goes to the first maximum, found in the forward pass.
public func globalMaxPool2d(_ x: Variable, keepDims: Bool = false) throws -> Variable {
    let (n, hw, c) = try globalPoolDimensions(x.value, op: "global_max_pool")
    let xv = x.value, inputShape = x.shape
    guard GradMode.isEnabled, x.requiresGrad else {
        return Variable(globalMaxPool2dForward(xv, n: n, hw: hw, c: c, keepDims: keepDims, indices: nil))
    }
    let (out, indices) = recordingIndices(count: n &* c) {
        globalMaxPool2dForward(xv, n: n, hw: hw, c: c, keepDims: keepDims, indices: $0)
    }
    return Variable.record(out, parents: [x], op: .globalMaxPool2d) { grad in
        [try scatter(grad, indices, shape: inputShape) { grad, idx in
            let gx = Tensor(uninitializedShape: inputShape)
            gx.storage.base.initialize(repeating: 0, count: Swift.max(gx.count, 1))
            let gp = grad.storage.base, xp = gx.storage.base
            // Serial: one index per (sample, channel), a tiny loop next to zeroing the input.
            for i in 0..<grad.count { xp[idx[i]] += gp[i] }
            return gx
        }]
    }
}
