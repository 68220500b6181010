import PlexusNN
/// A problem found in the user's source by any phase (lexer, parser, interpreter, builtins).
///
/// Phases never print: they throw a `Diagnostic`, and `DiagnosticRenderer` is the one place that
/// turns it into text, so syntax and runtime errors look alike.
public struct Diagnostic: Error, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }

    /// Extra context: "defined here", the valid choices, the call that led here.
    public struct Note: Equatable, Sendable {
        public var message: String
        public var span: SourceSpan?
        public init(_ message: String, span: SourceSpan? = nil) {
            self.message = message
            self.span = span
        }
    }

    public var severity: Severity
    public var message: String
    public var span: SourceSpan
    public var notes: [Note]
    /// A concrete fix, shown as a `help:` line.
    public var suggestion: String?

    public init(_ message: String, at span: SourceSpan, notes: [Note] = [], suggestion: String? = nil,
                severity: Severity = .error) {
        self.severity = severity
        self.message = message
        self.span = span
        self.notes = notes
        self.suggestion = suggestion
    }

    /// The rendered form without colour.
    public var description: String { DiagnosticRenderer.render(self) }
}

/// Renders diagnostics as compilers do: `FILE:LINE:COL: error: message`, the source line, a caret
/// line (`^~~~` under the span), then `note:` and `help:` lines.
///
/// ```
/// <repl>:1:5: error: unknown name 'conv2D': did you mean conv2d?
/// x = conv2D(3)
///     ^~~~~~
/// ```
public enum DiagnosticRenderer {
    /// Renders one diagnostic; the result ends with a newline.
    ///
    /// - Parameter color: ANSI colours for a terminal; off by default so that output compares exactly.
    public static func render(_ d: Diagnostic, color: Bool = false) -> String {
        let bold = color ? "\u{1B}[1m" : "", reset = color ? "\u{1B}[0m" : ""
        let red = color ? "\u{1B}[1;31m" : "", magenta = color ? "\u{1B}[1;35m" : ""
        let green = color ? "\u{1B}[1;32m" : "", cyan = color ? "\u{1B}[1;36m" : ""
        let severityColor = d.severity == .error ? red : magenta

        // Everything echoed from the user's text is escaped (`escapingControlCharacters`).
        let safe = escapingControlCharacters
        var out = "\(bold)\(safe(d.span.description)):\(reset) \(severityColor)\(d.severity.rawValue):\(reset) "
        out += "\(bold)\(safe(d.message))\(reset)\n"
        out += excerpt(d.span, caretColor: green, reset: reset)
        for note in d.notes {
            if let span = note.span, span != d.span {
                out += "\(bold)\(safe(span.description)):\(reset) \(cyan)note:\(reset) \(safe(note.message))\n"
                out += excerpt(span, caretColor: green, reset: reset)
            } else {
                out += "\(cyan)note:\(reset) \(safe(note.message))\n"
            }
        }
        if let help = d.suggestion { out += "\(cyan)help:\(reset) \(safe(help))\n" }
        return out
    }

    /// The source line of a span and the caret line under it.
    static func excerpt(_ span: SourceSpan, caretColor: String, reset: String) -> String {
        let line = span.source.line(span.line)
        let scalars = Array(line.unicodeScalars)
        let startIndex = max(0, span.column - 1)
        // Carets cover the span's scalars on its first line (at least one caret, even at end of line).
        let lineStart = span.source.lineStarts.indices.contains(span.line - 1)
            ? span.source.lineStarts[span.line - 1] : 0
        let spanEndByte = span.endOffset - lineStart
        var width = 0
        var byte = 0
        // A control character shows as its escape (`\x1b`): the carets count its visible width.
        let shown = scalars.map(visibleForm(of:))
        for (i, scalar) in scalars.enumerated() {
            let size = UTF8.width(scalar)
            if i >= startIndex, byte < spanEndByte { width += shown[i].count }
            byte += size
        }
        width = max(1, width)
        var padding = ""
        for i in 0..<min(startIndex, scalars.count) {
            padding += scalars[i] == "\t" ? "\t" : String(repeating: " ", count: shown[i].count)
        }
        if startIndex > scalars.count { padding += String(repeating: " ", count: startIndex - scalars.count) }
        let carets = "^" + String(repeating: "~", count: width - 1)
        return shown.joined() + "\n" + padding + caretColor + carets + reset + "\n"
    }
}
