#!/usr/bin/env python3
"""Where a streamed request's time to first token goes, stage by stage, from
a system-wide kernel trace of one `ringway-bench load` stream phase.

Record (root; the proxy, the mock upstream and the load generator already
running and pinned as tools/bench_engine.py pins them):

  perf record -o tl.data -a -e sched:sched_switch,sched:sched_wakeup,\
io_uring:io_uring_complete,io_uring:io_uring_submit_req,\
syscalls:sys_enter_sendto,syscalls:sys_exit_recvfrom,syscalls:sys_enter_writev \
    -- taskset -c 1 .build/release/ringway-bench load --target 127.0.0.1:PORT \
       --path /v1/chat/completions --body-json '{"model":"m","stream":true,...}' \
       --rate 200 --connections 8 --duration 2 --warmup 0 --header 'x-mock-tokens: 8'
  perf script -i tl.data | grep -v '^ *perf ' > tl.txt
  python3 tools/stream_timeline.py tl.txt

Roles are told apart by what they do: the load generator is the
`ringway-bench` process that calls sendto(2), the mock is the other
`ringway-bench` process (io_uring), the proxy is anything else that submits
io_uring sends (Ringway; user_data tag 2 = client receive, 6 = upstream
receive) or calls writev(2) (nginx). With no proxy the trace is of the direct
path. Each stage is the time from the previous milestone, median over the
requests whose milestones were all found before the next request was sent.
"""
import re
import statistics
import sys


def read(path):
    events = []
    pattern = re.compile(r'\s*(.+?)\s+(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s*(.*)')
    with open(path) as f:
        for line in f:
            m = pattern.match(line)
            if m:
                events.append((float(m.group(4)) * 1e6, m.group(1), int(m.group(2)), m.group(5), m.group(6)))
    return events


def main(path):
    ev = read(path)
    load = next(p for _, c, p, n, _ in ev if n == 'syscalls:sys_enter_sendto' and c == 'ringway-bench')
    mock = next(p for _, c, p, n, _ in ev if c == 'ringway-bench' and p != load and n.startswith('io_uring:'))
    proxy = {p for _, c, p, n, _ in ev if p not in (load, mock) and c != 'swapper'
             and (n == 'io_uring:io_uring_submit_req' or n == 'syscalls:sys_enter_writev')}

    def received(e, tag):
        _, _, p, n, r = e
        return p in proxy and ((n == 'io_uring:io_uring_complete' and f'user_data 0x{tag}' in r)
                               or (n == 'syscalls:sys_exit_recvfrom' and not r.startswith('0xffff')))

    def proxy_sends(e):
        _, _, p, n, r = e
        return p in proxy and ((n == 'io_uring:io_uring_submit_req' and 'opcode SEND' in r)
                               or n == 'syscalls:sys_enter_writev')

    def mock_receives(e):
        return e[2] == mock and e[3] == 'io_uring:io_uring_complete' and 'user_data 0x2' in e[4]

    def mock_sends(e):
        return e[2] == mock and e[3] == 'io_uring:io_uring_submit_req' and 'opcode SEND' in e[4]

    def client_reads(e):
        return e[2] == load and e[3] == 'syscalls:sys_exit_recvfrom' and not e[4].startswith('0xffff')

    steps = []
    if proxy:
        steps += [('proxy has the request', lambda e: received(e, 2)), ('proxy sends it upstream', proxy_sends)]
    steps += [('mock has the request', mock_receives), ('mock sends the head', mock_sends),
              ('mock sends event 1', mock_sends)]
    if proxy:
        steps += [('proxy has answer bytes', lambda e: received(e, 6)), ('proxy sends to the client', proxy_sends)]
    steps += [('client reads', client_reads)]

    stages = {name: [] for name, _ in steps}
    totals = []
    i = 0
    while i < len(ev):
        e = ev[i]
        if not (e[2] == load and e[3] == 'syscalls:sys_enter_sendto'):
            i += 1
            continue
        times, k, j = [], 0, i + 1
        while j < len(ev) and k < len(steps):
            if ev[j][2] == load and ev[j][3] == 'syscalls:sys_enter_sendto':
                break
            if steps[k][1](ev[j]):
                times.append(ev[j][0])
                k += 1
            j += 1
        if k == len(steps):
            previous = e[0]
            for (name, _), t in zip(steps, times):
                stages[name].append(t - previous)
                previous = t
            totals.append(times[-1] - e[0])
        i = max(j, i + 1)
    if not totals:
        sys.exit("no complete request found in the trace")
    print(f"{len(totals)} requests; request sent to first bytes read: median {statistics.median(totals):.0f} µs")
    for name, values in stages.items():
        print(f"  {name:28s} +{statistics.median(values):6.1f} µs")


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit("usage: tools/stream_timeline.py TRACE.txt (see the docstring for how to record it)")
    main(sys.argv[1])
