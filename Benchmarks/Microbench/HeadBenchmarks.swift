import RingwayHTTP

/// A fixture copied into its own cache-line-aligned allocation, alive for the
/// whole process (benchmarks are built once and never torn down).
func pinnedCopy(_ bytes: [UInt8]) -> UnsafeRawBufferPointer {
    let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 64)
    copy.copyBytes(from: bytes)
    return UnsafeRawBufferPointer(copy)
}

/// Parses one request head again and again into a reused `RequestHead`, as a
/// client connection does for each request it carries.
final class RequestHeadParseBenchmark {
    let input: UnsafeRawBufferPointer
    let limits = HTTPLimits()
    var head = RequestHead()

    init(_ bytes: [UInt8]) {
        input = pinnedCopy(bytes)
        let result = RequestHeadParser.parse(input, limits: limits, into: &head)
        precondition(result == .complete(headLength: bytes.count), "request fixture parsed as \(result)")
    }

    func run(_ iterations: Int) -> Int {
        var checksum = 0
        for _ in 0..<iterations {
            let result = RequestHeadParser.parse(opaque(input), limits: limits, into: &head)
            if case .complete(let length) = result { checksum &+= length &+ head.headers.count }
        }
        return checksum
    }
}

final class ResponseHeadParseBenchmark {
    let input: UnsafeRawBufferPointer
    let limits = HTTPLimits()
    var head = ResponseHead()

    init(_ bytes: [UInt8]) {
        input = pinnedCopy(bytes)
        let result = ResponseHeadParser.parse(input, requestWasHEAD: false, limits: limits, into: &head)
        precondition(result == .complete(headLength: bytes.count), "response fixture parsed as \(result)")
    }

    func run(_ iterations: Int) -> Int {
        var checksum = 0
        for _ in 0..<iterations {
            let result = ResponseHeadParser.parse(opaque(input), requestWasHEAD: false, limits: limits, into: &head)
            if case .complete(let length) = result { checksum &+= length &+ head.headers.count }
        }
        return checksum
    }
}

/// Writes the upstream head for one parsed request, as the proxy does once
/// per request before forwarding it.
final class RequestHeadWriteBenchmark {
    let source: UnsafeRawBufferPointer
    let clientAddress = pinnedCopy(Array("203.0.113.7".utf8))
    let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 64)
    var head = RequestHead()
    let writtenBytes: Int

    init(_ bytes: [UInt8]) {
        source = pinnedCopy(bytes)
        let result = RequestHeadParser.parse(source, limits: HTTPLimits(), into: &head)
        precondition(result == .complete(headLength: bytes.count), "request fixture parsed as \(result)")
        let context = ForwardingContext(clientAddress: clientAddress, proto: .http)
        guard let written = RequestHeadWriter.write(head, source: source, context: context, into: output) else {
            preconditionFailure("request fixture does not fit in 4 KiB once written")
        }
        writtenBytes = written
    }

    func run(_ iterations: Int) -> Int {
        var checksum = 0
        let context = ForwardingContext(clientAddress: clientAddress, proto: .http)
        for _ in 0..<iterations {
            checksum &+= RequestHeadWriter.write(head, source: opaque(source), context: context, into: output) ?? 0
        }
        return checksum &+ Int(output[checksum & 63])
    }
}

final class ResponseHeadWriteBenchmark {
    let source: UnsafeRawBufferPointer
    let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 64)
    var head = ResponseHead()
    let writtenBytes: Int

    init(_ bytes: [UInt8]) {
        source = pinnedCopy(bytes)
        let result = ResponseHeadParser.parse(source, requestWasHEAD: false, limits: HTTPLimits(), into: &head)
        precondition(result == .complete(headLength: bytes.count), "response fixture parsed as \(result)")
        guard let written = ResponseHeadWriter.write(
            head, source: source, closeAfter: false, extraHeaderLines: UnsafeRawBufferPointer(start: nil, count: 0),
            into: output
        ) else {
            preconditionFailure("response fixture does not fit in 4 KiB once written")
        }
        writtenBytes = written
    }

    func run(_ iterations: Int) -> Int {
        var checksum = 0
        let none = UnsafeRawBufferPointer(start: nil, count: 0)
        for _ in 0..<iterations {
            checksum &+= ResponseHeadWriter.write(
                head, source: opaque(source), closeAfter: false, extraHeaderLines: none, into: output) ?? 0
        }
        return checksum &+ Int(output[checksum & 63])
    }
}
