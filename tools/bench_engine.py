#!/usr/bin/env python3
"""Engine benchmark: Ringway (sidecar mode, one worker) against nginx as a
competent operator configures it, in the same run, same pinning, with the
phases interleaved round by round so machine noise hits every system alike.

  CPU 0: the proxy under test (Ringway or nginx, one worker each)
  CPU 1: the load generator (ringway-bench load) and the upstream

Upstream: `ringway-bench upstream`, the mock inference server on Ringway's own
engine (cheaper per request than nginx serving a fixed body, so the proxy's
own cost dominates), reachable over TCP and over a Unix socket, for both plain
completions and token streams.

Figures per system and round:
  - saturation (closed loop, 32 connections): req/s and the proxy's CPU time
    per request (from /proc/<pid>/task/*/schedstat, nanosecond resolution);
  - open loop at 1,000 and 5,000 req/s: latency percentiles, measured from
    each request's intended send time;
  - streams (200 req/s, 8 tokens each): time to first token through each
    proxy and direct, twice: with the mock's tokens back to back ("burst",
    the figure of earlier runs) and paced 1 ms apart ("paced", as a model
    streams). In the burst phase the mock sends all eleven events in one
    run on CPU 1, which is also the load generator's CPU, so the client
    reads its first token only once the mock's burst is over, whichever
    proxy relayed it (docs/BENCHMARKS.md, run 12): the paced phase is the
    one that measures the proxy.
Medians over rounds are reported; "added" means proxied minus direct at the
same percentile in the same round.

usage: tools/bench_engine.py [--rounds 5] [--duration 5] [--json FILE] [--systems A,B] [--streams-only]
Needs: nginx and haproxy (Debian), release builds of ringway and ringway-bench.
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RINGWAY = os.path.join(ROOT, ".build/release/ringway")
BENCH = os.path.join(ROOT, ".build/release/ringway-bench")
PEERS = os.path.join(ROOT, "tools/peers")
PROXY_CPU = "0"
LOAD_CPU = "1"
CHAT = '{"model":"m","messages":[{"role":"user","content":"Say hello."}],"max_tokens":16}'
STREAM = '{"model":"m","stream":true,"messages":[{"role":"user","content":"Say hello."}],"max_tokens":16}'

started = []
stopping = []


def start(cmd, cpu, ready=None, ready_file=None):
    proc = subprocess.Popen(["taskset", "-c", cpu] + cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    started.append(proc)
    if ready:
        deadline = time.time() + 10
        while time.time() < deadline:
            line = proc.stdout.readline()
            if ready in line:
                return proc, line
        sys.exit(f"{cmd[0]} did not start: {proc.stderr.read()}")
    if ready_file:
        deadline = time.time() + 10
        while not os.path.exists(ready_file) and time.time() < deadline:
            time.sleep(0.05)
    return proc, ""


def stop_all():
    for stop in stopping:
        stop()
    for proc in reversed(started):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in started:
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()


def nginx_conf(template, workdir, name, **values):
    with open(os.path.join(PEERS, template)) as f:
        text = f.read().replace("@WORKDIR@", workdir)
    for key, value in values.items():
        text = text.replace(f"@{key}@", str(value))
    path = os.path.join(workdir, name)
    with open(path, "w") as f:
        f.write(text)
    return path


LITELLM_KEY = "sk-ringway-bench"


def start_litellm(workdir):
    """LiteLLM through tools/peers.sh (its venv, config and warm-up); returns
    its port, or None with the reason printed when it cannot run here."""
    peers_dir = os.path.join(workdir, "peers")
    out = subprocess.run([os.path.join(ROOT, "tools/peers.sh"), "start", "--upstream", "127.0.0.1:18100",
                          "--workdir", peers_dir, "--cpu", PROXY_CPU, "--only", "litellm", "--base-port", "18120",
                          "--litellm-key", LITELLM_KEY], capture_output=True, text=True)
    stopping.append(lambda: subprocess.run([os.path.join(ROOT, "tools/peers.sh"), "stop", "--workdir", peers_dir],
                                           capture_output=True))
    match = re.search(r"peer litellm listening on 127\.0\.0\.1:(\d+)", out.stdout)
    if not match:
        print(f"litellm: not measured: {out.stdout.strip() or out.stderr.strip()}", file=sys.stderr)
        return None
    return int(match.group(1))


def render_haproxy(workdir, name, port, upstream_port):
    """tools/peers/haproxy.cfg.template: one thread, keep-alive both ways, no
    request buffering, http-no-delay so SSE events are not held by MSG_MORE."""
    return nginx_conf("haproxy.cfg.template", workdir, name, MAXCONN=8000, LISTEN=f"127.0.0.1:{port}",
                      UPSTREAM=f"127.0.0.1:{upstream_port}")


def nginx_worker(master_pid):
    """nginx's worker is the master's only child (worker_processes 1)."""
    for _ in range(50):
        try:
            with open(f"/proc/{master_pid}/task/{master_pid}/children") as f:
                kids = f.read().split()
            if kids:
                return int(kids[0])
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit("nginx worker not found")


def cpu_ns(pid):
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/schedstat") as f:
            total += int(f.read().split()[0])
    return total


def load(port, rate, duration, connections, body=CHAT, headers=()):
    out = tempfile.NamedTemporaryFile(suffix=".json", delete=False)
    out.close()
    cmd = ["taskset", "-c", LOAD_CPU, BENCH, "load", "--target", f"127.0.0.1:{port}",
           "--path", "/v1/chat/completions", "--body-json", body, "--rate", str(rate),
           "--connections", str(connections), "--duration", str(duration), "--warmup", "1",
           "--json", out.name]
    for h in headers:
        cmd += ["--header", h]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(out.name) as f:
        result = json.load(f)
    os.unlink(out.name)
    return result


# Routed mode for the "within 10% of sidecar mode" figure: the body is
# inspected, eight rules are evaluated (one a regex over the last user
# message), p2c_ewma picks among the pool's endpoints, the model name is
# spliced. None of the rules match the benchmark's request, so every rule is
# evaluated in full: the worst case for the rule scan.
ROUTED_CONFIG = {
    "admin": None,
    "pools": {
        "local": {"endpoints": ["http://127.0.0.1:18100"], "strategy": "p2c_ewma"},
        "batch": {"endpoints": ["http://127.0.0.1:18100"], "strategy": "least_outstanding"},
    },
    "models": {
        "m": {"pool": "local", "upstream_model": "meta-llama/Llama-3.1-8B-Instruct", "aliases": ["llama"],
              "price": {"input": 0.1, "output": 0.2}, "context_window": 131072, "capabilities": ["tools"],
              "fallbacks": ["m-batch"]},
        "m-batch": {"pool": "batch", "price": {"input": 0.05, "output": 0.1}},
        "vision": {"pool": "local", "capabilities": ["vision"]},
    },
    "rules": [
        {"name": "tenant-acme", "match": {"header": {"x-tenant": "acme"}}, "model": "m-batch"},
        {"name": "debug", "match": {"header": {"x-debug": "*"}}, "pool": "batch"},
        {"name": "images", "match": {"images": True}, "model": "vision"},
        {"name": "long", "match": {"min_prompt_tokens": 32000}, "model": "m-batch"},
        {"name": "tools", "match": {"tools": True, "model": ["llama"]}, "model": "m"},
        {"name": "translate", "match": {"last_user_message": "(?i)translate|traduire|übersetze"}, "model": "m-batch"},
        {"name": "batch-path", "match": {"path_prefix": "/v1/batch"}, "pool": "batch"},
        {"name": "cheap-short", "match": {"max_prompt_tokens": 0}, "cheapest": ["m", "m-batch"]},
    ],
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--duration", type=float, default=5)
    ap.add_argument("--json")
    ap.add_argument("--systems",
                    help="comma-separated subset of the systems to measure (direct is always included)")
    ap.add_argument("--streams-only", action="store_true",
                    help="measure only the two time-to-first-token phases")
    ap.add_argument("--with-litellm", action="store_true",
                    help="also start LiteLLM (tools/peers.sh) and measure every system at a low rate")
    args = ap.parse_args()
    for binary in (RINGWAY, BENCH):
        if not os.path.exists(binary):
            sys.exit(f"missing {binary}: run swift build -c release first")

    workdir = tempfile.mkdtemp(prefix="ringway-bench-")
    # A SIGTERM (a stopped run) still stops every process it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return run(args, workdir)
    finally:
        stop_all()


def run(args, workdir):
    # The upstream: Ringway's mock inference server (its own io_uring engine,
    # ~150k small completions/s on one core), on TCP and on a Unix socket.
    uds = os.path.join(workdir, "upstream.sock")
    start([BENCH, "upstream", "--listen", "127.0.0.1:18100", "--uds", uds], LOAD_CPU, ready="listening")
    proxy_conf = nginx_conf("nginx-proxy.conf.template", workdir, "proxy.conf", PORT=18101, UPSTREAM_PORT=18100)
    nginx_master, _ = start(["nginx", "-c", proxy_conf, "-g", "daemon off;"], PROXY_CPU,
                            ready_file=os.path.join(workdir, "proxy.pid"))
    time.sleep(0.3)
    nginx_pid = nginx_worker(nginx_master.pid)
    haproxy = None
    if shutil.which("haproxy"):
        haproxy_conf = render_haproxy(workdir, "haproxy.cfg", 18106, 18100)
        haproxy, _ = start(["haproxy", "-f", haproxy_conf, "-db"], PROXY_CPU)
    ringway, _ = start([RINGWAY, "serve", "--listen", "127.0.0.1:18102", "--upstream", "http://127.0.0.1:18100",
                        "--workers", "1"], PROXY_CPU, ready="listening")
    ringway_uds, _ = start([RINGWAY, "serve", "--listen", "127.0.0.1:18103", "--upstream", f"unix:{uds}",
                            "--workers", "1"], PROXY_CPU, ready="listening")
    # The opt-in latency mode: spin up to 50 µs for completions before
    # sleeping, trading idle CPU for the vCPU wake-ups that dominate here.
    routed_conf = os.path.join(workdir, "routed.json")
    with open(routed_conf, "w") as f:
        json.dump(ROUTED_CONFIG, f)
    ringway_routed, _ = start([RINGWAY, "serve", "--listen", "127.0.0.1:18109", "--config", routed_conf,
                               "--workers", "1"], PROXY_CPU, ready="listening")
    # The same routed config with observability on: the admin listener (so
    # every exchange is recorded in the metric shards) and the access log
    # to a file, for issue 5's "metrics and logging cost" figure.
    observed = dict(ROUTED_CONFIG, admin={"listen": "127.0.0.1:18111"},
                    access_log={"path": os.path.join(workdir, "access.log")})
    observed_conf = os.path.join(workdir, "observed.json")
    with open(observed_conf, "w") as f:
        json.dump(observed, f)
    ringway_observed, _ = start([RINGWAY, "serve", "--listen", "127.0.0.1:18110", "--config", observed_conf,
                                 "--workers", "1"], PROXY_CPU, ready="listening")
    # Each half of "observed" alone: metrics only (admin listener), and the
    # access log only.
    metrics_conf = os.path.join(workdir, "metrics.json")
    with open(metrics_conf, "w") as f:
        json.dump(dict(ROUTED_CONFIG, admin={"listen": "127.0.0.1:18112"}), f)
    ringway_metrics, _ = start([RINGWAY, "serve", "--listen", "127.0.0.1:18113", "--config", metrics_conf,
                                "--workers", "1"], PROXY_CPU, ready="listening")
    logged_conf = os.path.join(workdir, "logged.json")
    with open(logged_conf, "w") as f:
        json.dump(dict(ROUTED_CONFIG, access_log={"path": os.path.join(workdir, "access-only.log")}), f)
    ringway_logged, _ = start([RINGWAY, "serve", "--listen", "127.0.0.1:18114", "--config", logged_conf,
                               "--workers", "1"], PROXY_CPU, ready="listening")
    ringway_spin, _ = start([RINGWAY, "serve", "--listen", "127.0.0.1:18108", "--upstream", "http://127.0.0.1:18100",
                             "--workers", "1", "--busy-poll-us", "50"], PROXY_CPU, ready="listening")
    # Defaults less the answer spin: the worker always sleeps between events.
    ringway_nospin, _ = start([RINGWAY, "serve", "--listen", "127.0.0.1:18115", "--upstream",
                               "http://127.0.0.1:18100", "--workers", "1", "--answer-spin-us", "0"], PROXY_CPU,
                              ready="listening")
    time.sleep(0.5)

    systems = {
        "direct": (18100, None),
        "nginx": (18101, nginx_pid),
        "ringway": (18102, ringway.pid),
        "ringway-uds": (18103, ringway_uds.pid),
        "ringway-spin50": (18108, ringway_spin.pid),
        "ringway-nospin": (18115, ringway_nospin.pid),
        "ringway-routed": (18109, ringway_routed.pid),
        "ringway-observed": (18110, ringway_observed.pid),
        "ringway-metrics": (18113, ringway_metrics.pid),
        "ringway-logged": (18114, ringway_logged.pid),
    }
    if haproxy:
        systems["haproxy"] = (18106, haproxy.pid)
    if args.systems:
        wanted = {"direct"} | set(args.systems.split(","))
        unknown = wanted - set(systems)
        if unknown:
            sys.exit(f"unknown system(s): {', '.join(sorted(unknown))}; known: {', '.join(systems)}")
        systems = {name: v for name, v in systems.items() if name in wanted}
    stream_systems = {name: port for name, (port, _) in systems.items() if name != "ringway-uds"}
    # LiteLLM answers in milliseconds and saturates at a few hundred req/s:
    # it joins only the low-rate phase (every system at 50 req/s, which is
    # also the "added latency at concurrency 1" figure) and a slower stream
    # phase.
    low_systems = {name: port for name, (port, _) in systems.items()}
    auth = []
    if args.with_litellm:
        litellm_port = start_litellm(workdir)
        if litellm_port:
            low_systems["litellm"] = litellm_port
            stream_systems["litellm"] = litellm_port
            auth = [f"Authorization: Bearer {LITELLM_KEY}"]
    rounds = []
    for r in range(args.rounds):
        row = {}
        for name, (port, pid) in ({} if args.streams_only else systems).items():
            before = cpu_ns(pid) if pid else 0
            sat = load(port, 0, args.duration, 32)
            used = cpu_ns(pid) - before if pid else 0
            # Completed requests include the warm-up second; so does the CPU time.
            total = sat["completed"] + round(sat["achieved_rps"] * sat["warmup_s"])
            row[name] = {
                "saturated_rps": sat["achieved_rps"],
                "cpu_us_per_request": used / 1000 / total if pid else None,
                "errors": sat["errors"]["total"],
            }
            for rate in (1000, 5000):
                res = load(port, rate, args.duration, 64)
                row[name][f"open{rate}"] = {k: res["latency_us"][k] for k in ("p50", "p90", "p99", "p99.9")}
                row[name][f"open{rate}"]["errors"] = res["errors"]["total"]
        for name, port in stream_systems.items():
            rate = 20 if name == "litellm" else 200
            res = load(port, rate, args.duration, 8, body=STREAM, headers=["x-mock-tokens: 8"] + auth)
            row.setdefault(name, {})["ttft"] = {k: res["ttft_us"][k] for k in ("p50", "p99")}
            res = load(port, rate, args.duration, 8, body=STREAM,
                       headers=["x-mock-tokens: 8", "x-mock-itl-us: 1000"] + auth)
            row[name]["ttft_paced"] = {k: res["ttft_us"][k] for k in ("p50", "p99")}
        if args.with_litellm:
            for name, port in low_systems.items():
                res = load(port, 50, args.duration, 4, headers=auth)
                row.setdefault(name, {})["low"] = {k: res["latency_us"][k] for k in ("p50", "p90", "p99")}
                row[name]["low"]["errors"] = res["errors"]["total"]
        rounds.append(row)
        print(f"round {r + 1}/{args.rounds}: " + ", ".join(
            f"{n} {row[n]['ttft_paced']['p50']:.0f} µs paced TTFT" if args.streams_only
            else f"{n} {row[n]['saturated_rps']:.0f} req/s"
            for n in (stream_systems if args.streams_only else systems)), file=sys.stderr)

    summary = summarize(rounds, [] if args.streams_only else list(systems), list(stream_systems),
                        list(low_systems) if args.with_litellm else [])
    report = {"machine": machine(), "rounds": rounds, "summary": summary,
              "command": " ".join(sys.argv), "duration_s": args.duration}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
    print_summary(summary)
    return 0


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summarize(rounds, names, stream_names, low_names):
    s = {name: {} for name in dict.fromkeys(names + stream_names + low_names)}
    for name in low_names:
        for q in ("p50", "p99"):
            s[name][f"low_{q}"] = med([r[name]["low"][q] for r in rounds])
            if name != "direct":
                s[name][f"added_low_{q}"] = med([r[name]["low"][q] - r["direct"]["low"][q] for r in rounds])
    for name in names:
        s[name].update({
            "saturated_rps": med([r[name]["saturated_rps"] for r in rounds]),
            "cpu_us_per_request": med([r[name]["cpu_us_per_request"] for r in rounds]),
        })
        for rate in (1000, 5000):
            for q in ("p50", "p99"):
                s[name][f"open{rate}_{q}"] = med([r[name][f"open{rate}"][q] for r in rounds])
                if name != "direct":
                    s[name][f"added{rate}_{q}"] = med(
                        [r[name][f"open{rate}"][q] - r["direct"][f"open{rate}"][q] for r in rounds])
    for name in stream_names:
        for phase in ("ttft", "ttft_paced"):
            for q in ("p50", "p99"):
                s[name][f"{phase}_{q}"] = med([r[name][phase][q] for r in rounds])
                if name != "direct":
                    s[name][f"added_{phase}_{q}"] = med([r[name][phase][q] - r["direct"][phase][q] for r in rounds])
    s["ratios"] = {}
    rw = s.get("ringway")
    if rw and "nginx" in s:
        ng = s["nginx"]
        if "cpu_us_per_request" in rw:
            s["ratios"].update({
                "cpu_per_request_ringway_over_nginx": rw["cpu_us_per_request"] / ng["cpu_us_per_request"],
                "saturated_rps_ringway_over_nginx": rw["saturated_rps"] / ng["saturated_rps"],
            })
        for phase in ("ttft", "ttft_paced"):
            if f"added_{phase}_p50" in ng:
                s["ratios"][f"added_{phase}_p50_ringway_over_nginx"] = (
                    rw[f"added_{phase}_p50"] / ng[f"added_{phase}_p50"] if ng[f"added_{phase}_p50"] else None)
                # The same ratio round by round, then its median: robust to a
                # round that put the whole machine in its slow state.
                per_round = [(r["ringway"][phase]["p50"] - r["direct"][phase]["p50"])
                             / (r["nginx"][phase]["p50"] - r["direct"][phase]["p50"]) for r in rounds
                             if r["nginx"][phase]["p50"] != r["direct"][phase]["p50"]]
                s["ratios"][f"added_{phase}_p50_ringway_over_nginx_per_round"] = med(per_round)

    def ratios(top, base, label):
        if top not in s or base not in s or "cpu_us_per_request" not in s[top]:
            return
        a, b = s[top], s[base]
        for rate in (1000, 5000):
            if b[f"added{rate}_p50"]:
                s["ratios"][f"added{rate}_p50_{label}"] = a[f"added{rate}_p50"] / b[f"added{rate}_p50"]
        s["ratios"][f"cpu_per_request_{label}"] = a["cpu_us_per_request"] / b["cpu_us_per_request"]
    ratios("ringway-routed", "ringway", "routed_over_sidecar")
    ratios("ringway-observed", "ringway-routed", "observed_over_routed")
    ratios("ringway-metrics", "ringway-routed", "metrics_over_routed")
    ratios("ringway-logged", "ringway-routed", "logged_over_routed")
    if "haproxy" in s and rw and "cpu_us_per_request" in rw:
        hp = s["haproxy"]
        s["ratios"]["cpu_per_request_ringway_over_haproxy"] = rw["cpu_us_per_request"] / hp["cpu_us_per_request"]
        s["ratios"]["saturated_rps_ringway_over_haproxy"] = rw["saturated_rps"] / hp["saturated_rps"]
    return s


def print_summary(s):
    print("| system | sat. req/s | CPU µs/req | added p50 @1k | added p99 @1k | added p50 @5k | added p99 @5k "
          "| added TTFT p50 | added TTFT p99 | added paced TTFT p50 | added paced TTFT p99 "
          "| added p50 @50 | added p99 @50 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for name in [n for n in s if n != "ratios"]:
        v = s[name]

        def f(key, digits=1):
            x = v.get(key)
            return "–" if x is None else f"{x:.{digits}f}"
        print(f"| {name} | {f('saturated_rps', 0)} | {f('cpu_us_per_request', 2)} | {f('added1000_p50')} | "
              f"{f('added1000_p99')} | {f('added5000_p50')} | {f('added5000_p99')} | {f('added_ttft_p50')} | "
              f"{f('added_ttft_p99')} | {f('added_ttft_paced_p50')} | {f('added_ttft_paced_p99')} | "
              f"{f('added_low_p50')} | {f('added_low_p99')} |")
    print()
    for k, v in s["ratios"].items():
        print(f"{k}: {v:.3f}" if v is not None else f"{k}: –")


def machine():
    def cmd(c):
        try:
            return subprocess.run(c, capture_output=True, text=True, shell=True).stdout.strip()
        except OSError:
            return ""
    return {
        "kernel": cmd("uname -r"),
        "cpu": cmd("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"),
        "cores": os.cpu_count(),
        "nginx": cmd("nginx -v 2>&1"),
        "ringway": cmd(f"{RINGWAY} --version"),
        "swift": cmd("swift --version 2>&1 | head -1"),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


if __name__ == "__main__":
    sys.exit(main())
