/// Why a response could not be framed. The connection it arrived on is unusable.
public enum ResponseParseError: UInt8, Error, Sendable, CustomStringConvertible {
    case badStatusLine
    case badHeaderName
    case headTooLarge
    case badContentLength
    case conflictingContentLength
    case badChunkSize
    case badChunkTerminator
    case unexpectedBytes

    public var description: String {
        switch self {
        case .badStatusLine: "status line is not `HTTP/1.x NNN reason`"
        case .badHeaderName: "header name is empty or has whitespace before the colon (RFC 9112 §5.1)"
        case .headTooLarge: "response head exceeds \(ResponseParser.headLimit) bytes"
        case .badContentLength: "Content-Length is not a decimal number (RFC 9110 §8.6)"
        case .conflictingContentLength: "two different Content-Length values (RFC 9112 §6.3)"
        case .badChunkSize: "chunk size is not hexadecimal or too large (RFC 9112 §7.1)"
        case .badChunkTerminator: "chunk data is not followed by CRLF (RFC 9112 §7.1)"
        case .unexpectedBytes: "bytes arrived while no request was outstanding"
        }
    }
}
