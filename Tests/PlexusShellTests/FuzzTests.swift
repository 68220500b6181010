import Foundation
import XCTest

/// Mutated session scripts and a mutated safetensors file run through the binary: whatever the
/// input, the process ends by itself with status 0 or 1 (never a signal, never a hang).
///
/// Seeded and bounded in time: `make test` runs about 40 s of it; `make fuzz` sets
/// `PLEXUS_FUZZ_SECONDS` (and `PLEXUS_FUZZ_SEED`) for a longer run and prints the figures.
final class FuzzTests: XCTestCase {
    /// Session scripts that run in about a second in a debug build (the training scenarios take
    /// minutes and would only measure the clock); `training` below covers the training builtins.
    static let scripts = ["basics.plx", "errors.plx", "graft.plx", "zoo/vgg16.plx", "zoo/mobilenet.plx", "zoo/resnet50.plx"]

    /// A small training session: every training builtin on a few samples.
    static let training = """
        d = digits()[0..63]
        x = input(8, 8, 1)
        m = model(x, x |> conv2d(4, 3) |> flatten() |> dense(10, activation: softmax))
        compile(m, loss: "sparse_categorical_crossentropy", optimizer: adam(0.01), metrics: ["accuracy"])
        s = snapshot(m)
        fit(m, d, epochs: 2, batch: 16)
        step(m, d, steps: 3, batch: 8)
        evaluate(m, d)
        p = predict(m, d)
        p.shape
        grads(m, d)
        changed(s, m)
        history(m)
        save(m, "m.safetensors")
        load(m, "m.safetensors")
        summary(m)
        """

    /// Values a mutation writes in place of a number: edges of every limit.
    static let numbers = ["0", "-1", "-0.5", "1e308", "1e400", "-1e308", "2147483647", "2147483648", "3000000000",
                          "9223372036854775807", "1e-320", "65", "201", "0.0000001"]
    /// Fragments a mutation inserts.
    static let fragments = ["[", "]", "(", ")", ",", "..", "|>", "**", "\u{1B}]0;t\u{07}", "\"", "#", "\n", "none",
                            "d[1..0]", "[[[[[[", "1..1000000000000", "\n:save null\n", ":load /dev/zero", "-", "."]

    struct Figures: CustomStringConvertible {
        var runs = 0, crashes = 0, hangs = 0, failures: [String] = []
        var description: String { "\(runs) runs, \(crashes) crashes, \(hangs) hangs" }
    }

    func testMutatedScriptsAndWeightFilesNeverCrashOrHangTheBinary() throws {
        let environment = ProcessInfo.processInfo.environment
        let seconds = Double(environment["PLEXUS_FUZZ_SECONDS"] ?? "") ?? 40
        var random = SplitMix(seed: UInt64(environment["PLEXUS_FUZZ_SEED"] ?? "") ?? 10)
        let repository = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-fuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The runs happen in the temporary folder (what they save stays there); the session
        // scripts read their data through a link to the repository's sessions folder.
        try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent("sessions"),
                                                   withDestinationURL: repository.appendingPathComponent("sessions"))
        // `:save null` writes through this link: refused (a device), and never the real /dev/null.
        try FileManager.default.createSymbolicLink(at: directory.appendingPathComponent("null"),
                                                   withDestinationURL: URL(fileURLWithPath: "/dev/null"))
        var sources = try Self.scripts.map { try String(contentsOf: repository.appendingPathComponent("sessions/\($0)"), encoding: .utf8) }
        sources.append(Self.training)

        // A saved weight file to mutate.
        let saved = try PlexusProcess.run(["-e", Self.training], timeout: 120, directory: directory.path)
        XCTAssertEqual(saved.status, 0, saved.stderr)
        let weights = try [UInt8](Data(contentsOf: directory.appendingPathComponent("m.safetensors")))

        var figures = Figures()
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            let arguments: [String]
            var shown: String
            if random.next() % 4 == 0 {
                var bytes = weights
                mutateBytes(&bytes, &random)
                let path = directory.appendingPathComponent("f.safetensors").path
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                let script = Self.training.split(separator: "\n").prefix(4).joined(separator: "\n")
                    + "\nload(m, \"\(path)\")\npredict(m, d).shape\n"
                arguments = ["--keep-going", "-e", script]
                shown = "safetensors mutation (\(bytes.count) bytes)"
            } else {
                let source = mutateScript(sources[Int(random.next() % UInt64(sources.count))], &random)
                let path = directory.appendingPathComponent("s.plx").path
                try source.write(toFile: path, atomically: true, encoding: .utf8)
                arguments = ["--keep-going", path]
                shown = source
            }
            let r = try PlexusProcess.run(arguments, memoryLimitKB: 4_000_000, timeout: 30, directory: directory.path)
            figures.runs += 1
            if r.timedOut { figures.hangs += 1; figures.failures.append("hang:\n\(shown)") }
            else if r.status > 1 { figures.crashes += 1; figures.failures.append("status \(r.status):\n\(shown)\n\(r.stderr.suffix(2000))") }
        }
        print("fuzz: \(figures) in \(Int(seconds)) s")
        XCTAssertGreaterThan(figures.runs, 0)
        XCTAssertEqual(figures.crashes, 0, figures.failures.joined(separator: "\n----\n"))
        XCTAssertEqual(figures.hangs, 0, figures.failures.joined(separator: "\n----\n"))
    }

    /// One to four edits of a script: a number replaced by an edge value, a fragment inserted,
    /// a line deleted or duplicated. Counts that only make a run long (epochs, steps, loop
    /// bounds) are left alone: a long run that Ctrl-C stops is not a hang.
    func mutateScript(_ source: String, _ random: inout SplitMix) -> String {
        var lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<(1 + Int(random.next() % 4)) where !lines.isEmpty {
            let i = Int(random.next() % UInt64(lines.count))
            switch random.next() % 4 {
            case 0:
                let line = lines[i]
                if line.contains("epochs") || line.contains("steps") || line.contains("for ") { continue }
                let numbers = digitRuns(line)
                guard !numbers.isEmpty else { continue }
                let range = numbers[Int(random.next() % UInt64(numbers.count))]
                lines[i] = line.replacingCharacters(in: range, with: Self.numbers[Int(random.next() % UInt64(Self.numbers.count))])
            case 1:
                let line = lines[i]
                let at = line.index(line.startIndex, offsetBy: Int(random.next() % UInt64(line.count + 1)))
                lines[i] = line.replacingCharacters(in: at..<at, with: Self.fragments[Int(random.next() % UInt64(Self.fragments.count))])
            case 2: lines.remove(at: i)
            default: lines.insert(lines[i], at: i)
            }
        }
        return lines.joined(separator: "\n")
    }

    /// The ranges of the runs of digits in a line.
    func digitRuns(_ line: String) -> [Range<String.Index>] {
        var runs: [Range<String.Index>] = []
        var i = line.startIndex
        while i < line.endIndex {
            guard line[i].isASCII, line[i].isNumber else { i = line.index(after: i); continue }
            var j = i
            while j < line.endIndex, line[j].isASCII, line[j].isNumber { j = line.index(after: j) }
            runs.append(i..<j)
            i = j
        }
        return runs
    }

    /// Flips, overwrites or truncates bytes, mostly in the header (where the structure is).
    func mutateBytes(_ bytes: inout [UInt8], _ random: inout SplitMix) {
        let headerEnd = Swift.min(bytes.count, 8 + Int(bytes[0]) + Int(bytes[1]) << 8)
        for _ in 0..<(1 + Int(random.next() % 4)) {
            switch random.next() % 5 {
            case 0: bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count + 1))))
            case 1, 2:
                guard headerEnd > 8 else { continue }
                let i = 8 + Int(random.next() % UInt64(headerEnd - 8))
                if i < bytes.count { bytes[i] = Array("0123456789-,:[]{}\"e9".utf8)[Int(random.next() % 20)] }
            case 3:
                guard !bytes.isEmpty else { continue }
                bytes[Int(random.next() % UInt64(bytes.count))] ^= UInt8(1 << (random.next() % 8))
            default:
                // The float bytes: nan / inf patterns.
                guard bytes.count > headerEnd + 4 else { continue }
                let i = headerEnd + Int(random.next() % UInt64(bytes.count - headerEnd - 3))
                bytes.replaceSubrange(i..<i + 4, with: [0x00, 0x00, 0xC0, 0x7F])
            }
        }
    }
}

/// SplitMix64: a small seeded generator, the same sequence on every machine.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
