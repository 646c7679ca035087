#!/usr/bin/env python3
"""`djharness run` through a gateway on another HTTP stack than cpp-httplib (gateway.py, nginx,
HAProxy) in front of `djharness mock --control`: one case of CASES per ctest (label gateway).
Each case asserts the run's exit code and exactly which clauses it names as failed.
Usage: gateway_test.py DJHARNESS CASE | --list | --check-limits
"""

import collections
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SKIP = 77  # SKIP_RETURN_CODE in tests/gateway/CMakeLists.txt
# The mock's local pair (README "The reference mock": they open only the mock, no secret),
# handed to djharness through its environment, never on a command line or in output.
MOCK_ENV = dict(os.environ, TENCENTCLOUD_SECRET_ID="AKIDdjharnessLocalMock0000000000000001",
                TENCENTCLOUD_SECRET_KEY="djharnessLocalMockSecretKey000001")

# Flags of every run: short, reproducible (docs/cli.md "djharness run").
RUN_FLAGS = ["--runs", "3", "--seed", "1"]
# A broken target answers slowly or hugely: a few histories of the histories property are
# enough to see it, without shrinking or replaying through it.
BROKEN = ["--properties", "histories", "--budget", "12", "--replays", "0", "--max-steps", "6"]

# One row per ctest:
#   name      the ctest is gateway.NAME
#   front     gateway (gateway.py), nginx or haproxy (haproxy.cfg.in)
#   flags     gateway.py's flags; for haproxy, extra lines of its frontend; for nginx, "stock"
#             for nginx's default size limits
#   profile   --profile of the run
#   exit      the exit code the spec asks for (docs/cli.md: 0 conformant, 1 violations)
#   failed    the acceptable sets of clauses named failed (or flaky): exactly one of them
#   evidence  what the front must have done during the run (a gateway.py counter, or a regex
#             over the nginx/HAProxy log), so that no case passes without its behaviour
#   control   where --control points: the front (every path forwarded), or the mock itself
#             when the front breaks every answer
#   extra     more flags of the run
#   timeout   the ctest's TIMEOUT in seconds
#   max_s     the run must end within this many seconds (None: the ctest's TIMEOUT bounds it)
#   mock      more flags of `djharness mock`
#   printed   a regex the run's output must match (None: no such check)
Case = collections.namedtuple(
    "Case", "name front flags profile exit failed evidence control extra timeout max_s mock printed",
    defaults=("front", [], 300, None, [], None))
NONE = (frozenset(),)


def only(*clauses):
    return (frozenset(clauses),)


REFUSALS = [400, 413, 414, 431]
HAPROXY_BODY_LIMIT = ["http-request deny deny_status 413 "
                      "if { req.hdr_val(content-length) gt 10485760 }"]

CASES = [
    Case("plain", "gateway", [], "strict", 0, NONE, "forwarded"),
    # An early envelope answer, the body never read, is COM-6's strict answer.
    Case("oversize_close", "gateway", ["--oversize-close"], "strict", 0, NONE,
         "oversize"),
    Case("chunked", "gateway", ["--chunked"], "strict", 0, NONE, "chunked"),
    Case("close", "gateway", ["--close"], "strict", 0, NONE, "closed_by_flag"),
    Case("keepalive_max_3", "gateway", ["--keepalive-max", "3"], "strict", 0, NONE,
         "closed_by_flag"),
    # Content-Type is compared case-insensitively, parameters allowed (ENV-1).
    Case("media_type", "gateway", ["--media-type", "Application/JSON; Charset=UTF-8"],
         "strict", 0, NONE, "media_type"),
    # RequestLimitExceeded on other actions is retried, never judged (target-contract §3).
    # At 10/s a run still meets hundreds of refusals (it sends far faster over loopback) and
    # stays short, where 2/s spends minutes in backoff.
    Case("limit_others_10", "gateway", ["--limit-others", "10"], "strict", 0, NONE,
         "limited"),
] + [
    # COM-6's lenient column allows an HTTP-layer refusal; strict fails COM-6 alone.
    Case("refuse_oversize_%d_%s" % (status, profile), "gateway",
         ["--refuse-oversize", str(status)], profile, 0 if profile == "lenient" else 1,
         NONE if profile == "lenient" else only("COM-6"), "oversize")
    for status in REFUSALS for profile in ("lenient", "strict")
] + [
    # COM-5's lenient column allows 405.
    Case("method_405_lenient", "gateway", ["--method-405"], "lenient", 0, NONE,
         "method_405"),
    Case("method_405_strict", "gateway", ["--method-405"], "strict", 1, only("COM-5"),
         "method_405"),
    # nginx.conf.in: client_max_body_size 10m refuses the 10 MB + 1 v3 POST with 413 text/html.
    Case("nginx_lenient", "nginx", [], "lenient", 0, NONE, r'"POST / HTTP/1.1" 413 '),
    Case("nginx_strict", "nginx", [], "strict", 1, only("COM-6"), r'"POST / HTTP/1.1" 413 '),
    # nginx as it ships (client_max_body_size 1m, large_client_header_buffers 4 8k) refuses the
    # API's ordinary requests just under its limits: the 9.9 MB v3 POST (413) and the 30 KB GETs
    # (414). Not conformant in either profile, and only under COM-6.
    Case("nginx_stock_lenient", "nginx", ["stock"], "lenient", 1, only("COM-6"),
         r'" 414 '),
    Case("nginx_stock_strict", "nginx", ["stock"], "strict", 1, only("COM-6"),
         r'" 414 '),
    # haproxy.cfg.in as it is streams any body to the mock (tune.bufsize bounds only the head):
    # the mock itself answers the oversize probe, so even strict passes.
    Case("haproxy_lenient", "haproxy", [], "lenient", 0, NONE, r" 200 "),
    Case("haproxy_strict", "haproxy", [], "strict", 0, NONE, r" 200 "),
    # With a body limit at the API's 10 MB, HAProxy answers 413 text/html and closes without
    # reading the body.
    Case("haproxy_body_limit_lenient", "haproxy", HAPROXY_BODY_LIMIT, "lenient", 0, NONE,
         r" 413 "),
    Case("haproxy_body_limit_strict", "haproxy", HAPROXY_BODY_LIMIT, "strict", 1,
         only("COM-6"), r" 413 "),
    # A broken target: every answer trickles, so every call ends at its 2 s deadline (connect,
    # send and the whole answer), a ROB-1 finding, and the run ends: within 60 s, where a
    # deadline per read would let each answer take its ~100 bytes x 200 ms.
    Case("trickle", "gateway", ["--trickle-ms", "200"], "strict", 1, only("ROB-1"),
         "trickled", "mock", ["--timeout-ms", "2000"] + BROKEN, 120, 60),
    # A broken target: every answer is 20 MiB, over the client's 16 MiB cap: the target did
    # answer, so an ENV-1 finding per answer, never out of memory.
    Case("huge", "gateway", ["--huge-mb", "20"], "strict", 1, only("ENV-1"),
         "huge", "mock", ["--timeout-ms", "10000"] + BROKEN),
    # A target whose clock is 40 s ahead of ours, behind the gateway: the run measures the
    # offset from the Date header, prints it, and signs at the target's time, so AUTH-2's
    # timestamps at the window's edges are judged right.
    Case("clock_offset_40", "gateway", [], "strict", 0, NONE, "forwarded",
         mock=["--clock-offset-s", "40"],
         printed=r"target clock: (39|40|41) s ahead of ours \(Date header"),
    # No answer to the oversize probe, and a canary after it that answers: not a finding.
    Case("reset_oversize", "gateway", ["--reset-oversize"], "strict", 0, NONE,
         "oversize"),
]


# ----- processes -----

class Proc:
    """A child process whose stdout lines are collected by a thread (its pipe never fills)."""

    def __init__(self, name, cmd, scratch, **kwargs):
        self.name = name
        self.lines = queue.Queue()
        self.output = []
        fd, self.stderr_path = tempfile.mkstemp(prefix=name + "-", suffix=".stderr", dir=scratch)
        with os.fdopen(fd, "wb") as err:
            self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err,
                                      stdin=subprocess.DEVNULL, **kwargs)
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for raw in self.p.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.output.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def wait_line(self, pattern, timeout):
        """The first stdout line matching pattern; fails when the process ends or time is up."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                line = self.lines.get(timeout=max(left, 0.01))
            except queue.Empty:
                line = None
                if time.monotonic() < deadline:
                    continue
            if line is None:
                raise Failure("%s printed no line matching %r\n%s" % (
                    self.name, pattern, self.tail()))
            m = re.search(pattern, line)
            if m:
                return m

    def wait_port(self, port, timeout):
        """Bounded poll until 127.0.0.1:port accepts a connection."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.p.poll() is not None:
                break
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)  # poll interval of a bounded readiness loop
        raise Failure("%s is not accepting on port %d\n%s" % (self.name, port, self.tail()))

    def stop(self):
        """SIGTERM, then SIGKILL if it will not end; the exit code (negative: a signal)."""
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        return self.p.returncode

    def stderr(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def tail(self):
        return "  stdout: %s\n  stderr: %s" % ("\n".join(self.output[-10:]),
                                               self.stderr()[-2000:])


class Failure(Exception):
    pass


def free_port():
    # nginx and HAProxy cannot print the port they bound: take one the kernel says is free,
    # close it and hand it over. Another process may take it in between (a small race); the
    # readiness poll then fails loudly rather than testing the wrong server.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_mock(djharness, scratch, procs, flags=()):
    mock = Proc("mock", [djharness, "mock", "--control", "--port", "0", "--seed", "1"] +
                list(flags), scratch)
    procs.append(mock)
    return mock.wait_line(r"listening on (http://\S+)", 60).group(1)


def start_gateway(flags, upstream, scratch, procs):
    gw = Proc("gateway", [sys.executable, os.path.join(HERE, "gateway.py"),
                          "--upstream", upstream] + flags, scratch)
    procs.append(gw)
    return gw.wait_line(r"^listening on (http://127\.0\.0\.1:\d+)$", 30).group(1), gw


def fill(template, scratch, values):
    with open(os.path.join(HERE, template)) as f:
        text = f.read()
    for key, value in values.items():
        text = text.replace("@%s@" % key, value)
    leftover = re.search(r"@[A-Z_]+@", text)
    if leftover:
        raise Failure("%s: nothing fills %s" % (template, leftover.group(0)))
    path = os.path.join(scratch, template[:-len(".in")])
    with open(path, "w") as f:
        f.write(text)
    return path


# nginx.conf.in's size limits: the API's, or nginx's defaults for the "stock" cases.
NGINX_API_LIMITS = "client_max_body_size 10m;\n  large_client_header_buffers 4 64k;"


def start_nginx(upstream, scratch, procs, flags):
    nginx = "/usr/sbin/nginx"
    if not os.access(nginx, os.X_OK):
        raise Skip("nginx is not installed (%s)" % nginx)
    port = free_port()
    prefix = os.path.join(scratch, "nginx")
    os.mkdir(prefix)
    # Workers run as the current user: as root nginx would switch them to nobody, who cannot
    # write the scratch directory.
    user_line = "user root root;" if os.geteuid() == 0 else ""
    conf = fill("nginx.conf.in", prefix, {
        "USER_LINE": user_line, "SCRATCH": prefix, "PORT": str(port),
        "UPSTREAM": upstream.split("//", 1)[1],
        "LIMITS": "" if "stock" in flags else NGINX_API_LIMITS})
    proc = Proc("nginx", [nginx, "-p", prefix, "-c", conf, "-e",
                          os.path.join(prefix, "error.log")], scratch)
    procs.append(proc)
    proc.wait_port(port, 30)
    return "http://127.0.0.1:%d" % port, lambda: read_file(os.path.join(prefix, "access.log"))


def start_haproxy(rules, upstream, scratch, procs):
    haproxy = "/usr/sbin/haproxy"
    if not os.access(haproxy, os.X_OK):
        raise Skip("haproxy is not installed (%s)" % haproxy)
    port = free_port()
    conf = fill("haproxy.cfg.in", scratch, {
        "PORT": str(port), "UPSTREAM": upstream.split("//", 1)[1],
        "RULES": "\n  ".join(rules)})
    proc = Proc("haproxy", [haproxy, "-db", "-f", conf], scratch)
    procs.append(proc)
    proc.wait_port(port, 30)
    return "http://127.0.0.1:%d" % port, lambda: "\n".join(proc.output)


def read_file(path):
    with open(path, errors="replace") as f:
        return f.read()


class Skip(Exception):
    pass


def gateway_counters(stderr):
    """gateway.py's last line on stderr: `gateway: name=count ...`."""
    lines = [l for l in stderr.splitlines() if l.startswith("gateway: ")]
    if not lines:
        return {}
    return {k: int(v) for k, v in (w.split("=") for w in lines[-1].split()[1:])}


# ----- one case -----

def run_case(djharness, case, scratch):
    procs = []
    try:
        mock_url = start_mock(djharness, scratch, procs, case.mock)
        gateway = None
        if case.front == "gateway":
            front_url, gateway = start_gateway(case.flags, mock_url, scratch, procs)
        elif case.front == "nginx":
            front_url, front_log = start_nginx(mock_url, scratch, procs, case.flags)
        else:
            front_url, front_log = start_haproxy(case.flags, mock_url, scratch, procs)
        control = front_url if case.control == "front" else mock_url
        report_dir = os.path.join(scratch, "report")
        cmd = [djharness, "run", "--target", front_url, "--control", control,
               "--profile", case.profile, "--report-dir", report_dir] + RUN_FLAGS + case.extra
        print("$ " + " ".join(cmd), flush=True)
        started = time.monotonic()
        with open(os.path.join(scratch, "run.out"), "wb") as out:
            run = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, env=MOCK_ENV)
            try:
                code = run.wait(timeout=case.max_s or case.timeout - 30)
            except subprocess.TimeoutExpired:
                run.kill()
                run.wait()
                raise Failure("the run did not end within %d s (a hang)\n%s" % (
                    case.max_s or case.timeout - 30, tail_of(os.path.join(scratch, "run.out"))))
        took = time.monotonic() - started
        if gateway is not None:
            if gateway.stop() != 0:
                raise Failure("gateway.py did not stop cleanly (%s)\n%s" % (
                    gateway.p.returncode, gateway.tail()))
            counters = gateway_counters(gateway.stderr())
            evidence = "%s=%d" % (case.evidence, counters.get(case.evidence, 0))
            fired = counters.get(case.evidence, 0) > 0
        else:
            log = front_log()
            fired = re.search(case.evidence, log) is not None
            evidence = "log %s %r" % ("matches" if fired else "has no", case.evidence)
        return check(case, code, took, report_dir, scratch, fired, evidence)
    finally:
        for p in reversed(procs):
            p.stop()


def tail_of(path, n=3000):
    return read_file(path)[-n:]


def failed_clauses(report_dir):
    with open(os.path.join(report_dir, "results.json")) as f:
        results = json.load(f)
    return sorted(c["id"] for c in results["clauses"] if c["status"] in ("failed", "flaky"))


def check(case, code, took, report_dir, scratch, fired, evidence):
    problems = []
    if code < 0:
        problems.append("djharness run was killed by signal %d" % -code)
    elif code != case.exit:
        problems.append("exit code %d, expected %d" % (code, case.exit))
    failed = None
    if code in (0, 1):
        try:
            failed = failed_clauses(report_dir)
        except (OSError, ValueError, KeyError) as e:
            problems.append("no readable results.json: %s" % e)
    if failed is not None and frozenset(failed) not in case.failed:
        problems.append("failed clauses %s, expected %s" % (
            ",".join(failed) or "none",
            " or ".join(",".join(sorted(s)) or "none" for s in case.failed)))
    if not fired:
        problems.append("the front never did what the case is about (%s)" % evidence)
    if case.printed and not re.search(case.printed, read_file(os.path.join(scratch, "run.out"))):
        problems.append("the run never printed %r" % case.printed)
    print("case %s: exit %s, failed %s, %.1f s, %s" % (
        case.name, code if code >= 0 else "signal %d" % -code,
        ",".join(failed) if failed else ("none" if failed is not None else "-"), took,
        evidence))
    if problems:
        raise Failure("\n".join(problems) + "\n--- djharness run output (tail):\n" +
                      tail_of(os.path.join(scratch, "run.out")))


def check_limits():
    """gateway.py's size limits are harness/protocol/codec.h's (COM-6)."""
    sys.path.insert(0, HERE)
    import gateway
    codec = read_file(os.path.join(HERE, "..", "..", "harness", "protocol", "codec.h"))
    ours = {"kGetLimitBytes": gateway.GET_LIMIT_BYTES,
            "kV1PostLimitBytes": gateway.V1_POST_LIMIT_BYTES,
            "kV3PostLimitBytes": gateway.V3_POST_LIMIT_BYTES}
    bad = 0
    for name, value in ours.items():
        m = re.search(r"%s = ([0-9 *]+);" % name, codec)
        theirs = None
        if m:
            theirs = 1
            for factor in m.group(1).split("*"):
                theirs *= int(factor)
        print("%s: codec.h %s, gateway.py %d" % (name, theirs, value))
        bad += theirs != value
    return 1 if bad else 0


def main(argv):
    if argv == ["--list"]:
        for case in CASES:
            print(case.name, case.timeout)
        return 0
    if argv == ["--check-limits"]:
        return check_limits()
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    djharness, name = argv
    case = next((c for c in CASES if c.name == name), None)
    if case is None:
        print("no case %s" % name, file=sys.stderr)
        return 2
    scratch = tempfile.mkdtemp(prefix="djgw-%s-" % name)
    try:
        run_case(djharness, case, scratch)
    except Skip as e:
        print("SKIPPED: %s" % e)
        return SKIP
    except Failure as e:
        print("FAILED %s: %s" % (name, e))
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("PASSED %s" % name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
