import PlexusTensor
import PlexusNN
import ArgumentParser
import PlexusLang
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `plexus`: the interactive shell on a terminal, a script runner everywhere else.
///
/// Kept thin on purpose: it reads the flags and hands over to `Shell` or `ScriptRunner`. Startup
/// does nothing but build the builtin registry, so `echo ':quit' | plexus` stays fast.
@main
struct PlexusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plexus",
        abstract: "An interactive REPL for building neural networks.",
        discussion: """
            With no script and a terminal on standard input, plexus starts the interactive shell \
            (history in ~/.plexus_history, or the file PLEXUS_HISTORY names). Otherwise it runs a \
            script: FILE, the -e source, or standard input (as a script named <stdin>, without \
            prompts). The first error is printed as FILE:LINE:COL: error: ... and ends the run \
            with exit status 1 (a mistake shown on purpose goes inside try { ... }); with \
            --keep-going each error is printed and the script goes on, as if it were typed at \
            the prompt.
            """,
        version: "plexus \(PlexusNN.version)")

    @ArgumentParser.Argument(help: "A script to run (.plx).")
    var script: String?

    @Option(name: [.customShort("e"), .customLong("execute")], parsing: .unconditional,
            help: ArgumentHelp("Run this source (a statement, or several separated by ';') and exit.",
                               valueName: "source"))
    var source: String?

    @Option(help: "Seed of the one random generator behind initialisers, shuffles and data, as ':seed N' sets it.")
    var seed: UInt64 = 0

    @Flag(name: .customLong("no-color"),
          help: "Never colour diagnostics (nor when NO_COLOR is set); colour is only used on a terminal.")
    var noColor = false

    @Flag(help: "In a script, print each error and go on with the next statement, as the prompt does (the exit status is still 1 if anything failed).")
    var keepGoing = false

    func validate() throws {
        if script != nil, source != nil {
            throw ValidationError("give either a script or -e, not both")
        }
    }

    func run() throws {
        // A closed pipe (`plexus s.plx | head`) makes writes fail with EPIPE, which ends the run
        // with exit status 1, instead of killing the process with a signal.
        signal(SIGPIPE, SIG_IGN)
        let environmentSaysNoColor = getenv("NO_COLOR").map { $0.pointee != 0 } ?? false
        let color = !noColor && !environmentSaysNoColor && isatty(STDERR_FILENO) != 0

        if script == nil, source == nil, isatty(STDIN_FILENO) != 0 {
            Shell(seed: seed, color: color).run()
            return
        }
        let runner = ScriptRunner(seed: seed, color: color, mode: keepGoing ? .keepGoing : .stopAtFirstError)
        let ok: Bool
        if let script {
            ok = runner.runFile(script)
        } else if let source {
            ok = runner.run(source, name: "<command line>")
        } else {
            ok = runner.runStandardInput()
        }
        StandardStreams.finish()
        if !ok { throw ExitCode.failure }
    }
}
