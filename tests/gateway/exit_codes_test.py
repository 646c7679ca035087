#!/usr/bin/env python3
"""Every djharness command that talks to a target (run, replay, fuzz, diff, lifecycle) ends
with an exit code below 128 against every hostile mode of gateway.py in front of the mock:
never killed by a signal (SIGPIPE, SIGSEGV, ...), never hung. Prints command x mode -> exit.
Usage: exit_codes_test.py DJHARNESS
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

from gateway_test import (HERE, MOCK_ENV, Failure, gateway_counters, start_gateway, start_mock,
                          tail_of)

# The hostile modes, by gateway.py flags.
MODES = [
    ("oversize-close", ["--oversize-close"]),
    ("reset-oversize", ["--reset-oversize"]),
    ("trickle-ms", ["--trickle-ms", "200"]),
    ("huge-mb", ["--huge-mb", "20"]),
    ("close", ["--close"]),
    ("chunked", ["--chunked"]),
    ("reset-all", ["--reset-all"]),
]
TIMEOUT_MS = ["--timeout-ms", "2000"]
# One invocation may take this long; longer is a hang (a failure like a signal).
HANG_S = 90


COMMANDS = ["run", "replay", "fuzz", "diff", "lifecycle"]


def command(name, gw, mock, scratch, seeded_results):
    """One command, short: small counts, a 2 s deadline per call (docs/cli.md). API requests
    go through the gateway, control requests to the mock (lifecycle has no --control)."""
    small = ["--seed", "1", "--max-steps", "6"] + TIMEOUT_MS
    report = ["--report-dir", os.path.join(scratch, "report-" + name)]
    corpus = os.path.join(HERE, "..", "..", "corpora", "request_parser", "seeds")
    return {
        # auth-common's fixed examples hold the oversize and wrong-method probes.
        "run": ["run", "--target", gw, "--control", mock, "--runs", "1", "--replays", "0",
                "--properties", "auth-common"] + small + report,
        "replay": ["replay", seeded_results, "--target", gw, "--control", mock] + TIMEOUT_MS,
        "fuzz": ["fuzz", "--target", gw, "--control", mock, "--corpus", corpus,
                 "--max-requests", "12", "--max-time", "30", "--seed", "1"] + TIMEOUT_MS + report,
        "diff": ["diff", "--target", mock, "--target", gw, "--control", mock, "--control", mock,
                 "--runs", "3", "--properties", "histories,auth-common"] + small + report,
        "lifecycle": ["lifecycle", "--target", gw] + TIMEOUT_MS,
    }[name]


def seed_results(djharness, scratch):
    """A results file with failing histories to replay: the in-process mock with a fault."""
    report_dir = os.path.join(scratch, "seeded")
    cmd = [djharness, "run", "--fault", "lax-job-id", "--only", "ID-1", "--runs", "3",
           "--seed", "1", "--replays", "0", "--report-dir", report_dir]
    with open(os.path.join(scratch, "seeded.out"), "wb") as out:
        code = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, timeout=300).returncode
    if code != 1:
        raise Failure("the seeding run exited %d, expected 1 (a failing ID-1)\n%s" % (
            code, tail_of(os.path.join(scratch, "seeded.out"))))
    return os.path.join(report_dir, "results.json")


def invoke(djharness, args, log):
    """The exit code, 'signal N', or 'hang'."""
    with open(log, "wb") as out:
        p = subprocess.Popen([djharness] + args, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, env=MOCK_ENV)
        try:
            code = p.wait(timeout=HANG_S)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            return "hang"
    return code if code >= 0 else "signal %d" % -code


def main(argv):
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    djharness = argv[0]
    scratch = tempfile.mkdtemp(prefix="djgw-exit-")
    table = {}
    bad = []
    try:
        seeded = seed_results(djharness, scratch)
        for mode, flags in MODES:
            procs = []
            try:
                mock = start_mock(djharness, scratch, procs)
                for name in COMMANDS:
                    # A gateway of its own per command, so that its counters say what this
                    # command met (e.g. whether an oversize request reached it).
                    gw, gateway = start_gateway(flags, mock, scratch, procs)
                    log = os.path.join(scratch, "%s-%s.out" % (name, mode))
                    started = time.monotonic()
                    result = invoke(djharness, command(name, gw, mock, scratch, seeded), log)
                    gateway.stop()
                    met = gateway_counters(gateway.stderr())
                    met.pop("forwarded", None)
                    table[name, mode] = result
                    print("%-9s %-15s -> %s (%.1f s) %s" % (
                        name, mode, result, time.monotonic() - started,
                        " ".join("%s=%d" % kv for kv in sorted(met.items()))), flush=True)
                    if not isinstance(result, int) or result >= 128:
                        bad.append("%s against %s: %s\n%s" % (name, mode, result,
                                                              tail_of(log, 1500)))
            finally:
                for p in reversed(procs):
                    p.stop()
    except Failure as e:
        print("FAILED: %s" % e)
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print("\n%-10s" % "" + "".join("%-16s" % mode for mode, _ in MODES))
    for name in COMMANDS:
        print("%-10s" % name + "".join("%-16s" % table.get((name, mode), "-")
                                       for mode, _ in MODES))
    if bad:
        print("\nFAILED: %d invocations ended by a signal or hung:\n%s" % (
            len(bad), "\n".join(bad)))
        return 1
    print("PASSED: every command ended with an exit code below 128 in every mode")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
