import CRingwayEngine
import Foundation

enum System {
    static var coreCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    static func isNumericAddress(_ host: String) -> Bool {
        var address = rw_address()
        return rw_address_ip(host, 0, &address) == 0
    }

    static func errorText(_ errno: Int32) -> String { String(cString: strerror(errno)) }
}
