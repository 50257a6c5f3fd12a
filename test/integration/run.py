#!/usr/bin/env python3
"""Run Basalt's QEMU integration tests (tests.py).

    python3 test/integration/run.py [--build-dir build] [-k SUBSTRING]...
                                    [-j N] [--list]

Prints `TEST <name>: ok|FAIL (<seconds>s)` per test as each finishes,
then `integration: N passed, N failed`; exits 1 if any test failed.  A
failed test's serial log (every QEMU it started, with the QEMU command
line, what was typed and the exit status) stays in
<build-dir>/test-logs/<name>.log, next to its scratch files in
<name>.tmp/; both are removed when the test passes.

Environment: BASALT_KVM=1 uses KVM instead of TCG; BASALT_TIMEOUT_SCALE
multiplies every timeout; BASALT_QEMU and BASALT_OVMF override the QEMU
binary and the UEFI firmware.
"""
import argparse
import concurrent.futures
import os
import shutil
import signal
import sys
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import tests  # noqa: E402

TAIL_LINES = 30


class Context:
    """What a test function gets: VM factory and scratch files."""

    def __init__(self, name, build_dir):
        self.name = name
        self.build_dir = build_dir
        self.log_dir = os.path.join(build_dir, "test-logs")
        self.tmp_dir = os.path.join(self.log_dir, name + ".tmp")
        self.log_path = os.path.join(self.log_dir, name + ".log")
        self.vms = []

    def vm(self, **opts):
        """Start a QEMU (options as for harness.Vm) owned by this test."""
        if aborting.is_set():
            raise harness.TestFailure("interrupted")
        vm = harness.Vm(self.build_dir, name="%s#%d" % (self.name,
                                                         len(self.vms)),
                        **opts)
        self.vms.append(vm)
        vm.start()
        return vm

    def path(self, filename):
        os.makedirs(self.tmp_dir, exist_ok=True)
        return os.path.join(self.tmp_dir, filename)


aborting = threading.Event()
print_lock = threading.Lock()


def run_one(name, fn, build_dir, keep_logs=False):
    """Run one test; returns (name, ok, seconds, report lines)."""
    t = Context(name, build_dir)
    start = time.monotonic()
    error = None
    try:
        fn(t)
        for vm in t.vms:
            vm.check_no_unexpected_fault()
    except harness.TestFailure as e:
        error = str(e)
    except Exception:
        error = "harness error:\n" + traceback.format_exc().rstrip()
    finally:
        for vm in t.vms:
            vm.close()
    if error is None and aborting.is_set():
        error = "interrupted"
    seconds = time.monotonic() - start

    report = []
    if error is None and not keep_logs:
        for path in (t.log_path,):
            if os.path.exists(path):
                os.unlink(path)
        shutil.rmtree(t.tmp_dir, ignore_errors=True)
        return name, True, seconds, report

    os.makedirs(t.log_dir, exist_ok=True)
    with open(t.log_path, "w") as f:
        f.write("# %s: %s\n" % (name, "FAIL: " + error if error else "ok"))
        for vm in t.vms:
            f.write(vm.transcript())
    if error is None:
        return name, True, seconds, report
    report.append("  " + error.replace("\n", "\n  "))
    report.append("  log: %s" % t.log_path)
    if t.vms and t.vms[-1].lines:
        tail = t.vms[-1].serial_text().splitlines()[-TAIL_LINES:]
        report.append("  last %d serial lines of %s:" % (len(tail),
                                                         t.vms[-1].name))
        report += ["  | " + line for line in tail]
        err = t.vms[-1].stderr.decode("utf-8", "replace").strip()
        if err:
            report.append("  QEMU stderr:")
            report += ["  ! " + line for line in err.splitlines()[-10:]]
    return name, False, seconds, report


def on_signal(signum, frame):
    aborting.set()
    harness.kill_all()
    raise KeyboardInterrupt


def main():
    repo = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-dir", default=os.path.join(repo, "build"),
                    help="CMake build directory (default: <repo>/build)")
    ap.add_argument("-k", action="append", default=[], metavar="SUBSTRING",
                    help="run only tests whose name contains SUBSTRING "
                    "(repeatable: any of them)")
    ap.add_argument("-j", type=int, default=2, metavar="N",
                    help="tests to run at once (default 2)")
    ap.add_argument("--list", action="store_true", help="list the tests")
    ap.add_argument("--keep-logs", action="store_true",
                    help="keep the logs of passing tests too")
    args = ap.parse_args()

    selected = [(n, f) for n, f in tests.CASES
                if not args.k or any(k in n for k in args.k)]
    if args.list:
        for name, _ in selected:
            print(name)
        return 0
    if not selected:
        print("integration: no test matches %s" % args.k, file=sys.stderr)
        return 1
    build_dir = os.path.abspath(args.build_dir)
    if not os.path.isdir(build_dir):
        print("integration: no build directory %s (cmake -S %s -B %s -G "
              "Ninja && ninja -C %s)" % (build_dir, repo, build_dir,
                                         build_dir), file=sys.stderr)
        return 2

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    passed = failed = 0
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.j))
    try:
        pending = {pool.submit(run_one, n, f, build_dir, args.keep_logs)
                   for n, f in selected}
        while pending:
            done, pending = concurrent.futures.wait(
                pending, timeout=0.5,
                return_when=concurrent.futures.FIRST_COMPLETED)
            for fut in done:
                name, ok, seconds, report = fut.result()
                with print_lock:
                    print("TEST %s: %s (%.1fs)" % (name, "ok" if ok
                                                   else "FAIL", seconds))
                    for line in report:
                        print(line)
                    sys.stdout.flush()
                if ok:
                    passed += 1
                else:
                    failed += 1
    except KeyboardInterrupt:
        aborting.set()
        harness.kill_all()
        pool.shutdown(wait=True, cancel_futures=True)
        print("integration: interrupted after %d passed, %d failed" %
              (passed, failed))
        return 130
    pool.shutdown(wait=True)
    print("integration: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
