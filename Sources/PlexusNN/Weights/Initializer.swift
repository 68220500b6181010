import PlexusTensor
import Foundation

/// How a weight's first values are drawn, with Keras's names, defaults and fan rules.
///
/// The variance-scaling family (Glorot, He, LeCun) scales by the fans Keras computes from the
/// weight's shape: a dense kernel `(in, out)` has fans `in` and `out`; a convolution kernel
/// `(kh, kw, cin, cout)` has `cin * kh * kw` and `cout * kh * kw` (the receptive field multiplies
/// both). Normal variants are truncated at two standard deviations, as Keras's are.
public enum Initializer: Equatable, Sendable, CustomStringConvertible {
    case zeros
    case ones
    case constant(Float)
    /// Keras `RandomNormal(mean=0.0, stddev=0.05)`.
    case randomNormal(mean: Float = 0, stddev: Float = 0.05)
    /// Keras `RandomUniform(minval=-0.05, maxval=0.05)`.
    case randomUniform(minval: Float = -0.05, maxval: Float = 0.05)
    /// Keras `TruncatedNormal(mean=0.0, stddev=0.05)`: redrawn beyond two standard deviations.
    case truncatedNormal(mean: Float = 0, stddev: Float = 0.05)
    /// Uniform in `±sqrt(6 / (fan_in + fan_out))`: Keras's default kernel initializer.
    case glorotUniform
    /// Truncated normal with variance `2 / (fan_in + fan_out)`.
    case glorotNormal
    /// Truncated normal with variance `2 / fan_in`: for ReLU networks.
    case heNormal
    /// Uniform in `±sqrt(6 / fan_in)`.
    case heUniform
    /// Truncated normal with variance `1 / fan_in`: for SELU networks.
    case lecunNormal
    /// Uniform in `±sqrt(3 / fan_in)`.
    case lecunUniform
    /// Keras `VarianceScaling(scale, mode, distribution)`, the family above in general form.
    case varianceScaling(scale: Float, mode: FanMode, distribution: Distribution)

    /// Which fan the variance is divided by.
    public enum FanMode: String, Equatable, Sendable { case fanIn = "fan_in", fanOut = "fan_out", fanAvg = "fan_avg" }
    /// The distribution a variance-scaling initializer draws from.
    public enum Distribution: String, Equatable, Sendable {
        case truncatedNormal = "truncated_normal", untruncatedNormal = "untruncated_normal", uniform
    }

    /// The initializer Keras calls `name` (`"glorot_uniform"`, `"he_normal"`, `"zeros"`, ...).
    public init?(name: String) {
        switch name {
        case "zeros": self = .zeros
        case "ones": self = .ones
        case "random_normal": self = .randomNormal()
        case "random_uniform": self = .randomUniform()
        case "truncated_normal": self = .truncatedNormal()
        case "glorot_uniform": self = .glorotUniform
        case "glorot_normal": self = .glorotNormal
        case "he_normal": self = .heNormal
        case "he_uniform": self = .heUniform
        case "lecun_normal": self = .lecunNormal
        case "lecun_uniform": self = .lecunUniform
        default: return nil
        }
    }

    /// The Keras names `init?(name:)` accepts (for `:help` and "did you mean").
    public static let knownNames = ["glorot_uniform", "glorot_normal", "he_normal", "he_uniform",
                                    "lecun_normal", "lecun_uniform", "zeros", "ones", "random_normal",
                                    "random_uniform", "truncated_normal"]

    public var description: String {
        switch self {
        case .zeros: return "zeros"
        case .ones: return "ones"
        case let .constant(v): return "constant(\(formatFloat(v)))"
        case let .randomNormal(m, s): return "random_normal(mean: \(formatFloat(m)), stddev: \(formatFloat(s)))"
        case let .randomUniform(lo, hi): return "random_uniform(minval: \(formatFloat(lo)), maxval: \(formatFloat(hi)))"
        case let .truncatedNormal(m, s): return "truncated_normal(mean: \(formatFloat(m)), stddev: \(formatFloat(s)))"
        case .glorotUniform: return "glorot_uniform"
        case .glorotNormal: return "glorot_normal"
        case .heNormal: return "he_normal"
        case .heUniform: return "he_uniform"
        case .lecunNormal: return "lecun_normal"
        case .lecunUniform: return "lecun_uniform"
        case let .varianceScaling(scale, mode, dist):
            return "variance_scaling(scale: \(formatFloat(scale)), mode: \"\(mode.rawValue)\", distribution: \"\(dist.rawValue)\")"
        }
    }

    /// Keras's `compute_fans`: scalars 1, vectors their length, matrices `(in, out)`, higher ranks
    /// the last two dimensions times the receptive field (all the dimensions before them).
    public static func fans(for shape: [Int]) -> (fanIn: Int, fanOut: Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (shape[0], shape[0])
        case 2: return (shape[0], shape[1])
        default:
            // Saturating: a weight's shape is validated to fit, but anyone may ask about any shape.
            func times(_ a: Int, _ b: Int) -> Int {
                let (p, overflow) = a.multipliedReportingOverflow(by: b)
                return overflow ? Int.max : p
            }
            let receptive = shape.dropLast(2).reduce(1, times)
            return (times(shape[shape.count - 2], receptive), times(shape[shape.count - 1], receptive))
        }
    }

    /// The general form of the variance-scaling cases, `nil` for the others.
    var scaling: (scale: Float, mode: FanMode, distribution: Distribution)? {
        switch self {
        case .glorotUniform: return (1, .fanAvg, .uniform)
        case .glorotNormal: return (1, .fanAvg, .truncatedNormal)
        case .heNormal: return (2, .fanIn, .truncatedNormal)
        case .heUniform: return (2, .fanIn, .uniform)
        case .lecunNormal: return (1, .fanIn, .truncatedNormal)
        case .lecunUniform: return (1, .fanIn, .uniform)
        case let .varianceScaling(s, m, d): return (s, m, d)
        default: return nil
        }
    }

    /// Draws a tensor of `shape` from this initializer with `generator`.
    public func tensor(shape: [Int], using generator: inout RandomGenerator) throws -> Tensor {
        switch self {
        case .zeros: return try .zeros(shape)
        case .ones: return try .ones(shape)
        case let .constant(v): return try .full(shape, v)
        case let .randomNormal(m, s): return try .normal(shape, mean: m, std: s, using: &generator)
        case let .randomUniform(lo, hi): return try .uniform(shape, low: lo, high: hi, using: &generator)
        case let .truncatedNormal(m, s): return try Initializer.truncated(shape, mean: m, std: s, using: &generator)
        default:
            // invariant: every other case is a variance-scaling one
            guard let (scale, mode, distribution) = scaling else {
                assertionFailure("\(self) is neither a fixed nor a variance-scaling initializer")
                return try .zeros(shape)
            }
            let (fanIn, fanOut) = Initializer.fans(for: shape)
            let n: Float
            switch mode {
            case .fanIn: n = Float(fanIn)
            case .fanOut: n = Float(fanOut)
            case .fanAvg: n = Float(fanIn + fanOut) / 2
            }
            let s = scale / Swift.max(1, n)
            switch distribution {
            case .uniform:
                let limit = (3 * s).squareRoot()
                return try .uniform(shape, low: -limit, high: limit, using: &generator)
            case .untruncatedNormal:
                return try .normal(shape, std: s.squareRoot(), using: &generator)
            case .truncatedNormal:
                // The standard deviation of a unit normal truncated to (-2, 2).
                return try Initializer.truncated(shape, mean: 0, std: s.squareRoot() / 0.879_625_66, using: &generator)
            }
        }
    }

    /// Normal values redrawn until they fall within two standard deviations of the mean.
    static func truncated(_ shape: [Int], mean: Float, std: Float, using generator: inout RandomGenerator) throws -> Tensor {
        var t = try Tensor.zeros(shape)
        t.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count {
                var z = generator.nextNormal()
                while abs(z) > 2 { z = generator.nextNormal() }
                p[i] = mean + std * z
            }
        }
        return t
    }
}
