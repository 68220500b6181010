// Resampling ops on the tape: upsampling's gradient sums each block, zero padding's crops,
// cropping's pads.

/// Nearest-neighbour upsampling of an NHWC variable (Keras `UpSampling2D`); each input pixel's
/// gradient is the sum over the block it was copied to.
///
/// - Throws: `TensorError` for a non-NHWC input or a non-positive size.
public func upsampling2d(_ x: Variable, size: (Int, Int)) throws -> Variable {
    let inputShape = x.shape
    return Variable.record(try upsampling2d(x.value, size: size), parents: [x], op: .upsampling2d) { grad in
        [upsampling2dBackward(grad, inputShape: inputShape, size: size)]
    }
}

/// Zero padding of an NHWC variable (Keras `ZeroPadding2D`); the gradient is cropped back.
///
/// - Parameter padding: (top, bottom, left, right), each non-negative.
/// - Throws: `TensorError` for a non-NHWC input or a negative padding.
public func zeroPadding2d(_ x: Variable, padding: (top: Int, bottom: Int, left: Int, right: Int)) throws -> Variable {
    let inputShape = x.shape
    return Variable.record(try zeroPadding2d(x.value, padding: padding), parents: [x], op: .zeroPadding2d) { grad in
        [zeroPadding2dBackward(grad, inputShape: inputShape, padding: padding)]
    }
}

/// Cropping of an NHWC variable (Keras `Cropping2D`); the gradient is padded back with zeros.
///
/// - Parameter cropping: (top, bottom, left, right), each non-negative.
/// - Throws: `TensorError` for a non-NHWC input, a negative amount, or nothing left.
public func cropping2d(_ x: Variable, cropping: (top: Int, bottom: Int, left: Int, right: Int)) throws -> Variable {
    Variable.record(try cropping2d(x.value, cropping: cropping), parents: [x], op: .cropping2d) { grad in
        [try zeroPadding2d(grad, padding: cropping)]
    }
}
