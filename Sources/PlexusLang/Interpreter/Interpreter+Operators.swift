import Foundation

extension Interpreter {
    /// The binary operators on the basic values; tensors, symbolic tensors and weights are handled
    /// by `networkBinary` (`TensorAlgebra.swift`) before the `default` reports "cannot apply".
    func binary(_ op: BinaryOperator, _ a: Value, _ b: Value, at span: SourceSpan, leftSpan: SourceSpan,
                rightSpan: SourceSpan) throws -> Value {
        switch op {
        case .equal: return .bool(a == b)
        case .notEqual: return .bool(a != b)
        case .less, .lessEqual, .greater, .greaterEqual:
            return .bool(try compare(op, a, b, at: span))
        default: break
        }
        switch (op, a, b) {
        case (_, .number(let x), .number(let y)):
            return .number(try arithmetic(op, x, y, at: span, rightSpan: rightSpan))
        case (.add, .string(let x), .string(let y)): return .string(x + y)
        case (.add, .list(let x), .list(let y)): return .list(x + y)
        case (.add, .tuple(let x), .tuple(let y)): return .tuple(x + y)
        case (.multiply, .string(let s), .number), (.multiply, .number, .string(let s)):
            let n = try repeatCount(a, b, unit: s.utf8.count, at: span)
            return .string(String(repeating: s, count: n))
        case (.multiply, .list(let xs), .number), (.multiply, .number, .list(let xs)):
            let n = try repeatCount(a, b, unit: xs.count, at: span)
            return .list(Array([[Value]](repeating: xs, count: n).joined()))
        default:
            if let v = try networkBinary(op, a, b, at: span, rightSpan: rightSpan) { return v }
            var suggestion: String?
            if op == .add, case .string = a, case .number = b { suggestion = "convert the number with str(...)" }
            if op == .add, case .number = a, case .string = b { suggestion = "convert the number with str(...)" }
            throw Diagnostic("cannot apply '\(op.rawValue)' to \(a.kindAndValue) and \(b.kindAndValue)", at: span,
                             suggestion: suggestion)
        }
    }

    func arithmetic(_ op: BinaryOperator, _ x: Double, _ y: Double, at span: SourceSpan, rightSpan: SourceSpan) throws -> Double {
        let result = try anyArithmetic(op, x, y, at: span, rightSpan: rightSpan)
        // The rule for numbers (docs/limits.md): the language's numbers are finite.
        guard result.isFinite else {
            let what = result.isNaN ? "is not a real number" : "overflows (beyond ±1.8e308)"
            let shown = { (d: Double) in d < 0 ? "(\(Value.format(d)))" : Value.format(d) }
            throw Diagnostic("\(shown(x)) \(op.rawValue) \(shown(y)) \(what)", at: span,
                             suggestion: "numbers in Plexus are finite; see docs/limits.md")
        }
        return result
    }

    private func anyArithmetic(_ op: BinaryOperator, _ x: Double, _ y: Double, at span: SourceSpan, rightSpan: SourceSpan) throws -> Double {
        switch op {
        case .add: return x + y
        case .subtract: return x - y
        case .multiply: return x * y
        case .divide:
            guard y != 0 else { throw Diagnostic("division by zero", at: rightSpan) }
            return x / y
        case .floorDivide:
            // Floored, as in Python: 7 // 2 == 3, -7 // 2 == -4; the partner of `%`.
            guard y != 0 else { throw Diagnostic("division by zero", at: rightSpan) }
            return (x / y).rounded(.down)
        case .remainder:
            guard y != 0 else { throw Diagnostic("remainder by zero", at: rightSpan) }
            // Floored, as in Python: the result has the sign of the divisor (-7 % 3 == 2).
            let r = fmod(x, y)
            return r != 0 && (r < 0) != (y < 0) ? r + y : r
        case .power: return pow(x, y)
        default:
            // invariant: comparisons are handled by the caller before arithmetic.
            assertionFailure("\(op) reached arithmetic")
            throw Diagnostic("'\(op.rawValue)' is not arithmetic", at: span)
        }
    }

    /// `"ab" * 3`, `[0] * 4`: a non-negative integer count, with a result of at most ten million
    /// elements (a typo like `[0] * 10 ** 12` should be an error, not an exhausted machine).
    func repeatCount(_ a: Value, _ b: Value, unit: Int, at span: SourceSpan) throws -> Int {
        let countValue: Value
        if case .number = a { countValue = a } else { countValue = b }
        guard let n = countValue.integer, n >= 0 else {
            throw Diagnostic("a repetition count must be a non-negative integer, got \(countValue.kindAndValue)", at: span)
        }
        guard n <= 10_000_000, n * unit <= 10_000_000 else {
            throw Diagnostic("repeating \(unit) element\(unit == 1 ? "" : "s") \(n) times is too large (more than 10,000,000)", at: span)
        }
        return n
    }

    /// Orders numbers with numbers and strings with strings.
    func compare(_ op: BinaryOperator, _ a: Value, _ b: Value, at span: SourceSpan) throws -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return ordered(op, x, y)
        case (.string(let x), .string(let y)): return ordered(op, x, y)
        default:
            throw Diagnostic("cannot compare \(a.kindAndValue) and \(b.kindAndValue) with '\(op.rawValue)'", at: span)
        }
    }

    func ordered<T: Comparable>(_ op: BinaryOperator, _ x: T, _ y: T) -> Bool {
        switch op {
        case .less: return x < y
        case .lessEqual: return x <= y
        case .greater: return x > y
        default: return x >= y
        }
    }
}
