import Foundation

/// A loss, metric or gradient norm as the shell prints it: four decimals below a million, as Keras
/// prints them (`0.1234`), and in scientific form above (`1.2e+15`), so that any value prints,
/// however large (a diverging run's loss), and `nan`, `inf`, `-inf` for the values that are not
/// numbers.
///
/// Every figure printed by `fit`, `step`, `evaluate`, `grads`, `history` goes through here: no
/// printing path converts a `Double` to an `Int`, which traps above 9.2e18.
public func formatFigure(_ x: Double, decimals: Int = 4) -> String {
    guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
    if Swift.abs(x) >= 1e6 { return String(format: "%.\(Swift.max(decimals, 1))g", x) }
    let text = String(format: "%.\(decimals)f", x)
    // "-0.0000" is zero to the reader.
    return text.hasPrefix("-") && text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) ? String(text.dropFirst()) : text
}

/// A float as the language prints it: `0.05`, `1`, `1e-05`.
func formatFloat(_ v: Float) -> String {
    if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
    return String(format: "%g", Double(v))
}
