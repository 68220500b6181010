/// Every differentiable primitive of the tensor library, in one list (tinygrad's gradient table is
/// the model): the ops whose forward computation and backward rule sit side by side, recorded on
/// the tape with `Variable.record(_:parents:op:backward:)`. Everything else that is differentiable
/// (`matmul` with NumPy's broadcasting, `categoricalCrossentropy`, a model's forward pass) is a
/// composition of these.
///
/// The list is checked both ways: an op cannot reach the tape without naming its case here, and
/// `PrimitiveGradientTests` switches over every case with a finite-difference check, so a case
/// cannot be added without a gradient check (the switch would not compile).
public enum Primitive: String, CaseIterable, Sendable {
    // Autodiff/Variable+Arithmetic.swift: broadcasting arithmetic.
    case add, subtract, multiply, divide, negate, addScalar, multiplyScalar, broadcast
    // Autodiff/Variable+Elementwise.swift: elementwise math.
    case exp, log, sqrt, abs, square, powScalar, pow, maximum, minimum, clamp
    // ActivationFunction.swift and Autodiff/Variable+Activations.swift: every elementwise
    // activation (one rule, from the output or the input), and Keras's general ReLU.
    case activation, generalRelu
    // Autodiff/Variable+Softmax.swift.
    case softmax, logSoftmax
    // Autodiff/Variable+Matmul.swift: the rank-2/3 GEMM, transposes folded in.
    case gemm
    // Autodiff/Variable+Conv.swift: convolutions; Autodiff/Variable+Fused.swift: kernel + bias +
    // activation as one op (Dense, Conv2D, the per-sample and transposed convolutions), and a
    // residual sum with its activation.
    case conv2d, conv2dTranspose, conv2dPerSample, fusedAffine, addActivated
    // Autodiff/Variable+Shape.swift.
    case reshape, permute, slice, pad, concat
    // Autodiff/Variable+Reduce.swift.
    case sum, mean, sumAxes, meanAxes, max
    // Autodiff/Variable+Pooling.swift.
    case maxPool2d, avgPool2d, globalAvgPool2d, globalMaxPool2d
    // Autodiff/Variable+Normalization.swift.
    case batchNorm, layerNorm
    // Autodiff/Variable+Resample.swift.
    case upsampling2d, zeroPadding2d, cropping2d
    // Autodiff/Variable+Dropout.swift.
    case dropout
    // Autodiff/Losses.swift: the losses with a rule of their own (categorical and sparse
    // categorical crossentropy share one).
    case meanSquaredError, meanAbsoluteError, binaryCrossentropy, crossentropy, contrastive
}
