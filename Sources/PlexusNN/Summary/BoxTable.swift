/// A table drawn with box characters the way Keras 3's summary draws it through `rich`
/// (`box.HEAVY_HEAD`, a line between rows): heavy border around the header, light below.
///
/// Column widths follow Keras and rich exactly: Keras cuts `lineLength` at fractional
/// `positions`, rich adds one space of padding on each side and then shrinks the columns back
/// into the line with its `ratio_reduce` (rounding half to even, as Python does), so a table of
/// `lineLength` 88 has content columns of 36, 27 and 15 characters.
///
/// Unlike rich with Keras's settings, a cell never ends in "…": long text wraps at spaces and a
/// word longer than its column folds onto the next line.
struct BoxTable {
    struct Column {
        var header: String
        /// Width including one space of padding on each side.
        var width: Int
        var rightAligned: Bool
    }

    var columns: [Column]

    /// Columns whose right edges sit at `positions` (fractions of `lineLength`), as Keras sets them.
    init(headers: [String], positions: [Double], rightAligned: [Bool], lineLength: Int) {
        var raw: [Int] = []
        var current = 0
        for p in positions {
            let w = Int(p * Double(lineLength)) - current
            raw.append(Swift.max(w, 4))
            current += w
        }
        let padded = raw.map { $0 + 2 }
        let available = lineLength - (raw.count + 1)
        let excess = padded.reduce(0, +) - available
        let widths = excess > 0 ? BoxTable.ratioReduce(excess, ratios: padded.map { _ in 1 }, maximums: padded, values: padded) : padded
        columns = zip(zip(headers, widths), rightAligned).map { Column(header: $0.0, width: Swift.max($0.1, 3), rightAligned: $1) }
    }

    /// Widens `column` so that a cell of `textWidth` characters fits on one line, taking the room
    /// from `donor` (never below 8 characters): a number (a Param # count) must not wrap mid-number.
    mutating func widen(_ column: Int, toFit textWidth: Int, takingFrom donor: Int) {
        let missing = textWidth + 2 - columns[column].width
        guard missing > 0 else { return }
        let taken = Swift.min(missing, Swift.max(0, columns[donor].width - 10))
        columns[donor].width -= taken
        columns[column].width += missing   // the line grows by what the donor could not give
    }

    /// rich's `ratio_reduce`: takes `total` away from `values` in proportion to `ratios`.
    static func ratioReduce(_ total: Int, ratios: [Int], maximums: [Int], values: [Int]) -> [Int] {
        let ratios = zip(ratios, maximums).map { $1 > 0 ? $0 : 0 }
        var totalRatio = ratios.reduce(0, +)
        guard totalRatio > 0 else { return values }
        var remaining = total
        var result: [Int] = []
        for (ratio, (maximum, value)) in zip(ratios, zip(maximums, values)) {
            if ratio > 0 && totalRatio > 0 {
                let share = (Double(ratio) * Double(remaining) / Double(totalRatio)).rounded(.toNearestOrEven)
                let distributed = Swift.min(maximum, Int(share))
                result.append(value - distributed)
                remaining -= distributed
                totalRatio -= ratio
            } else {
                result.append(value)
            }
        }
        return result
    }

    /// The lines of the table with `rows` of cells (a cell may hold `\n`).
    func render(_ rows: [[String]]) -> [String] {
        func rule(_ left: String, _ fill: String, _ mid: String, _ right: String) -> String {
            left + columns.map { String(repeating: fill, count: $0.width) }.joined(separator: mid) + right
        }
        func lines(_ cells: [String], _ bar: String) -> [String] {
            let wrapped = zip(columns, cells).map { col, text in wrap(text, width: col.width - 2) }
            let height = wrapped.map(\.count).max() ?? 1
            return (0..<height).map { i in
                bar + zip(columns, wrapped).map { col, ls in
                    let t = i < ls.count ? ls[i] : ""
                    let pad = String(repeating: " ", count: Swift.max(0, col.width - 2 - t.count))
                    return " " + (col.rightAligned ? pad + t : t + pad) + " "
                }.joined(separator: bar) + bar
            }
        }
        var out = [rule("┏", "━", "┳", "┓")]
        out += lines(columns.map(\.header), "┃")
        out.append(rule("┡", "━", "╇", "┩"))
        for (i, row) in rows.enumerated() {
            if i > 0 { out.append(rule("├", "─", "┼", "┤")) }
            out += lines(row, "│")
        }
        out.append(rule("└", "─", "┴", "┘"))
        return out
    }
}

/// Greedy word wrap to `width` columns: breaks at spaces, folds words longer than a line, keeps
/// explicit line breaks. Never truncates.
func wrap(_ text: String, width: Int) -> [String] {
    let width = Swift.max(width, 1)
    var out: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
        var line = ""
        for word in paragraph.split(separator: " ") {
            var word = String(word)
            if !line.isEmpty && line.count + 1 + word.count <= width {
                line += " " + word
                continue
            }
            if !line.isEmpty { out.append(line); line = "" }
            while word.count > width {
                out.append(String(word.prefix(width)))
                word = String(word.dropFirst(width))
            }
            line = word
        }
        out.append(line)
    }
    return out
}
