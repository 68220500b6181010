/// One piece of source text the user gave Plexus: a line typed at the prompt or a script file.
///
/// Spans point back at their `SourceFile` so a diagnostic can always show the line it is about, even
/// when it is raised long after that line was typed (a function defined on line 1 and failing when
/// called on line 9 points at line 1).
public final class SourceFile: @unchecked Sendable {
    /// The name shown in diagnostics: a file path, or `<stdin>` / `<repl>` for typed lines.
    public let name: String
    /// The raw bytes as given; they may be invalid UTF-8 (the lexer reports that, never crashes).
    public let bytes: [UInt8]
    /// Byte offsets at which each line starts (line 1 starts at offset 0).
    public let lineStarts: [Int]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
        var starts = [0]
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") { starts.append(i + 1) }
        self.lineStarts = starts
    }

    public convenience init(name: String, text: String) {
        self.init(name: name, bytes: Array(text.utf8))
    }

    /// The text of a 1-based line without its line terminator; invalid UTF-8 is shown as U+FFFD.
    public func line(_ number: Int) -> String {
        guard number >= 1, number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The source text a span covers (used to record successful statements for `:save`).
    public func text(of span: SourceSpan) -> String {
        let start = min(max(0, span.start.offset), bytes.count)
        let end = min(bytes.count, start + max(0, span.length))
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

/// A position in a source: 1-based line and column (columns count Unicode scalars, so a caret lines
/// up under non-ASCII text), and the 0-based UTF-8 byte offset.
public struct SourceLocation: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    public var description: String { "\(line):\(column)" }
}

/// A stretch of source: where it starts and how many UTF-8 bytes it covers, in which source.
///
/// Every token, AST node and diagnostic carries one, so runtime errors point at the expression that
/// failed with the same renderer as syntax errors.
public struct SourceSpan: Equatable, Sendable, CustomStringConvertible {
    public var source: SourceFile
    public var start: SourceLocation
    /// Length in UTF-8 bytes.
    public var length: Int

    public init(source: SourceFile, start: SourceLocation, length: Int) {
        self.source = source
        self.start = start
        self.length = length
    }

    public var line: Int { start.line }
    public var column: Int { start.column }
    public var offset: Int { start.offset }
    public var endOffset: Int { start.offset + length }

    /// The span from the start of `self` to the end of `other` (both in the same source).
    public func through(_ other: SourceSpan) -> SourceSpan {
        guard other.source === source else { return self }
        if other.endOffset <= start.offset { return self }
        return SourceSpan(source: source, start: start, length: max(length, other.endOffset - start.offset))
    }

    /// The source text this span covers.
    public var text: String { source.text(of: self) }

    public var description: String { "\(source.name):\(start.line):\(start.column)" }

    public static func == (a: SourceSpan, b: SourceSpan) -> Bool {
        a.source === b.source && a.start == b.start && a.length == b.length
    }
}
