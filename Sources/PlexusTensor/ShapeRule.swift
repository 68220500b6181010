/// The shape rule of each op that changes shapes, written once, over dimensions that may be
/// unknown (`nil`, Keras's `None`): NumPy broadcasting, a reshape with one -1, an axis counted
/// from the end, NumPy's `matmul`.
///
/// Both paths of an op ask the same rule: a symbolic tensor's shape (PlexusNN's layers and graph
/// operations, where the batch size is unknown) and a tensor of values (every size known). The
/// path on values passes known sizes only and gets known sizes back, so the two cannot disagree:
/// a shape the symbolic path accepts is the shape the values will have, and a shape it refuses is
/// refused on values with the same `ShapeRefusal`, which each path words with its own subject
/// (the tensor op and its shapes; the layer and the tensors it was called on).
///
/// ```swift
/// try ShapeRule.broadcast([nil, 1, 4], [3, 1])   // [nil, 3, 4]
/// try ShapeRule.reshape([nil, 8], to: [-1, 2])   // [nil, 2]
/// try ShapeRule.matmul([5], [2, 5, 3])           // [2, 3]
/// ShapeRule.normalizedAxis(-1, rank: 4)          // 3
/// ```
public enum ShapeRule {
    /// NumPy broadcasting of two shapes, aligned from the right: equal sizes stay, a 1 takes the
    /// other's size; an unknown size against a known `k > 1` is `k` (the only size that works),
    /// against 1 or another unknown it stays unknown (Keras's `ops.broadcast_shapes`).
    ///
    /// - Throws: `ShapeRefusal.broadcast` for two known sizes that differ, neither of them 1.
    public static func broadcast(_ a: [Int?], _ b: [Int?]) throws(ShapeRefusal) -> [Int?] {
        let rank = Swift.max(a.count, b.count)
        var out = [Int?](repeating: 1, count: rank)
        for i in 0..<rank {
            let da: Int? = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db: Int? = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            switch (da, db) {
            case let (x?, y?):
                if x == y || y == 1 { out[i] = x } else if x == 1 { out[i] = y } else {
                    throw .broadcast(dimension: i, x, y)
                }
            case let (nil, y?): out[i] = y == 1 ? nil : y
            case let (x?, nil): out[i] = x == 1 ? nil : x
            case (nil, nil): out[i] = nil
            }
        }
        return out
    }

    /// `shape` reshaped to `target`, whose one -1 (at most) takes the size the element count
    /// leaves (NumPy's `reshape`). When a size of `shape` is unknown the count is unknown: the -1
    /// becomes unknown, and a target without -1 is returned as written (Keras's
    /// `compute_reshape_output_shape`: only the values can check it).
    ///
    /// - Throws: `ShapeRefusal.reshapeTarget` for a target with two -1s or another negative size,
    ///   `.reshapeSplit` when the sizes other than -1 do not divide the count, `.reshapeCount` when
    ///   a target without -1 holds another count.
    public static func reshape(_ shape: [Int?], to target: [Int]) throws(ShapeRefusal) -> [Int?] {
        let holes = target.indices.filter { target[$0] == -1 }
        guard holes.count <= 1, target.allSatisfy({ $0 >= -1 }) else { throw .reshapeTarget(target) }
        var out = target.map { Optional($0) }
        guard let count = knownElementCount(shape) else {
            if let hole = holes.first { out[hole] = nil }
            return out
        }
        // The product of the written sizes; one beyond any element count stands for an overflow.
        var known = 1
        for d in target where d != -1 {
            let (p, overflow) = known.multipliedReportingOverflow(by: d)
            known = overflow ? Int.max : p
        }
        if let hole = holes.first {
            guard known > 0, count % known == 0 else { throw .reshapeSplit(elements: count, target: target, other: known) }
            out[hole] = count / known
        } else if known != count {
            throw .reshapeCount(elements: count, target: target, holds: known)
        }
        return out
    }

    /// `axis` counted from the end when negative (`-1` is the last), as an index in `0..<rank`, or
    /// `nil` when it is out of range.
    @inlinable
    public static func normalizedAxis(_ axis: Int, rank: Int) -> Int? {
        let a = axis < 0 ? axis &+ rank : axis
        return a >= 0 && a < rank ? a : nil
    }

    /// NumPy's `matmul`: `(..., n, k) x (..., k, m) -> (..., n, m)`. A 1-D left operand is a row
    /// `(1, k)` and a 1-D right operand a column `(k, 1)`, and the axis added is dropped from the
    /// result; the leading (batch) dimensions broadcast. Unknown sizes pass as in `broadcast`;
    /// inner dimensions are compared when both are known.
    ///
    /// - Throws: `ShapeRefusal.matmulRank` for a scalar operand, `.matmulInner` when the inner
    ///   dimensions differ, `.matmulBatch` when the batch dimensions do not broadcast.
    public static func matmul(_ a: [Int?], _ b: [Int?]) throws(ShapeRefusal) -> [Int?] {
        guard !a.isEmpty, !b.isEmpty else { throw .matmulRank }
        let a2: [Int?] = a.count == 1 ? [1, a[0]] : a
        let b2: [Int?] = b.count == 1 ? [b[0], 1] : b
        if let ka = a2[a2.count - 1], let kb = b2[b2.count - 2], ka != kb { throw .matmulInner(ka, kb) }
        var out: [Int?]
        do {
            out = try broadcast(Array(a2.dropLast(2)), Array(b2.dropLast(2)))
        } catch {
            guard case let .broadcast(_, x, y) = error else { throw error }  // invariant: broadcast refuses with .broadcast only
            throw .matmulBatch(x, y)
        }
        if a.count > 1 { out.append(a2[a2.count - 2]) }
        if b.count > 1 { out.append(b2[b2.count - 1]) }
        return out
    }

    /// The number of elements of a shape whose sizes are all known, or `nil` (an unknown size, or
    /// a product beyond `Int`).
    public static func knownElementCount(_ shape: [Int?]) -> Int? {
        var n = 1
        for d in shape {
            guard let d else { return nil }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            n = p
        }
        return n
    }
}

/// Why a `ShapeRule` refuses shapes: the same value on the symbolic path and on values, so both
/// say the same thing. Its `description` is a clause that follows what was refused ("shapes (2, 3)
/// and (4, 3) " + "cannot be broadcast together (dimension 0: 2 vs 4)").
public enum ShapeRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    /// Two known sizes at `dimension` (of the broadcast shape) that differ, neither of them 1.
    case broadcast(dimension: Int, Int, Int)
    /// A reshape target with more than one -1, or a size below -1.
    case reshapeTarget([Int])
    /// A reshape whose sizes other than -1 (their product `other`) do not divide `elements`.
    case reshapeSplit(elements: Int, target: [Int], other: Int)
    /// A reshape whose target (without -1) holds another number of elements.
    case reshapeCount(elements: Int, target: [Int], holds: Int)
    /// A matrix product with a scalar operand.
    case matmulRank
    /// A matrix product whose inner dimensions differ.
    case matmulInner(Int, Int)
    /// A matrix product whose batch dimensions do not broadcast.
    case matmulBatch(Int, Int)

    public var description: String {
        switch self {
        case let .broadcast(dimension, x, y):
            return "cannot be broadcast together (dimension \(dimension): \(x) vs \(y))"
        case let .reshapeTarget(target):
            return "cannot be a reshape target: \(formatShape(target)) may hold at most one -1 and no other negative size"
        case let .reshapeSplit(elements, target, other):
            return other == 0
                ? "cannot be reshaped to \(formatShape(target)): its sizes other than -1 multiply to 0, which leaves -1 undefined"
                : "cannot be reshaped to \(formatShape(target)): its \(elements) elements are not a multiple of \(other)"
        case let .reshapeCount(elements, target, holds):
            return "cannot be reshaped to \(formatShape(target)): it holds \(elements) elements, the target \(holds == Int.max ? "more than any tensor can" : String(holds))"
        case .matmulRank:
            return "cannot be multiplied: matmul operands must have rank 1 or more"
        case let .matmulInner(ka, kb):
            return "cannot be multiplied: inner dimensions \(ka) and \(kb) differ"
        case let .matmulBatch(x, y):
            return "cannot be multiplied: batch sizes \(x) and \(y) do not broadcast"
        }
    }
}
