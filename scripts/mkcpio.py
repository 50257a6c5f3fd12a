#!/usr/bin/env python3
"""Write a CPIO "newc" archive from a directory tree, reproducibly.

Usage: mkcpio.py [--node PATH:TYPE:MAJOR:MINOR:MODE]... SRC_DIR OUT

Entries are sorted, owned by root and stamped with SOURCE_DATE_EPOCH (0 if
unset), so the same tree always gives the same bytes.  Hard links in the
tree share an inode number and carry their data once, on the last link, as
GNU cpio does.  --node adds a device node or FIFO that a git tree cannot
hold (TYPE is c, b or p; MODE is octal permissions).  Also importable:
test code uses write_archive() and newc_entry() to build archives.
"""
import argparse
import os
import stat
import sys

TRAILER = "TRAILER!!!"


def newc_entry(name, mode, data=b"", ino=0, nlink=1, mtime=0, uid=0, gid=0,
               rdev_major=0, rdev_minor=0, filesize=None, namesize=None,
               magic=b"070701"):
    """One newc entry; filesize/namesize may be forced (to build bad ones)."""
    raw_name = name.encode() + b"\0"
    fields = [ino, mode, uid, gid, nlink, mtime,
              len(data) if filesize is None else filesize,
              0, 0, rdev_major, rdev_minor,
              len(raw_name) if namesize is None else namesize, 0]
    header = magic + b"".join(b"%08x" % (f & 0xffffffff) for f in fields)
    out = header + raw_name
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def trailer():
    return newc_entry(TRAILER, 0, nlink=1)


def tree_entries(src):
    """(relative name, lstat) for everything under src, sorted, dirs first."""
    entries = []
    for root, dirs, files in os.walk(src):
        dirs.sort()
        for name in sorted(dirs + files):
            path = os.path.join(root, name)
            entries.append((os.path.relpath(path, src), os.lstat(path)))
    entries.sort(key=lambda e: e[0])
    return entries


def write_archive(src, nodes, mtime):
    entries = tree_entries(src)
    last_link = {}
    for rel, st in entries:
        if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
            last_link[(st.st_dev, st.st_ino)] = rel
    inos = {}
    out = bytearray()
    for rel, st in entries:
        key = (st.st_dev, st.st_ino)
        ino = inos.setdefault(key, len(inos) + 1)
        mode = st.st_mode
        data = b""
        nlink = 2 if stat.S_ISDIR(mode) else 1
        if stat.S_ISLNK(mode):
            data = os.readlink(os.path.join(src, rel)).encode()
        elif stat.S_ISREG(mode):
            nlink = st.st_nlink
            if nlink == 1 or last_link.get(key) == rel:
                with open(os.path.join(src, rel), "rb") as f:
                    data = f.read()
        elif not stat.S_ISDIR(mode):
            continue  # sockets and devices in a source tree: not ours
        out += newc_entry(rel, mode, data, ino=ino, nlink=nlink, mtime=mtime)
    for spec in nodes:
        path, kind, major, minor, perm = spec.split(":")
        kinds = {"c": stat.S_IFCHR, "b": stat.S_IFBLK, "p": stat.S_IFIFO}
        ino = len(inos) + 1
        inos[("node", path)] = ino
        out += newc_entry(path.lstrip("/"), kinds[kind] | int(perm, 8),
                          ino=ino, mtime=mtime, rdev_major=int(major),
                          rdev_minor=int(minor))
    out += trailer()
    out += b"\0" * (-len(out) % 512)
    return bytes(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--node", action="append", default=[])
    ap.add_argument("src")
    ap.add_argument("out")
    args = ap.parse_args()
    mtime = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    data = write_archive(args.src, args.node, mtime)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.out)


if __name__ == "__main__":
    sys.exit(main())
