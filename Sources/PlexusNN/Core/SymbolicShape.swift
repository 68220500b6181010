import PlexusTensor
import Foundation

/// A shape whose dimensions may be unknown (`nil`, Keras's `None`), batch dimension first for
/// tensors that flow through layers. Weights and expressions built from weights have no batch
/// dimension: their shapes are fully known.
public typealias SymbolicShape = [Int?]

/// The largest size a dimension, kernel, stride or count may have (2^31 - 1). Keeping every
/// size below it lets shape arithmetic (a size times a stride, a sum of a few sizes) run without
/// overflow checks; anything larger is reported as an error.
public let maximumDimension = maximumAxisSize

/// Formats a symbolic shape as Keras prints it: `(None, 28, 28, 1)`; a rank-1 shape keeps
/// Python's trailing comma, `(24,)`, so it reads like the tensor library's shapes.
public func formatSymbolicShape(_ shape: [Int?]) -> String {
    let parts = shape.map { $0.map(String.init) ?? "None" }
    if parts.count == 1 { return "(\(parts[0]),)" }
    return "(" + parts.joined(separator: ", ") + ")"
}

/// Formats several shapes separated by commas: `(None, 8), (None, 4)`.
func formatSymbolicShapes(_ shapes: [[Int?]]) -> String {
    shapes.map(formatSymbolicShape).joined(separator: ", ")
}

/// The product of the dimensions, or `nil` when one of them is unknown or the product overflows
/// (`ShapeRule.knownElementCount`).
func knownProduct<C: Collection>(_ dims: C) -> Int? where C.Element == Int? {
    ShapeRule.knownElementCount(Array(dims))
}

/// The product of known dimensions, throwing when it does not fit in an `Int`.
func checkedProduct(_ dims: [Int], what: String, layer: String?) throws -> Int {
    var n = 1
    for d in dims {
        let (p, overflow) = n.multipliedReportingOverflow(by: d)
        guard !overflow else {
            throw NetworkError(layer, "has a \(what) of shape \(formatShape(dims)) too large to count")
        }
        n = p
    }
    return n
}

/// Formats an integer with thousands separators, as Keras prints parameter counts: `138,357,544`.
public func formatCount(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return n < 0 ? "-" + out : out
}

/// A byte count with 1024-based units and two decimals, as Keras's summary prints it:
/// `20.77 KB`, `0.00 B`, `527.79 MB`.
public func formatBytes(_ bytes: Double) -> String {
    let units = ["B", "KB", "MB", "GB", "TB", "PB"]
    var size = bytes
    for unit in units {
        if size / 1024 < 1 { return String(format: "%.2f", size) + " " + unit }
        size /= 1024
    }
    return String(format: "%.2f", size) + " " + units[units.count - 1]
}
