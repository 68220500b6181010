/// The loss of each record (epoch or step call) drawn as a terminal chart: `height` rows, one
/// column per record (stretched when there are few), the y axis labelled with the range.
public func historyChart(_ records: [TrainingRecord], modelName: String, height: Int = 10) -> String {
    guard !records.isEmpty else { return "\"\(modelName)\" has no training history yet\n" }
    var series: [(name: String, values: [Float])] = [("loss", records.map(\.loss))]
    if records.allSatisfy({ $0.validationLoss != nil }) {
        series.append(("val_loss", records.compactMap(\.validationLoss)))
    }
    let all = series.flatMap(\.values).filter(\.isFinite)
    guard let lo = all.min(), let hi = all.max() else { return "the history of \"\(modelName)\" holds no finite losses\n" }
    // In Double: the span of two large Floats (3e38 - -3e38) overflows Float.
    let span = hi > lo ? Double(hi) - Double(lo) : 1
    let width = Swift.min(Swift.max(records.count, 1), 60)
    let stretch = Swift.max(1, 40 / width)
    let marks: [Character] = ["●", "○"]
    var grid = Array(repeating: Array(repeating: Character(" "), count: width * stretch), count: height)
    for (k, s) in series.enumerated().reversed() {   // the training loss drawn last, on top
        for col in 0..<width {
            let i = records.count <= width ? col : col * (records.count - 1) / Swift.max(width - 1, 1)
            guard i < s.values.count, s.values[i].isFinite else { continue }
            let row = Swift.min(height - 1, Swift.max(0, Int(((Double(hi) - Double(s.values[i])) / span * Double(height - 1)).rounded())))
            for c in 0..<stretch where c == stretch / 2 { grid[row][col * stretch + c] = marks[k] }
        }
    }
    let labels = (0..<height).map { r -> String in
        r == 0 ? format4(hi) : (r == height - 1 ? format4(lo) : "")
    }
    let labelWidth = labels.map(\.count).max() ?? 0
    var out = "Training history of \"\(modelName)\" (\(records.count) record\(records.count == 1 ? "" : "s"): "
        + series.enumerated().map { "\(marks[$0.offset]) \($0.element.name)" }.joined(separator: ", ") + ")\n"
    for r in 0..<height {
        let label = String(repeating: " ", count: labelWidth - labels[r].count) + labels[r]
        var line = label + " │" + String(grid[r])
        while line.hasSuffix(" ") { line.removeLast() }
        out += line + "\n"
    }
    out += String(repeating: " ", count: labelWidth) + " └" + String(repeating: "─", count: width * stretch) + "\n"
    out += String(repeating: " ", count: labelWidth + 2) + records[0].label
    if records.count > 1, let last = records.last { out += " … " + last.label }
    return out + "\n"
}
