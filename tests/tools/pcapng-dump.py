#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# pcapng-dump.py [--stats] FILE|-: one line per Enhanced Packet Block of a
# pcapng stream, "DIR SRC DST CAPLEN ORIGLEN" (DIR from epb_flags: in, out
# or -); with --stats, instead, one line per Interface Statistics Block,
# "isb RECV DROP" (isb_ifrecv, isb_ifdrop; - if absent),
# after checking the blocks' framing: a Section Header Block first, its
# byte-order magic, each block's two lengths equal and 32-bit aligned, an
# Ethernet IDB before any packet.  Exits 1 on the first malformed block.
# Used by tests/integration/85-capture.sh, independent of tapsw's writer.
import struct
import sys


def die(msg):
    print("pcapng-dump: " + msg, file=sys.stderr)
    sys.exit(1)


def mac(b):
    return ":".join("%02x" % x for x in b)


def opts64(opts):
    out = {}
    while len(opts) >= 4:
        code, olen = struct.unpack_from("<HH", opts, 0)
        if code == 0:
            break
        if olen == 8:
            out[code] = struct.unpack_from("<Q", opts, 4)[0]
        opts = opts[4 + ((olen + 3) & ~3):]
    return out


def main():
    stats = sys.argv[1] == "--stats"
    path = sys.argv[2 if stats else 1]
    data = (sys.stdin.buffer if path == "-" else open(path, "rb")).read()
    if len(data) < 28 or struct.unpack_from("<I", data, 0)[0] != 0x0A0D0D0A:
        die("no section header block")
    if struct.unpack_from("<I", data, 8)[0] != 0x1A2B3C4D:
        die("not little-endian or bad byte-order magic")
    off, idb = 0, False
    while off < len(data):
        if off + 12 > len(data):
            die("truncated block at %d" % off)
        btype, blen = struct.unpack_from("<II", data, off)
        if blen < 12 or blen % 4 or off + blen > len(data):
            die("bad block length %d at %d" % (blen, off))
        if struct.unpack_from("<I", data, off + blen - 4)[0] != blen:
            die("trailing length differs at %d" % off)
        body = data[off + 8:off + blen - 4]
        if btype == 1:
            linktype, _, snaplen = struct.unpack_from("<HHI", body, 0)
            if linktype != 1:
                die("interface link type %d, not Ethernet" % linktype)
            idb = True
        elif btype == 6:
            if not idb:
                die("packet before any interface")
            ifid, tsh, tsl, caplen, origlen = struct.unpack_from("<IIIII", body, 0)
            frame = body[20:20 + caplen]
            opts = body[20 + ((caplen + 3) & ~3):]
            direction = "-"
            while len(opts) >= 4:
                code, olen = struct.unpack_from("<HH", opts, 0)
                if code == 0:
                    break
                if code == 2 and olen == 4:
                    flags = struct.unpack_from("<I", opts, 4)[0]
                    direction = {1: "in", 2: "out"}.get(flags & 3, "-")
                opts = opts[4 + ((olen + 3) & ~3):]
            if not stats:
                print(direction, mac(frame[6:12]), mac(frame[0:6]), caplen, origlen)
        elif btype == 5 and stats:
            o = opts64(body[12:])
            print("isb", o.get(4, "-"), o.get(5, "-"))
        off += blen


if __name__ == "__main__":
    main()
