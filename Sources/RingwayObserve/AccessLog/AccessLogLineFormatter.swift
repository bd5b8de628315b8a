/// A record as one JSON line. Every field is always present, in a fixed
/// order, null when the request did not have it, so every line has the same
/// shape for log stores that infer a schema:
///
///     {"time":"2025-11-25T12:51:03.123456Z","request_id":"r-1","key":"team-a",
///      "model":"gpt-4o","model_served":"llama-70b","pool":"gpu","endpoint":"gpu-1",
///      "rule":null,"reason":"catalog","attempts":1,"status":200,"bytes_in":312,
///      "bytes_out":1024,"prompt_tokens":12,"completion_tokens":48,"ttft_ns":null,
///      "total_ns":812345,"overhead_ns":9120,"stream":false,
///      "trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7"}
///
/// Durations stay integer nanoseconds: exact, and no float formatting.
public enum AccessLogLineFormatter {
    /// The line for `record`, newline included (for tests and tools).
    public static func line(for record: borrowing AccessLogRecord, names: AccessLogNames?) -> [UInt8] {
        var out = AccessLogBuffer(capacity: 1024)
        defer { out.deallocate() }
        append(record, names: names, to: &out)
        return Array(out.bytes)
    }

    static func append(_ r: borrowing AccessLogRecord, names: AccessLogNames?, to out: inout AccessLogBuffer) {
        out.append("{\"time\":\"")
        AccessLogTimestamp.append(r.timestampNs, to: &out)
        out.append("\",\"request_id\":")
        if r.requestIDCount == 0 {
            out.append("null")
        } else {
            r.withRequestID { AccessLogJSONString.append(quoted: $0, to: &out) }
        }
        out.append(",\"key\":")
        appendName(names?.keys, r.keyIndex, to: &out)
        out.append(",\"model\":")
        if r.modelAskedCount == 0 {
            out.append("null")
        } else {
            r.withModelAsked { AccessLogJSONString.append(quoted: $0, to: &out) }
        }
        out.append(",\"model_served\":")
        appendName(names?.models, r.modelServed, to: &out)
        out.append(",\"pool\":")
        appendName(names?.pools, r.pool, to: &out)
        out.append(",\"endpoint\":")
        appendName(names?.endpoints, r.endpoint, to: &out)
        out.append(",\"rule\":")
        appendName(names?.rules, r.rule, to: &out)
        out.append(",\"reason\":")
        out.append(r.reason.quoted)
        out.append(",\"attempts\":")
        out.appendDecimal(UInt64(r.attempts))
        out.append(",\"status\":")
        out.appendDecimal(UInt64(r.status))
        out.append(",\"bytes_in\":")
        out.appendDecimal(r.bytesIn)
        out.append(",\"bytes_out\":")
        out.appendDecimal(r.bytesOut)
        out.append(",\"prompt_tokens\":")
        appendCount(r.promptTokens, to: &out)
        out.append(",\"completion_tokens\":")
        appendCount(r.completionTokens, to: &out)
        out.append(",\"ttft_ns\":")
        if r.ttftNs == 0 { out.append("null") } else { out.appendDecimal(r.ttftNs) }
        out.append(",\"total_ns\":")
        out.appendDecimal(r.totalNs)
        out.append(",\"overhead_ns\":")
        out.appendDecimal(r.overheadNs)
        out.append(r.stream ? ",\"stream\":true" : ",\"stream\":false")
        if r.traceIDHigh | r.traceIDLow == 0 {
            out.append(",\"trace_id\":null,\"span_id\":null}\n")
        } else {
            out.append(",\"trace_id\":\"")
            out.appendHex(r.traceIDHigh, width: 16)
            out.appendHex(r.traceIDLow, width: 16)
            out.append("\",\"span_id\":\"")
            out.appendHex(r.spanID, width: 16)
            out.append("\"}\n")
        }
    }

    /// A configured name, or null for `none`, an index the table does not
    /// have, or a version no table is kept for.
    static func appendName(_ table: [[UInt8]]?, _ index: Int32, to out: inout AccessLogBuffer) {
        guard let table, index >= 0, Int(index) < table.count else {
            out.append("null")
            return
        }
        out.append(table[Int(index)])
    }

    static func appendCount(_ value: Int32, to out: inout AccessLogBuffer) {
        if value < 0 { out.append("null") } else { out.appendDecimal(UInt64(value)) }
    }
}
