import PlexusNN

/// PlexusLang: the Plexus language, in the order a line of input travels through it.
///
/// - `Syntax/`: tokens with source positions, the lexer, the parser (whose incomplete input drives
///   the shell's continuation prompt), the AST of plain enums and structs, and `Diagnostic`, the
///   one error type the language shows (message, span, caret, hint).
/// - `Interpreter/`: evaluation of statements and expressions, scopes, operators, calls, `try`,
///   Ctrl-C, the stack guard, and tensor algebra on symbolic and concrete tensors.
/// - `Values/`: the values a program computes (`Value`, its members, `ValueKind`, records, cut lists).
/// - `Builtins/`: the builtin registry (signatures, help, examples, `docs/LANGUAGE.md`) and every
///   builtin, one file per family.
/// - `Session/`: what the shell holds around the interpreter: meta commands, completion, script
///   replay, atomic file writes.
/// - `Lessons/`: `:learn`, the lesson files, their checks and the learner's progress.
public enum PlexusLang {}
