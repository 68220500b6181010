extension Tensor {
    /// A tensor of zeros.
    public static func zeros(_ shape: [Int]) throws -> Tensor { try Tensor(shape: shape, repeating: 0) }
    /// A tensor of ones.
    public static func ones(_ shape: [Int]) throws -> Tensor { try Tensor(shape: shape, repeating: 1) }
    /// A tensor filled with `value`.
    public static func full(_ shape: [Int], _ value: Float) throws -> Tensor { try Tensor(shape: shape, repeating: value) }

    /// Uniform values in [low, high) drawn from `generator`, in row-major order.
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                               using generator: inout RandomGenerator) throws -> Tensor {
        try checkShape(shape, op: "uniform")
        var t = Tensor(uninitializedShape: shape)
        t.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = generator.nextUniform(low, high) }
        }
        return t
    }

    /// Normal values with `mean` and `std` drawn from `generator`, in row-major order.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1,
                              using generator: inout RandomGenerator) throws -> Tensor {
        try checkShape(shape, op: "normal")
        var t = Tensor(uninitializedShape: shape)
        t.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = mean + std * generator.nextNormal() }
        }
        return t
    }

    /// 0, 1, ..., count-1 as a rank-1 tensor.
    public static func arange(_ count: Int) throws -> Tensor {
        try checkShape([count], op: "arange")
        var t = Tensor(uninitializedShape: [count])
        t.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = Float(i) }
        }
        return t
    }
}
