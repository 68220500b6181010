import PlexusTensor
import Foundation

// One sample of a map-predicting model drawn as greyscale panels side by side (its inputs, the
// target map and the predicted map): in the terminal as characters of a brightness ramp, or as an
// SVG file. What a person wants to see of a template matcher: does the map light up where the
// template is?

/// A panel of a picture: a title and a grid of values, with the place of its largest value.
public struct PicturePanel {
    public let title: String
    public let rows: Int
    public let columns: Int
    /// Row-major values, `rows * columns` of them.
    public let values: [Float]

    /// A panel of one sample's tensor: `(h, w)`, `(h, w, c)` (its first channel) or `(n,)` (one
    /// row).
    /// - Throws: `TensorError` naming the shape when it is none of those, or empty.
    public init(title: String, sample: Tensor) throws {
        let s = sample.shape
        let (r, c): (Int, Int)
        switch s.count {
        case 1: (r, c) = (1, s[0])
        case 2: (r, c) = (s[0], s[1])
        case 3: (r, c) = (s[0], s[1])
        default:
            throw TensorError("picture", "'\(title)' has samples of shape \(formatShape(s)); a picture shows (height, width), (height, width, channels) or (length,)")
        }
        guard r > 0, c > 0 else { throw TensorError("picture", "'\(title)' has empty samples \(formatShape(s))") }
        let channels = s.count == 3 ? s[2] : 1
        let all = sample.scalars
        var values = [Float](repeating: 0, count: r * c)
        for i in 0..<(r * c) { values[i] = all[i * channels] }
        self.title = channels > 1 ? "\(title) (channel 1 of \(channels))" : title
        self.rows = r
        self.columns = c
        self.values = values
    }

    /// The row and column of the first largest value (row-major, as `location_accuracy` counts).
    public var peak: (row: Int, column: Int) {
        var best = 0
        for i in values.indices where values[i] > values[best] { best = i }
        return (best / columns, best % columns)
    }

    /// Each value scaled to [0, 1] over the panel's own range (all 0 when the panel is constant).
    var normalized: [Float] {
        guard let lo = values.min(), let hi = values.max(), hi > lo, (hi - lo).isFinite else {
            return [Float](repeating: 0, count: values.count)
        }
        return values.map { ($0 - lo) / (hi - lo) }
    }
}

/// The brightness ramp of terminal pictures, darkest first.
public let pictureRamp = Array(" .:-=+*#%@")

/// The panels side by side, one character per value from `pictureRamp` (each panel scaled to its
/// own range), titles above, then a line with the value range of each panel.
public func terminalPicture(_ panels: [PicturePanel]) -> String {
    let widths = panels.map { Swift.max($0.columns, $0.title.count) }
    let height = panels.map(\.rows).max() ?? 0
    let gap = "  "
    func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: Swift.max(0, w - s.count)) }
    var lines: [String] = [zip(panels, widths).map { pad($0.title, $1) }.joined(separator: gap)]
    let scaled = panels.map(\.normalized)
    for r in 0..<height {
        var cells: [String] = []
        for (k, panel) in panels.enumerated() {
            var row = ""
            if r < panel.rows {
                for c in 0..<panel.columns {
                    let v = scaled[k][r * panel.columns + c]
                    row.append(pictureRamp[Swift.min(pictureRamp.count - 1, Int(v * Float(pictureRamp.count - 1) + 0.5))])
                }
            }
            cells.append(pad(row, widths[k]))
        }
        lines.append(cells.joined(separator: gap))
    }
    return lines.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }.joined(separator: "\n") + "\n"
}

/// The panels side by side as an SVG document: a grey square per value (each panel scaled to its
/// own range, black lowest), titles above, and a red outline on the largest value of the panels
/// listed in `markPeaks`.
public func svgPicture(_ panels: [PicturePanel], markPeaks: Set<Int> = [], pixel: Int = 8) -> String {
    let gap = 2 * pixel, top = 24
    var x = gap
    var body: [String] = []
    for (k, panel) in panels.enumerated() {
        let width = panel.columns * pixel
        body.append("<text x=\"\(x)\" y=\"16\" font-family=\"monospace\" font-size=\"13\">\(xmlEscaped(panel.title))</text>")
        let scaled = panel.normalized
        for r in 0..<panel.rows {
            for c in 0..<panel.columns {
                let g = Int((scaled[r * panel.columns + c] * 255).rounded())
                body.append("<rect x=\"\(x + c * pixel)\" y=\"\(top + r * pixel)\" width=\"\(pixel)\" height=\"\(pixel)\" fill=\"rgb(\(g),\(g),\(g))\"/>")
            }
        }
        if markPeaks.contains(k) {
            let p = panel.peak
            body.append("<rect x=\"\(x + p.column * pixel)\" y=\"\(top + p.row * pixel)\" width=\"\(pixel)\" height=\"\(pixel)\" fill=\"none\" stroke=\"red\" stroke-width=\"2\"/>")
        }
        x += Swift.max(width, panel.title.count * 8) + gap
    }
    let height = top + (panels.map(\.rows).max() ?? 0) * pixel + gap
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(x)\" height=\"\(height)\" viewBox=\"0 0 \(x) \(height)\">\n"
        + "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" + body.joined(separator: "\n") + "\n</svg>\n"
}

private func xmlEscaped(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
