/// The consistent-hash ring of `prefix_affinity`: each endpoint owns about
/// 100 x weight virtual nodes, placed by hashing the endpoint's ring key (a
/// stable identity, not its position in the list) with the replica number.
/// Sorted hashes in one array and their owners in a parallel one: the binary
/// search touches only the hashes.
///
/// Because placement depends on the key alone, adding or removing one of n
/// endpoints moves only the keys its own virtual nodes cover, about 1/n.
struct HashRing {
    /// 100 per unit of weight keeps the largest endpoint share within a few
    /// percent of its weight (the spread of n x 100 random points).
    static let nodesPerWeight = 100
    /// Weights reach 1000: past this many nodes in all, every endpoint's
    /// count is scaled down alike (memory and build time stay bounded; the
    /// balance of 100k points is already as good as it gets).
    static let maxNodes = 100_000

    private(set) var hashes: [UInt64] = []
    private(set) var owners: [Int32] = []

    init(weights: [Int], ringKeys: [UInt64]) {
        precondition(weights.count == ringKeys.count)
        let wanted = weights.reduce(0) { $0 + max($1, 1) * Self.nodesPerWeight }
        var nodes: [(hash: UInt64, owner: Int32)] = []
        nodes.reserveCapacity(min(wanted, Self.maxNodes + weights.count))
        for (endpoint, weight) in weights.enumerated() {
            var count = max(weight, 1) * Self.nodesPerWeight
            if wanted > Self.maxNodes { count = max(1, count * Self.maxNodes / wanted) }
            for replica in 0..<count {
                let hash = mixBits(ringKeys[endpoint] ^ mixBits(UInt64(replica)))
                nodes.append((hash, Int32(endpoint)))
            }
        }
        // Ties between equal hashes (vanishingly rare) are settled by owner,
        // so the ring does not depend on sort stability.
        nodes.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.owner < $1.owner }
        hashes = nodes.map(\.hash)
        owners = nodes.map(\.owner)
    }

    var count: Int { hashes.count }

    /// The position of the first node at or clockwise after `key`.
    @inline(__always)
    func firstPosition(atOrAfter key: UInt64) -> Int {
        hashes.withUnsafeBufferPointer { hashes in
            var low = 0
            var high = hashes.count
            while low < high {
                let middle = (low &+ high) >> 1
                if hashes[middle] < key { low = middle &+ 1 } else { high = middle }
            }
            return low == hashes.count ? 0 : low
        }
    }
}

/// Hashes of the bytes that choose an endpoint under `prefix_affinity`.
public enum AffinityHash {
    /// A hash of the first `prefixBytes` bytes of `bytes` (all of them when
    /// shorter), eight bytes per step. Not keyed: a client can aim its
    /// prompt at an endpoint either way, and bounded load caps what that
    /// buys it.
    public static func hash(_ bytes: UnsafeRawBufferPointer, prefixBytes: Int) -> UInt64 {
        let length = min(bytes.count, max(prefixBytes, 0))
        var state: UInt64 = 0x243f_6a88_85a3_08d3 ^ UInt64(length)
        var offset = 0
        while offset &+ 8 <= length {
            let word = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            state = (state ^ word) &* 0x9fb2_1c65_1e98_df25
            state ^= state >> 29
            offset &+= 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < length {
            tail |= UInt64(bytes[offset]) << shift
            shift &+= 8
            offset &+= 1
        }
        return mixBits(state ^ tail)
    }

    /// A stable ring key for an endpoint from its URL (FNV-1a, then mixed),
    /// so an endpoint keeps its virtual nodes when others are added or
    /// removed around it.
    public static func ringKey(url: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in url.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return mixBits(hash)
    }
}
