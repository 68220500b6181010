/// Parses the bytes `p[start..<end]` as a decimal number (`-12`, `3.5`, `.5`, `1e-3`, `nan`, `inf`),
/// or returns `nil`.
///
/// The common case (at most 15 significant digits, a small exponent) is computed here without
/// allocating: the digits as an integer, scaled by an exact power of ten in Double. Anything else
/// falls back to Swift's own `Float(String)`, which is correctly rounded.
func parseDecimal(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
    // The rule for numbers (`requireFinite`): `1e999`, `nan` and `inf` are not read.
    guard let value = parseAnyDecimal(p, start, end), value.isFinite else { return nil }
    return value
}

/// `parseDecimal` before the finiteness rule.
private func parseAnyDecimal(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
    guard start < end else { return nil }
    var i = start
    var negative = false
    if p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+") {
        negative = p[i] == UInt8(ascii: "-")
        i &+= 1
    }
    var mantissa: UInt64 = 0
    var digits = 0, fractionDigits = 0
    var sawDigit = false
    while i < end, p[i] &- 48 < 10 {
        if digits < 15 { mantissa = mantissa &* 10 &+ UInt64(p[i] &- 48); if mantissa != 0 { digits &+= 1 } }
        else { return slowParseDecimal(p, start, end) }
        sawDigit = true
        i &+= 1
    }
    if i < end, p[i] == UInt8(ascii: ".") {
        i &+= 1
        while i < end, p[i] &- 48 < 10 {
            if digits < 15 {
                mantissa = mantissa &* 10 &+ UInt64(p[i] &- 48)
                if mantissa != 0 { digits &+= 1 }
                fractionDigits &+= 1
            } else { return slowParseDecimal(p, start, end) }
            sawDigit = true
            i &+= 1
        }
    }
    guard sawDigit else { return slowParseDecimal(p, start, end) }
    var exponent = 0
    if i < end, p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E") {
        i &+= 1
        var negativeExponent = false
        if i < end, p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+") {
            negativeExponent = p[i] == UInt8(ascii: "-")
            i &+= 1
        }
        let exponentStart = i
        while i < end, p[i] &- 48 < 10, i &- exponentStart < 6 {
            exponent = exponent &* 10 &+ Int(p[i] &- 48)
            i &+= 1
        }
        guard i > exponentStart else { return nil }
        if negativeExponent { exponent = -exponent }
    }
    guard i == end else { return slowParseDecimal(p, start, end) }
    let scale = exponent &- fractionDigits
    guard scale >= -22, scale <= 22 else { return slowParseDecimal(p, start, end) }
    var value = Double(mantissa)  // exact: below 10^15 < 2^53
    value = scale >= 0 ? value * exactPowersOfTen[scale] : value / exactPowersOfTen[-scale]
    return Float(negative ? -value : value)
}

/// 10^0 ... 10^22: every one is exactly representable in Double.
private let exactPowersOfTen: [Double] = (0...22).map { e in
    var x = 1.0
    for _ in 0..<e { x *= 10 }
    return x
}

private func slowParseDecimal(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
    Float(String(decoding: UnsafeBufferPointer(start: p + start, count: end - start), as: UTF8.self))
}
