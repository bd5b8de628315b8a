/// One JSON value of a config file and the byte offset where it starts, so
/// every later error can point at the line and column of what it is about.
/// Objects keep their members in file order: pools and models are listed in
/// the order the operator wrote them.
struct ConfigJSON: Sendable, Equatable {
    enum Value: Sendable, Equatable {
        case null
        case bool(Bool)
        case number(ConfigNumber)
        case string(String)
        case array([ConfigJSON])
        case object([ConfigJSONMember])
    }

    var value: Value
    /// Offset of the value's first byte in the file.
    var offset: Int

    /// What the value is, for "expected X, got Y" messages.
    var summary: String {
        switch value {
        case .null: return "null"
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number): return "number \(number.text)"
        case .string(let text): return "string \(ConfigText.quoted(text))"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

struct ConfigJSONMember: Sendable, Equatable {
    var key: String
    /// Offset of the key's opening quote.
    var keyOffset: Int
    var value: ConfigJSON
}

/// A number as written: the text is kept so that "got 1e3" quotes the file
/// and integer fields can refuse fractions and exponents outright.
struct ConfigNumber: Sendable, Equatable {
    var text: String
    /// No fraction and no exponent.
    var isInteger: Bool

    var integer: Int? { isInteger ? Int(text) : nil }
    var double: Double? { Double(text).flatMap { $0.isFinite ? $0 : nil } }
}
