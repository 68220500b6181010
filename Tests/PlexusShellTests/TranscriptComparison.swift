import Foundation

/// Compares transcripts line by line: numbers within a tolerance, everything else exactly.
///
/// By default a number written with a decimal point or an exponent may differ by 1e-4 relative or
/// 1e-6 absolute, and whole numbers (counts, shapes, line numbers) and all text must be equal.
/// Training figures are chaotic in their last digits (another BLAS kernel or thread count rounds
/// the sums differently, and epochs amplify it), so a script may state a wider tolerance for the
/// numbers that follow a label, in a comment line of its own:
///
///     #~ loss, val_loss within 25%
///     #~ accuracy, val_accuracy within 0.03
///
/// `25%` is relative, `0.03` absolute. `epoch 2/8: loss 0.4381 - accuracy 0.7993` then matches
/// `loss 0.4370 - accuracy 0.8030`, while a training that no longer learns (a loss that stays at
/// 0.69, an accuracy at chance) still differs.
struct TranscriptComparison {
    /// Relative and absolute tolerances for numbers written with a decimal point or an exponent.
    static let relativeTolerance = 1e-4
    static let absoluteTolerance = 1e-6

    enum Tolerance: Equatable {
        case relative(Double)
        case absolute(Double)

        func allows(_ u: Double, _ v: Double) -> Bool {
            switch self {
            case .relative(let r): return abs(u - v) <= r * max(abs(u), abs(v))
            case .absolute(let a): return abs(u - v) <= a
            }
        }
    }

    /// The tolerance of the numbers after each label, as the script states it.
    var labelled: [String: Tolerance] = [:]

    init(labelled: [String: Tolerance] = [:]) {
        self.labelled = labelled
    }

    /// The tolerances a script states in its `#~` lines.
    ///
    /// - Throws: a message naming the line when a `#~` line does not read `#~ LABEL[, LABEL...] within N[%]`.
    init(script: String, name: String) throws {
        for (i, line) in script.components(separatedBy: "\n").enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("#~") else { continue }
            let words = trimmed.dropFirst(2).replacingOccurrences(of: ",", with: " ")
                .split(separator: " ").map(String.init)
            let usage = "\(name):\(i + 1): a tolerance reads '#~ LABEL[, LABEL...] within N%' (relative) or 'within N' (absolute)"
            guard words.count >= 3, words[words.count - 2] == "within" else { throw TranscriptError(usage) }
            var amount = words[words.count - 1]
            let relative = amount.hasSuffix("%")
            if relative { amount.removeLast() }
            guard let n = Double(amount), n >= 0, n.isFinite else { throw TranscriptError(usage) }
            let labels = words.dropLast(2)
            guard labels.allSatisfy({ $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }) else {
                throw TranscriptError(usage)
            }
            for label in labels { labelled[label] = relative ? .relative(n / 100) : .absolute(n) }
        }
    }

    /// nil when the transcripts match, else where and how they first differ.
    func firstDifference(expected: String, actual: String) -> String? {
        let e = expected.components(separatedBy: "\n"), a = actual.components(separatedBy: "\n")
        for i in 0..<max(e.count, a.count) {
            let el = i < e.count ? e[i] : nil, al = i < a.count ? a[i] : nil
            if let el, let al, linesMatch(el, al) { continue }
            return "line \(i + 1) differs\n  expected: \(el.map { $0.debugDescription } ?? "(end of output)")"
                + "\n  actual:   \(al.map { $0.debugDescription } ?? "(end of output)")"
        }
        return nil
    }

    /// With the default tolerances only.
    static func firstDifference(expected: String, actual: String) -> String? {
        TranscriptComparison().firstDifference(expected: expected, actual: actual)
    }

    /// The same text between numbers, and numbers that agree: exactly when both are whole numbers
    /// as written (counts, shapes, line numbers), within the label's tolerance or the default
    /// otherwise.
    func linesMatch(_ expected: String, _ actual: String) -> Bool {
        if expected == actual { return true }
        let e = TranscriptComparison.tokens(expected), a = TranscriptComparison.tokens(actual)
        guard e.count == a.count else { return false }
        var label: String?
        for (x, y) in zip(e, a) {
            switch (x, y) {
            case (.text(let s), .text(let t)):
                if s != t { return false }
                label = TranscriptComparison.label(before: s)
            case (.number(let s, let u), .number(let t, let v)):
                defer { label = nil }
                if TranscriptComparison.isWhole(s) && TranscriptComparison.isWhole(t) {
                    if s != t { return false }
                } else if !(u.isNaN && v.isNaN) && !(u == v) {
                    let tolerance = label.flatMap { labelled[$0] }
                        ?? .relative(TranscriptComparison.relativeTolerance)
                    let close = tolerance.allows(u, v)
                        || abs(u - v) <= TranscriptComparison.absoluteTolerance
                    if !close { return false }
                }
            default:
                return false
            }
        }
        return true
    }

    /// The word a number is the value of: the last word of the text before it, when only spaces,
    /// ':', '=' or '(' come between (`loss` in "epoch 2/8: loss 0.43" and "(loss 0.43)").
    static func label(before text: String) -> String? {
        var scalars = Substring(text).unicodeScalars
        while let last = scalars.last, last == " " || last == ":" || last == "=" || last == "(" { scalars.removeLast() }
        var word = ""
        while let last = scalars.last, last.isASCII, last.properties.isAlphabetic || ("0"..."9").contains(last) || last == "_" {
            word.unicodeScalars.insert(last, at: word.unicodeScalars.startIndex)
            scalars.removeLast()
        }
        return word.isEmpty ? nil : word
    }

    enum Token: Equatable {
        case text(String)
        /// The number as written, and its value.
        case number(String, Double)
    }

    /// Splits a line into numbers (`-1.5e-3`, `42`, `0.5`, standing alone, not inside a name) and the text
    /// between them. A minus sign belongs to the number only where it cannot be subtraction.
    static func tokens(_ line: String) -> [Token] {
        let chars = Array(line.unicodeScalars)
        var out: [Token] = []
        var text = ""
        var i = 0
        func isDigit(_ c: Unicode.Scalar) -> Bool { c.properties.numericType == .decimal && c.isASCII }
        func isWordChar(_ c: Unicode.Scalar) -> Bool { c.isASCII && (c.properties.isAlphabetic || isDigit(c) || c == "_") }
        while i < chars.count {
            let previous: Unicode.Scalar? = i > 0 ? chars[i - 1] : nil
            let startsWord = previous.map { !isWordChar($0) && $0 != "." } ?? true
            var j = i
            if chars[j] == "-", j + 1 < chars.count, isDigit(chars[j + 1]) || chars[j + 1] == ".",
               previous.map({ !isWordChar($0) && $0 != ")" && $0 != "]" }) ?? true {
                j += 1
            }
            var digits = 0
            while j < chars.count, isDigit(chars[j]) { j += 1; digits += 1 }
            if j < chars.count, chars[j] == ".", j + 1 < chars.count, isDigit(chars[j + 1]) {
                j += 1
                while j < chars.count, isDigit(chars[j]) { j += 1; digits += 1 }
            }
            if digits > 0, j < chars.count, chars[j] == "e" || chars[j] == "E" {
                var k = j + 1
                if k < chars.count, chars[k] == "-" || chars[k] == "+" { k += 1 }
                if k < chars.count, isDigit(chars[k]) {
                    while k < chars.count, isDigit(chars[k]) { k += 1 }
                    j = k
                }
            }
            if digits > 0, startsWord, j == chars.count || !isWordChar(chars[j]) {
                let written = String(String.UnicodeScalarView(chars[i..<j]))
                if !text.isEmpty { out.append(.text(text)); text = "" }
                out.append(.number(written, Double(written) ?? .nan))
                i = j
                continue
            }
            text.unicodeScalars.append(chars[i])
            i += 1
        }
        if !text.isEmpty { out.append(.text(text)) }
        return out
    }

    static func isWhole(_ written: String) -> Bool {
        !written.contains(".") && !written.contains("e") && !written.contains("E")
    }
}

struct TranscriptError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
