"""Boot Basalt in QEMU and talk to it over the serial console.

This module is the library under run.py (the integration tests) and
test/bench/boot (the boot benchmark).  Python 3 standard library only.

The first part, "the console contract", holds every pattern the tests
match against the kernel's serial output, so a change of wording in the
kernel is fixed here in one place.  Kernel lines look like

    [    0.012345] basalt: ready in 12.345 ms

and every pattern below is matched (re.search) against the message after
the timestamp.  Lines without a timestamp (firmware, GRUB) are kept in the
log but only patterns asked to look at the whole text can match them.

The second part is Vm: one QEMU process, its serial console read line by
line by a thread, with wait_for(pattern), send(line) and wait_exit().
Every QEMU runs under coreutils `timeout` in a process group of its own,
so it dies (a) when the test closes it, (b) when the harness exits or is
interrupted (kill_all() from atexit and the signal handlers in run.py),
and (c) when its lifetime runs out, even if the harness was SIGKILLed.
"""
import atexit
import dataclasses
import os
import re
import shutil
import signal
import subprocess
import threading
import time
from typing import Optional

# --------------------------------------------------------------------------
# The console contract.
# --------------------------------------------------------------------------

# The "[    0.012345] " prefix of every kernel line.  Searched, not
# anchored: after GRUB the first kernel line may follow GRUB's escape
# sequences on the same line.
TIMESTAMP_RE = re.compile(r"\[\s*(\d+)\.(\d{6})\] ")

BANNER_RE = re.compile(
    r"^Basalt (?P<version>\S+) booting via (?P<proto>Multiboot2|PVH)"
    r"(?: \((?P<loader>.*)\))?$")
MEM_RE = re.compile(
    r"^mem: (?P<usable>\d+) KiB usable RAM, (?P<free>\d+) KiB free, "
    r"(?P<reserved>\d+) KiB reserved")
SMP_RE = re.compile(r"^smp: (?P<online>\d+) of (?P<total>\d+) CPUs online")
READY_RE = re.compile(r"^basalt: ready in (?P<ms>\d+\.\d{3}) ms")

MONITOR_RECEIVED_FMT = 'monitor: received "{}"'  # str.format(line)
MONITOR_ECHO_FMT = "monitor: {}"  # str.format(text)
MONITOR_MEM_RE = re.compile(
    r"^monitor: (?P<usable>\d+) KiB usable, (?P<free>\d+) KiB free")
POWEROFF_RE = re.compile(r"^acpi: powering off")
REBOOT_RE = re.compile(r"^acpi: rebooting")
MEMORY_MAP_RE = re.compile(r"^memory map: ")
MEMTEST_RE = re.compile(
    r"^memtest: (?P<cpus>\d+) CPUs, (?P<allocs>\d+) allocations, "
    r"(?P<failed>\d+) failed, (?P<errors>\d+) errors; free pages "
    r"(?P<before>\d+) before, (?P<after>\d+) after")
MONITOR_UPTIME_RE = re.compile(r"^monitor: up (?P<secs>\d+\.\d{3}) s")
# monitor `dmesg`: the ring's records as "[ts] <level> text".
DMESG_MEMORY_MAP_RE = re.compile(r"^<(?P<level>\d)> memory map: [0-9a-f]{16}-")

EXCEPTION_RE = re.compile(
    r"^EXCEPTION: (?P<name>.+) in kernel mode on CPU (?P<cpu>\d+)")
PANIC_RE = re.compile(r"^Kernel panic on CPU (?P<cpu>\d+): (?P<msg>.*)")
PF_ERROR_CODE_RE = re.compile(r"^  error code 0x[0-9a-f]+: ")
PF_CR2_RE = re.compile(r"^  CR2 \(faulting address\) = [0-9a-f]{16}")
REGS_RE = re.compile(r"^  RIP: [0-9a-f]{4}:[0-9a-f]{16} RFLAGS: ")
CALL_TRACE_RE = re.compile(r"^ Call trace:")
FRAME_RE = re.compile(
    r"^  \[<(?P<addr>[0-9a-f]{16})>\] (?P<sym>[A-Za-z_.$][\w.$]*)"
    r"\+(?:0x)?(?P<off>[0-9a-f]+)/(?:0x)?(?P<size>[0-9a-f]+)")
HALTED_RE = re.compile(
    r"^System halted: (?P<stopped>\d+) of (?P<cpus>\d+) CPUs stopped\.")

# After unpacking the initramfs into the root file system.  Bytes are the
# data of the members unpacked: file contents and symlink targets.
INITRAMFS_SUMMARY_RE = re.compile(
    r"^initramfs: unpacked (?P<entries>\d+) entries \((?P<bytes>\d+) "
    r"bytes\) from (?P<archives>\d+) archive\(s\), skipped "
    r"(?P<skipped>\d+)$")
# A parse error ends the unpacking; the members before it stay unpacked.
INITRAMFS_CORRUPT_RE = re.compile(
    r"^initramfs: corrupt archive at offset (?P<offset>\d+): "
    r"(?P<reason>.*); stopped after (?P<kept>\d+) entries$")
# A member that could not be made (bad name, no parent, no space, ...).
INITRAMFS_SKIP_RE = re.compile(
    r"^initramfs: skipping '(?P<name>.*)': (?P<why>.*)$")
# At loglevel=7, after unpacking: one line per object in the root file
# system, depth-first, each directory's entries sorted, the root first.
# Size for files, directories and symlinks; "major,minor" for devices.
ROOTFS_RE = re.compile(
    r"^rootfs: (?P<mode>[-dlcbps?][-rwxsStT]{9}) (?P<nlink>\d+) "
    r"(?P<uid>\d+) (?P<gid>\d+) "
    r"(?:(?P<major>\d+),(?P<minor>\d+)|(?P<size>\d+)) "
    r"ino=(?P<ino>\d+) (?P<path>/.*?)(?: -> (?P<target>.*))?$")
# At loglevel=7, one line per archive member.  A device node's size
# column may read "0" or "major, minor".
INITRAMFS_ENTRY_RE = re.compile(
    r"^initramfs:   (?P<mode>[-dlcbps][-rwxsStT]{9}) +"
    r"(?P<size>\d+(?:, *\d+)?) (?P<name>.+)$")

# Any line containing one of these fails a test that does not expect a
# fault (searched in the whole line, timestamp or not).
ROOTFLAGS_REFUSED_RE = re.compile(
    r"^vfs: rootflags=(?P<opts>\S+) refused \(error -\d+\); using defaults")
INITRAMFS_FREED_RE = re.compile(
    r"^initramfs: freed (?P<kib>\d+) KiB of archive memory")
VFS_SELFTEST_PASS_RE = re.compile(r"^vfs: self-check passed \((?P<checks>\d+) checks\)")
VFS_SELFTEST_FAIL_RE = re.compile(r"^vfs: self-check FAILED: ")
MONITOR_HD_RE = re.compile(
    r"^monitor: (?P<path>/\S+): (?P<n>-?\d+) bytes:\s*(?P<hex>[0-9a-f ]*)$")
MONITOR_LS_RE = re.compile(
    r"^monitor: (?P<mode>[-dlcbps][-rwxsStT]{9}) +(?P<size>\d+) +(?P<ino>\d+) (?P<name>.+)$")
KMSG_RECORD_RE = re.compile(
    r"^monitor: (?P<prio>\d+),(?P<seq>\d+),(?P<usec>\d+),-;(?P<text>.*)$")
UNEXPECTED_FAULT_RE = re.compile(r"Kernel panic|EXCEPTION:")

# test.fault=<kind>: (exception name, or None for a panic; the function
# (kernel/selftest.c) that the call trace must name).
FAULT_KINDS = {
    "pf": ("Page fault (#PF)", "selftest_fault_page_fault"),
    "ud": ("Invalid opcode (#UD)", "selftest_fault_invalid_opcode"),
    "gp": ("General protection fault (#GP)",
           "selftest_fault_general_protection"),
    "de": ("Divide error (#DE)", "selftest_fault_divide_error"),
    "panic": (None, "selftest_fault_panic"),
    "lockorder": (None, "selftest_fault_lock_order"),
    # W^X: a write to kernel text, a jump into kernel data.
    "wx": ("Page fault (#PF)", "selftest_fault_write_text"),
    "nx": ("Page fault (#PF)", "selftest_trigger_fault"),
    # Running off the stack into its guard page: the #PF cannot be
    # delivered on the dead stack, so it becomes a #DF on an IST stack.
    "stack": ("Double fault (#DF)", "selftest_overflow_recurse"),
}
# Page-fault error-code decoding each kind must show, if any.
FAULT_ERROR_TEXT = {
    "pf": "page not present, write access in kernel mode",
    "wx": "protection violation, write access in kernel mode",
    "nx": "protection violation, instruction fetch access in kernel mode",
}
MONITOR_CPU_RE = re.compile(
    r"^monitor: cpu (?P<cpu>\d+): APIC id (?P<apic>\d+), "
    r"(?P<ticks>\d+) timer ticks, (?P<irqs>\d+) interrupts")
MONITOR_DATE_RE = re.compile(
    r"^monitor: (?P<date>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC")
CLOCK_RE = re.compile(
    r"^clock: TSC at [\d.]+ MHz, calibrated against (?P<ref>HPET|PIT); "
    r"clock source (?P<source>TSC|HPET)")

# QEMU exit statuses.
EXIT_POWEROFF = 0  # ACPI S5 (also a triple fault under -no-reboot!)
EXIT_KERNEL_FAULT = 3  # the kernel wrote 1 to isa-debug-exit: (1 << 1) | 1

# Command line of the GRUB menu entry the ISO boots (scripts/grub.cfg).
ISO_CMDLINE = "console=ttyS0 console=tty0 loglevel=6"
# What a direct boot passes; a test's own console=/loglevel= replaces
# the default one.
DIRECT_CMDLINE = "console=ttyS0 loglevel=6"

# --------------------------------------------------------------------------
# Environment.
# --------------------------------------------------------------------------

QEMU = os.environ.get("BASALT_QEMU", "qemu-system-x86_64")
OVMF = os.environ.get("BASALT_OVMF", "/usr/share/ovmf/OVMF.fd")
BOOT_MODES = ("direct", "iso-bios", "iso-uefi", "usb-bios", "usb-uefi")
MACHINES = ("pc", "q35")


def timeout_scale():
    """BASALT_TIMEOUT_SCALE multiplies every timeout (slow machines)."""
    try:
        return max(0.1, float(os.environ.get("BASALT_TIMEOUT_SCALE", "1")))
    except ValueError:
        return 1.0


class TestFailure(Exception):
    """A test's expectation was not met; the message says which."""


# ANSI/VT escape sequences that firmware and GRUB write to the serial port.
_ESCAPE_RE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|[()][0-9A-Za-z]|[@-Z\\-_])")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclasses.dataclass
class Line:
    """One line of serial output."""
    index: int  # position in Vm.lines
    raw: str  # as received, minus the line end
    text: str  # escape sequences and control chars removed
    msg: Optional[str]  # text after the kernel timestamp, or None
    kernel_ts: Optional[float]  # the kernel's timestamp in seconds
    host_t: float  # time.monotonic() when the line arrived
    m: Optional[re.Match] = None  # set on the copy wait_for() returns

    @classmethod
    def parse(cls, index, raw, host_t):
        text = _CONTROL_RE.sub("", _ESCAPE_RE.sub("", raw))
        ts = TIMESTAMP_RE.search(text)
        if ts:
            msg = text[ts.end():]
            kernel_ts = int(ts.group(1)) + int(ts.group(2)) / 1e6
        else:
            msg, kernel_ts = None, None
        return cls(index, raw, text, msg, kernel_ts, host_t)


def direct_cmdline(extra):
    """DIRECT_CMDLINE with extra appended; extra's keys override."""
    extra = extra.split()
    given = {word.split("=", 1)[0] for word in extra}
    words = [w for w in DIRECT_CMDLINE.split()
             if w.split("=", 1)[0] not in given]
    return " ".join(words + extra)


def _compile(pattern):
    if isinstance(pattern, re.Pattern):
        return pattern
    return re.compile(pattern)


def literal(text):
    """A pattern matching a whole message exactly."""
    return re.compile("^" + re.escape(text) + "$")


# Every Vm whose QEMU may still be running, for kill_all().
_live = set()
_live_lock = threading.Lock()


def kill_all():
    """Stop every QEMU this process started.  Used at exit and on signals."""
    with _live_lock:
        vms = list(_live)
    for vm in vms:
        vm.kill(grace=0)
    deadline = time.monotonic() + 2
    for vm in vms:
        vm.kill(grace=max(0, deadline - time.monotonic()))


atexit.register(kill_all)


class Vm:
    """One QEMU running Basalt, with its serial console on a pipe.

    boot: "direct" (-kernel basalt.elf, PVH), "iso-bios" (GRUB ISO under
    SeaBIOS), "iso-uefi" (GRUB ISO under OVMF), or "usb-bios"/"usb-uefi"
    (the same ISO as a USB stick, as the README tells people to write it).  cmdline and initrd
    apply to direct boots only: the ISO's command line is fixed by its
    GRUB menu.  extra_args go to QEMU last.  expect_fault=True stops
    wait_for() from failing on "Kernel panic"/"EXCEPTION:" lines.
    """

    def __init__(self, build_dir, boot="direct", machine="pc", smp=1,
                 memory="256M", cmdline="", initrd=None, kernel=None,
                 extra_args=(), expect_fault=False, name="vm",
                 lifetime=300):
        if boot not in BOOT_MODES:
            raise ValueError("boot must be one of %s" % (BOOT_MODES,))
        if machine not in MACHINES:
            raise ValueError("machine must be one of %s" % (MACHINES,))
        if boot != "direct" and (cmdline or initrd or kernel):
            raise ValueError("cmdline/initrd/kernel need boot='direct'")
        self.build_dir = os.path.abspath(build_dir)
        self.boot = boot
        self.machine = machine
        self.smp = smp
        self.memory = memory
        self.cmdline = cmdline
        self.initrd = initrd
        self.kernel = kernel
        self.extra_args = list(extra_args)
        self.expect_fault = expect_fault
        self.name = name
        self.lifetime = lifetime

        self.proc = None
        self.argv = None
        self.start_t = None
        self.status = None
        self.lines = []  # [Line]
        self.cursor = 0  # wait_for() looks from here on
        self.stderr = bytearray()
        self._partial = bytearray()
        self._eof = False
        self._cond = threading.Condition()
        self._threads = []
        self._input_log = []

    # ---- building the command line ---------------------------------------

    def _artifact(self, name):
        path = os.path.join(self.build_dir, name)
        if not os.path.exists(path):
            raise TestFailure("%s is missing: build first (ninja -C %s)" %
                              (path, self.build_dir))
        return path

    def qemu_argv(self):
        argv = [QEMU, "-machine", self.machine]
        if os.environ.get("BASALT_KVM") == "1":
            argv += ["-accel", "kvm", "-cpu", "host"]
        elif self.smp > 1:
            argv += ["-accel", "tcg,thread=multi"]
        else:
            argv += ["-accel", "tcg"]
        argv += ["-smp", str(self.smp), "-m", str(self.memory),
                 "-nic", "none", "-display", "none",
                 "-monitor", "none", "-parallel", "none",
                 "-serial", "stdio", "-no-reboot",
                 "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        if self.boot == "direct":
            kernel = self.kernel or self._artifact("basalt.elf")
            initrd = self.initrd or self._artifact("initramfs.cpio")
            cmdline = direct_cmdline(self.cmdline)
            argv += ["-kernel", kernel, "-initrd", initrd,
                     "-append", cmdline]
        else:
            iso = self._artifact("basalt.iso")
            if self.boot.endswith("-uefi"):
                if not os.path.exists(OVMF):
                    raise TestFailure("UEFI firmware %s is missing "
                                      "(apt-get install ovmf)" % OVMF)
                argv += ["-bios", OVMF]
            if self.boot.startswith("usb-"):
                # snapshot=on: the image is never written.
                argv += ["-device", "qemu-xhci",
                         "-drive", "if=none,id=stick,format=raw,"
                         "snapshot=on,file=%s" % iso,
                         "-device", "usb-storage,drive=stick"]
            else:
                argv += ["-drive", "file=%s,media=cdrom,readonly=on" % iso,
                         "-boot", "d"]
        return argv + self.extra_args

    # ---- process lifetime ---------------------------------------------------

    def start(self):
        if shutil.which(QEMU) is None:
            raise TestFailure("%s not found (apt-get install "
                              "qemu-system-x86)" % QEMU)
        qemu = self.qemu_argv()
        # timeout(1) makes itself a process-group leader, forwards our
        # signals to QEMU and kills it when the lifetime runs out.
        self.argv = ["timeout", "--kill-after=5",
                     str(int(self.lifetime * timeout_scale()))] + qemu
        with _live_lock:
            self.start_t = time.monotonic()
            self.proc = subprocess.Popen(
                self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, start_new_session=True)
            _live.add(self)
        for fn, fd in ((self._read_serial, self.proc.stdout),
                       (self._read_stderr, self.proc.stderr)):
            t = threading.Thread(target=fn, args=(fd,), daemon=True,
                                 name="%s-%s" % (self.name, fn.__name__))
            t.start()
            self._threads.append(t)
        return self

    def _read_serial(self, pipe):
        fd = pipe.fileno()
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            now = time.monotonic()
            with self._cond:
                if chunk:
                    self._partial += chunk
                    self._split_lines(now, final=False)
                else:
                    self._split_lines(now, final=True)
                    self._eof = True
                self._cond.notify_all()
            if not chunk:
                return

    def _split_lines(self, now, final):
        while True:
            nl = self._partial.find(b"\n")
            if nl < 0:
                break
            self._add_line(bytes(self._partial[:nl]), now)
            del self._partial[:nl + 1]
        if final and self._partial:
            self._add_line(bytes(self._partial), now)
            self._partial.clear()

    def _add_line(self, raw, now):
        text = raw.decode("utf-8", "replace").replace("\r", "")
        self.lines.append(Line.parse(len(self.lines), text, now))

    def _read_stderr(self, pipe):
        fd = pipe.fileno()
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return
            if not chunk:
                return
            with self._cond:
                self.stderr += chunk

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def kill(self, grace=2.0):
        """Stop QEMU now; idempotent.

        SIGTERM to timeout(1), which passes it on to QEMU (QEMU exits at
        once and is reaped by timeout); after `grace` seconds, SIGKILL to
        the whole process group.
        """
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        try:
            proc.send_signal(signal.SIGTERM)
        except ProcessLookupError:
            return
        if grace <= 0:
            return
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def close(self):
        """Kill QEMU if it still runs and reap it.  Always call this."""
        if self.proc is None:
            return
        self.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        if self.status is None:
            self.status = self.proc.returncode
        for t in self._threads:
            t.join(timeout=5)
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                pipe.close()
            except OSError:
                pass
        with _live_lock:
            _live.discard(self)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()
        return False

    # ---- talking to the guest ----------------------------------------------

    def _fault_line(self, line):
        if self.expect_fault:
            return False
        return UNEXPECTED_FAULT_RE.search(line.text) is not None

    def _fail_on_fault(self, line):
        # Let the trace finish so the log shows it, then fail.
        try:
            self.proc.wait(timeout=3 * timeout_scale())
        except subprocess.TimeoutExpired:
            pass
        raise TestFailure("unexpected kernel fault: %s" % line.text.strip())

    def wait_for(self, pattern, timeout=30, what=None, field="msg",
                 fail_on=None):
        """Wait for the next line (from the cursor on) matching pattern.

        field "msg" matches kernel messages (after the timestamp); "text"
        matches whole lines, timestamp and all.  Returns a copy of the
        Line with .m set; moves the cursor past it.  Raises TestFailure on
        timeout, on QEMU exiting first, on an unexpected fault line, and
        on a line matching fail_on (a pattern for "too late", such as the
        ready line when waiting for a boot message) before pattern.
        """
        rx = _compile(pattern)
        stop = _compile(fail_on) if fail_on is not None else None
        what = what or "/%s/" % rx.pattern
        deadline = time.monotonic() + timeout * timeout_scale()
        while True:
            with self._cond:
                found, bad = self._scan(rx, stop, field)
                eof = self._eof and found is None and bad is None
                if found is None and bad is None and not eof:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise TestFailure(
                            "timed out after %gs waiting for %s" %
                            (timeout * timeout_scale(), what))
                    self._cond.wait(left)
                    continue
            if found is not None:
                return found
            if eof:
                raise TestFailure("QEMU exited (status %s) before %s" %
                                  (self._exit_status(), what))
            if UNEXPECTED_FAULT_RE.search(bad.text) and not self.expect_fault:
                self._fail_on_fault(bad)
            raise TestFailure("got %r before %s" % (bad.text.strip(), what))

    def _exit_status(self):
        """QEMU's exit status, waiting briefly for it after stdout EOF."""
        try:
            return self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "unknown: still running"

    def _scan(self, rx, stop, field):
        """(hit, None), (None, bad line) or (None, None).  Under _cond."""
        while self.cursor < len(self.lines):
            line = self.lines[self.cursor]
            self.cursor += 1
            if self._fault_line(line):
                return None, line
            subject = line.msg if field == "msg" else line.text
            if subject is None:
                continue
            m = rx.search(subject)
            if m:
                return dataclasses.replace(line, m=m), None
            if stop is not None and stop.search(subject):
                return None, line
        return None, None

    def find_all(self, pattern, start=0, end=None, field="msg"):
        """Matching lines already received in lines[start:end]."""
        rx = _compile(pattern)
        with self._cond:
            lines = self.lines[start:end]
        out = []
        for line in lines:
            subject = line.msg if field == "msg" else line.text
            if subject is not None:
                m = rx.search(subject)
                if m:
                    out.append(dataclasses.replace(line, m=m))
        return out

    def send(self, text, end="\r"):
        """Type one line on the serial console."""
        self._input_log.append(text)
        try:
            self.proc.stdin.write((text + end).encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError):
            raise TestFailure("cannot send %r: QEMU's stdin is closed" %
                              text) from None

    def wait_exit(self, timeout=30):
        """Wait for QEMU to exit by itself; returns its exit status.

        Kills QEMU and raises TestFailure if it does not exit in time.
        Afterwards every line is read, and an unexpected fault line
        anywhere fails the test.
        """
        try:
            self.status = self.proc.wait(timeout=timeout * timeout_scale())
        except subprocess.TimeoutExpired:
            self.kill()
            self.proc.wait(timeout=10)
            self.status = self.proc.returncode
            raise TestFailure("QEMU did not exit within %gs (killed)" %
                              (timeout * timeout_scale())) from None
        for t in self._threads:
            t.join(timeout=5)
        self.check_no_unexpected_fault()
        return self.status

    def check_no_unexpected_fault(self):
        if self.expect_fault:
            return
        with self._cond:
            lines = list(self.lines)
        for line in lines:
            if self._fault_line(line):
                raise TestFailure("unexpected kernel fault: %s" %
                                  line.text.strip())

    # ---- logs --------------------------------------------------------------

    def serial_text(self):
        with self._cond:
            lines = [l.raw for l in self.lines]
            if self._partial:
                lines.append(self._partial.decode("utf-8", "replace") +
                             "  <no newline>")
        return "\n".join(lines)

    def transcript(self):
        """Everything worth keeping when a test fails."""
        status = self.status if self.status is not None else (
            self.proc.poll() if self.proc else None)
        out = ["==== %s: %s" % (self.name, " ".join(self.argv or []))]
        if self._input_log:
            out.append("==== sent: %r" % (self._input_log,))
        out.append("==== serial console")
        out.append(self.serial_text())
        err = self.stderr.decode("utf-8", "replace").strip()
        if err:
            out.append("==== QEMU stderr")
            out.append(err)
        out.append("==== exit status: %s" % (status,))
        return "\n".join(out) + "\n"
