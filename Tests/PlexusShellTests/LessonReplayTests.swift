import Foundation
import XCTest
@testable import PlexusLang

/// Replays every lesson in `lessons/` with two scripted learners from `lessons/learners/`: one who
/// answers every task correctly in their own words (`NAME.right.plx`) and one who goes wrong at
/// every task (`NAME.wrong.plx`), and compares what each sees with the transcript beside it
/// (`.out`, recorded as the session transcripts are: `PLEXUS_RECORD=1 swift test --filter
/// LessonReplayTests`).
///
/// Besides the transcript, what each learner must get is asserted: the right one finishes without
/// a wrong try or a skip; the wrong one gets "Not yet" and a hint at every task, and finishes.
final class LessonReplayTests: XCTestCase {
    static let root = repositoryRoot
    static let lessons = root.appendingPathComponent("lessons")

    /// The lesson files, sorted.
    static func lessonFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: lessons.path)) ?? []
        return names.filter { $0.hasSuffix(".plx") }.sorted().map { lessons.appendingPathComponent($0).path }
    }

    /// What `plexus --keep-going` shows a learner script, with progress kept in a fresh directory.
    static func replay(_ relativePath: String, progressPath: String) -> (text: String, session: Session) {
        final class Sink { var text = "" }
        let sink = Sink()
        let session = Session(output: { sink.text += $0 }, errors: { sink.text += $0 })
        session.lessonDirectory = lessons.path
        session.lessonProgressPath = progressPath
        let previous = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(root.path)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        ScriptReplay.runFile(relativePath, in: session, mode: .keepGoing)
        return (sink.text, session)
    }

    /// The transcript cut at each step's banner: element i is what step i + 1 showed.
    static func stepSegments(_ text: String, lesson: Lesson) -> [String] {
        var segments: [String] = []
        var rest = Substring(text)
        for i in 0..<lesson.steps.count {
            let banner = "── \(lesson.name), step \(i + 1) of \(lesson.steps.count): "
            guard let start = rest.range(of: banner) else { break }
            rest = rest[start.upperBound...]
            let next = i + 1 < lesson.steps.count ? "── \(lesson.name), step \(i + 2) of " : "── Lesson '\(lesson.name)' complete"
            let end = rest.range(of: next)?.lowerBound ?? rest.endIndex
            segments.append(String(rest[..<end]))
        }
        return segments
    }

    func testEveryLessonHasARightAndAWrongLearner() throws {
        let files = LessonReplayTests.lessonFiles()
        XCTAssertGreaterThanOrEqual(files.count, 5, "expected the five seed lessons in \(LessonReplayTests.lessons.path)")
        for file in files {
            let name = LessonFile.lessonName(ofFile: file)
            for kind in ["right", "wrong"] {
                let path = LessonReplayTests.lessons.appendingPathComponent("learners/\(name).\(kind).plx").path
                XCTAssertTrue(FileManager.default.fileExists(atPath: path), "lesson \(name) has no scripted learner \(path)")
            }
        }
    }

    func testEachLessonReplaysWithARightAndAWrongLearner() throws {
        let recording = ProcessInfo.processInfo.environment["PLEXUS_RECORD"].map { !$0.isEmpty && $0 != "0" } ?? false
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("plexus-lessons-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        for file in LessonReplayTests.lessonFiles() {
            let lesson = try LessonFile.load(file)
            let tasks = lesson.steps.indices.filter { lesson.steps[$0].task != nil }
            for kind in ["right", "wrong"] {
                let script = "lessons/learners/\(lesson.name).\(kind).plx"
                let progress = directory.appendingPathComponent("\(lesson.name)-\(kind)").path
                let (text, session) = LessonReplayTests.replay(script, progressPath: progress)

                XCTAssertTrue(text.contains("── Lesson '\(lesson.name)' complete: \(lesson.steps.count) of \(lesson.steps.count) steps ──"),
                              "\(script) did not finish the lesson:\n\(text)")
                XCTAssertNil(session.lessonStatus, "\(script): a lesson is still running")
                XCTAssertEqual(LessonProgress(path: progress).steps(of: lesson.name), lesson.steps.count,
                               "\(script): the progress file does not record the finished lesson")
                XCTAssertFalse(text.contains("mistake in the lesson"), "\(script): a check of the lesson failed:\n\(text)")
                let segments = LessonReplayTests.stepSegments(text, lesson: lesson)
                XCTAssertEqual(segments.count, lesson.steps.count, "\(script): not every step was shown")
                if kind == "right" {
                    XCTAssertFalse(text.contains("Not yet:"), "\(script): a right answer was taken for a wrong one:\n\(text)")
                    XCTAssertFalse(text.contains("An answer:"), "\(script) skipped a step")
                    for i in tasks where i < segments.count {
                        XCTAssertTrue(segments[i].contains("Correct."), "\(script): step \(i + 1) was not passed:\n\(segments[i])")
                    }
                } else {
                    for i in tasks where i < segments.count {
                        XCTAssertTrue(segments[i].contains("Not yet:"), "\(script): no wrong try at step \(i + 1):\n\(segments[i])")
                        if !lesson.steps[i].hints.isEmpty {
                            XCTAssertTrue(segments[i].contains("Hint: "), "\(script): no hint at step \(i + 1)")
                        }
                    }
                    XCTAssertFalse(text.contains("the check still fails"), "\(script): an answer shown by :skip did not pass its check")
                }

                let expectedPath = LessonReplayTests.root.appendingPathComponent(String(script.dropLast(4)) + ".out").path
                if recording {
                    try text.write(toFile: expectedPath, atomically: true, encoding: .utf8)
                    continue
                }
                guard let expected = FileManager.default.contents(atPath: expectedPath) else {
                    XCTFail("\(script) has no recorded transcript: record it with PLEXUS_RECORD=1 swift test --filter LessonReplayTests")
                    continue
                }
                if let difference = TranscriptComparison.firstDifference(expected: String(decoding: expected, as: UTF8.self), actual: text) {
                    XCTFail("\(script) showed something else than its recorded transcript: \(difference)\n"
                            + "if the new text is right, record it with PLEXUS_RECORD=1 swift test --filter LessonReplayTests")
                }
            }
        }
    }
}
