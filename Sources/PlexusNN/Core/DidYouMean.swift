/// The edit distance between two strings, counting an insertion, a deletion, a substitution or a swap
/// of two neighbouring characters as one edit (Damerau-Levenshtein, optimal string alignment).
///
/// Swaps count once because transposed letters (`dnese`) are the most common typo in names.
public func editDistance(_ a: String, _ b: String) -> Int {
    let s = Array(a.unicodeScalars), t = Array(b.unicodeScalars)
    if s.isEmpty { return t.count }
    if t.isEmpty { return s.count }
    let width = t.count + 1
    // Three rows: two back (for swaps), previous, current.
    var before = [Int](repeating: 0, count: width)
    var previous = Array(0...t.count)
    var current = [Int](repeating: 0, count: width)
    for i in 1...s.count {
        current[0] = i
        for j in 1...t.count {
            let cost = s[i - 1] == t[j - 1] ? 0 : 1
            var best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1, j > 1, s[i - 1] == t[j - 2], s[i - 2] == t[j - 1] {
                best = min(best, before[j - 2] + 1)
            }
            current[j] = best
        }
        (before, previous, current) = (previous, current, before)
    }
    return previous[t.count]
}

/// The candidate a mistyped name most likely meant, or nil when none is close enough.
///
/// Close enough means at most one edit for names up to four characters and at most a third of the
/// name's length beyond that (case differences count as edits but win ties); a candidate that
/// differs only in case is always suggested (`conv2D` -> `conv2d`).
public func didYouMean(_ name: String, candidates: [String]) -> String? {
    let lowered = name.lowercased()
    let limit = max(1, name.unicodeScalars.count / 3)
    var best: (candidate: String, distance: Int, exact: Int)?
    let length = name.unicodeScalars.count
    for candidate in candidates where candidate != name {
        // The distance is at least the difference in length: skip hopeless candidates cheaply.
        guard abs(candidate.unicodeScalars.count - length) <= limit else { continue }
        let distance = editDistance(lowered, candidate.lowercased())
        guard distance <= limit else { continue }
        let exact = editDistance(name, candidate)
        if let b = best, (b.distance, b.exact, b.candidate) <= (distance, exact, candidate) { continue }
        best = (candidate, distance, exact)
    }
    return best?.candidate
}
