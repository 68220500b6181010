// Broadcasting arithmetic. Each op's backward rule sits beside its forward computation; the
// gradient of a broadcast operand is summed back down to that operand's shape.

extension Variable {
    /// `a + b`, broadcasting.
    public static func + (a: Variable, b: Variable) throws -> Variable {
        let out = try a.value.arithmetic(.add, b.value, op: "add")
        return record(out, parents: [a, b], op: .add) { g in
            [a.requiresGrad ? try g.summed(toShape: a.shape) : nil,
             b.requiresGrad ? try g.summed(toShape: b.shape) : nil]
        }
    }

    /// `self` repeated to `shape` (NumPy's `broadcast_to`, materialised); the gradient sums back.
    ///
    /// - Throws: `TensorError` unless `self` broadcasts to exactly `shape`.
    public func broadcast(to shape: [Int]) throws -> Variable {
        let own = self.shape
        return Variable.record(try value.broadcasted(to: shape), parents: [self], op: .broadcast) { g in [try g.summed(toShape: own)] }
    }

    /// `a - b`, broadcasting.
    public static func - (a: Variable, b: Variable) throws -> Variable {
        let out = try a.value.arithmetic(.subtract, b.value, op: "subtract")
        return record(out, parents: [a, b], op: .subtract) { g in
            [a.requiresGrad ? try g.summed(toShape: a.shape) : nil,
             b.requiresGrad ? try g.mapElements { -$0 }.summed(toShape: b.shape) : nil]
        }
    }

    /// `a * b` elementwise, broadcasting.
    public static func * (a: Variable, b: Variable) throws -> Variable {
        let av = a.value, bv = b.value
        let out = try av.arithmetic(.multiply, bv, op: "multiply")
        return record(out, parents: [a, b], op: .multiply) { g in
            [a.requiresGrad ? try g.arithmetic(.multiply, bv, op: "multiply").summed(toShape: a.shape) : nil,
             b.requiresGrad ? try g.arithmetic(.multiply, av, op: "multiply").summed(toShape: b.shape) : nil]
        }
    }

    /// `a / b` elementwise, broadcasting.
    public static func / (a: Variable, b: Variable) throws -> Variable {
        let av = a.value, bv = b.value
        let out = try av.arithmetic(.divide, bv, op: "divide")
        return record(out, parents: [a, b], op: .divide) { g in
            [a.requiresGrad ? try g.arithmetic(.divide, bv, op: "divide").summed(toShape: a.shape) : nil,
             // d(a/b)/db = -a / b^2 = -out / b
             b.requiresGrad ? try g.arithmetic(.multiply, out, op: "multiply")
                .broadcasting(bv, op: "divide") { -$0 / $1 }.summed(toShape: b.shape) : nil]
        }
    }

    /// `-a`.
    public static prefix func - (a: Variable) -> Variable {
        record(a.value.mapElements { -$0 }, parents: [a], op: .negate) { g in [g.mapElements { -$0 }] }
    }

    /// `a + s` for a constant scalar.
    public static func + (a: Variable, s: Float) -> Variable {
        record(a.value.mapElements { $0 + s }, parents: [a], op: .addScalar) { g in [g] }
    }

    /// `a * s` for a constant scalar.
    public static func * (a: Variable, s: Float) -> Variable {
        record(a.value.mapElements { $0 * s }, parents: [a], op: .multiplyScalar) { g in [g.mapElements { $0 * s }] }
    }
}
