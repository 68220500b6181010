import PlexusTensor
/// What a layer argument accepts: the one description from which the language's builtin, Keras's
/// config reader and writer, and `config` know how to read, check and write it.
public enum ArgumentKind: Equatable, Sendable {
    /// An integer (`filters`, `groups`).
    case integer
    /// A finite number, kept at Float32 precision (`momentum`, `rate`).
    case number
    /// `true` or `false`.
    case bool
    /// One integer for both spatial axes or two, `(height, width)` (`kernel_size`, `strides`).
    case size2D
    /// `"valid"` or `"same"`, in any case, as Keras accepts it.
    case padding
    /// An activation function by Keras name (`relu`), `linear` when left out.
    case activation
    /// An initializer by Keras name, or a number for a constant.
    case initializer
    /// One of a few strings (`interpolation`: `"nearest"`, `"bilinear"`).
    case choice([String])
    /// One axis (`axis` of a batch normalisation; Keras may write it as a list of one).
    case axis
    /// One integer or a list of them (`axis` of a layer normalisation).
    case axes
    /// A list of integers, Keras's tuple (`target_shape`, `dims`).
    case integers
    /// A shape whose sizes may be unknown (`none`): `noise_shape`.
    case dimensions
    /// The four sides of an image: one integer for all, `(h, w)` for top and bottom, left and
    /// right, or `((top, bottom), (left, right))` (`ZeroPadding2D`'s `padding`).
    case sides2D
}

/// The four sides of an image, as `ZeroPadding2D` and `Cropping2D` take them.
public struct Sides2D: Equatable, Sendable, CustomStringConvertible {
    public var top: Int, bottom: Int, left: Int, right: Int

    public init(top: Int, bottom: Int, left: Int, right: Int) {
        (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
    }

    /// The same amount above and below (`height`), left and right (`width`).
    public init(_ size: Size2D) { self.init(top: size.height, bottom: size.height, left: size.width, right: size.width) }

    /// Keras's tuple of pairs: `((1, 1), (2, 2))`.
    public var description: String { "((\(top), \(bottom)), (\(left), \(right)))" }
}

/// A checked value of a layer argument, of the kind its `ArgumentSpec` declares.
public enum ArgumentValue: Equatable, Sendable, CustomStringConvertible {
    /// `none`: an optional argument left out (Keras's `None`, JSON null).
    case none
    case int(Int)
    /// A number; arguments of kind `.number` hold a Float32 value, `fixed` Keras values exactly.
    case number(Double)
    case bool(Bool)
    case string(String)
    case size2D(Size2D)
    case padding(Padding)
    case activation(ActivationFunction)
    case initializer(Initializer)
    case ints([Int])
    case dimensions([Int?])
    case sides(Sides2D)

    /// The value as a layer's `config` (and so its summary line) shows it: `(3, 3)`, `"same"`,
    /// `relu`, `glorot_uniform`, `none`.
    public var description: String {
        switch self {
        case .none: return "none"
        case .int(let n): return cfg(n)
        case .number(let d): return cfg(Float(d))
        case .bool(let b): return cfg(b)
        case .string(let s): return cfg(s)
        case .size2D(let s): return s.description
        case .padding(let p): return cfg(p)
        case .activation(let f): return f.description
        case .initializer(let i): return cfg(i)
        case .ints(let xs): return cfg(xs)
        case .dimensions(let xs): return formatSymbolicShape(xs)
        case .sides(let s): return s.description
        }
    }

    /// The value of an argument of `kind` as `config` shows it: axes as one integer or `[1, 2]`.
    func formatted(as kind: ArgumentKind) -> String {
        if kind == .axes, case .ints(let xs) = self, xs.count != 1 { return "[" + xs.map(String.init).joined(separator: ", ") + "]" }
        if kind == .axes, case .ints(let xs) = self, xs.count == 1 { return cfg(xs[0]) }
        return description
    }

    /// Whether the value is of `kind` (`none` is checked by the argument's `optional`).
    func fits(_ kind: ArgumentKind) -> Bool {
        switch (kind, self) {
        case (.integer, .int), (.axis, .int), (.number, .number), (.bool, .bool), (.size2D, .size2D), (.padding, .padding),
             (.activation, .activation), (.initializer, .initializer), (.axes, .ints), (.integers, .ints), (.dimensions, .dimensions), (.sides2D, .sides):
            return true
        case (.choice(let choices), .string(let s)): return choices.contains(s)
        default: return false
        }
    }
}
