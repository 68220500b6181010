import Foundation
import XCTest

/// `:learn` at a terminal.
extension ShellPtyTests {
    /// A shell as `startShell` makes it, that also finds the repository's lessons and keeps the
    /// learner's progress in the test's directory.
    func startLearnerShell() throws -> PseudoTerminal {
        let lessons = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("lessons").path
        return try startShell(extraEnvironment: ["PLEXUS_HOME": directory.appendingPathComponent("plexus").path,
                                                 "PLEXUS_LESSONS": lessons])
    }

    /// A learner takes the weight-sharing lesson through the interactive shell: tab completes the
    /// lesson's name, wrong tries get what differs and the hints in turn, `:skip` shows and runs an
    /// answer, `:play` pauses the lesson and `:learn` resumes it, `:quit` leaves, and a new shell
    /// resumes the lesson where it was and finishes it.
    func testALearnerTakesTheSharingLessonWithWrongTriesSkipPlayAndResumingAfterQuit() throws {
        let shell = try startLearnerShell()
        XCTAssertTrue(shell.screen.contains("':learn' teaches by doing"), "the greeting mentions :learn")
        shell.send(":learn sha\t")
        try require(shell, ":learn sharing ")
        shell.send("\r")
        try require(shell, "── sharing, step 1 of 5: A feature network ──")
        try require(shell, "» feature = model(x, h, name: \"feature\")")
        try require(shell, "Task: How many parameters does `feature` have?")
        try require(shell, "plexus> ")

        // Two wrong tries: what differs, then the first hint, then the second.
        shell.send("n = 5\r")
        try require(shell, "Not yet: n is 5, and feature has another number of parameters\nHint: params(m) counts the parameters of a model.\nplexus> ")
        shell.send("n = 7\r")
        try require(shell, "Not yet: n is 7")
        try require(shell, "Hint: Type n = params(feature)\n(':skip' shows an answer and runs it; ':play' pauses the lesson)\nplexus> ")
        shell.send("n = params(feature)\r")
        try require(shell, "Correct.")
        try require(shell, "── sharing, step 2 of 5: Calling the same model twice ──")
        try require(shell, "plexus> ")

        // Two copies of feature: the check says so from the parameter count.
        shell.send("siamese = model([a, b], concat(feature(a), clone(feature)(b)) |> dense(1024, activation: relu) |> dense(1024, activation: relu) |> dense(2, activation: softmax))\r")
        try require(shell, "Not yet: your network has 4,864,994 parameters: the two branches use different")
        try require(shell, "call the same model twice")
        try require(shell, "Hint: The feature of a is feature(a)")
        try require(shell, "plexus> ")
        shell.send(":skip\r")
        try require(shell, "An answer:\n» y = concat(feature(a), feature(b)) |> dense(1024, activation: relu)")
        try require(shell, "Correct.")
        try require(shell, "── sharing, step 3 of 5: Two copies instead of one ──")
        try require(shell, "plexus> ")

        // :play: nothing is checked; :learn comes back to the task.
        shell.send(":play\r")
        try require(shell, "Lesson 'sharing' paused at step 3 of 5: experiment freely; ':learn' resumes it.\nplexus> ")
        shell.send("unshared = 1\r")
        try require(shell, "plexus> ")
        shell.send("params(siamese)\r")
        try require(shell, "3483122\nplexus> ")
        shell.send(":learn\r")
        try require(shell, "Back to lesson 'sharing'.\n── sharing, step 3 of 5: Two copies instead of one ──")
        try require(shell, "plexus> ")
        shell.send(":quit\r")
        XCTAssertEqual(shell.waitForExit(), 0, "screen:\n\(shell.screen)")
        let progress = directory.appendingPathComponent("plexus/lessons-progress").path
        XCTAssertEqual(try String(contentsOfFile: progress, encoding: .utf8), "sharing 2\n")

        // A new shell: the lesson resumes at step 3 with feature, siamese, c and d rebuilt.
        let again = try startLearnerShell()
        again.send(":learn\r")
        try require(again, "sharing       Weight sharing: one feature network, two branches")
        try require(again, "2 of 5 steps")
        again.send(":learn sharing\r")
        try require(again, "Resuming at step 3 of 5.")
        try require(again, "── sharing, step 3 of 5: Two copies instead of one ──")
        try require(again, "plexus> ")
        again.send("other = clone(feature)\r")
        try require(again, "plexus> ")
        again.send("unshared = model([c, d], concat(feature(c), other(d)) |> dense(1024, activation: relu) |> dense(1024, activation: relu) |> dense(2, activation: softmax), name: \"unshared\")\r")
        try require(again, "Correct.")
        try require(again, "feature counted once in siamese (shared x2), twice in unshared: +1,381,872")
        try require(again, "plexus> ")
        again.send("extra = params(unshared) - params(siamese)\r")
        try require(again, "Exactly one feature network")
        try require(again, "plexus> ")
        again.send("runs = 2\r")
        try require(again, "── Lesson 'sharing' complete: 5 of 5 steps ──")
        try require(again, "plexus> ")
        again.send("\u{4}")
        XCTAssertEqual(again.waitForExit(), 0, "screen:\n\(again.screen)")
        XCTAssertEqual(try String(contentsOfFile: progress, encoding: .utf8), "sharing 5\n")
    }
}
