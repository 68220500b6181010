import Foundation

/// The number of elements of `shape` (1 for a scalar). Callers have validated the shape.
@inlinable
func shapeElementCount(_ shape: [Int]) -> Int {
    var n = 1
    for d in shape { n &*= d }
    return n
}

/// The most elements one tensor may hold: the machine's physical memory in Float32s.
///
/// A request above it ("zeros(100000, 100000, 100)") is a user mistake to report, not a reason to
/// let the allocator kill the session.
public let maximumTensorElements: Int = Int(ProcessInfo.processInfo.physicalMemory / 4)

/// Throws unless every dimension is non-negative and the element count fits in memory.
public func checkShape(_ shape: [Int], op: String) throws {
    var n = 1
    for d in shape {
        guard d >= 0 else {
            throw TensorError(op, "shape \(formatShape(shape)) has a negative dimension")
        }
        let (product, overflow) = n.multipliedReportingOverflow(by: d)
        guard !overflow, product <= maximumTensorElements else {
            throw TensorError(op, "shape \(formatShape(shape)) is too large to allocate (more than \(maximumTensorElements) elements, the machine's memory)")
        }
        n = product
    }
}

/// Resolves a reshape target that may contain one `-1` against an element count.
func resolveReshape(_ target: [Int], count: Int, from shape: [Int]) throws -> [Int] {
    var resolved = target
    let unknown = target.indices.filter { target[$0] == -1 }
    guard unknown.count <= 1, !target.contains(where: { $0 < -1 }) else {
        throw TensorError("reshape", "target \(formatShape(target)) may hold at most one -1 and no other negative size")
    }
    let known = target.filter { $0 != -1 }.reduce(1, *)
    if let u = unknown.first {
        guard known > 0, count % known == 0 else {
            throw TensorError("reshape", "cannot reshape \(formatShape(shape)) (\(count) elements) to \(formatShape(target))")
        }
        resolved[u] = count / known
    }
    guard shapeElementCount(resolved) == count else {
        throw TensorError("reshape", "cannot reshape \(formatShape(shape)) (\(count) elements) to \(formatShape(target)) (\(shapeElementCount(resolved)) elements)")
    }
    return resolved
}

/// The NumPy broadcast of two shapes: aligned from the right, each pair equal or one of them 1.
public func broadcastShapes(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
    let rank = max(a.count, b.count)
    var out = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
        let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
        let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
        if da == db || db == 1 { out[i] = da }
        else if da == 1 { out[i] = db }
        else {
            throw TensorError(op, "shapes \(formatShape(a)) and \(formatShape(b)) cannot be broadcast together (dimension \(i): \(da) vs \(db))")
        }
    }
    return out
}

/// Row-major strides of a shape, in elements.
@inlinable
func contiguousStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[i] = s
        s &*= shape[i]
    }
    return strides
}

/// Turns a possibly negative axis into 0..<rank, or throws naming the axis and the shape.
public func normalizeAxis(_ axis: Int, rank: Int, op: String, shape: [Int]) throws -> Int {
    let a = axis < 0 ? axis + rank : axis
    guard a >= 0, a < rank else {
        throw TensorError(op, "axis \(axis) is out of range for shape \(formatShape(shape)) of rank \(rank)")
    }
    return a
}
