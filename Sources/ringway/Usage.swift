enum Usage {
    static let text = """
        ringway — a low-latency proxy for OpenAI-style LLM traffic

        Usage:
          ringway serve --upstream URL [options]   run the proxy in front of one upstream
          ringway serve --config FILE [options]    run the router (pools, models, rules)
          ringway check --config FILE              validate a router config file
          ringway top [--admin HOST:PORT]          live view of a running ringway (its admin listener)
          ringway --version                        print the version
          ringway --help                           this text

        Run 'ringway serve --help' for the serve options.
        """

    static let checkText = """
        ringway check --config FILE

        Validates a router config file (see docs/CONFIG.md) without starting anything.
        ${NAME} references are resolved from the environment, as 'serve' would.
          --config FILE               the JSON config file to check (required)

        Exit status: 0 valid (prints a one-line summary), 1 invalid or unreadable
        (each error as FILE:LINE:COLUMN: PATH: REASON on stderr), 2 bad usage.
        """

    static let topText = """
        ringway top [--admin HOST:PORT] [--interval-ms N] [--once]

        A live view of a running Ringway, read from its admin listener (/metrics and
        /admin/state): requests/s, errors/s, retries/s, proxy overhead, TTFT and latency
        percentiles over the last interval, per-model request and token rates, and each
        pool's endpoints (health, breaker, requests in flight, EWMA latency).
          --admin HOST:PORT           the admin listener (default 127.0.0.1:9901)
          --interval-ms N             refresh period (default 1000)
          --once                      print one view (two reads one interval apart) and exit
        """

    static let serveText = """
        ringway serve --upstream URL [options]
        ringway serve --config FILE [options]

        Sidecar mode: every request goes to one upstream.
          --upstream URL              http://HOST:PORT, https://HOST[:PORT] (443 by default) or
                                      unix:/path/to.sock
          --upstream-ca-file PATH     https upstream: a PEM CA bundle trusted besides the system store
          --upstream-insecure         https upstream: skip certificate and name checks (tests only)
        Router mode: pools, models, rules, fallbacks from a JSON file (docs/CONFIG.md);
        SIGHUP or POST /admin/reload reloads it.
          --config FILE               the router config (instead of --upstream)
          --max-inspected-body-bytes N  model-routed bodies are read whole (default 33554432, over it: 413)
          --admin HOST:PORT           sidecar mode: admin listener (/metrics, /healthz, /readyz,
                                      /admin/state); router mode takes the config's "admin"
          --access-log PATH           one JSON line per request to PATH or "stdout" (router mode: the
                                      config's "access_log"); SIGUSR1 reopens the file
          --access-log-sample R       share of requests logged, 0...1 (default 1; 5xx always logged)
          --listen HOST:PORT          where clients connect (default 127.0.0.1:8080 or the config's
                                      "listen"; port 0 picks one)
          --workers N                 worker threads, one io_uring ring each (default: cores)

        Engine:
          --ring-entries N            submission queue depth per worker (default 4096)
          --buffer-size BYTES         provided receive buffer size (default 16384)
          --buffer-count N            receive buffers per worker, power of two (default 1024)
          --busy-poll-us N            spin up to N µs for completions before sleeping (default 0: lower
                                      latency on VMs at the cost of CPU while idle)
          --answer-spin-us N          poll rather than sleep while a request sent upstream in the last
                                      N µs awaits its answer (default 200; 0: always sleep)

        HTTP limits:
          --max-header-bytes N        request head size (default 65536, over it: 431)
          --max-headers N             header count (default 100, over it: 431)
          --max-url-bytes N           request-target length (default 8192, over it: 414)
          --max-body-bytes N          request body size (default 67108864, over it: 413)

        Timeouts (milliseconds; 0 disables where noted):
          --header-timeout-ms N       to receive a request head (default 10000, then 408)
          --keepalive-timeout-ms N    idle client connection (default 75000)
          --connect-timeout-ms N      upstream connect (default 3000, then 504)
          --first-byte-timeout-ms N   request sent to first response byte (default 600000, then 504)
          --upstream-idle-timeout-ms N  pooled upstream connection idle (default 30000)
          --stream-idle-timeout-ms N  silence between response chunks (default 300000; 0 = off)
          --stream-total-timeout-ms N whole response (default 0 = off)
          --sse-ping-ms N             ': ping' comment while an event stream waits for its first token (default 0 = off)
          --drain-timeout-ms N        on SIGTERM, time for in-flight requests (default 30000)

        Pools:
          --pool-max-per-worker N     upstream connections per worker (default 4096; beyond: 503)
          --max-connections-per-worker N  client connections per worker (default 65536)
        """
}
