#!/usr/bin/env python3
"""A mock OpenAI-style inference server that can misbehave on request (stdlib only).

Usage: mock_upstream.py --port 0 [--host 127.0.0.1] [--uds PATH] [--tls-cert FILE --tls-key FILE]
Prints exactly one line, `mock listening on HOST:PORT`, once every listener is bound.
With --uds the mock also serves the same endpoints on a Unix socket at PATH.
With --tls-cert/--tls-key the TCP listener speaks TLS (ALPN http/1.1) with that
certificate chain and key (PEM).

Every response carries `x-mock-conn` (per-connection counter, from 1) and `x-mock-seq`
(request number on that connection, from 1), so tests can prove connection reuse; over
TLS also `x-mock-tls-resumed` (1 when the connection resumed an earlier session).

Control endpoints (not recorded themselves, query them on the mock directly):
  GET /__requests     -> ["METHOD PATH", ...] every request head received since start/reset
  GET /__aborted      -> {"count": N, "requests": ["METHOD PATH", ...]} responses cut short
                         because the client went away (EOF/RST seen while streaming or hanging)
  DELETE /__requests  -> resets both lists
"""
import argparse, asyncio, hashlib, json, os, signal, socket, ssl, struct, sys, time
from urllib.parse import urlsplit, parse_qs

REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 413: "Payload Too Large",
           429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable", 504: "Gateway Timeout"}
PATTERN_PIECE = 64 * 1024
# Byte i of /bytes is i % 251; any piece is a slice of this doubled period.
PATTERN = bytes(i % 251 for i in range(PATTERN_PIECE + 251))

requests_seen = []   # "METHOD PATH" per request head
aborted_seen = []    # "METHOD PATH" per response the client abandoned
conn_counter = 0


class BadRequest(Exception):
    pass


class ClientGone(Exception):
    pass


class Request:
    def __init__(self, method, target, version, headers):
        self.method, self.target, self.version, self.headers = method, target, version, headers
        parts = urlsplit(target)
        self.path, self.query = parts.path, parse_qs(parts.query)
        self.line = f"{method} {target}"

    def header(self, name, default=None):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return default

    def keep_alive(self):
        tokens = [t.strip().lower() for t in (self.header("connection") or "").split(",")]
        if self.version == "HTTP/1.0":
            return "keep-alive" in tokens
        return "close" not in tokens


async def read_line(reader):
    line = await reader.readuntil(b"\n")
    if not line.endswith(b"\r\n"):
        raise BadRequest("bare LF")
    return line[:-2]


async def read_head(reader):
    """Returns a Request, or None on a clean EOF between requests."""
    try:
        line = await read_line(reader)
    except asyncio.IncompleteReadError as e:
        if not e.partial:
            return None
        raise BadRequest("truncated request line")
    parts = line.decode("latin-1").split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise BadRequest(f"bad request line {line!r}")
    headers = []
    while True:
        line = await read_line(reader)
        if not line:
            break
        name, sep, value = line.decode("latin-1").partition(":")
        if not sep or not name or name != name.strip():
            raise BadRequest(f"bad header line {line!r}")
        headers.append((name, value.strip(" \t")))
    return Request(parts[0], parts[1], parts[2], headers)


async def body_pieces(reader, req):
    """Yields the request body in pieces; decodes chunked strictly (RFC 9112 §7.1)."""
    te = req.header("transfer-encoding")
    if te is not None:
        if te.lower() != "chunked":
            raise BadRequest(f"unsupported transfer-encoding {te!r}")
        while True:
            size_text = (await read_line(reader)).split(b";", 1)[0]
            if not size_text or any(c not in b"0123456789abcdefABCDEF" for c in size_text) or len(size_text) > 16:
                raise BadRequest(f"bad chunk size {size_text!r}")
            size = int(size_text, 16)
            if size == 0:
                while await read_line(reader):   # trailer fields, ignored
                    pass
                return
            while size:
                piece = await reader.read(min(size, 65536))
                if not piece:
                    raise BadRequest("truncated chunk")
                size -= len(piece)
                yield piece
            if await reader.readexactly(2) != b"\r\n":
                raise BadRequest("chunk data not followed by CRLF")
    length = req.header("content-length")
    if length is None:
        return
    if not length.isdigit():
        raise BadRequest(f"bad content-length {length!r}")
    remaining = int(length)
    while remaining:
        piece = await reader.read(min(remaining, 65536))
        if not piece:
            raise BadRequest("truncated body")
        remaining -= len(piece)
        yield piece


class Connection:
    def __init__(self, reader, writer):
        global conn_counter
        conn_counter += 1
        self.id, self.seq, self.reader, self.writer = conn_counter, 0, reader, writer

    def client_gone(self):
        return self.reader.at_eof() or self.writer.transport.is_closing()

    async def pause(self, seconds):
        """Sleeps, but notices the client going away (checks every 5 ms)."""
        deadline = time.monotonic() + seconds
        while True:
            if self.client_gone():
                raise ClientGone()
            left = deadline - time.monotonic()
            if left <= 0:
                return
            await asyncio.sleep(min(left, 0.005))

    async def send(self, data):
        if self.client_gone():
            raise ClientGone()
        self.writer.write(data)
        try:
            await self.writer.drain()
        except (ConnectionError, OSError):
            raise ClientGone()

    def head(self, status, headers, keep_alive):
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}",
                 f"x-mock-conn: {self.id}", f"x-mock-seq: {self.seq}", "server: mock-upstream"]
        tls = self.writer.get_extra_info("ssl_object")
        if tls is not None:
            # Whether this TLS connection resumed an earlier session.
            lines.append(f"x-mock-tls-resumed: {int(tls.session_reused)}")
        lines += [f"{k}: {v}" for k, v in headers]
        # x-mock-header-bytes: pad the head so it spans several proxy buffers.
        padding = getattr(self, "padding", 0)
        for i in range(0, padding, 4000):
            lines.append(f"x-mock-padding-{i // 4000}: " + "p" * min(4000, padding - i))
        if not keep_alive:
            lines.append("connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    async def respond(self, status, body, keep_alive, ctype="application/json", head_only=False):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        elif isinstance(body, str):
            body = body.encode()
        head = self.head(status, [("content-type", ctype), ("content-length", str(len(body)))], keep_alive)
        await self.send(head if head_only else head + body)

    async def flush_and_close(self):
        """Lets every written byte reach the kernel, then closes with FIN (no terminator).
        Over TLS the close is abrupt too: no close_notify (asyncio's TLS close would wait
        for the peer's), so the client sees a truncated stream."""
        if self.writer.get_extra_info("ssl_object") is not None:
            # A zero write-buffer limit never drains through asyncio's TLS layer.
            await self.writer.drain()
            await asyncio.sleep(0.05)
            self.writer.get_extra_info("socket").shutdown(socket.SHUT_WR)
            self.writer.transport.abort()
            return
        self.writer.transport.set_write_buffer_limits(0)
        await self.writer.drain()
        self.writer.close()

    def reset(self):
        sock = self.writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()


def error_body(status, message):
    return {"error": {"message": message, "type": "mock_error", "param": None, "code": str(status)}}


def chunk_event(model, delta, finish, usage=None):
    event = {"id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": 1735689600,
             "model": model, "system_fingerprint": "fp_mock",
             "choices": [] if usage else [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
             "usage": usage, "mock_sent_ns": time.time_ns()}
    data = b"data: " + json.dumps(event, separators=(",", ":")).encode() + b"\n\n"
    return b"%x\r\n%s\r\n" % (len(data), data)


async def chat(conn, req, body, keep_alive):
    try:
        payload = json.loads(body or b"{}")
    except ValueError:
        await conn.respond(400, error_body(400, "body is not JSON"), keep_alive)
        return keep_alive
    tokens = int(req.header("x-mock-tokens", "8"))
    ttft = int(req.header("x-mock-ttft-us", "0")) / 1e6
    itl = int(req.header("x-mock-itl-us", "0")) / 1e6
    fail = req.header("x-mock-fail")
    model = payload.get("model", "mock-model")
    usage = {"prompt_tokens": 9, "completion_tokens": tokens, "total_tokens": 9 + tokens}
    if req.header("x-mock-status"):
        status = int(req.header("x-mock-status"))
        await conn.respond(status, error_body(status, f"mock status {status}"), keep_alive)
        return keep_alive
    if not payload.get("stream"):
        await conn.pause(ttft)
        await conn.respond(200, {
            "id": "chatcmpl-mock", "object": "chat.completion", "created": 1735689600, "model": model,
            "system_fingerprint": "fp_mock",
            "choices": [{"index": 0, "message": {"role": "assistant",
                                                 "content": "".join(f"tok{i} " for i in range(tokens))},
                         "logprobs": None, "finish_reason": "stop"}],
            "usage": usage}, keep_alive)
        return keep_alive
    await conn.send(conn.head(200, [("content-type", "text/event-stream"), ("cache-control", "no-cache"),
                                    ("transfer-encoding", "chunked")], keep_alive))
    await conn.pause(ttft)
    for i in range(tokens):
        if i:
            await conn.pause(itl)
        delta = {"role": "assistant", "content": f"tok{i} "} if i == 0 else {"content": f"tok{i} "}
        await conn.send(chunk_event(model, delta, None))
        if fail == "midstream" and i == 1:
            await conn.flush_and_close()
            return False
    await conn.pause(itl)
    await conn.send(chunk_event(model, {}, "stop"))
    if (payload.get("stream_options") or {}).get("include_usage"):
        await conn.send(chunk_event(model, None, None, usage))
    await conn.send(b"e\r\ndata: [DONE]\n\n\r\n0\r\n\r\n")
    return keep_alive


async def send_bytes(conn, req, keep_alive):
    n = int(req.query.get("n", ["0"])[0])
    chunked = req.query.get("chunked", ["0"])[0] == "1"
    piece = max(1, min(int(req.query.get("chunk", [str(PATTERN_PIECE)])[0]), PATTERN_PIECE))
    fail_after = int(req.query.get("fail_after", ["-1"])[0])
    if req.header("x-mock-fail") == "midstream":
        fail_after = n // 2
    framing = ("transfer-encoding", "chunked") if chunked else ("content-length", str(n))
    await conn.send(conn.head(200, [("content-type", "application/octet-stream"), framing], keep_alive))
    if req.method == "HEAD":
        return keep_alive
    sent = 0
    while sent < n:
        size = min(piece, n - sent)
        if 0 <= fail_after < sent + size:
            size = fail_after - sent
        data = PATTERN[sent % 251: sent % 251 + size]
        await conn.send(b"%x\r\n%s\r\n" % (size, data) if chunked and size else data)
        sent += size
        if sent == fail_after:
            await conn.flush_and_close()
            return False
    if chunked:
        await conn.send(b"0\r\n\r\n")
    return keep_alive


async def handle_one(conn, req):
    """Serves one request; returns whether the connection stays open."""
    keep_alive = req.keep_alive()
    conn.padding = int(req.header("x-mock-header-bytes", "0"))
    control = req.path.startswith("/__")
    if not control:
        requests_seen.append(req.line)
    if (req.header("expect") or "").lower() == "100-continue":
        await conn.send(b"HTTP/1.1 100 Continue\r\n\r\n")
    fail = req.header("x-mock-fail")
    if req.path == "/echo":
        digest, length = hashlib.sha256(), 0
        async for piece in body_pieces(conn.reader, req):
            digest.update(piece)
            length += len(piece)
        await conn.respond(200, {"method": req.method, "path": req.target, "headers": req.headers,
                                 "body_len": length, "body_sha256": digest.hexdigest()}, keep_alive)
        return keep_alive
    body = b"".join([p async for p in body_pieces(conn.reader, req)])
    if fail == "reset":
        conn.reset()
        return False
    if fail == "hang":
        while await conn.reader.read(65536):
            pass
        raise ClientGone()
    if req.path == "/v1/chat/completions" and req.method == "POST":
        return await chat(conn, req, body, keep_alive)
    if req.path == "/bytes" and req.method in ("GET", "HEAD"):
        return await send_bytes(conn, req, keep_alive)
    if req.path == "/health":
        await conn.respond(200, "ok", keep_alive, ctype="text/plain")
    elif req.path == "/__requests" and req.method in ("GET", "DELETE"):
        if req.method == "DELETE":
            requests_seen.clear()
            aborted_seen.clear()
        await conn.respond(200, list(requests_seen), keep_alive)
    elif req.path == "/__aborted":
        await conn.respond(200, {"count": len(aborted_seen), "requests": list(aborted_seen)}, keep_alive)
    else:
        await conn.respond(404, error_body(404, f"no route for {req.method} {req.path}"), keep_alive,
                           head_only=req.method == "HEAD")
    return keep_alive


async def serve_connection(reader, writer):
    conn = Connection(reader, writer)
    req = None
    try:
        while True:
            req = await read_head(reader)
            if req is None:
                break
            conn.seq += 1
            if not await handle_one(conn, req):
                break
    except ClientGone:
        if req is not None:
            aborted_seen.append(req.line)
    except (BadRequest, asyncio.LimitOverrunError, asyncio.IncompleteReadError, ValueError) as e:
        try:
            await conn.respond(400, error_body(400, f"mock: {e}"), False)
        except ClientGone:
            pass
    except (ConnectionError, OSError):
        pass
    finally:
        if not writer.transport.is_closing():
            writer.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--uds")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    args = parser.parse_args()
    tls = None
    if args.tls_cert or args.tls_key:
        if not (args.tls_cert and args.tls_key):
            parser.error("--tls-cert and --tls-key go together")
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
        tls.set_alpn_protocols(["http/1.1"])
    servers = [await asyncio.start_server(serve_connection, args.host, args.port, ssl=tls)]
    if args.uds:
        if os.path.exists(args.uds):
            os.unlink(args.uds)
        servers.append(await asyncio.start_unix_server(serve_connection, args.uds))
    host, port = servers[0].sockets[0].getsockname()[:2]
    print(f"mock listening on {host}:{port}", flush=True)
    stop = asyncio.Event()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM])  # a parent may spawn us with it blocked
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    for server in servers:
        server.close()
    if args.uds and os.path.exists(args.uds):
        os.unlink(args.uds)


if __name__ == "__main__":
    asyncio.run(main())
