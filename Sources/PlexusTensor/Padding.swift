/// How a convolution or pooling window treats the border, with Keras's meanings.
public enum Padding: Equatable, Sendable, CustomStringConvertible {
    /// No padding: windows lie wholly inside the input (`floor((n - k_eff) / s) + 1` outputs).
    case valid
    /// Pad so that the output has `ceil(n / s)` positions; the odd extra pixel goes after (bottom,
    /// right), as in Keras and TensorFlow.
    case same
    /// Explicit zero padding on each side.
    case explicit(top: Int, bottom: Int, left: Int, right: Int)

    public var description: String {
        switch self {
        case .valid: return "valid"
        case .same: return "same"
        case let .explicit(t, b, l, r): return "(\(t), \(b), \(l), \(r))"
        }
    }

    /// Padding before and after, and the output size, along one spatial axis.
    ///
    /// - Parameters:
    ///   - input: the input size along the axis.
    ///   - kernel: the window size; `dilation` spreads it to `(kernel - 1) * dilation + 1`.
    /// - Returns: `nil` when the window does not fit (a valid convolution of a map smaller than it).
    public func resolve(input: Int, kernel: Int, stride: Int, dilation: Int = 1, axis: Int)
        -> (before: Int, after: Int, output: Int)? {
        let span = (kernel - 1) * dilation + 1
        var before = 0, after = 0
        switch self {
        case .valid: break
        case .same:
            let out = (input + stride - 1) / stride
            let total = Swift.max((out - 1) * stride + span - input, 0)
            before = total / 2
            after = total - before
        case let .explicit(t, b, l, r):
            (before, after) = axis == 0 ? (t, b) : (l, r)
        }
        let padded = input + before + after
        guard stride > 0, padded >= span else { return nil }
        return (before, after, (padded - span) / stride + 1)
    }
}
