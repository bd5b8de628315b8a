/// Parses `ringway-bench upstream` arguments. Pure, so tests cover every flag
/// without starting anything.
public enum MockCommandLine {
    public static let usage = """
        usage: ringway-bench upstream [--listen HOST:PORT] [--uds PATH] [--workers N]
                                      [--tokens N] [--ttft-us N] [--itl-us N]
                                      [--slots N] [--queue N] [--overload-status 429|503] [--model NAME]
                                      [--context-window N]

          A mock OpenAI-style inference server on Ringway's io_uring engine. Prints
          `mock listening on HOST:PORT` once ready; runs until SIGTERM or SIGINT.

          --listen HOST:PORT   numeric address (default 127.0.0.1:0; port 0 = ephemeral)
          --host H, --port P   the same, as the Python fixture spells it
          --uds PATH           also serve on a Unix socket
          --workers N          event-loop threads, one io_uring each (default 1)
          --tokens N           completion tokens per response (default 8)
          --ttft-us N          delay before the first token, µs (default 0)
          --itl-us N           delay between streamed tokens, µs (default 0)
          --slots N            concurrent generations (default 0 = unlimited)
          --queue N            requests that may wait for a slot (default unlimited);
                               more are refused with --overload-status
          --overload-status S  429 (default) or 503
          --model NAME         model named when a request names none (default mock-model)
          --context-window N   refuse prompts over N tokens (body bytes / 4) with a 400
                               context_length_exceeded, as vLLM does (default 0 = no limit)

          Per request, headers override the flags: x-mock-tokens, x-mock-ttft-us,
          x-mock-itl-us, x-mock-status, x-mock-fail: midstream|reset|hang, x-mock-header-bytes,
          x-mock-close-delimited: 1 (a stream ended by closing, no chunked framing).
          Endpoints: POST /v1/chat/completions, /v1/completions, /v1/embeddings;
          GET /v1/models, /health, /metrics (vllm:num_requests_running|waiting,
          vllm:kv_cache_usage_perc); /echo, /bytes?n=N, /__requests, /__aborted.
        """

    public static func parse(_ arguments: [String]) throws(MockUsageError) -> MockSettings {
        var settings = MockSettings()
        var index = 0
        func value(_ flag: String) throws(MockUsageError) -> String {
            index += 1
            guard index < arguments.count else { throw MockUsageError("\(flag) needs a value") }
            return arguments[index]
        }
        func number(_ flag: String, _ text: String, max: Int) throws(MockUsageError) -> Int {
            guard let v = Int(text), v >= 0, v <= max else {
                throw MockUsageError("\(flag) must be an integer from 0 to \(max), got '\(text)'")
            }
            return v
        }
        while index < arguments.count {
            let flag = arguments[index]
            switch flag {
            case "--listen":
                let text = try value(flag)
                guard let (host, port) = splitHostPort(text) else {
                    throw MockUsageError("--listen must be HOST:PORT with a numeric host, got '\(text)'")
                }
                settings.host = host
                settings.port = port
            case "--host":
                settings.host = try value(flag)
            case "--port":
                settings.port = UInt16(try number(flag, try value(flag), max: 65535))
            case "--uds":
                let path = try value(flag)
                guard !path.isEmpty, path.utf8.count < 108 else {
                    throw MockUsageError("--uds needs a path shorter than 108 bytes")
                }
                settings.unixPath = path
            case "--workers":
                settings.workers = try number(flag, try value(flag), max: 256)
                guard settings.workers >= 1 else { throw MockUsageError("--workers must be at least 1") }
            case "--tokens":
                settings.tokens = try number(flag, try value(flag), max: 10_000_000)
            case "--ttft-us":
                settings.ttftMicroseconds = UInt64(try number(flag, try value(flag), max: 3_600_000_000))
            case "--itl-us":
                settings.itlMicroseconds = UInt64(try number(flag, try value(flag), max: 3_600_000_000))
            case "--slots":
                settings.slots = try number(flag, try value(flag), max: 1 << 30)
            case "--queue":
                settings.queue = try number(flag, try value(flag), max: 1 << 30)
            case "--overload-status":
                let status = try number(flag, try value(flag), max: 999)
                guard status == 429 || status == 503 else {
                    throw MockUsageError("--overload-status must be 429 or 503, got \(status)")
                }
                settings.overloadStatus = status
            case "--context-window":
                settings.contextWindow = try number(flag, try value(flag), max: 1 << 30)
            case "--model":
                let model = try value(flag)
                guard !model.isEmpty, model.utf8.count <= 200 else {
                    throw MockUsageError("--model needs a name of 1 to 200 bytes")
                }
                settings.model = model
            default:
                throw MockUsageError("unknown upstream option '\(flag)' (try ringway-bench upstream --help)")
            }
            index += 1
        }
        if settings.queue != nil && settings.slots == 0 {
            throw MockUsageError("--queue needs --slots (without slots nothing ever waits)")
        }
        guard isNumericHost(settings.host) else {
            throw MockUsageError("listen host must be a numeric IP address, got '\(settings.host)'")
        }
        return settings
    }

    /// `127.0.0.1:8000`, `[::1]:8000`.
    static func splitHostPort(_ text: String) -> (String, UInt16)? {
        var host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard let port = UInt16(portText), !host.isEmpty else { return nil }
        if host.contains(":") && !text.hasPrefix("[") { return nil }
        host = Substring(String(host))
        return (String(host), port)
    }

    static func isNumericHost(_ host: String) -> Bool {
        var address = rw_address()
        return rw_address_ip(host, 0, &address) == 0
    }
}

import CRingwayEngine
