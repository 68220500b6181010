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

/// Resolves a reshape target that may contain one `-1` against the elements of `shape`
/// (`ShapeRule.reshape`), then checks the result at the door (`checkShape`).
///
/// - Throws: `TensorError("reshape", ...)` naming both shapes.
func resolveReshape(_ target: [Int], from shape: [Int]) throws -> [Int] {
    let resolved: [Int?]
    do {
        resolved = try ShapeRule.reshape(shape.map { $0 }, to: target)
    } catch {
        throw TensorError("reshape", "\(formatShape(shape)) \(error)")
    }
    assert(!resolved.contains(nil), "every size of `shape` is known, so is every size resolved")  // invariant
    let sizes = resolved.map { $0 ?? 0 }
    try checkShape(sizes, op: "reshape")
    return sizes
}

/// The NumPy broadcast of two shapes of known sizes (`ShapeRule.broadcast`).
///
/// - Throws: `TensorError(op, ...)` naming both shapes and the dimension that differs.
public func broadcastShapes(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
    do {
        let shape = try ShapeRule.broadcast(a.map { $0 }, b.map { $0 })
        assert(!shape.contains(nil), "known sizes in, known sizes out")  // invariant
        return shape.map { $0 ?? 1 }
    } catch {
        throw TensorError(op, "shapes \(formatShape(a)) and \(formatShape(b)) \(error)")
    }
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

/// Turns a possibly negative axis into 0..<rank (`ShapeRule.normalizedAxis`), or throws naming
/// the axis and the shape.
public func normalizeAxis(_ axis: Int, rank: Int, op: String, shape: [Int]) throws -> Int {
    guard let a = ShapeRule.normalizedAxis(axis, rank: rank) else {
        throw TensorError(op, "axis \(axis) is out of range for shape \(formatShape(shape)) of rank \(rank)")
    }
    return a
}
