/// The bytes the HTTP grammar names. Computed properties rather than stored
/// `static let`s: a client module inlining the parsers then sees plain
/// constants instead of calls to a global's lazy-initialisation accessor.
@usableFromInline
enum ASCII {
    @inlinable static var htab: UInt8 { 0x09 }
    @inlinable static var lf: UInt8 { 0x0A }
    @inlinable static var cr: UInt8 { 0x0D }
    @inlinable static var space: UInt8 { 0x20 }
    @inlinable static var comma: UInt8 { 0x2C }
    @inlinable static var colon: UInt8 { 0x3A }
    @inlinable static var semicolon: UInt8 { 0x3B }
    @inlinable static var del: UInt8 { 0x7F }
}
