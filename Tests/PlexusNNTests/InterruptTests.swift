import XCTest
@testable import PlexusNN

final class InterruptTests: XCTestCase {
    override func tearDown() { Interrupt.clear() }

    func testRequestSetsTheFlagAndClearResetsIt() {
        Interrupt.clear()
        XCTAssertFalse(Interrupt.isRequested)
        Interrupt.request()
        XCTAssertTrue(Interrupt.isRequested)
        Interrupt.clear()
        XCTAssertFalse(Interrupt.isRequested)
    }

    func testARequestFromAnotherThreadIsSeen() {
        Interrupt.clear()
        let done = expectation(description: "requested")
        Thread.detachNewThread {
            Interrupt.request()
            done.fulfill()
        }
        wait(for: [done], timeout: 2)
        XCTAssertTrue(Interrupt.isRequested)
    }
}
