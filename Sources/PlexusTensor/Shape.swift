import Foundation

/// The number of elements of `shape` (1 for a scalar). Callers have validated the shape.
@inlinable
func shapeElementCount(_ shape: [Int]) -> Int {
    var n = 1
    for d in shape { n &*= d }
    return n
}

/// The most elements one tensor may hold on this machine: its physical memory in Float32s. A static
/// bound for index arithmetic; `checkShape` judges each request against the memory actually left.
public let maximumTensorElements: Int = Int(ProcessInfo.processInfo.physicalMemory / 4)

/// The largest size one axis may have: 2,147,483,647 (2^31 - 1), the index range of BLAS and of
/// every file format Plexus reads.
public let maximumAxisSize = Int(Int32.max)

/// The largest product of a shape's sizes, a zero counted as one: 2^48. Far beyond any memory,
/// and far enough below `Int.max` that no stride or offset computed from such a shape overflows.
public let maximumShapeProduct = 1 << 48

/// The one check every shape passes where it enters (files, arguments, reshape, an op's output):
/// each size in `0...2,147,483,647`, the product of the sizes (a zero counted as one) at most
/// 2^48, and the elements' bytes within the memory this process may still take (`MemoryLimit`).
///
/// - Throws: `TensorError(op, ...)` naming the shape and the limit it breaks.
public func checkShape(_ shape: [Int], op: String) throws {
    if let problem = shapeSizeProblem(shape.map { $0 }) {
        throw TensorError(op, "shape \(formatShape(shape)) \(problem)")
    }
    let elements = shapeElementCount(shape)
    try MemoryLimit.check(bytes: elements * MemoryLayout<Float>.stride, op: op, what: "shape \(formatShape(shape))")
}

/// `checkShape` for several tensors made together (a dataset's inputs and target): each shape's
/// sizes, and their bytes together within the memory this process may still take.
public func checkShapes(_ shapes: [[Int]], op: String) throws {
    var total = 0
    for shape in shapes {
        if let problem = shapeSizeProblem(shape.map { $0 }) {
            throw TensorError(op, "shape \(formatShape(shape)) \(problem)")
        }
        let (sum, overflow) = total.addingReportingOverflow(shapeElementCount(shape) &* MemoryLayout<Float>.stride)
        total = overflow ? Int.max : sum
    }
    try MemoryLimit.check(bytes: total, op: op, what: shapes.map(formatShape).joined(separator: " and "))
}

/// What is wrong with a shape's sizes (unknown sizes, `nil`, are skipped), or nil: the size part of
/// `checkShape`, for shapes that allocate nothing (symbolic shapes, a layer's arguments).
///
/// "has a negative dimension", "has a size above the limit of 2,147,483,647 per axis", "is too
/// large: the product of its sizes is above 2^48".
public func shapeSizeProblem(_ shape: [Int?]) -> String? {
    var product = 1
    for case let d? in shape {
        guard d >= 0 else { return "has a negative dimension" }
        guard d <= maximumAxisSize else { return "has a size above the limit of 2,147,483,647 per axis" }
        let (p, overflow) = product.multipliedReportingOverflow(by: Swift.max(d, 1))
        guard !overflow, p <= maximumShapeProduct else { return "is too large: the product of its sizes is above 2^48" }
        product = p
    }
    return nil
}

/// Resolves a reshape target that may contain one `-1` against an element count.
func resolveReshape(_ target: [Int], count: Int, from shape: [Int]) throws -> [Int] {
    var resolved = target
    let unknown = target.indices.filter { target[$0] == -1 }
    guard unknown.count <= 1, !target.contains(where: { $0 < -1 }) else {
        throw TensorError("reshape", "target \(formatShape(target)) may hold at most one -1 and no other negative size")
    }
    try checkShape(target.map { $0 == -1 ? 0 : $0 }, op: "reshape")
    let known = target.filter { $0 != -1 }.reduce(1, *)  // no overflow: checked at the door just above
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
