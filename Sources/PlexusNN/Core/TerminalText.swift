/// Text from the user or a file made safe to show on a terminal: every control character other
/// than tab and newline (C0, DEL, and the C1 range, which holds the CSI that terminals obey) is
/// written as a visible escape, `\x1b`, so a script or a csv header holding `ESC ] 0 ; title BEL`
/// cannot retitle or recolour the terminal that shows its diagnostics.
public func escapingControlCharacters(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isEscapedControl) else { return text }
    var out = ""
    for scalar in text.unicodeScalars { out += visibleForm(of: scalar) }
    return out
}

/// The scalar as shown: itself, or `\xHH` for a control character (`\u{HHHH}` above 0xFF).
public func visibleForm(of scalar: Unicode.Scalar) -> String {
    guard isEscapedControl(scalar) else { return String(scalar) }
    let hex = String(scalar.value, radix: 16)
    return scalar.value <= 0xFF ? "\\x" + String(repeating: "0", count: 2 - hex.count) + hex : "\\u{\(hex)}"
}

/// C0 controls but tab and newline, DEL, C1 controls.
func isEscapedControl(_ scalar: Unicode.Scalar) -> Bool {
    let v = scalar.value
    if v == 0x09 || v == 0x0A { return false }
    return v < 0x20 || (v >= 0x7F && v <= 0x9F)
}
