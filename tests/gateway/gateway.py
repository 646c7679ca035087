#!/usr/bin/env python3
"""An HTTP/1.1 reverse proxy in front of the reference mock, built on another HTTP stack than
cpp-httplib, that can behave like the gateways and broken servers a target may sit behind
(COM-5, COM-6, ROB-1; target-contract §3). Standard library only. Plain, it is a transparent
keep-alive proxy; each flag adds one behaviour (see --help).
"""

import argparse
import collections
import http.client
import json
import select
import signal
import socket
import struct
import sys
import threading
import time
import urllib.parse
import uuid

# COM-6's limits by request style, as harness/protocol/codec.h has them (kGetLimitBytes,
# kV1PostLimitBytes, kV3PostLimitBytes; facts §1): GET request target, v1 form POST body,
# v3 POST body. gateway_test.py checks that they still match codec.h.
GET_LIMIT_BYTES = 32 * 1024
V1_POST_LIMIT_BYTES = 1024 * 1024
V3_POST_LIMIT_BYTES = 10 * 1024 * 1024

FORM_TYPE = "application/x-www-form-urlencoded"
MAX_HEAD_BYTES = 1024 * 1024  # the gateway's own cap on a request line plus headers
IDLE_TIMEOUT_S = 60
UPSTREAM_TIMEOUT_S = 60
# Request headers that belong to one connection, not to the request (never forwarded).
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer",
              "transfer-encoding", "upgrade", "expect"}
# Chunk sizes of --chunked, cycled: tiny, odd and large ones.
CHUNK_SIZES = (1, 7, 64, 3, 500, 13, 4096)
HTML_REASONS = {400: "Bad Request", 405: "Method Not Allowed", 413: "Payload Too Large",
                414: "URI Too Long", 431: "Request Header Fields Too Large",
                502: "Bad Gateway"}


class PeerClosed(Exception):
    """The client closed the connection (or sent something that cannot be a request)."""


class Request:
    def __init__(self, method, target, version, headers):
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers  # [(name, value)] as received
        self.body = b""

    def header(self, name):
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value.strip()
        return None

    def media_type(self):
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    def is_v3(self):
        # The mock's style detection (harness/protocol/codec.cc ParseWire): TC3 headers, or a
        # POST that is not a form, is API 3.0.
        tc3 = any(self.header(h) is not None for h in
                  ("Authorization", "X-TC-Action", "X-TC-Version", "X-TC-Timestamp"))
        return tc3 or (self.method == "POST" and self.media_type() != FORM_TYPE)

    def oversize(self, body_length):
        """Whether the request is over COM-6's limit for its style (facts §1)."""
        if self.method == "GET":
            return len(self.target.encode("latin-1")) > GET_LIMIT_BYTES
        if self.method != "POST":
            return False
        limit = V3_POST_LIMIT_BYTES if self.is_v3() else V1_POST_LIMIT_BYTES
        return body_length is not None and body_length > limit

    def action(self):
        """X-TC-Action, else the Action parameter of the query or of a form body."""
        action = self.header("X-TC-Action")
        if action is not None:
            return action
        query = urllib.parse.urlsplit(self.target).query
        params = urllib.parse.parse_qs(query)
        if self.method == "POST" and self.media_type() == FORM_TYPE:
            params.update(urllib.parse.parse_qs(self.body.decode("latin-1")))
        values = params.get("Action")
        return values[0] if values else None


class Reader:
    """Buffered reads off the client's socket."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()

    def _fill(self):
        data = self.sock.recv(65536)
        if not data:
            raise PeerClosed()
        self.buf += data

    def until(self, marker, limit):
        start = 0
        while True:
            at = self.buf.find(marker, start)
            if at >= 0:
                out = bytes(self.buf[:at])
                del self.buf[:at + len(marker)]
                return out
            if len(self.buf) > limit:
                raise PeerClosed()
            start = max(0, len(self.buf) - len(marker) + 1)
            self._fill()

    def exactly(self, n):
        while len(self.buf) < n:
            self._fill()
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out


def read_head(reader):
    head = reader.until(b"\r\n\r\n", MAX_HEAD_BYTES).decode("latin-1")
    lines = head.split("\r\n")
    while lines and lines[0] == "":  # stray CRLF between requests
        lines.pop(0)
    parts = lines[0].split(" ") if lines else []
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise PeerClosed()
    headers = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon:
            raise PeerClosed()
        headers.append((name.strip(), value.strip()))
    return Request(parts[0], parts[1], parts[2], headers)


def declared_length(req):
    """The body length a Content-Length promises; None when chunked or absent."""
    if (req.header("Transfer-Encoding") or "").lower().endswith("chunked"):
        return None
    value = req.header("Content-Length")
    if value is None:
        return 0
    if not value.isdigit():
        raise PeerClosed()
    return int(value)


def read_body(reader, req):
    length = declared_length(req)
    if length is not None:
        return reader.exactly(length)
    body = bytearray()
    while True:
        size_line = reader.until(b"\r\n", 4096).split(b";")[0].strip()
        try:
            size = int(size_line, 16)
        except ValueError:
            raise PeerClosed()
        if size == 0:
            while reader.until(b"\r\n", MAX_HEAD_BYTES):  # trailers, up to the empty line
                pass
            return bytes(body)
        body += reader.exactly(size)
        reader.exactly(2)


class Answer:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # [(name, value)] without framing or connection headers
        self.body = body


def envelope_answer(code, message):
    document = {"Response": {"Error": {"Code": code, "Message": message},
                             "RequestId": str(uuid.uuid4())}}
    return Answer(200, "OK", [("Content-Type", "application/json")],
                  json.dumps(document).encode())


def html_answer(status):
    reason = HTML_REASONS.get(status, "Error")
    body = ("<html><head><title>%d %s</title></head><body><h1>%d %s</h1>"
            "<hr>djharness test gateway</body></html>\n" % (status, reason, status, reason))
    return Answer(status, reason, [("Content-Type", "text/html")], body.encode())


class Gateway:
    def __init__(self, options):
        self.options = options
        upstream = urllib.parse.urlsplit(options.upstream)
        if upstream.scheme != "http" or not upstream.hostname:
            raise SystemExit("--upstream must be an http:// URL")
        self.upstream = (upstream.hostname, upstream.port or 80)
        self.limit_lock = threading.Lock()
        self.recent = {}  # action -> deque of monotonic times of forwarded requests
        # What each behaviour did, printed on stop (`gateway: name=count ...` on stderr) so
        # that a test can tell its behaviour happened.
        self.counts = collections.Counter()
        self.counts_lock = threading.Lock()

    def count(self, what):
        with self.counts_lock:
            self.counts[what] += 1

    def summary(self):
        with self.counts_lock:
            return "gateway: " + " ".join("%s=%d" % kv for kv in sorted(self.counts.items()))

    # ----- one client connection -----

    def serve(self, sock):
        sock.settimeout(IDLE_TIMEOUT_S)
        if self.options.reset_all:
            self.count("reset")
            abort(sock)
            return
        reader = Reader(sock)
        served = 0
        try:
            while True:
                req = read_head(reader)
                served += 1
                if not self.handle(sock, reader, req, served):
                    break
        except (PeerClosed, OSError):
            pass
        finally:
            sock.close()

    def handle(self, sock, reader, req, served):
        """Answers one request; False when the connection is to be closed."""
        o = self.options
        length = declared_length(req)
        early = o.oversize_close or o.refuse_oversize or o.reset_oversize
        # A reset stands for a front end that gives up on a body it will not read; a GET was
        # sent whole, and a reset would leave a whole request unanswered (ROB-1): forwarded.
        if o.reset_oversize and req.method == "GET":
            early = False
        if early and req.oversize(length):
            return self.refuse_oversize(sock, req)  # from the head alone: body never read
        if (req.header("Expect") or "").lower() == "100-continue":
            sock.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        req.body = read_body(reader, req)
        if early and req.oversize(len(req.body)):  # a chunked body, known only once read
            return self.refuse_oversize(sock, req)

        if o.method_405 and req.method not in ("GET", "POST"):
            self.count("method_405")
            answer = html_answer(405)
            answer.headers.append(("Allow", "GET, POST"))
        elif self.limited(req):
            self.count("limited")
            answer = envelope_answer("RequestLimitExceeded",
                                     "Requests are arriving faster than the action's limit.")
        else:
            answer = self.forward(req)
            self.count("forwarded" if answer.status != 502 else "upstream_failed")
            if o.echo_secrets and echo_secrets(answer, req):
                self.count("echoed")
        close_by_flag = o.close or (o.keepalive_max and served >= o.keepalive_max)
        close = (close_by_flag or answer.status == 502
                 or (req.header("Connection") or "").lower() == "close"
                 or req.version == "HTTP/1.0")
        if close_by_flag:
            self.count("closed_by_flag")
        self.write(sock, req, answer, close=close)
        return not close

    def refuse_oversize(self, sock, req):
        """COM-6 at the gateway: an answer, then the connection closed (False), or a reset."""
        o = self.options
        self.count("oversize")
        if o.reset_oversize:
            abort(sock)
            return False
        if o.oversize_close:
            answer = envelope_answer("RequestSizeLimitExceeded",
                                     "The request is over the size limit of its style.")
        else:
            answer = html_answer(o.refuse_oversize)
        self.write(sock, req, answer, close=True)
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        return False

    def limited(self, req):
        """--limit-others: over N per second per action other than DeleteJob (never forwarded)."""
        n = self.options.limit_others
        action = req.action() if n else None
        if action is None or action == "DeleteJob" or req.target.startswith("/_conformance/"):
            return False
        now = time.monotonic()
        with self.limit_lock:
            window = self.recent.setdefault(action, collections.deque())
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= n:
                return True
            window.append(now)
            return False

    def forward(self, req):
        conn = http.client.HTTPConnection(*self.upstream, timeout=UPSTREAM_TIMEOUT_S)
        try:
            headers = {}
            for name, value in req.headers:
                if name.lower() in HOP_BY_HOP or name.lower() == "content-length":
                    continue
                # Header names are unique in what the harness sends; a repeat is joined.
                headers[name] = headers[name] + ", " + value if name in headers else value
            if req.body or req.method == "POST":
                headers["Content-Length"] = str(len(req.body))
            conn.request(req.method, req.target, body=req.body or None, headers=headers)
            up = conn.getresponse()
            body = up.read()
            kept = [(k, v) for k, v in up.getheaders()
                    if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"]
            return Answer(up.status, up.reason, kept, body)
        except (OSError, http.client.HTTPException):
            return html_answer(502)
        finally:
            conn.close()

    # ----- writing an answer -----

    def write(self, sock, req, answer, close):
        o = self.options
        headers = list(answer.headers)
        body = answer.body
        if o.huge_mb:
            body = None  # streamed below
        if o.media_type and any(is_json(k, v) for k, v in headers):
            self.count("media_type")
            headers = [(k, o.media_type) if is_json(k, v) else (k, v) for k, v in headers]
        if close:
            headers.append(("Connection", "close"))
        no_body = req.method == "HEAD" or answer.status in (204, 304)
        if o.huge_mb:
            size = o.huge_mb * 1024 * 1024
            headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
            headers += [("Content-Type", "application/json"), ("Content-Length", str(size))]
        elif o.chunked and not no_body:
            headers.append(("Transfer-Encoding", "chunked"))
            body = chunked(body)
        else:
            headers.append(("Content-Length", str(len(body))))
        head = "HTTP/1.1 %d %s\r\n" % (answer.status, answer.reason)
        head += "".join("%s: %s\r\n" % (k, v) for k, v in headers) + "\r\n"
        head = head.encode("latin-1")
        if no_body:
            body = b""
        for flag, name in (("huge_mb", "huge"), ("trickle_ms", "trickled"), ("chunked", "chunked")):
            if getattr(o, flag):
                self.count(name)
        if o.huge_mb:
            sock.sendall(head)
            send_huge(sock, o.huge_mb * 1024 * 1024)
        elif o.trickle_ms:
            for byte in head + body:
                sock.sendall(bytes((byte,)))
                time.sleep(o.trickle_ms / 1000.0)
        else:
            sock.sendall(head + body)


def echo_secrets(answer, req):
    """--echo-secrets: what the request carried of its credentials, in its error answer's
    message (an API error envelope's Response.Error.Message, or a control answer's Error).
    True when the answer was one of those."""
    try:
        document = json.loads(answer.body)
    except ValueError:
        return False
    if not isinstance(document, dict):
        return False
    response = document.get("Response")
    error = response.get("Error") if isinstance(response, dict) else None
    sent = " ".join("%s=%s" % (name, req.header(name) or "") for name in
                    ("Authorization", "X-TC-Token", "X-Conformance-Token"))
    sent += " target=%s body=%s" % (req.target, req.body.decode("latin-1"))
    if isinstance(error, dict) and isinstance(error.get("Message"), str):
        error["Message"] += " (you sent: %s)" % sent
    elif isinstance(document.get("Error"), str):
        document["Error"] += " (you sent: %s)" % sent
    else:
        return False
    answer.body = json.dumps(document).encode()
    return True


def is_json(name, value):
    return (name.lower() == "content-type" and
            value.split(";")[0].strip().lower() == "application/json")


def chunked(body):
    out = bytearray()
    at, i = 0, 0
    while at < len(body):
        size = CHUNK_SIZES[i % len(CHUNK_SIZES)]
        piece = body[at:at + size]
        out += b"%x\r\n" % len(piece) + piece + b"\r\n"
        at += len(piece)
        i += 1
    return bytes(out + b"0\r\n\r\n")


def send_huge(sock, size):
    """A JSON envelope whose only defect is its size: padding inside a string."""
    prefix = ('{"Response":{"RequestId":"%s","Padding":"' % uuid.uuid4()).encode()
    suffix = b'"}}'
    sock.sendall(prefix)
    left = size - len(prefix) - len(suffix)
    block = b"x" * 65536
    while left > 0:
        sock.sendall(block[:min(left, len(block))])
        left -= len(block)
    sock.sendall(suffix)


def abort(sock):
    """Close abortively: SO_LINGER 0 makes the kernel send RST instead of FIN."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="HTTP/1.1 reverse proxy for djharness tests; a transparent keep-alive "
                    "proxy unless a flag below changes one behaviour.")
    p.add_argument("--upstream", required=True, metavar="URL",
                   help="where to forward (the mock), e.g. http://127.0.0.1:8080")
    p.add_argument("--oversize-close", action="store_true",
                   help="answer a request over its style's size limit from its head with HTTP "
                        "200 and the RequestSizeLimitExceeded envelope, Connection: close, and "
                        "close without reading the body")
    p.add_argument("--refuse-oversize", type=int, choices=(400, 413, 414, 431), metavar="STATUS",
                   help="answer such a request with STATUS (413, 414, 431 or 400) and a small "
                        "HTML body, Connection: close, without reading the body")
    p.add_argument("--reset-oversize", action="store_true",
                   help="reset such a request's connection (SO_LINGER 0) without any answer")
    p.add_argument("--method-405", action="store_true",
                   help="answer a method other than GET and POST with 405 and an HTML body")
    p.add_argument("--chunked", action="store_true",
                   help="send every answer with Transfer-Encoding: chunked, in varied chunks")
    p.add_argument("--close", action="store_true",
                   help="Connection: close on every answer, and close after it")
    p.add_argument("--keepalive-max", type=int, default=0, metavar="N",
                   help="the N-th request of a connection gets Connection: close, then close")
    p.add_argument("--media-type", metavar="TEXT",
                   help="replace every JSON answer's Content-Type by TEXT")
    p.add_argument("--trickle-ms", type=int, default=0, metavar="N",
                   help="write every answer one byte every N ms (a broken target)")
    p.add_argument("--huge-mb", type=int, default=0, metavar="N",
                   help="replace every answer by an N MiB JSON body (a broken target)")
    p.add_argument("--limit-others", type=int, default=0, metavar="N",
                   help="answer actions other than DeleteJob over N per second per action "
                        "with the RequestLimitExceeded envelope, without forwarding them")
    p.add_argument("--echo-secrets", action="store_true",
                   help="append the request's Authorization, X-TC-Token and X-Conformance-Token "
                        "headers, request target and body to the message of every error answer "
                        "(a server that echoes credentials)")
    p.add_argument("--reset-all", action="store_true",
                   help="accept every connection and reset it at once (a hostile peer)")
    options = p.parse_args(argv)
    if sum(map(bool, (options.oversize_close, options.refuse_oversize,
                      options.reset_oversize))) > 1:
        p.error("--oversize-close, --refuse-oversize and --reset-oversize exclude each other")
    if options.keepalive_max < 0 or options.trickle_ms < 0 or options.huge_mb < 0:
        p.error("counts must not be negative")
    return options


class Stop(Exception):
    pass


def main(argv):
    options = parse_args(argv)
    gateway = Gateway(options)

    def stop(signum, frame):
        raise Stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        print("listening on http://127.0.0.1:%d" % listener.getsockname()[1], flush=True)
        while True:
            select.select([listener], [], [])
            sock, _ = listener.accept()
            threading.Thread(target=gateway.serve, args=(sock,), daemon=True).start()
    except Stop:
        pass
    finally:
        listener.close()
        print(gateway.summary(), file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
