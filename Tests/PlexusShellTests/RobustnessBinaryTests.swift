import Foundation
import XCTest

/// Issue 10 through the built binary: each class of input that used to kill or hang the process
/// is now an error with exit status 1, and the next statement of an interactive session answers.
/// The memory classes run under an address-space limit (`ulimit -v`), as a container would set one.
final class RobustnessBinaryTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-robust-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// 4 GB of address space: enough for the runtime, far from the requests below.
    static let memoryLimitKB = 4_000_000

    /// Runs `source` as a script and checks: exit status 1 (not a signal, not a hang), and `message` in stderr.
    @discardableResult
    func expectError(_ source: String, _ message: String, memoryLimited: Bool = false,
                     file: StaticString = #filePath, line: UInt = #line) throws -> PlexusProcess.Outcome {
        let path = directory.appendingPathComponent("s.plx").path
        try source.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try PlexusProcess.run([path], memoryLimitKB: memoryLimited ? Self.memoryLimitKB : nil, timeout: 60,
                                      directory: directory.path)
        XCTAssertFalse(r.timedOut, "hung: \(source)", file: file, line: line)
        XCTAssertEqual(r.status, 1, "stderr: \(r.stderr)", file: file, line: line)
        XCTAssertTrue(r.stderr.contains(message), "expected \(message.debugDescription) in:\n\(r.stderr)", file: file, line: line)
        return r
    }

    static let tinyModel = """
        d = digits()
        x = input(8, 8, 1)
        m = model(x, x |> flatten() |> dense(1))

        """

    // 1. Figures of any size print; a diverging run stops and says so.
    func testADivergingRunPrintsItsHugeLossesAndStopsSayingTrainingDiverged() throws {
        let r = try expectError(Self.tinyModel + "compile(m, loss: \"mse\", optimizer: sgd(1))\nstep(m, d, steps: 60)\n",
                                "training diverged: the loss of step")
        XCTAssertTrue(r.stdout.contains("e+"), r.stdout)            // a loss beyond 9.2e14 printed
        XCTAssertTrue(r.stderr.contains("(all finite)") || r.stderr.contains("not finite"), r.stderr)
    }

    // 2. Empty datasets are errors, never endless loops.
    func testEveryTrainingBuiltinRefusesAnEmptyDataset() throws {
        let setup = Self.tinyModel + "compile(m, loss: \"mse\")\ne = d[1..0]\n"
        for call in ["step(m, e)", "fit(m, e)", "evaluate(m, e)", "predict(m, e)", "grads(m, e)"] {
            try expectError(setup + call + "\n", "got an empty dataset")
        }
    }

    // 3. Ranges are checked before anything is allocated for them.
    func testAHugeRangeIsOutOfRangeForEveryIndexableValue() throws {
        for base in ["[1, 2, 3]", "\"abc\"", "(1, 2, 3)", "digits()", "zeros(3, 2)"] {
            try expectError("xs = \(base)\nxs[0..1000000000000]\n", "index 1000000000000 is out of range")
        }
        try expectError("x = input(2)\nm = model(x, x |> dense(1))\nm.layers[0..1000000000000]\n", "is out of range")
    }

    // 4. Requests beyond the process's memory limit fail with the figures.
    func testRequestsBeyondTheAddressSpaceLimitSayWhatTheyWouldNeed() throws {
        for source in ["zeros(50000, 50000)", "randn(2000000000)", "template_matching(2000000)",
                       "x = input(1)\nm = model(x, x |> dense(100000))\npredict(m, zeros(100000, 1))"] {
            try expectError(source + "\n", "available", memoryLimited: true)
        }
        try expectError("zeros(50000, 50000)\n", "would need 9.31 GB", memoryLimited: true)
    }

    // 5. Structures users build are walked without exhausting the stack, or capped by name.
    func testDeepNestingIsCappedWithTheLimitNamed() throws {
        try expectError("xs = []\nfor i in 1..5000 { xs = [xs] }\n", "nest at most 200 deep")
        try expectError("x = input(2)\ninner = model(x, x |> dense(2))\nfor i in 1..100 { z = input(2); inner = model(z, inner(z)) }\n",
                        "models nest at most 64 deep")
    }

    func testAChainOfFiveThousandLayersMakesAModel() throws {
        let path = directory.appendingPathComponent("chain.plx").path
        try "x = input(2)\nh = x\nfor i in 1..5000 { h = h |> dense(2) }\nm = model(x, h)\nlen(m.layers)\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let r = try PlexusProcess.run([path], timeout: 60, directory: directory.path)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, "5001\n")
    }

    // 6. Shapes are checked once at the door: no overflow trap from a file's header.
    func testAnNPYHeaderWithOverflowingSizesIsRefusedAtTheDoor() throws {
        let path = directory.appendingPathComponent("big.npy").path
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 9223372036854775807, 9223372036854775807), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
        bytes += Array(header.utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        try expectError("t = npy(\"\(path)\")\nconcat(t, t)\n", "2,147,483,647")
        try expectError("reshape(zeros(4), 1099511627776, 1099511627776)\n", "2,147,483,647")
    }

    // 7. Only regular files are read: a FIFO never hangs, a device says what it is.
    func testFIFOsAndDevicesAreRefusedAsNotRegularFiles() throws {
        let fifo = directory.appendingPathComponent("fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        for call in ["csv(\"\(fifo)\", \"label\")", "npy(\"\(fifo)\")", "idx(\"\(fifo)\", \"\(fifo)\")",
                     "x = input(2)\nm = model(x, x |> dense(1))\nload(m, \"\(fifo)\")", ":load \(fifo)"] {
            try expectError(call + "\n", "is not a regular file (it is a FIFO (named pipe))")
        }
        try expectError(":load /dev/zero\n", "is not a regular file (it is a character device)")
    }

    /// Classes 1-7 at the prompt, under the memory limit: each statement fails and the next answers.
    func testAnInteractiveSessionUnderAMemoryLimitSurvivesEveryClass() throws {
        let fifo = directory.appendingPathComponent("fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let environment = ["TERM": "dumb", "INPUTRC": "/dev/null", "NO_COLOR": "1", "HOME": directory.path,
                           "PLEXUS_HISTORY": directory.appendingPathComponent("history").path, "LANG": "C.UTF-8"]
        let shell = try PseudoTerminal("/bin/sh", arguments: ["-c", "ulimit -v \(Self.memoryLimitKB) && exec \"$0\"", try plexusExecutable()],
                                       environment: environment)
        func require(_ text: String, line: UInt = #line) throws {
            guard shell.expect(text, timeout: 60) else {
                XCTFail("expected \(text.debugDescription) on the screen:\n\(shell.screen)", line: line)
                throw PseudoTerminalError("stopped at a missing \(text.debugDescription)")
            }
        }
        try require("plexus> ")
        for statement in Self.tinyModel.split(separator: "\n") {
            shell.send(statement + "\r")
            try require("plexus> ")
        }
        let attacks: [(String, String)] = [
            ("compile(m, loss: \"mse\", optimizer: sgd(1)); step(m, d, steps: 60)", "training diverged"),
            ("step(m, d[1..0])", "got an empty dataset"),
            ("[1, 2, 3][0..1000000000000]", "out of range"),
            ("zeros(50000, 50000)", "available"),
            ("randn(2000000000)", "available"),
            ("xs = []; for i in 1..5000 { xs = [xs] }", "nest at most 200 deep"),
            ("reshape(zeros(4), 1099511627776, 1099511627776)", "2,147,483,647"),
            ("npy(\"\(fifo)\")", "not a regular file"),
        ]
        for (k, (statement, message)) in attacks.enumerated() {
            shell.send(statement + "\r")
            try require(message)
            try require("plexus> ")
            shell.send("\(k) + 40\r")
            try require("\(k + 40)\nplexus> ")
        }
        shell.send("\u{4}")
        XCTAssertEqual(shell.waitForExit(timeout: 10), 0, shell.screen)
    }

    // 8. save and :save replace only regular files; through a link, the target.
    func testSaveRefusesADeviceAndReplacesASymbolicLinksTarget() throws {
        // Never /dev/null itself: a binary with the bug would replace the system's /dev/null. A link
        // to it in the test's folder is what a broken binary replaces instead, and a FIFO there.
        let device = directory.appendingPathComponent("null").path
        XCTAssertEqual(symlink("/dev/null", device), 0)
        let fifo = directory.appendingPathComponent("fifo").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        try expectError("x = input(2)\nm = model(x, x |> dense(1))\nsave(m, \"\(device)\")\n", "is a character device")
        try expectError("1 + 1\n:save \(device)\n", "is a character device")
        try expectError("x = input(2)\nm = model(x, x |> dense(1))\nsave(m, \"\(fifo)\")\n", "is a FIFO (named pipe), not a regular file")
        var fifoInfo = stat()
        XCTAssertEqual(lstat(fifo, &fifoInfo), 0)
        XCTAssertEqual(fifoInfo.st_mode & S_IFMT, S_IFIFO)   // still a FIFO
        let target = directory.appendingPathComponent("weights.safetensors").path
        let link = directory.appendingPathComponent("link.safetensors").path
        XCTAssertEqual(symlink(target, link), 0)
        let path = directory.appendingPathComponent("save.plx").path
        try "x = input(2)\nm = model(x, x |> dense(1))\nsave(m, \"\(link)\")\n".write(toFile: path, atomically: true, encoding: .utf8)
        let r = try PlexusProcess.run([path], directory: directory.path)
        XCTAssertEqual(r.status, 0, r.stderr)
        var info = stat()
        XCTAssertEqual(lstat(link, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFLNK)        // the link is still a link
        XCTAssertEqual(stat(target, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFREG)        // and its target holds the weights
        XCTAssertGreaterThan(info.st_size, 8)
    }

    // 9. A bad label anywhere in the dataset fails before the first step: no weight moves.
    func testABadLabelInALaterBatchFailsBeforeAnyStep() throws {
        let labels = (0..<64).map { $0 == 50 ? "7" : "\($0 % 2)" }
        let csv = "a,label\n" + labels.enumerated().map { "\(Double($0.offset) / 64),\($0.element)" }.joined(separator: "\n") + "\n"
        let csvPath = directory.appendingPathComponent("d.csv").path
        try csv.write(toFile: csvPath, atomically: true, encoding: .utf8)
        let r = try expectError("""
            d = csv("\(csvPath)", "label")
            x = input(1)
            m = model(x, x |> dense(2, activation: softmax))
            compile(m, loss: "sparse_categorical_crossentropy", optimizer: sgd(0.1))
            s = snapshot(m)
            fit(m, d, batch: 8, shuffle: false)
            """, "samples 48..<56")
        XCTAssertTrue(r.stderr.contains("nothing was trained"), r.stderr)
    }

    // 10. What a statement printed is flushed before the next one runs (even if that one never ends).
    func testOutputOfEarlierStatementsSurvivesAKill() throws {
        let path = directory.appendingPathComponent("slow.plx").path
        try "print(\"before\")\nfor i in 1..1000000000000 { i }\n".write(toFile: path, atomically: true, encoding: .utf8)
        let r = try PlexusProcess.run([path], timeout: 3, directory: directory.path)
        XCTAssertTrue(r.timedOut)
        XCTAssertEqual(r.stdout, "before\n")
    }

    // 11. Control characters from the user's text are shown escaped.
    func testDiagnosticsEscapeControlCharacters() throws {
        let r = try expectError("x = \"\u{1B}]0;title\u{07}\" + 1\n", "\\x1b]0;title\\x07")
        XCTAssertFalse(r.stderr.contains("\u{1B}"), r.stderr)
        let csvPath = directory.appendingPathComponent("esc.csv").path
        try "a\u{1B}[31m,label\nx,1\n".write(toFile: csvPath, atomically: true, encoding: .utf8)
        let c = try expectError("csv(\"\(csvPath)\", \"label\")\n", "column 'a\\x1b[31m'")
        XCTAssertFalse(c.stderr.contains("\u{1B}"), c.stderr)
    }

    // 12. One rule for numbers: finite everywhere they enter.
    func testNonFiniteNumbersAreErrorsWhereverTheyEnter() throws {
        try expectError("2 ** 10000\n", "overflows")
        try expectError("1e308 * 10\n", "overflows")
        try expectError("(-8) ** (1/3)\n", "is not a real number")
        try expectError("1e400\n", "out of range")
        try expectError("dense(3, kernel_initializer: 1e39)\n", "must be a finite number")
        let csvPath = directory.appendingPathComponent("inf.csv").path
        try "a,label\n1e999,1\n".write(toFile: csvPath, atomically: true, encoding: .utf8)
        try expectError("csv(\"\(csvPath)\", \"label\")\n", "is not a finite number")
    }

    // 13. The small ones.
    func testSmallOnesNameTheLimitAndTheSnapshotsModel() throws {
        try expectError("zeros(3000000000)\n", "must be at most 2,147,483,647")
        try expectError("x = input(2)\nm1 = model(x, x |> dense(1))\ny = input(2)\nm2 = model(y, y |> dense(1))\nchanged(snapshot(m1), m2)\n",
                        "it belongs to \"functional\"")
        let path = directory.appendingPathComponent("big.plx").path
        try "x = input(1000000)\nm = model(x, x |> dense(1000000))\nsummary(m)\n".write(toFile: path, atomically: true, encoding: .utf8)
        let r = try PlexusProcess.run([path], directory: directory.path)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains(" 1,000,001,000,000 │"), r.stdout)
    }
}
