import PlexusTensor
import Foundation

/// The values of a model's weights at one moment, to see later which ones training moved.
///
/// Weights are kept by identity, so the comparison is exact even when two layers share names.
public final class WeightSnapshot: CustomStringConvertible {
    public let modelName: String
    let values: [(weight: Weight, value: Tensor)]
    /// The model the snapshot was taken of: `changes(in:)` compares with that model only.
    private weak var model: Model?

    /// Takes the current values (materialising weights that have none yet with `generator`).
    public init(_ model: Model, using generator: inout RandomGenerator) throws {
        modelName = model.name
        self.model = model
        values = try model.weights.map { w in (w, try w.materialize(using: &generator).value) }
    }

    public var description: String {
        "snapshot of \(modelName): \(values.count) weights, \(formatCount(values.reduce(0) { $0 + $1.value.count })) values"
    }

    /// For each weight: the largest absolute change and the change relative to the old norm.
    ///
    /// - Throws: `NetworkError` when `model` is not the model the snapshot was taken of.
    public func changes(in model: Model) throws -> [WeightChange] {
        guard self.model === model else {
            throw NetworkError(model.name, "is not the model this snapshot was taken of: it belongs to \"\(modelName)\"",
                               hint: "changed(snapshot(\(model.name)), \(model.name)) compares \(model.name) with itself")
        }
        return values.map { w, old in
            guard let now = w.variable?.value, now.shape == old.shape else {
                return WeightChange(weight: w, maxAbs: .nan, relative: .nan)
            }
            var maxAbs: Float = 0, diff: Double = 0, norm: Double = 0
            old.withUnsafeBufferPointer { o in now.withUnsafeBufferPointer { n in
                for i in 0..<o.count {
                    let d = n[i] - o[i]
                    maxAbs = Swift.max(maxAbs, abs(d))
                    diff += Double(d) * Double(d)
                    norm += Double(o[i]) * Double(o[i])
                }
            } }
            // Relative to nothing is undefined: a weight that started at zero (a bias) shows "-".
            let relative = norm > 0 ? Float(diff.squareRoot() / norm.squareRoot()) : .nan
            return WeightChange(weight: w, maxAbs: maxAbs, relative: relative)
        }
    }
}

/// How much one weight moved since a snapshot.
public struct WeightChange {
    public let weight: Weight
    /// The largest absolute change of one element.
    public let maxAbs: Float
    /// ||now - then|| / ||then||; NaN when the weight was all zeros.
    public let relative: Float
    public var moved: Bool { maxAbs > 0 }
}

/// `changed(snap, m)` as a table: every weight, trainable or frozen, and whether it moved.
public func changeTable(_ changes: [WeightChange], modelName: String) -> String {
    let rows = changes.map { c -> [String] in
        let state = c.weight.trainable ? "trainable" : (c.weight.role == .statistic ? "statistic" : "frozen")
        return [c.weight.path, formatShape(c.weight.shape), state,
                c.maxAbs.isNaN ? "-" : scientific(c.maxAbs), c.relative.isNaN ? "-" : scientific(c.relative),
                c.maxAbs.isNaN ? "released" : (c.moved ? "moved" : "unchanged")]
    }
    let moved = changes.filter(\.moved).count
    return "Changes in \"\(modelName)\" since the snapshot: \(moved) of \(changes.count) weights moved\n"
        + textTable(header: ["Weight", "Shape", "State", "Max |change|", "Relative", ""], rows: rows, rightAligned: [3, 4])
}

/// `grads(m, data)` as a table: the gradient norm of every weight.
public func gradientTable(_ norms: [(weight: Weight, norm: Float?)], loss: Float, modelName: String) -> String {
    let rows = norms.map { w, n -> [String] in
        let state = w.trainable ? "trainable" : (w.role == .statistic ? "statistic" : "frozen")
        return [w.path, formatShape(w.shape), state, n.map(scientific) ?? "-"]
    }
    let reached = norms.filter { ($0.norm ?? 0) > 0 }.count
    return "Gradients of \"\(modelName)\" on one batch (loss \(format4(loss))): \(reached) of \(norms.count) weights receive gradient\n"
        + textTable(header: ["Weight", "Shape", "State", "Gradient norm"], rows: rows, rightAligned: [3])
}

/// A number as `1.234e-03`: magnitudes of gradients and changes span many decades.
func scientific(_ x: Float) -> String {
    x == 0 ? "0" : String(format: "%.3e", Double(x))
}

/// A plain table with a header rule, columns padded, some right-aligned.
func textTable(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
    var widths = header.map(\.count)
    for r in rows { for (i, c) in r.enumerated() { widths[i] = Swift.max(widths[i], c.count) } }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in
            let pad = String(repeating: " ", count: widths[i] - c.count)
            return rightAligned.contains(i) ? pad + c : c + pad
        }.joined(separator: "  ").replacingTrailingSpaces()
    }
    var out = line(header) + "\n" + widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
    for r in rows { out += line(r) + "\n" }
    return out
}

private extension String {
    func replacingTrailingSpaces() -> String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
