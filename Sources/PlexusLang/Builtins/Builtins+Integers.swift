import Foundation

/// Whole numbers from other numbers: `int`, `floor`, `ceil`, `round` (and the `//` operator in
/// `Interpreter+Operators.swift`), for sizes computed in a script, as DenseNet's
/// `int(channels * reduction)`.
///
/// All numbers are doubles; these return numbers without a fractional part, which every argument
/// that wants an integer (units, filters, sizes, indices) accepts.
extension BuiltinRegistry {
    func registerIntegerConversions() {
        register("int", signature: Signature(positional: [Param("x", .oneOf([.number, .string]))]),
                 help: "The whole number Python's int gives: a number truncated toward zero (int(2.7) is 2, int(-2.7) is -2), or a string of digits read as an integer.",
                 example: "int(64 * 0.5)    # 32\nint(\"12\")    # 12\nconv2d(int(127.5), 1)") { args, _ in
            switch args["x"] {
            case .number(let x):
                return .number(try whole(x.rounded(.towardZero), of: x, args))
            case .string(let s):
                guard let n = Int(s.trimmingCharacters(in: .whitespaces)) else {
                    throw args.error("cannot read \(Value.quote(s)) as an integer", at: "x")
                }
                return .number(Double(n))
            default:
                throw args.kindError("x", "a number or a string")
            }
        }
        register("floor", signature: Signature(positional: [Param("x", .number)]),
                 help: "The largest whole number not above x: floor(2.7) is 2, floor(-2.5) is -3.",
                 example: "floor(7 / 2)    # 3") { args, _ in
            let x = try args.number("x")
            return .number(try whole(x.rounded(.down), of: x, args))
        }
        register("ceil", signature: Signature(positional: [Param("x", .number)]),
                 help: "The smallest whole number not below x: ceil(2.1) is 3, ceil(-2.5) is -2 (a 'same' output size is ceil(n / stride)).",
                 example: "ceil(224 / 3)    # 75") { args, _ in
            let x = try args.number("x")
            return .number(try whole(x.rounded(.up), of: x, args))
        }
        register("round", signature: Signature(positional: [Param("x", .number), Param("digits", .integer, default: .number(0))]),
                 help: "x rounded to the nearest whole number, or to `digits` decimal places. Halves go to the even neighbour, as Python's round does: round(2.5) is 2, round(3.5) is 4.",
                 example: "round(127.5)    # 128\nround(3.14159, 2)    # 3.14") { args, _ in
            let x = try args.number("x"), digits = try args.int("digits")
            guard (-15...15).contains(digits) else { throw args.error("digits must be from -15 to 15, got \(digits)", at: "digits") }
            guard digits != 0 else { return .number(try whole(x.rounded(.toNearestOrEven), of: x, args)) }
            let scale = Foundation.pow(10, Double(digits))
            return .number((x * scale).rounded(.toNearestOrEven) / scale)
        }
    }
}

/// A finite whole number, or an error naming the value it came from.
private func whole(_ y: Double, of x: Double, _ args: Arguments) throws -> Double {
    guard y.isFinite else { throw args.error("\(Value.format(x)) has no whole number", at: "x") }
    return y
}
