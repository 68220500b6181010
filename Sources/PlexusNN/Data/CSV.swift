import PlexusTensor
/// A numeric table read from a CSV file: the header's column names and the values row by row.
struct NumericTable {
    var names: [String]
    var rows: Int
    /// Row-major, `rows * names.count` values.
    var values: [Float]
}

/// Loads a numeric CSV file with a header line: the column named `label` becomes the target `(N,)`,
/// every other column (in file order) a feature of the input `features` `(N, F)`.
///
/// Values are decimal numbers (`3`, `-0.5`, `1e-3`, `nan`); fields may be quoted and padded with
/// spaces; blank lines and a UTF-8 byte order mark are ignored; line endings may be `\n` or `\r\n`.
///
/// ```swift
/// let data = try csv("iris.csv", label: "species")   // Dataset(150 samples: features (4,) -> target ())
/// ```
/// - Throws: `DataError` naming the file, and for a bad value its line, column number and column
///   name; or when `label` is not a column (with the closest name, if one is close).
public func csv(_ path: String, label: String) throws -> Dataset {
    let table = try readNumericCSV(path)
    let matches = table.names.indices.filter { table.names[$0] == label }
    guard let labelColumn = matches.first else {
        throw DataError(file: path, line: 1, "no column named '\(label)'\(closestColumnHint(label, table.names)); the columns are \(listColumns(table.names))")
    }
    guard matches.count == 1 else {
        throw DataError(file: path, line: 1, "the column name '\(label)' appears \(matches.count) times (columns \(matches.map { String($0 + 1) }.joined(separator: ", "))); rename one so the label is unambiguous")
    }
    let width = table.names.count
    let featureCount = width - 1
    guard featureCount > 0 else {
        throw DataError(file: path, line: 1, "has no feature columns besides the label '\(label)'")
    }
    var features = try Tensor.zeros([table.rows, featureCount])
    var target = try Tensor.zeros([table.rows])
    table.values.withUnsafeBufferPointer { src in
        features.withUnsafeMutableBufferPointer { f in
            target.withUnsafeMutableBufferPointer { t in
                guard let s = src.baseAddress, let fp = f.baseAddress, let tp = t.baseAddress else { return }
                var out = 0
                for r in 0..<table.rows {
                    let row = s + r &* width
                    for c in 0..<width where c != labelColumn {
                        fp[out] = row[c]
                        out &+= 1
                    }
                    tp[r] = row[labelColumn]
                }
            }
        }
    }
    return try Dataset(features, name: "features", target: target)
}

/// Reads a numeric CSV file with a header into a table (see `csv(_:label:)` for the syntax).
func readNumericCSV(_ path: String) throws -> NumericTable {
    let bytes = try DataFileReader(path: path).readAll()
    return try bytes.withUnsafeBufferPointer { try parseNumericCSV($0, file: path) }
}

/// Parses the bytes of a numeric CSV file. One pass over the bytes, no string per field.
func parseNumericCSV(_ buffer: UnsafeBufferPointer<UInt8>, file: String) throws -> NumericTable {
    guard let p = buffer.baseAddress, buffer.count > 0 else {
        throw DataError(file: file, "is empty; expected a header line of column names")
    }
    let n = buffer.count
    let comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n")
    var i = 0
    if n >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { i = 3 }  // UTF-8 byte order mark

    // The header: column names.
    var names: [String] = []
    var lineEnd = i
    while lineEnd < n, p[lineEnd] != newline { lineEnd &+= 1 }
    var fieldStart = i
    for j in i...lineEnd where j == lineEnd || p[j] == comma {
        let (a, b) = trimmedField(p, fieldStart, j)
        guard a < b else {
            throw DataError(file: file, line: 1, column: names.count + 1, "column \(names.count + 1) of the header has no name")
        }
        // Names are shown in summaries and errors: control characters kept as visible escapes.
        names.append(escapingControlCharacters(String(decoding: UnsafeBufferPointer(start: p + a, count: b - a), as: UTF8.self)))
        fieldStart = j + 1
    }
    let width = names.count

    // The rows.
    var values: [Float] = []
    var newlines = 0
    for j in lineEnd..<n where p[j] == newline { newlines &+= 1 }
    // One value per field, and a field takes at least two bytes: never reserve more than the file allows.
    let (estimate, overflow) = newlines.multipliedReportingOverflow(by: width)
    values.reserveCapacity(overflow ? n / 2 + 1 : Swift.min(estimate, n / 2 + 1))
    var line = 1
    var rows = 0
    i = lineEnd + 1
    while i < n {
        line &+= 1
        lineEnd = i
        while lineEnd < n, p[lineEnd] != newline { lineEnd &+= 1 }
        let (lineStart, lineStop) = trimmedField(p, i, lineEnd)
        if lineStart < lineStop {
            var column = 0
            fieldStart = i
            var j = i
            while j <= lineEnd {
                if j == lineEnd || p[j] == comma {
                    guard column < width else {
                        throw DataError(file: file, line: line, column: column + 1, "this row has more than the header's \(width) columns")
                    }
                    let (a, b) = trimmedField(p, fieldStart, j)
                    guard a < b else {
                        throw DataError(file: file, line: line, column: column + 1, "the value in column '\(names[column])' is empty")
                    }
                    guard let value = parseDecimal(p, a, b) else {
                        let text = String(decoding: UnsafeBufferPointer(start: p + a, count: Swift.min(b - a, 24)), as: UTF8.self)
                        throw DataError(file: file, line: line, column: column + 1, "'\(text)\(b - a > 24 ? "..." : "")' in column '\(names[column])' is not a finite number")
                    }
                    values.append(value)
                    column &+= 1
                    fieldStart = j &+ 1
                }
                j &+= 1
            }
            guard column == width else {
                throw DataError(file: file, line: line, column: column, "this row has \(column) columns but the header has \(width)")
            }
            rows &+= 1
        }
        i = lineEnd + 1
    }
    guard rows > 0 else {
        throw DataError(file: file, "has a header but no rows of data")
    }
    return NumericTable(names: names, rows: rows, values: values)
}

/// The field `p[start..<end]` without surrounding spaces, tabs, `\r`, and one pair of double quotes.
@inline(__always)
private func trimmedField(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Int) {
    var a = start, b = end
    while a < b, p[a] == 0x20 || p[a] == 0x09 || p[a] == 0x0D { a &+= 1 }
    while b > a, p[b &- 1] == 0x20 || p[b &- 1] == 0x09 || p[b &- 1] == 0x0D { b &-= 1 }
    if b &- a >= 2, p[a] == 0x22, p[b &- 1] == 0x22 {
        a &+= 1; b &-= 1
        while a < b, p[a] == 0x20 { a &+= 1 }
        while b > a, p[b &- 1] == 0x20 { b &-= 1 }
    }
    return (a, b)
}

/// The first ten column names, quoted, and how many more there are.
private func listColumns(_ names: [String]) -> String {
    let shown = names.prefix(10).map { "'\($0)'" }.joined(separator: ", ")
    return names.count > 10 ? "\(shown) and \(names.count - 10) more" : shown
}

/// " (did you mean 'x'?)" for the column name closest to `name` by edit distance, when it is close.
private func closestColumnHint(_ name: String, _ names: [String]) -> String {
    let target = Array(name.lowercased().utf8)
    var best: (name: String, distance: Int)?
    for candidate in names {
        let d = columnEditDistance(target, Array(candidate.lowercased().utf8))
        if d <= Swift.max(2, target.count / 3), d < (best?.distance ?? Int.max) { best = (candidate, d) }
    }
    return best.map { " (did you mean '\($0.name)'?)" } ?? ""
}

/// Levenshtein distance between two byte strings.
private func columnEditDistance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
        current[0] = i
        for j in stride(from: 1, through: b.count, by: 1) {
            let substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = Swift.min(substitute, previous[j] + 1, current[j - 1] + 1)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
