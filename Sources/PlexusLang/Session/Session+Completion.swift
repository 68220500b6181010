/// A value with members (`m.layers`, `t.shape`) lists their names for tab completion.
///
/// Conform the class a `Value` case carries (a layer, a model, a tensor node), or `Value` itself:
/// completion finds the conformance either way, so adding a kind of value never means editing the
/// completer.
public protocol MemberListing {
    /// The names `value.name` accepts.
    var memberNames: [String] { get }
}

/// What tab completion offers at the cursor: the partial word before it, what kind of thing it
/// is, and the words that could replace it.
public struct Completion: Equatable {
    public enum Context: Equatable {
        /// A variable, builtin or keyword.
        case name
        /// A member after `base.` (the base as written, `m.layers`).
        case member(of: String)
        /// An argument of an open call: keyword argument names (`units:`) and names.
        case argument(callee: String)
        /// A meta command name after a leading `:`.
        case command
        /// A file path: after `:load` / `:save`, or inside a string (`inString`). The shell
        /// completes these from the file system (`candidates` is empty).
        case filePath(inString: Bool)
        /// Nothing to offer: inside a comment, or after a digit.
        case nothing
    }

    public var context: Context
    /// The text being completed (a file path may contain `/` and `.`).
    public var word: String
    /// Replacements for `word`, sorted; keyword argument names end with ":".
    public var candidates: [String]

    public init(context: Context, word: String, candidates: [String]) {
        self.context = context
        self.word = word
        self.candidates = candidates
    }
}

extension Session {
    /// Completes the word that ends at the cursor.
    ///
    /// - Parameter textBeforeCursor: the input up to the cursor, including the earlier lines of an
    ///   unfinished statement (so that `dense(64,` then a new line still knows the open call).
    public func complete(_ textBeforeCursor: String) -> Completion {
        let bytes = Array(textBeforeCursor.utf8)
        let lineStart = (bytes.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
        let line = bytes[lineStart...]
        let trimmed = line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        if trimmed.first == UInt8(ascii: ":"), statementStarts(bytes[..<trimmed.startIndex]) {
            return completeMeta(trimmed.dropFirst())
        }

        let scan = CompletionScan(bytes)
        if scan.inComment { return Completion(context: .nothing, word: "", candidates: []) }
        if let stringStart = scan.openStringStart {
            return Completion(context: .filePath(inString: true), word: text(bytes[(stringStart + 1)...]), candidates: [])
        }
        var wordStart = bytes.endIndex
        while wordStart > 0, isIdentifierByte(bytes[wordStart - 1]) { wordStart -= 1 }
        let word = text(bytes[wordStart...])
        if let first = word.utf8.first, isDigit(first) { return Completion(context: .nothing, word: word, candidates: []) }

        if wordStart > 0, bytes[wordStart - 1] == UInt8(ascii: "."), !(wordStart > 1 && bytes[wordStart - 2] == UInt8(ascii: ".")) {
            let chain = nameChain(endingAt: wordStart - 1, in: bytes)
            guard !chain.isEmpty, let base = resolve(chain) else {
                return Completion(context: .nothing, word: word, candidates: [])
            }
            return Completion(context: .member(of: chain.joined(separator: ".")), word: word,
                              candidates: Session.matching(memberNames(of: base), word))
        }

        var before = wordStart
        while before > 0, isBlankByte(bytes[before - 1]) || bytes[before - 1] == UInt8(ascii: "\n") { before -= 1 }
        if let call = scan.openCall, before > 0, bytes[before - 1] == UInt8(ascii: "(") || bytes[before - 1] == UInt8(ascii: ",") {
            let keywords = keywordNames(of: call).map { $0 + ":" }
            return Completion(context: .argument(callee: call.joined(separator: ".")), word: word,
                              candidates: Session.matching(keywords, word) + Session.matching(names(), word))
        }
        return Completion(context: .name, word: word, candidates: Session.matching(names(), word))
    }

    /// The names a member access accepts on a value: from its `MemberListing` conformance, or the
    /// conformance of the object its case carries.
    public func memberNames(of value: Value) -> [String] {
        let network = Value.memberNames(of: value)
        if !network.isEmpty { return network.sorted() }
        if let listing = value as Any as? MemberListing { return listing.memberNames.sorted() }
        for child in Mirror(reflecting: value).children {
            if let listing = child.value as? MemberListing { return listing.memberNames.sorted() }
        }
        return []
    }

    /// The parameter names a callable accepts by keyword (a builtin's from its registered
    /// signature, a `def`'s from its parameters), for `name: value` completion.
    public func keywordNames(of callee: Value) -> [String] {
        let signature: Signature
        switch callee {
        case .builtin(let b): signature = b.signature
        case .function(let f): signature = f.signature
        default: return []
        }
        return signature.positional.map(\.name) + signature.keywords.map(\.name)
    }

    func keywordNames(of chain: [String]) -> [String] {
        guard let callee = resolve(chain) else { return [] }
        return keywordNames(of: callee)
    }

    /// Variables, builtins (names and aliases) and keywords.
    func names() -> [String] {
        Array(Set(interpreter.globals.values.keys).union(interpreter.builtins.names).union(TokenKind.keywords.keys))
    }

    /// `:na` completes the command name; `:load ` and `:save ` a file path; `:help ` a name.
    func completeMeta(_ afterColon: ArraySlice<UInt8>) -> Completion {
        guard let space = afterColon.firstIndex(where: isBlankByte) else {
            let word = text(afterColon)
            return Completion(context: .command, word: word, candidates: Session.matching(Array(metaCommands.keys), word))
        }
        let name = text(afterColon[..<space])
        var argumentStart = afterColon.endIndex
        while argumentStart > space, !isBlankByte(afterColon[argumentStart - 1]) { argumentStart -= 1 }
        let word = text(afterColon[argumentStart...])
        switch name {
        case "load", "save": return Completion(context: .filePath(inString: false), word: word, candidates: [])
        case "learn":
            // `:learn NAME` and then `restart`.
            let first = afterColon[space..<argumentStart].allSatisfy(isBlankByte)
            return Completion(context: .command, word: word, candidates: Session.matching(first ? lessonNames() : ["restart"], word))
        case "help":
            return Completion(context: .name, word: word,
                              candidates: Session.matching(Array(Set(interpreter.builtins.names).union(interpreter.globals.values.keys)), word))
        default: return Completion(context: .nothing, word: word, candidates: [])
        }
    }

    /// Whether a meta command could start here: nothing before it but blanks and finished lines.
    func statementStarts(_ before: ArraySlice<UInt8>) -> Bool {
        before.allSatisfy { isBlankByte($0) || $0 == UInt8(ascii: "\n") }
    }

    /// `a.b.c` written just before `end` (a dot's position): ["a", "b", "c"], or [] when the base
    /// is not a plain chain of names (a call, an index, a number).
    func nameChain(endingAt end: Int, in bytes: [UInt8]) -> [String] {
        var chain: [String] = []
        var i = end
        while true {
            var start = i
            while start > 0, isIdentifierByte(bytes[start - 1]) { start -= 1 }
            guard start < i, isIdentifierStart(bytes[start]) else { return [] }
            chain.insert(text(bytes[start..<i]), at: 0)
            guard start > 0, bytes[start - 1] == UInt8(ascii: ".") else { break }
            if start > 1, bytes[start - 2] == UInt8(ascii: ".") { return [] } // a range `a..b`
            i = start - 1
        }
        return chain
    }

    /// The value of `a.b.c` by variable, builtin and member lookups only: completion never calls
    /// anything.
    func resolve(_ chain: [String]) -> Value? {
        guard let first = chain.first else { return nil }
        guard var value = interpreter.globals.lookup(first) ?? interpreter.builtins.lookup(first).map(Value.builtin) else {
            return nil
        }
        let span = SourceSpan(source: SourceFile(name: "<completion>", text: ""),
                              start: SourceLocation(line: 1, column: 1, offset: 0), length: 0)
        for name in chain.dropFirst() {
            guard let next = try? interpreter.member(value, name, at: span) else { return nil }
            value = next
        }
        return value
    }

    static func matching(_ candidates: [String], _ prefix: String) -> [String] {
        candidates.filter { $0.hasPrefix(prefix) }.sorted()
    }
}

private func isBlankByte(_ b: UInt8) -> Bool { b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") }

private func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }

/// The lexical state at the end of some source text, found by one forward pass: inside a comment
/// or a string, and which call's parentheses are open.
struct CompletionScan {
    var inComment = false
    /// Where the string the text ends inside starts (its opening quote).
    var openStringStart: Int?
    /// The callee (`dense`, `m.fit`) of the innermost open bracket when it is a call's `(`.
    var openCall: [String]?

    init(_ bytes: [UInt8]) {
        // Each open bracket, with the callee written before it when it is a call's parenthesis.
        var open: [(bracket: UInt8, callee: [String]?)] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if inComment {
                if b == UInt8(ascii: "\n") { inComment = false }
            } else if openStringStart != nil {
                if b == UInt8(ascii: "\\") {
                    i += 1
                } else if b == UInt8(ascii: "\"") || b == UInt8(ascii: "\n") {
                    openStringStart = nil
                }
            } else {
                switch b {
                case UInt8(ascii: "#"): inComment = true
                case UInt8(ascii: "\""): openStringStart = i
                case UInt8(ascii: "("):
                    open.append((b, CompletionScan.callee(before: i, in: bytes)))
                case UInt8(ascii: "["), UInt8(ascii: "{"): open.append((b, nil))
                case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                    if !open.isEmpty { open.removeLast() }
                default: break
                }
            }
            i += 1
        }
        if let last = open.last, last.bracket == UInt8(ascii: "(") { openCall = last.callee }
    }

    /// The name chain just before an opening parenthesis (`dense(`, `m.fit (`), or nil for a
    /// parenthesis that groups or makes a tuple.
    static func callee(before index: Int, in bytes: [UInt8]) -> [String]? {
        var end = index
        while end > 0, isBlankByte(bytes[end - 1]) { end -= 1 }
        var chain: [String] = []
        while true {
            var start = end
            while start > 0, isIdentifierByte(bytes[start - 1]) { start -= 1 }
            guard start < end, isIdentifierStart(bytes[start]) else { return nil }
            let name = text(bytes[start..<end])
            if chain.isEmpty, TokenKind.keywords[name] != nil { return nil } // `if (`, `in (`
            chain.insert(name, at: 0)
            guard start > 1, bytes[start - 1] == UInt8(ascii: "."), bytes[start - 2] != UInt8(ascii: ".") else { break }
            end = start - 1
        }
        return chain
    }
}
