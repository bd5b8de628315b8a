#!/usr/bin/env python3
"""Checks one proxy in front of Tests/Fixtures/mock_upstream.py (stdlib only).

Usage: verify.py --name NAME --url http://127.0.0.1:PORT [--key KEY] [--model m]
                 [--itl-us 100000] [--tokens 8]

1. A non-streaming chat completion must answer 200 with a JSON body that has choices.
2. A streamed chat completion is sent with `x-mock-itl-us: ITL`, asking the mock to
   space its SSE events ITL apart. Each event's arrival time at this client is noted,
   and so is `mock_sent_ns` (the mock's wall-clock send time, carried in the event
   when the proxy keeps unknown fields). From these:
   - upstream gap: spacing of the mock's sends; ~ITL means the proxy forwarded the
     x-mock-itl-us header (else the mock sends everything at once);
   - client gap: spacing of arrivals here; ~ITL means the proxy did not hold events;
   - hold: arrival minus mock send time per event (same host, same clock), the
     time each event spent inside the proxy.
Prints one line `verify NAME ...` and exits 0 when both checks pass.
"""
import argparse, http.client, json, statistics, sys, time
from urllib.parse import urlsplit


def connect(url):
    parts = urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)


def headers_for(args, extra=None):
    h = {"Content-Type": "application/json"}
    if args.key:
        h["Authorization"] = f"Bearer {args.key}"
    h.update(extra or {})
    return h


def non_streaming(args):
    conn = connect(args.url)
    body = json.dumps({"model": args.model, "messages": [{"role": "user", "content": "hi"}]})
    conn.request("POST", "/v1/chat/completions", body, headers_for(args))
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    try:
        ok = resp.status == 200 and bool(json.loads(data).get("choices"))
    except ValueError:
        ok = False
    return ok, resp.status


def streaming(args):
    conn = connect(args.url)
    body = json.dumps({"model": args.model, "stream": True,
                       "messages": [{"role": "user", "content": "hi"}]})
    start = time.time_ns()
    conn.request("POST", "/v1/chat/completions", body,
                 headers_for(args, {"x-mock-itl-us": str(args.itl_us),
                                    "x-mock-tokens": str(args.tokens)}))
    resp = conn.getresponse()
    arrivals, sent = [], []
    while True:
        line = resp.readline()   # decodes chunked framing as bytes arrive
        if not line:
            break
        now = time.time_ns()
        line = line.strip()
        if not line.startswith(b"data:") or line == b"data: [DONE]":
            continue
        event = json.loads(line[5:])
        if not event.get("choices"):
            continue   # a usage-only event
        arrivals.append(now)
        sent.append(event.get("mock_sent_ns"))
    conn.close()
    return resp.status, start, arrivals, sent


def gaps_ms(times):
    return [(b - a) / 1e6 for a, b in zip(times, times[1:])]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--name", required=True)
    p.add_argument("--url", required=True)
    p.add_argument("--key")
    p.add_argument("--model", default="m")
    p.add_argument("--itl-us", type=int, default=100000)
    p.add_argument("--tokens", type=int, default=8)
    p.add_argument("--verbose", action="store_true", help="print each event's timing")
    args = p.parse_args()
    itl_ms = args.itl_us / 1000

    plain_ok, plain_status = non_streaming(args)
    status, start, arrivals, sent = streaming(args)
    if status != 200 or len(arrivals) < 3:
        print(f"verify {args.name} FAIL non-streaming={plain_status} streaming={status} "
              f"events={len(arrivals)}")
        return 1
    client = gaps_ms(arrivals)
    if args.verbose:
        for i, a in enumerate(arrivals):
            hold = f" hold={(a - sent[i]) / 1e6:.1f}ms" if sent[i] is not None else ""
            print(f"  event {i} at {(a - start) / 1e6:.1f}ms{hold}")
    # The first gap may include the proxy's own first-token work; judge the rest.
    median_client = statistics.median(client[1:] or client)
    paced = abs(median_client - itl_ms) <= 0.4 * itl_ms and min(client[1:] or client) >= 0.4 * itl_ms
    if all(s is not None for s in sent):
        upstream = gaps_ms(sent)
        forwarded = statistics.median(upstream) >= 0.6 * itl_ms
        holds = [(a - s) / 1e6 for a, s in zip(arrivals, sent)]
        hold_text = f"hold_ms median={statistics.median(holds):.1f} max={max(holds):.1f}"
    else:
        # The proxy rebuilt the events without mock_sent_ns: judge the header by the
        # stream's length, which only reaches (events-1)*ITL when the mock paced it.
        forwarded = (arrivals[-1] - arrivals[0]) / 1e6 >= 0.6 * itl_ms * (len(arrivals) - 1)
        hold_text = "hold_ms n/a (mock_sent_ns not relayed)"
    verdict = "PASS" if plain_ok and paced else "FAIL"
    print(f"verify {args.name} {verdict} non-streaming={plain_status} streaming={status} "
          f"events={len(arrivals)} ttft_ms={(arrivals[0] - start) / 1e6:.1f} "
          f"client_gap_ms median={median_client:.1f} min={min(client):.1f} max={max(client):.1f} "
          f"{hold_text} x-mock-itl-us_forwarded={'yes' if forwarded else 'no'}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
