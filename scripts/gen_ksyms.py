#!/usr/bin/env python3
"""Build the kernel symbol table blob (.ksyms) from a linked kernel.

Usage: gen_ksyms.py NM KERNEL_ELF OUT_BIN
       gen_ksyms.py --verify NM FIRST_LINK_ELF SECOND_LINK_ELF

Reads function symbols with `nm -n -S`, writes the binary layout that
kernel/lib/ksyms.h describes: a 16-byte header (magic "KSYM", count,
offset of the names block, its size), 16-byte entries sorted by address,
then NUL-terminated names.
"""
import struct
import subprocess
import sys


def function_symbols(nm, elf):
    out = subprocess.run([nm, "-n", "-S", "--defined-only", elf],
                         check=True, capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4:
            addr, size, kind, name = parts
        elif len(parts) == 3:
            addr, kind, name = parts
            size = "0"
        else:
            continue
        if kind not in "tTwW":
            continue
        a = int(addr, 16)
        if a < 0xffffffff80000000:
            continue  # boot code runs before the higher half exists
        # Several names at one address: prefer a real function over a
        # linker-script marker such as __text_start.
        old = syms.get(a)
        if old is None or (old[1].startswith("__") and
                           not name.startswith("__")):
            syms[a] = (int(size, 16), name)
    return sorted((a, s, n) for a, (s, n) in syms.items())


def verify(nm, first, second):
    """Fail the build if any function's address differs between links."""
    a = function_symbols(nm, first)
    b = function_symbols(nm, second)
    if a != b:
        sys.exit("gen_ksyms: functions moved between the two kernel links; "
                 ".ksyms must stay the last section (arch/x86_64/linker.ld)")


def main():
    if sys.argv[1] == "--verify":
        verify(*sys.argv[2:5])
        return
    nm, elf, out = sys.argv[1:4]
    syms = function_symbols(nm, elf)
    names = bytearray()
    entries = bytearray()
    for addr, size, name in syms:
        entries += struct.pack("<QII", addr, min(size, 0xffffffff), len(names))
        names += name.encode() + b"\0"
    header_size = 16
    names_offset = header_size + len(entries)
    blob = struct.pack("<IIII", 0x4d59534b, len(syms), names_offset,
                       len(names)) + entries + names
    with open(out, "wb") as f:
        f.write(blob)


if __name__ == "__main__":
    main()
