import PlexusTensor
import PlexusNN
import Foundation

/// The generic builtins: printing, sizes, ranges, conversions, min/max/abs.
extension BuiltinRegistry {
    func registerCoreBuiltins() {
        registerValueBuiltins()
        registerNumberBuiltins()
    }

    /// Values: print, len, range, str.
    func registerValueBuiltins() {
        register("print", signature: Signature(variadic: Param("values"),
                                               keywords: [Param("sep", .string, default: .string(" ")),
                                                          Param("end", .string, default: .string("\n"))]),
                 help: "Prints values separated by `sep` and followed by `end`. Strings print without quotes; other values print as they do at the prompt. Returns none.",
                 example: "print(\"units:\", 64)    # units: 64") { args, interpreter in
            let sep = try args.string("sep"), end = try args.string("end")
            interpreter.write(args.variadic.map(\.description).joined(separator: sep) + end)
            return .nothing
        }

        register("len", signature: Signature(positional: [Param("x", .sized)]),
                 help: "The number of elements of a list, tuple or range, or of characters in a string.",
                 example: "len([1, 2, 3])    # 3") { args, _ in
            switch args["x"] {
            case .list(let xs), .tuple(let xs): return .number(Double(xs.count))
            case .cuts(let c): return .number(Double(c.cuts.count))
            case .range(let r): return .number(Double(r.count))
            case .string(let s): return .number(Double(s.count))
            default: throw args.kindError("x", "a list, tuple, range or string")
            }
        }

        register("range", signature: Signature(positional: [Param("start", .integer),
                                                            Param("stop", .optional(.integer), default: .nothing),
                                                            Param("step", .integer, default: .number(1))]),
                 help: "Integers from `start` up to but excluding `stop`, by `step`, as in Python: range(3) is 0, 1, 2 and range(2, 8, 2) is 2, 4, 6. Unlike `a..b`, which includes both ends, the stop is left out. With one argument it counts from 0. Ranges are lazy: a loop over range(1000000) builds no list.",
                 example: "for i in range(3) { print(i) }    # 0 1 2\nrange(10, 0, -3)    # range(10, 0, -3): 10, 7, 4, 1") { args, _ in
            var start = try args.int("start")
            var stop: Int
            if args.isNone("stop") {
                stop = start
                start = 0
            } else {
                stop = try args.int("stop")
            }
            let step = try args.int("step")
            guard step != 0 else { throw args.error("step must not be zero", at: "step") }
            if step == 1 { stop = max(stop, start) }
            return .range(RangeValue(start: start, stop: stop, step: step))
        }

        register("str", signature: Signature(positional: [Param("x")]),
                 help: "The text `print` would show for a value: a string unchanged, a number as 3 or 0.5, a list as [1, 2].",
                 example: "\"layer \" + str(3)    # \"layer 3\"") { args, _ in
            .string(args["x"].description)
        }
    }

    /// Numbers: min, max, abs, the math functions, pi.
    func registerNumberBuiltins() {
        let minMaxSignature = Signature(variadic: Param("values"), keywords: [Param("axis", .optional(.integer), default: .nothing)])
        register("min", signature: minMaxSignature,
                 help: "The smallest of its arguments, or of the elements of a single list, tuple or range. All must be numbers, or all strings. Of one tensor of values: its smallest element as a number, or with `axis` the smallest along that axis (a tensor without it).",
                 example: "min(3, 1, 2)    # 1\nmin([4, 5])    # 4\nmin(tensor([[1, 5], [3, 2]]), axis: 0)    # Tensor(2,) [1, 2]") { args, _ in
            try extreme(args, wantSmallest: true)
        }
        register("max", signature: minMaxSignature,
                 help: "The largest of its arguments, or of the elements of a single list, tuple or range. All must be numbers, or all strings. Of one tensor of values: its largest element as a number, or with `axis` the largest along that axis (a tensor without it).",
                 example: "max(3, 1, 2)    # 3\nmax(1..10)    # 10\nmax(tensor([[1, 5], [3, 2]]))    # 5") { args, _ in
            try extreme(args, wantSmallest: false)
        }

        register("abs", signature: Signature(positional: [Param("x", .number)]),
                 help: "The absolute value of a number.",
                 example: "abs(-2.5)    # 2.5") { args, _ in
            .number(abs(try args.number("x")))
        }
        // Elementary functions of numbers, enough to build a filter bank (a DCT or Gabor basis)
        // in a script.
        let functions: [(String, (Double) -> Double, String, String)] = [
            ("sqrt", { $0.squareRoot() }, "The square root of a number (an error for a negative one).", "sqrt(2)    # 1.4142135623730951"),
            ("exp", Foundation.exp, "e raised to a number.", "exp(1)    # 2.718281828459045"),
            ("log", Foundation.log, "The natural logarithm of a positive number.", "log(exp(2))    # 2"),
            ("cos", Foundation.cos, "The cosine of an angle in radians.", "cos(pi)    # -1"),
            ("sin", Foundation.sin, "The sine of an angle in radians.", "sin(pi / 2)    # 1"),
        ]
        for (name, f, help, example) in functions {
            register(name, signature: Signature(positional: [Param("x", .number)]),
                     help: help, example: example) { args, _ in
                let x = try args.number("x")
                let y = f(x)
                guard y.isFinite else { throw args.error("\(name)(\(Value.format(x))) is not a finite number", at: "x") }
                return .number(y)
            }
        }
        registerIntegerConversions()
        register("pi", signature: Signature(positional: []),
                 help: "The number pi: a value (pi), or a call (pi()).", example: "cos(pi)    # -1") { _, _ in .number(Double.pi) }
        lookup("pi")?.value = .number(Double.pi)
    }
}

/// `min` / `max`: over the arguments, or over the elements of one sequence argument.
private func extreme(_ args: Arguments, wantSmallest: Bool) throws -> Value {
    if args.variadic.count == 1, case .tensor(let t) = args.variadic[0] {
        let pick: (ArraySlice<Float>) -> Float = { row in
            let i = indexOfLargest(wantSmallest ? ArraySlice(row.map { -$0 }) : row)
            return row[row.startIndex + i]
        }
        guard args.isNone("axis") else { return .tensor(try reduceAlong(t, axis: try args.int("axis"), args, pick)) }
        guard t.count > 0 else { throw args.error("a tensor of shape \(formatShape(t.shape)) has no elements", at: "values") }
        return .number(Double(pick(t.scalars[...])))
    }
    if !args.isNone("axis") {
        throw args.error("axis applies to one tensor of values", at: "axis")
    }
    if args.variadic.contains(where: \.isTensorOfValues) {
        throw args.error("cannot compare a tensor with other values",
                         suggestion: "the \(args.callee) of a tensor takes the tensor alone: \(args.callee)(t), or \(args.callee)(t, axis: 0)")
    }
    var candidates = args.variadic
    if candidates.count == 1 {
        switch candidates[0] {
        case .list(let xs), .tuple(let xs): candidates = xs
        case .range(let r):
            guard r.count > 0 else { candidates = []; break }
            let first = r[0], last = r[r.count - 1]
            return .number(Double(wantSmallest ? min(first, last) : max(first, last)))
        default: break
        }
    }
    guard var best = candidates.first else {
        throw args.error("needs at least one value (or a non-empty list)")
    }
    for v in candidates {
        let better: Bool
        switch (v, best) {
        case (.number(let x), .number(let y)): better = wantSmallest ? x < y : x > y
        case (.string(let x), .string(let y)): better = wantSmallest ? x < y : x > y
        default:
            throw args.error("cannot compare \(v.kindAndValue) with \(best.kindAndValue)")
        }
        if better { best = v }
    }
    return best
}

private extension Value {
    var isTensorOfValues: Bool {
        if case .tensor = self { return true }
        return false
    }
}
