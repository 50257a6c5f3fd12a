"""Basalt's QEMU integration tests: one function per behaviour.

Each test takes a context `t` (see run.py): t.vm(**options) starts a QEMU
(options as for harness.Vm), t.path(name) gives a scratch file path.  A
test fails by raising harness.TestFailure (use expect()); QEMUs are
killed and their logs kept by the runner.  No timing assertions: the
timeouts only bound hangs.
"""
import collections
import datetime
import os
import stat
import sys
import time

import harness
from harness import TestFailure

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO, "scripts"))
import mkcpio  # noqa: E402  (scripts/mkcpio.py)

# Generous bounds for TCG on a loaded 2-core machine; a normal run takes
# a few seconds per boot.
DIRECT_TIMEOUT = 30
ISO_TIMEOUT = 60
UEFI_TIMEOUT = 90
EXIT_TIMEOUT = 30

KiB_PER_MiB = 1024
KiB_PER_GiB = 1024 * 1024

CASES = []


def case(fn):
    """Register a test; its name is the function's name."""
    CASES.append((fn.__name__, fn))
    return fn


def expect(cond, fmt, *args):
    if not cond:
        raise TestFailure(fmt % args if args else fmt)


# --------------------------------------------------------------------------
# Steps shared by the tests.
# --------------------------------------------------------------------------

def boot_to_ready(vm, proto, cpus, timeout):
    """Wait for banner .. ready; check the banner and smp lines.

    Returns (ready line, mem line) so callers can check more.
    """
    banner = vm.wait_for(harness.BANNER_RE, timeout, "the boot banner")
    got = banner.m.group("proto")
    expect(got == proto, "booted via %s, expected %s: %s", got, proto,
           banner.msg)
    if proto == "Multiboot2":
        loader = banner.m.group("loader") or ""
        expect("GRUB" in loader, "loader name %r does not name GRUB",
               loader)
    ready = vm.wait_for(harness.READY_RE, timeout, "the ready line")
    span = (banner.index, ready.index + 1)

    smp = vm.find_all(harness.SMP_RE, *span)
    expect(len(smp) == 1, "expected one 'smp: N of M CPUs online' line "
           "between banner and ready, found %d", len(smp))
    online = int(smp[0].m.group("online"))
    total = int(smp[0].m.group("total"))
    expect(online == cpus and total == cpus,
           "expected smp: %d of %d CPUs online, got %r", cpus, cpus,
           smp[0].msg)

    mem = vm.find_all(harness.MEM_RE, *span)
    expect(len(mem) == 1, "expected one 'mem: ...' line between banner "
           "and ready, found %d", len(mem))
    return ready, mem[0]


def monitor_command(vm, command, timeout=DIRECT_TIMEOUT):
    """Type a monitor command and wait until the monitor echoes it."""
    vm.send(command)
    vm.wait_for(harness.literal(harness.MONITOR_RECEIVED_FMT.format(command)),
                timeout, "the monitor to receive %r" % command)


def poweroff(vm, timeout=EXIT_TIMEOUT):
    """`poweroff`, then QEMU must exit by itself with status 0."""
    monitor_command(vm, "poweroff", timeout)
    vm.wait_for(harness.POWEROFF_RE, timeout, "the ACPI power-off line")
    status = vm.wait_exit(timeout)
    expect(status == harness.EXIT_POWEROFF,
           "QEMU exit status %s after poweroff, expected %d", status,
           harness.EXIT_POWEROFF)


def boot_and_poweroff(t, proto, timeout, **opts):
    vm = t.vm(**opts)
    boot_to_ready(vm, proto, opts.get("smp", 1), timeout)
    poweroff(vm)
    return vm


# --------------------------------------------------------------------------
# Boot paths.
# --------------------------------------------------------------------------

@case
def iso_bios_pc_boots_to_ready_and_powers_off(t):
    boot_and_poweroff(t, "Multiboot2", ISO_TIMEOUT, boot="iso-bios",
                      machine="pc", smp=1)


@case
def iso_bios_q35_boots_to_ready_and_powers_off(t):
    boot_and_poweroff(t, "Multiboot2", ISO_TIMEOUT, boot="iso-bios",
                      machine="q35", smp=2)


@case
def iso_uefi_q35_boots_to_ready_and_powers_off(t):
    boot_and_poweroff(t, "Multiboot2", UEFI_TIMEOUT, boot="iso-uefi",
                      machine="q35", smp=2)


@case
def iso_uefi_pc_boots_to_ready_and_powers_off(t):
    boot_and_poweroff(t, "Multiboot2", UEFI_TIMEOUT, boot="iso-uefi",
                      machine="pc", smp=1)


@case
def iso_written_to_a_usb_stick_boots_under_bios(t):
    boot_and_poweroff(t, "Multiboot2", ISO_TIMEOUT, boot="usb-bios",
                      machine="q35", smp=2)


@case
def iso_written_to_a_usb_stick_boots_under_uefi(t):
    boot_and_poweroff(t, "Multiboot2", UEFI_TIMEOUT, boot="usb-uefi",
                      machine="q35", smp=2)


@case
def direct_pvh_smp1_brings_up_1_cpu(t):
    boot_and_poweroff(t, "PVH", DIRECT_TIMEOUT, machine="pc", smp=1)


@case
def direct_pvh_smp2_brings_up_2_cpus(t):
    boot_and_poweroff(t, "PVH", DIRECT_TIMEOUT, machine="q35", smp=2)


@case
def direct_pvh_smp8_brings_up_8_cpus(t):
    boot_and_poweroff(t, "PVH", DIRECT_TIMEOUT, machine="pc", smp=8)


@case
def acpi_poweroff_exits_qemu_with_status_0(t):
    vm = t.vm(machine="q35", smp=2)
    boot_to_ready(vm, "PVH", 2, DIRECT_TIMEOUT)
    monitor_command(vm, "poweroff")
    vm.wait_for(harness.POWEROFF_RE, EXIT_TIMEOUT, "the ACPI power-off line")
    status = vm.wait_exit(EXIT_TIMEOUT)  # fails if QEMU has to be killed
    expect(status == harness.EXIT_POWEROFF, "exit status %s, expected %d",
           status, harness.EXIT_POWEROFF)


# --------------------------------------------------------------------------
# Memory.
# --------------------------------------------------------------------------

def check_memory(t, machine, memory, low_kib, high_kib):
    vm = t.vm(machine=machine, smp=1, memory=memory)
    _, mem = boot_to_ready(vm, "PVH", 1, DIRECT_TIMEOUT)
    usable = int(mem.m.group("usable"))
    free = int(mem.m.group("free"))
    expect(low_kib <= usable <= high_kib,
           "-m %s: %d KiB usable, expected %d..%d KiB", memory, usable,
           low_kib, high_kib)
    expect(0 < free <= usable, "-m %s: %d KiB free of %d KiB usable",
           memory, free, usable)
    # The monitor's `mem` must agree with the boot-time total.
    monitor_command(vm, "mem")
    line = vm.wait_for(harness.MONITOR_MEM_RE, DIRECT_TIMEOUT,
                       "the monitor's mem report")
    expect(int(line.m.group("usable")) == usable,
           "monitor reports %s KiB usable, boot said %d",
           line.m.group("usable"), usable)
    poweroff(vm)


@case
def memory_4m_machine_boots_to_ready(t):
    # Smaller than anything the page-struct placement used to allow.
    check_memory(t, "pc", "4M", 3 * KiB_PER_MiB, 4 * KiB_PER_MiB)


@case
def memory_64m_total_is_reported(t):
    check_memory(t, "pc", "64M", 62 * KiB_PER_MiB, 64 * KiB_PER_MiB)


@case
def memory_8g_total_is_reported(t):
    check_memory(t, "q35", "8G", 8 * KiB_PER_GiB - 128 * KiB_PER_MiB,
                 8 * KiB_PER_GiB)


# --------------------------------------------------------------------------
# Deliberate faults (test.fault=<kind>).
# --------------------------------------------------------------------------

def check_fault(t, kind, smp=1):
    exc_name, func = harness.FAULT_KINDS[kind]
    vm = t.vm(machine="pc", smp=smp, cmdline="test.fault=" + kind,
              expect_fault=True)
    vm.wait_for(harness.BANNER_RE, DIRECT_TIMEOUT, "the boot banner")
    if exc_name is None:
        first = vm.wait_for(harness.PANIC_RE, DIRECT_TIMEOUT,
                            "'Kernel panic on CPU 0: ...'",
                            fail_on=harness.READY_RE)
        expect(first.m.group("cpu") == "0", "panic on CPU %s, expected 0",
               first.m.group("cpu"))
        expect(first.m.group("msg").strip() != "", "empty panic message")
    else:
        first = vm.wait_for(harness.EXCEPTION_RE, DIRECT_TIMEOUT,
                            "'EXCEPTION: ...'", fail_on=harness.READY_RE)
        expect(first.m.group("name") == exc_name,
               "exception %r, expected %r", first.m.group("name"), exc_name)
        expect(first.m.group("cpu") == "0", "fault on CPU %s, expected 0",
               first.m.group("cpu"))
        if kind in harness.FAULT_ERROR_TEXT:
            code = vm.wait_for(harness.PF_ERROR_CODE_RE, DIRECT_TIMEOUT,
                               "the page-fault error code decoding")
            want = harness.FAULT_ERROR_TEXT[kind]
            expect(want in code.msg, "error code line %r lacks %r",
                   code.msg, want)
            vm.wait_for(harness.PF_CR2_RE, DIRECT_TIMEOUT, "CR2")
    # Exceptions and panics alike dump the registers.
    vm.wait_for(harness.REGS_RE, DIRECT_TIMEOUT, "the register dump")
    trace = vm.wait_for(harness.CALL_TRACE_RE, DIRECT_TIMEOUT,
                        "' Call trace:'")
    halted = vm.wait_for(harness.HALTED_RE, DIRECT_TIMEOUT,
                         "'System halted: N of N CPUs stopped.'")
    expect(halted.m.group("stopped") == halted.m.group("cpus") == str(smp),
           "expected all %d CPUs stopped: %r", smp, halted.msg)
    status = vm.wait_exit(EXIT_TIMEOUT)
    expect(status == harness.EXIT_KERNEL_FAULT,
           "QEMU exit status %s, expected %d (isa-debug-exit)", status,
           harness.EXIT_KERNEL_FAULT)
    frames = vm.find_all(harness.FRAME_RE, first.index + 1, halted.index)
    expect(vm.find_all(harness.FRAME_RE, trace.index + 1, halted.index),
           "no symbolized frame after ' Call trace:'")
    # gcc may clone a function as name.isra.0 and the like.
    expect(any(f.m.group("sym").split(".")[0] == func for f in frames),
           "no frame names %s; frames: %s", func,
           ", ".join(f.m.group("sym") for f in frames))
    return vm


@case
def fault_pf_reports_page_fault_and_exits_3(t):
    check_fault(t, "pf")


@case
def fault_ud_reports_invalid_opcode_and_exits_3(t):
    check_fault(t, "ud")


@case
def fault_gp_reports_general_protection_and_exits_3(t):
    check_fault(t, "gp")


@case
def fault_de_reports_divide_error_and_exits_3(t):
    check_fault(t, "de")


@case
def panic_reports_message_and_trace_and_exits_3(t):
    check_fault(t, "panic")


@case
def lock_taken_out_of_rank_order_panics(t):
    vm = check_fault(t, "lockorder")
    panic = vm.find_all(harness.PANIC_RE)
    expect(panic and "lock order violation" in panic[0].msg and
           "selftest_outer" in panic[0].msg,
           "panic does not name the lock-order violation: %s",
           [p.msg for p in panic])


@case
def panic_on_smp4_stops_all_4_cpus(t):
    check_fault(t, "panic", smp=4)


@case
def write_to_kernel_text_faults_wx(t):
    check_fault(t, "wx")


@case
def jump_into_kernel_data_faults_nx(t):
    check_fault(t, "nx")


@case
def stack_overflow_hits_guard_page_and_double_faults_on_ist(t):
    check_fault(t, "stack")


# --------------------------------------------------------------------------
# Initramfs.
# --------------------------------------------------------------------------

# (name, mode, data, (rdev major, minor)) in archive order.
SAMPLE_TREE = [
    ("bin", stat.S_IFDIR | 0o755, b"", (0, 0)),
    ("bin/hello", stat.S_IFREG | 0o755, bytes(range(256)) * 5, (0, 0)),
    ("bin/sh", stat.S_IFLNK | 0o777, b"hello", (0, 0)),
    ("dev", stat.S_IFDIR | 0o755, b"", (0, 0)),
    ("dev/console", stat.S_IFCHR | 0o600, b"", (5, 1)),
    ("etc", stat.S_IFDIR | 0o755, b"", (0, 0)),
    ("etc/empty", stat.S_IFREG | 0o644, b"", (0, 0)),
    ("etc/motd", stat.S_IFREG | 0o644, b"Hello from a test\n", (0, 0)),
]


def build_archive(tree):
    """A newc archive of tree; returns (bytes, header offset per entry)."""
    out = bytearray()
    offsets = []
    for ino, (name, mode, data, (major, minor)) in enumerate(tree, 1):
        offsets.append(len(out))
        out += mkcpio.newc_entry(name, mode, data, ino=ino,
                                 nlink=2 if stat.S_ISDIR(mode) else 1,
                                 rdev_major=major, rdev_minor=minor)
    out += mkcpio.trailer()
    out += b"\0" * (-len(out) % 512)
    return bytes(out), offsets


def write_file(path, data):
    with open(path, "wb") as f:
        f.write(data)
    return path


NEWC_MAGIC_LEN = 6
NEWC_FIELD_LEN = 8
NEWC_FILESIZE_FIELD = 6  # ino mode uid gid nlink mtime *filesize*
NEWC_HEADER_LEN = 110


def check_corrupt_initramfs(t, data, bad_offset, kept):
    """Boot with a damaged archive: the error names the damaged header,
    the kept members before it are unpacked, and the boot goes on."""
    initrd = write_file(t.path("initramfs.cpio"), data)
    vm = t.vm(machine="pc", smp=1, initrd=initrd)
    vm.wait_for(harness.BANNER_RE, DIRECT_TIMEOUT, "the boot banner")
    line = vm.wait_for(harness.INITRAMFS_CORRUPT_RE, DIRECT_TIMEOUT,
                       "the corrupt-archive message",
                       fail_on=harness.READY_RE)
    expect(int(line.m.group("offset")) == bad_offset,
           "corrupt archive reported at offset %s, expected %d (the "
           "damaged header)", line.m.group("offset"), bad_offset)
    expect(int(line.m.group("kept")) == kept,
           "%s entries kept before the damage, expected %d",
           line.m.group("kept"), kept)
    summary = vm.wait_for(harness.INITRAMFS_SUMMARY_RE, DIRECT_TIMEOUT,
                          "the initramfs summary", fail_on=harness.READY_RE)
    expect(int(summary.m.group("entries")) == kept,
           "summary says %s entries unpacked, expected %d",
           summary.m.group("entries"), kept)
    vm.wait_for(harness.READY_RE, DIRECT_TIMEOUT, "the ready line")
    poweroff(vm)


@case
def initramfs_with_bad_hex_digit_is_refused_and_boot_continues(t):
    data, offsets = build_archive(SAMPLE_TREE)
    victim = offsets[1]  # bin/hello's header
    pos = (victim + NEWC_MAGIC_LEN + NEWC_FILESIZE_FIELD * NEWC_FIELD_LEN
           + 5)
    expect(chr(data[pos]) in "0123456789abcdef", "test bug: not a hex digit")
    data = data[:pos] + b"g" + data[pos + 1:]
    check_corrupt_initramfs(t, data, victim, kept=1)  # "bin" came first


@case
def initramfs_truncated_in_file_data_is_refused_and_boot_continues(t):
    data, offsets = build_archive(SAMPLE_TREE)
    victim = offsets[1]  # bin/hello: 1280 bytes of data
    name_len = len("bin/hello") + 1
    cut = victim + NEWC_HEADER_LEN + name_len + 100
    check_corrupt_initramfs(t, data[:cut], victim, kept=1)


def expected_listing(tree):
    out = []
    for name, mode, data, (major, minor) in tree:
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
            sizes = {"0", "%d, %d" % (major, minor), "%d,%d" % (major, minor)}
        else:
            sizes = {str(len(data))}
        out.append((stat.filemode(mode), sizes, name))
    return out


@case
def initramfs_listing_at_loglevel_7_matches_archive(t):
    data, _ = build_archive(SAMPLE_TREE)
    initrd = write_file(t.path("initramfs.cpio"), data)
    vm = t.vm(machine="pc", smp=1, initrd=initrd, cmdline="loglevel=7")
    banner = vm.wait_for(harness.BANNER_RE, DIRECT_TIMEOUT, "the boot banner")
    summary = vm.wait_for(harness.INITRAMFS_SUMMARY_RE, DIRECT_TIMEOUT,
                          "the initramfs summary", fail_on=harness.READY_RE)
    ready = vm.wait_for(harness.READY_RE, DIRECT_TIMEOUT, "the ready line")
    listed = [(l.m.group("mode"), l.m.group("size"), l.m.group("name"))
              for l in vm.find_all(harness.INITRAMFS_ENTRY_RE, banner.index,
                                   ready.index)]
    want = expected_listing(SAMPLE_TREE)
    expect(len(listed) == len(want), "listed %d entries, packed %d:\n%s",
           len(listed), len(want), "\n".join(map(repr, listed)))
    for got, (mode, sizes, name) in zip(listed, want):
        expect(got[0] == mode and got[1] in sizes and got[2] == name,
               "listed %r, expected (%r, one of %r, %r)", got, mode,
               sorted(sizes), name)

    expect(int(summary.m.group("entries")) == len(SAMPLE_TREE),
           "summary says %s entries, packed %d", summary.m.group("entries"),
           len(SAMPLE_TREE))
    # "File data" counts every member's data: files and symlink targets.
    data_bytes = sum(len(d) for _, _, d, _ in SAMPLE_TREE)
    got = int(summary.m.group("bytes"))
    expect(got == data_bytes, "summary says %d bytes of file data, packed "
           "%d (file contents and symlink targets)", got, data_bytes)
    poweroff(vm)


# One object of an archive for the rootfs test.
RootfsNode = collections.namedtuple(
    "RootfsNode", "name mode uid gid data rdev ino nlink")


def rootfs_node(name, mode, uid=0, gid=0, data=b"", rdev=(0, 0), ino=None,
                nlink=None):
    return RootfsNode(name, mode, uid, gid, data, rdev, ino, nlink)


S_DIR, S_REG, S_LNK = stat.S_IFDIR, stat.S_IFREG, stat.S_IFLNK
# Bytes that cross page boundaries and are not text.
ROOTFS_BINARY = bytes((i * 7 + i // 256) % 256 for i in range(70000))
# Two archives, joined as `cat a.cpio b.cpio` would: the second replaces
# etc/motd and adds a file.  Hard links as GNU cpio writes them: same ino,
# nlink 2, data on the last link.
ROOTFS_ARCHIVES = [
    [
        rootfs_node(".", S_DIR | 0o755),
        rootfs_node("bin", S_DIR | 0o755),
        rootfs_node("bin/busybox", S_REG | 0o4755, data=ROOTFS_BINARY),
        rootfs_node("bin/sh", S_LNK | 0o777, data=b"busybox"),
        rootfs_node("init", S_LNK | 0o777, uid=11, gid=12,
                    data=b"/bin/busybox"),
        rootfs_node("etc", S_DIR | 0o750, gid=42),
        rootfs_node("etc/motd", S_REG | 0o644, uid=1000, gid=1000,
                    data=b"first motd\n"),
        rootfs_node("etc/passwd", S_REG | 0o644,
                    data=b"root:x:0:0:root:/root:/bin/sh\n"),
        rootfs_node("usr", S_DIR | 0o755),
        rootfs_node("usr/share", S_DIR | 0o2775, uid=7, gid=8),
        rootfs_node("usr/share/doc", S_DIR | 0o1777),
        rootfs_node("usr/share/doc/basalt", S_DIR | 0o700, uid=1000,
                    gid=1000),
        rootfs_node("usr/share/doc/basalt/README", S_REG | 0o444,
                    uid=1000, gid=1000, data=b"four levels down\n"),
        rootfs_node("sbin", S_DIR | 0o711),
        rootfs_node("sbin/tool", S_REG | 0o751, uid=5, gid=6, ino=900,
                    nlink=2),
        rootfs_node("bin/tool", S_REG | 0o751, uid=5, gid=6, ino=900,
                    nlink=2, data=b"one inode, two names\n"),
        rootfs_node("dev", S_DIR | 0o755),
        rootfs_node("dev/ttyS0", stat.S_IFCHR | 0o620, gid=5,
                    rdev=(4, 64)),
        rootfs_node("dev/null", stat.S_IFCHR | 0o666, rdev=(1, 3)),
        rootfs_node("dev/initctl", stat.S_IFIFO | 0o600, uid=1, gid=2),
    ],
    [
        rootfs_node("etc/motd", S_REG | 0o600, uid=2000, gid=3000,
                    data=b"replaced by the second archive\n"),
        rootfs_node("etc/late", S_REG | 0o640, uid=3, gid=4,
                    data=b"late arrival\n"),
    ],
]


def build_rootfs_initramfs(archives):
    """The archives back to back, each padded to 512 bytes as images are."""
    out = bytearray()
    for members in archives:
        for ino, n in enumerate(members, 1):
            out += mkcpio.newc_entry(
                n.name, n.mode, n.data, ino=n.ino or ino,
                nlink=n.nlink or (2 if stat.S_ISDIR(n.mode) else 1),
                mtime=1700000000, uid=n.uid, gid=n.gid,
                rdev_major=n.rdev[0], rdev_minor=n.rdev[1])
        out += mkcpio.trailer()
        out += b"\0" * (-len(out) % 512)
    return bytes(out)


def expected_rootfs(archives):
    """path -> RootfsNode as the tree must end up (later members win)."""
    want = {}
    for members in archives:
        # Every name of a hard-linked inode has the data of the one
        # member that carries it.
        shared = {n.ino: n.data for n in members if n.nlink and n.data}
        for n in members:
            if n.nlink:
                n = n._replace(data=shared.get(n.ino, b""))
            path = "/" if n.name == "." else "/" + n.name
            want[path] = n
    return want


def check_rootfs_object(path, n, got, want):
    """Compare one 'rootfs:' line (got: its match) with what was packed."""
    g = got.groupdict()
    mode = stat.filemode(n.mode)
    expect(g["mode"] == mode, "%s: mode %s, packed %s", path, g["mode"], mode)
    expect((int(g["uid"]), int(g["gid"])) == (n.uid, n.gid),
           "%s: owner %s:%s, packed %d:%d", path, g["uid"], g["gid"],
           n.uid, n.gid)
    if stat.S_ISCHR(n.mode) or stat.S_ISBLK(n.mode):
        expect(g["major"] is not None and
               (int(g["major"]), int(g["minor"])) == n.rdev,
               "%s: device %s,%s, packed %d,%d", path, g["major"],
               g["minor"], *n.rdev)
        return
    expect(g["size"] is not None, "%s: no size listed", path)
    size = int(g["size"])
    if stat.S_ISDIR(n.mode):
        children = [p for p in want if p != "/" and
                    os.path.dirname(p) == path]
        subdirs = [p for p in children if stat.S_ISDIR(want[p].mode)]
        # As Linux's tmpfs: "." and ".." plus one link per subdirectory,
        # and 20 bytes per entry including the two dots.
        expect(int(g["nlink"]) == 2 + len(subdirs),
               "%s: nlink %s, expected %d (2 + %d subdirectories)", path,
               g["nlink"], 2 + len(subdirs), len(subdirs))
        expect(size == 20 * (2 + len(children)),
               "%s: size %d, expected %d for %d entries", path, size,
               20 * (2 + len(children)), len(children))
        return
    expect(size == len(n.data), "%s: size %d, packed %d bytes", path, size,
           len(n.data))
    if stat.S_ISLNK(n.mode):
        expect(g["target"] == n.data.decode(), "%s: target %r, packed %r",
               path, g["target"], n.data.decode())
    elif not n.nlink:
        expect(int(g["nlink"]) == 1, "%s: nlink %s, expected 1", path,
               g["nlink"])


@case
def initramfs_unpacks_every_object_type_into_rootfs(t):
    archives = ROOTFS_ARCHIVES
    initrd = write_file(t.path("initramfs.cpio"),
                        build_rootfs_initramfs(archives))
    want = expected_rootfs(archives)
    vm = t.vm(machine="pc", smp=1, initrd=initrd, cmdline="loglevel=7")
    banner = vm.wait_for(harness.BANNER_RE, DIRECT_TIMEOUT, "the boot banner")
    summary = vm.wait_for(harness.INITRAMFS_SUMMARY_RE, DIRECT_TIMEOUT,
                          "the initramfs summary", fail_on=harness.READY_RE)
    ready = vm.wait_for(harness.READY_RE, DIRECT_TIMEOUT, "the ready line")

    skipped = vm.find_all(harness.INITRAMFS_SKIP_RE, banner.index,
                          ready.index)
    expect(not skipped, "members skipped: %s", [l.msg for l in skipped])
    g = summary.m.groupdict()
    members = [n for members in archives for n in members]
    expect(int(g["entries"]) == len(members) and g["skipped"] == "0" and
           int(g["archives"]) == len(archives) and
           int(g["bytes"]) == sum(len(n.data) for n in members),
           "summary %r, expected %d entries, %d bytes, %d archives, "
           "0 skipped", summary.msg, len(members),
           sum(len(n.data) for n in members), len(archives))

    listed = vm.find_all(harness.ROOTFS_RE, summary.index, ready.index)
    paths = [l.m.group("path") for l in listed]
    got = {l.m.group("path"): l.m for l in listed}
    expect(len(paths) == len(got), "objects listed twice: %s", paths)
    expect(set(got) == set(want),
           "listed tree differs from the archives: missing %s, extra %s",
           sorted(set(want) - set(got)), sorted(set(got) - set(want)))
    # Depth-first with each directory sorted: exactly sorted by path
    # components.
    expect(paths == sorted(paths, key=lambda p: p.split("/")),
           "listing is not depth-first in sorted order: %s", paths)
    for path, n in want.items():
        check_rootfs_object(path, n, got[path], want)

    # Hard links: one inode, two names, nlink 2; every other object has
    # an inode of its own.
    tool, link = got["/sbin/tool"], got["/bin/tool"]
    expect(tool.group("ino") == link.group("ino"),
           "hard links have inodes %s and %s", tool.group("ino"),
           link.group("ino"))
    expect(tool.group("nlink") == link.group("nlink") == "2",
           "hard links have nlink %s and %s, expected 2",
           tool.group("nlink"), link.group("nlink"))
    inos = [m.group("ino") for p, m in got.items() if p != "/bin/tool"]
    expect(len(set(inos)) == len(inos), "objects share inodes: %s",
           sorted((m.group("ino"), p) for p, m in got.items()))

    # The data is really there: through the monitor's cat.
    for path, text in (("/etc/motd", "replaced by the second archive"),
                       ("/sbin/tool", "one inode, two names"),
                       ("/bin/tool", "one inode, two names"),
                       ("/usr/share/doc/basalt/README", "four levels down")):
        monitor_command(vm, "cat " + path)
        vm.wait_for(harness.literal(harness.MONITOR_ECHO_FMT.format(text)),
                    DIRECT_TIMEOUT, "%r from cat %s" % (text, path))
    poweroff(vm)


# --------------------------------------------------------------------------
# The serial monitor.
# --------------------------------------------------------------------------

@case
def serial_echo_command_is_received_and_run(t):
    vm = t.vm(machine="pc", smp=1)
    boot_to_ready(vm, "PVH", 1, DIRECT_TIMEOUT)
    monitor_command(vm, "echo hello-basalt")
    vm.wait_for(harness.literal(harness.MONITOR_ECHO_FMT.format(
        "hello-basalt")), DIRECT_TIMEOUT, "'monitor: hello-basalt'")
    # The bytes came in by interrupt: CPU 0 counted serial IRQs.
    monitor_command(vm, "cpus")
    cpu0 = vm.wait_for(harness.MONITOR_CPU_RE, DIRECT_TIMEOUT,
                       "'monitor: cpu 0: ...'")
    expect(int(cpu0.m.group("irqs")) > 0,
           "no device interrupts counted on CPU 0: %r", cpu0.msg)
    poweroff(vm)


# --------------------------------------------------------------------------
# Timers and clocks.
# --------------------------------------------------------------------------

def cpu_ticks(vm, cpus):
    """Run `cpus` until every CPU reports timer ticks; return the lines."""
    deadline = time.monotonic() + DIRECT_TIMEOUT
    while True:
        monitor_command(vm, "cpus")
        rows = [vm.wait_for(harness.MONITOR_CPU_RE, DIRECT_TIMEOUT,
                            "a 'monitor: cpu N' line")
                for _ in range(cpus)]
        ticking = {r.m.group("cpu") for r in rows
                   if int(r.m.group("ticks")) > 0}
        if len(ticking) == cpus:
            return rows
        expect(time.monotonic() < deadline,
               "CPUs without timer ticks: %s",
               [r.msg for r in rows if int(r.m.group("ticks")) == 0])
        time.sleep(0.2)


@case
def every_cpu_takes_its_own_timer_ticks_smp4(t):
    vm = t.vm(machine="q35", smp=4)
    boot_to_ready(vm, "PVH", 4, DIRECT_TIMEOUT)
    rows = cpu_ticks(vm, 4)
    apic_ids = {r.m.group("apic") for r in rows}
    expect(len(apic_ids) == 4, "CPUs share APIC ids: %s",
           [r.msg for r in rows])
    poweroff(vm)


@case
def lapic_timer_calibrates_against_pit_without_hpet(t):
    vm = t.vm(machine="pc", smp=2, extra_args=["-machine", "hpet=off"])
    boot_to_ready(vm, "PVH", 2, DIRECT_TIMEOUT)
    clock = vm.find_all(harness.CLOCK_RE)
    expect(len(clock) == 1, "expected one 'clock:' line, found %d",
           len(clock))
    expect(clock[0].m.group("ref") == "PIT",
           "calibrated against %s with the HPET off",
           clock[0].m.group("ref"))
    cpu_ticks(vm, 2)
    poweroff(vm)


@case
def rtc_date_matches_the_host_clock(t):
    vm = t.vm(machine="pc", smp=1)
    boot_to_ready(vm, "PVH", 1, DIRECT_TIMEOUT)
    monitor_command(vm, "date")
    line = vm.wait_for(harness.MONITOR_DATE_RE, DIRECT_TIMEOUT,
                       "'monitor: YYYY-MM-DD hh:mm:ss UTC'")
    guest = datetime.datetime.strptime(line.m.group("date"),
                                       "%Y-%m-%d %H:%M:%S")
    host = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    # QEMU's RTC starts from the host's UTC clock; allow a slow machine.
    expect(abs((host - guest).total_seconds()) < 600,
           "guest date %s is far from host date %s", guest, host)
    poweroff(vm)


# --------------------------------------------------------------------------
# Command line and power.
# --------------------------------------------------------------------------

@case
def console_tty0_keeps_the_log_off_the_serial_port(t):
    # A panic still ends the run visibly (exit status 3), so the test needs
    # no serial output to know the kernel ran to the end.
    vm = t.vm(machine="pc", smp=1, cmdline="console=tty0 test.fault=panic",
              expect_fault=True)
    status = vm.wait_exit(EXIT_TIMEOUT)
    expect(status == harness.EXIT_KERNEL_FAULT,
           "QEMU exit status %s, expected %d", status,
           harness.EXIT_KERNEL_FAULT)
    kernel_lines = [line.msg for line in vm.lines if line.msg is not None]
    expect(not kernel_lines, "kernel lines on ttyS0 with console=tty0: %s",
           kernel_lines[:5])


@case
def quiet_shows_only_errors(t):
    vm = t.vm(machine="pc", smp=1, cmdline="quiet test.fault=panic",
              expect_fault=True)
    vm.wait_for(harness.PANIC_RE, DIRECT_TIMEOUT, "the panic line")
    vm.wait_for(harness.HALTED_RE, DIRECT_TIMEOUT, "'System halted: ...'")
    vm.wait_exit(EXIT_TIMEOUT)
    noisy = vm.find_all(harness.BANNER_RE) + vm.find_all(harness.MEM_RE)
    expect(not noisy, "informational lines shown under quiet: %s",
           [line.msg for line in noisy])


@case
def reboot_resets_the_machine(t):
    vm = t.vm(machine="q35", smp=2)
    boot_to_ready(vm, "PVH", 2, DIRECT_TIMEOUT)
    monitor_command(vm, "reboot")
    vm.wait_for(harness.REBOOT_RE, DIRECT_TIMEOUT, "'acpi: rebooting'")
    # QEMU runs with -no-reboot, so a reset ends it with status 0.
    status = vm.wait_exit(EXIT_TIMEOUT)
    expect(status == 0, "QEMU exit status %s after reboot, expected 0",
           status)


@case
def dmesg_shows_log_lines_the_console_level_hid(t):
    vm = t.vm(machine="pc", smp=1)        # loglevel=6: debug lines hidden
    boot_to_ready(vm, "PVH", 1, DIRECT_TIMEOUT)
    hidden = vm.find_all(harness.MEMORY_MAP_RE)
    expect(not hidden, "debug lines shown at loglevel=6: %s",
           [line.msg for line in hidden])
    monitor_command(vm, "dmesg")
    line = vm.wait_for(harness.DMESG_MEMORY_MAP_RE, DIRECT_TIMEOUT,
                       "a '<7> memory map:' line from dmesg")
    expect(line.m.group("level") == "7", "memory map logged at level %s",
           line.m.group("level"))
    poweroff(vm)


def uptime_seconds(vm):
    monitor_command(vm, "uptime")
    line = vm.wait_for(harness.MONITOR_UPTIME_RE, DIRECT_TIMEOUT,
                       "'monitor: up N s'")
    return float(line.m.group("secs"))


def check_clock_source(t, clocksource, expected):
    vm = t.vm(machine="pc", smp=2, cmdline="clocksource=" + clocksource)
    boot_to_ready(vm, "PVH", 2, DIRECT_TIMEOUT)
    clock = vm.find_all(harness.CLOCK_RE)
    expect(len(clock) == 1 and clock[0].m.group("source") == expected,
           "expected clock source %s: %s", expected,
           [c.msg for c in clock])
    first = uptime_seconds(vm)
    time.sleep(0.3)
    second = uptime_seconds(vm)
    expect(second > first, "uptime went from %s to %s", first, second)
    stamps = [line.kernel_ts for line in vm.lines
              if line.kernel_ts is not None]
    expect(stamps == sorted(stamps), "log timestamps go backwards")
    poweroff(vm)


@case
def clocksource_tsc_is_used_when_asked_and_advances(t):
    check_clock_source(t, "tsc", "TSC")


@case
def clocksource_hpet_is_used_when_asked_and_advances(t):
    check_clock_source(t, "hpet", "HPET")


@case
def allocators_survive_all_cpus_at_once_and_lose_no_page(t):
    vm = t.vm(machine="q35", smp=4)
    boot_to_ready(vm, "PVH", 4, DIRECT_TIMEOUT)
    for _ in range(2):
        monitor_command(vm, "memtest")
        line = vm.wait_for(harness.MEMTEST_RE, DIRECT_TIMEOUT,
                           "the 'memtest: ...' report")
        g = line.m.groupdict()
        expect(g["cpus"] == "4", "memtest ran on %s CPUs, not 4", g["cpus"])
        expect(int(g["allocs"]) > 0, "memtest allocated nothing")
        expect(g["failed"] == "0" and g["errors"] == "0",
               "memtest failures or corruption: %r", line.msg)
        expect(g["before"] == g["after"], "pages lost: %r", line.msg)
    poweroff(vm)


@case
def machine_without_acpi_runs_on_one_cpu_with_polled_serial(t):
    # No RSDP, so no MADT: no IOAPIC routing, no other CPUs, no ACPI
    # power-off.  The kernel must still boot, answer on the polled serial
    # port and reset through the keyboard controller.
    vm = t.vm(machine="pc", smp=2, extra_args=["-machine", "acpi=off"])
    boot_to_ready(vm, "PVH", 1, DIRECT_TIMEOUT)
    monitor_command(vm, "echo still-here")
    vm.wait_for(harness.literal(harness.MONITOR_ECHO_FMT.format(
        "still-here")), DIRECT_TIMEOUT, "'monitor: still-here'")
    monitor_command(vm, "reboot")
    vm.wait_for(harness.REBOOT_RE, DIRECT_TIMEOUT, "'acpi: rebooting'")
    status = vm.wait_exit(EXIT_TIMEOUT)
    expect(status == 0, "QEMU exit status %s after reboot, expected 0",
           status)


# --------------------------------------------------------------------------
# Files: the VFS self-check and /dev, driven through the monitor.
# --------------------------------------------------------------------------

@case
def vfs_selfcheck_passes_at_boot_on_4_cpus(t):
    vm = t.vm(machine="q35", smp=4, cmdline="test.vfs")
    vm.wait_for(harness.VFS_SELFTEST_PASS_RE, DIRECT_TIMEOUT,
                "the VFS self-check verdict",
                fail_on=harness.VFS_SELFTEST_FAIL_RE)
    vm.wait_for(harness.READY_RE, DIRECT_TIMEOUT, "the ready line")
    poweroff(vm)


def monitor_lines(vm, command, rx, count, what):
    """Run a monitor command and collect @count lines matching @rx."""
    start = len(vm.lines)
    monitor_command(vm, command)
    for _ in range(count):
        vm.wait_for(rx, DIRECT_TIMEOUT, what)
    return [m for m in (rx.search(l.msg or "") for l in vm.lines[start:])
            if m]


@case
def dev_nodes_are_there_and_behave(t):
    vm = t.vm(machine="pc", smp=2)
    vm.wait_for(harness.READY_RE, DIRECT_TIMEOUT, "the ready line")
    names = {m.group("name"): m.group("mode") for m in
             monitor_lines(vm, "ls /dev", harness.MONITOR_LS_RE, 9,
                           "the /dev listing")}
    for node, mode in (("null", "crw-rw-rw-"), ("zero", "crw-rw-rw-"),
                       ("full", "crw-rw-rw-"), ("random", "crw-rw-rw-"),
                       ("urandom", "crw-rw-rw-"), ("kmsg", "crw-r--r--"),
                       ("console", "crw-------")):
        expect(names.get(node) == mode, "/dev/%s: mode %s, expected %s",
               node, names.get(node), mode)
    zero = monitor_lines(vm, "hd /dev/zero", harness.MONITOR_HD_RE, 1,
                         "/dev/zero bytes")[0]
    expect(zero.group("n") == "32" and set(zero.group("hex").split()) == {"00"},
           "/dev/zero gave %s", zero.group(0))
    rand = [monitor_lines(vm, "hd /dev/urandom", harness.MONITOR_HD_RE, 1,
                          "/dev/urandom bytes")[0] for _ in range(2)]
    expect(all(r.group("n") == "32" for r in rand), "short urandom reads")
    expect(rand[0].group("hex") != rand[1].group("hex"),
           "two /dev/urandom reads were equal: %s", rand[0].group("hex"))
    null = monitor_lines(vm, "hd /dev/null", harness.MONITOR_HD_RE, 1,
                         "/dev/null bytes")[0]
    expect(null.group("n") == "0", "/dev/null read gave %s", null.group(0))
    rec = monitor_lines(vm, "cat /dev/kmsg", harness.KMSG_RECORD_RE, 1,
                        "a /dev/kmsg record")[0]
    expect(rec.group("seq") == "0" and rec.group("text").startswith("Basalt"),
           "first /dev/kmsg record: %s", rec.group(0))
    poweroff(vm)


@case
def bad_rootflags_fall_back_to_a_default_root(t):
    vm = t.vm(machine="pc", smp=1, cmdline="rootflags=size=lots,bogus")
    vm.wait_for(harness.ROOTFLAGS_REFUSED_RE, DIRECT_TIMEOUT,
                "the refused-rootflags warning")
    vm.wait_for(harness.INITRAMFS_SUMMARY_RE, DIRECT_TIMEOUT,
                "the initramfs summary", fail_on=harness.READY_RE)
    vm.wait_for(harness.READY_RE, DIRECT_TIMEOUT, "the ready line")
    names = {m.group("name") for m in
             monitor_lines(vm, "ls /", harness.MONITOR_LS_RE, 4,
                           "the / listing")}
    expect({"etc", "dev"} <= names, "/ lists %s", sorted(names))
    poweroff(vm)


@case
def initramfs_memory_goes_back_to_the_allocator(t):
    # 2 MiB of incompressible data: the freed figure and the free memory
    # reported afterwards must both show it.
    blob = os.urandom(2 * 1024 * 1024)
    archive = (mkcpio.newc_entry("blob", 0o100644, blob, ino=1) +
               mkcpio.trailer())
    initrd = write_file(t.path("initramfs.cpio"), archive)
    vm = t.vm(machine="pc", smp=1, initrd=initrd)
    _, mem = boot_to_ready(vm, "PVH", 1, DIRECT_TIMEOUT)
    freed = vm.find_all(harness.INITRAMFS_FREED_RE)
    expect(len(freed) == 1, "%d freed lines", len(freed))
    kib = int(freed[0].m.group("kib"))
    expect(2040 <= kib <= 2056, "freed %d KiB of a 2 MiB archive", kib)
    before = int(mem.m.group("free"))
    after = monitor_lines(vm, "mem", harness.MONITOR_MEM_RE, 1,
                          "the monitor's mem line")[0]
    gained = int(after.group("free")) - before
    # The unpacked copy costs about as much as the archive gave back.
    expect(gained > -1024, "free memory fell by %d KiB", -gained)
    poweroff(vm)

