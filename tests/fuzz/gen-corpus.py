#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""gen-corpus.py - write the seed corpora of the four fuzzers.

corpus-ctl/: request lines as clients send them (one file is one client's
byte stream: a line, a batch of lines, an overlong line, garbage).
corpus-frame/: inputs of fuzz-frame.c: a 12-byte virtio-net header
(flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, then the
num_buffers field, which fuzz-frame.c reads as: byte 10 the ingress port
0-3, byte 11 the set-up), then the Ethernet frame.  GSO seeds carry a
correct partial (pseudo-header) checksum, as a TAP hands them over.
corpus-vhost/: inputs of fuzz-vhost.c: the vhost-user messages QEMU 7.2
sends to bring a virtio-net device up (with the fds it attaches and guest
writes that put chains in the rings), refused sequences, and ring images
(descriptor table, available and used rings, buffers) for the ring mode.
corpus-vxlan/: inputs of fuzz-vxlan.c: records of [sender][length, 2
bytes][UDP_GRO size, 2 bytes][UDP payload], big-endian: valid VXLAN
datagrams of VNI 42 (ARP, IPv4 TCP, tagged, IPv6, a GRO train) and each
kind of bad one.
root, proposal, agreement, TC, TCN), link flaps, settings, malformed ones,
between ticks.

Run from anywhere: python3 tests/fuzz/gen-corpus.py (rewrites both
directories; the output is deterministic and committed)."""

import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# --------------------------------------------------------------- control

def rpc(method, params=None, id_=1):
    s = '{"jsonrpc":"2.0","id":%s,"method":"%s"' % (id_, method)
    if params is not None:
        s += ',"params":%s' % params
    return s + '}\n'

CTL = {
    'switch-show': rpc('switch.show'),
    'port-list': rpc('port.list', id_=2),
    'port-show': rpc('port.show', '{"name":"tap0"}'),
    'port-add': rpc('port.add', '{"name":"tap9","kind":"tap","mtu":9000,'
                    '"owner":"root","group":0,"offload":false}'),
    'port-add-del': rpc('port.add', '{"name":"tap5"}') +
                    rpc('port.del', '{"name":"tap5","destroy":true}', 2) +
                    rpc('port.show', '{"name":"tap5"}', 3),
    'port-set': rpc('port.set', '{"name":"tap1","mtu":1280,"max_macs":2}'),
    'port-vlan': rpc('port.set', '{"name":"tap1","vlan":{"mode":"trunk",'
                     '"trunks":[10,20,4094],"native":5}}') +
                 rpc('port.set', '{"name":"tap0","vlan":{"mode":"access",'
                     '"tag":10}}', 2) +
                 rpc('port.add', '{"name":"tap7","vlan":{"mode":"none"}}', 3) +
                 rpc('port.set', '{"name":"tap0","vlan":{"mode":"trunk",'
                     '"trunks":[0,"x"],"tag":3}}', 4) +
                 rpc('port.list', None, 5),
    'port-del': rpc('port.del', '{"name":"vm-2"}') +
                rpc('fdb.show', '{"port":"vm-2"}', 2),
    'port-vxlan': rpc('port.add', '{"name":"vx","kind":"vxlan","vni":42,'
                      '"local":"10.1.0.1","remote":["10.1.0.2","10.1.0.3"],'
                      '"dstport":4789,"ttl":64,"tos":0,"udpcsum":false}') +
                  rpc('port.add', '{"name":"vx6","kind":"vxlan","vni":7,'
                      '"local":"fd01::1","remote":"fd01::2"}', 2) +
                  rpc('port.set', '{"name":"vx","remote_add":["10.1.0.4"],'
                      '"remote_del":"10.1.0.2"}', 3) +
                  rpc('fdb.add', '{"mac":"52:54:00:aa:bb:cd","port":"vx",'
                      '"dst":"10.1.0.9"}', 4) +
                  rpc('port.add', '{"name":"t","vni":1}', 5) +
                  rpc('fdb.show', None, 6),
    'fdb-show': rpc('fdb.show', '{"port":"tap1","vlan":0}'),
    'fdb-add': rpc('fdb.add', '{"mac":"52:54:00:aa:bb:cc","port":"tap1",'
                   '"vlan":10}') + rpc('fdb.show', None, '"s"'),
    'fdb-del': rpc('fdb.del', '{"mac":"02:00:00:00:00:01"}'),
    'fdb-flush': rpc('fdb.flush', '{"port":"tap0","static":true}'),
    'stats-show': rpc('stats.show'),
    'stp': rpc('stp.set', '{"mode":"rstp","priority":4096,"hello":1,'
               '"max_age":6,"forward_delay":4}') +
           rpc('port.set', '{"name":"tap0","stp_cost":2000,'
               '"stp_priority":64,"stp_edge":true}', 2) +
           rpc('stp.show', None, 3) + rpc('port.show', '{"name":"tap0"}', 4) +
           rpc('stp.set', '{"priority":100}', 5) +
           rpc('stp.set', '{"mode":"off"}', 6),
    'stats-clear': rpc('stats.clear', '{"port":"vm-2"}') +
                   rpc('stats.clear', None, 2),
    'mirror': rpc('mirror.add', '{"name":"m1","src":["tap0"],'
                  '"dst":["tap1","vm-2"],"vlan":[10,4094],"output":"tap1"}') +
              rpc('mirror.add', '{"name":"m2","vlan":[0],"output":"tap0"}', 2) +
              rpc('mirror.add', '{"name":"m3","output":"vm-2"}', 3) +
              rpc('mirror.list', None, 4) + rpc('port.list', None, 5) +
              rpc('mirror.del', '{"name":"m3"}', 6) +
              rpc('stats.clear', None, 7),
    'capture': rpc('capture.list') +
               rpc('capture.start', '{"port":"tap0","direction":"in",'
                   '"count":5}', 2) +
               rpc('capture.start', '{"port":"tap0","direction":"x"}', 3),
    'notification': '{"jsonrpc":"2.0","method":"fdb.flush"}\n',
    'batch': ''.join(rpc(m, None, i) for i, m in enumerate(
        ['switch.show', 'port.list', 'fdb.show', 'stats.show',
         'fdb.flush', 'stats.clear'])),
    'crlf-partial': rpc('port.list').replace('\n', '\r\n') +
                    '{"jsonrpc":"2.0","id":3,"meth',
    'errors': rpc('no.such') +
              '{"jsonrpc":"2.0","id":null,"method":"port.show",'
              '"params":[1]}\n' +
              '{"jsonrpc":"1.0","id":1,"method":"port.list"}\n' +
              '{"jsonrpc":"2.0","id":1,"id":2,"method":"port.list"}\n' +
              rpc('port.show', '{"name":"tap0","bogus":1}') +
              rpc('fdb.add', '{"mac":"01:00:5e:00:00:01","port":"tap0"}') +
              rpc('port.set', '{"name":"tap0","mtu":67}') +
              '[1,2,3]\n\n"x"\n',
    'garbage': 'GET / HTTP/1.1\r\nHost: x\r\n\r\n\x00\x01\x02{{{',
    'deep': '[' * 3000 + ']' * 3000 + '\n',
    'utf8': '{"jsonrpc":"2.0","id":1,"method":"port.show",'
            '"params":{"name":"\xff\xfe\xc3\x28"}}\n',
    'nul': '{"jsonrpc":"2.0","id":1,"method":"port.show",'
           '"params":{"name":"a\\u0000b"}}\n',
    'overlong': rpc('port.list') + '{"x":"' + 'A' * 65536 + '"}\n' +
                rpc('port.list', id_=2),
}

def write_ctl(d):
    for name, text in CTL.items():
        with open(os.path.join(d, name), 'wb') as f:
            f.write(text.encode('latin-1'))

# ----------------------------------------------------------------- frames

def csum(data, s=0):
    if len(data) & 1:
        data += b'\0'
    for i in range(0, len(data), 2):
        s += data[i] << 8 | data[i + 1]
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s

def mac(n):
    return bytes([2, 0, 0, 0, 0, n])

BCAST = b'\xff' * 6
UNKNOWN = bytes([2, 0, 0, 0, 0, 0x99])

def eth(dst, src, etype, payload, tags=()):
    h = dst + src
    for tpid, vid in tags:
        h += struct.pack('!HH', tpid, vid)
    return h + struct.pack('!H', etype) + payload

def ipv4(proto, l4, opts=b'', src=b'\x0a\0\0\x01', dst=b'\x0a\0\0\x02'):
    ihl = (20 + len(opts)) // 4
    h = struct.pack('!BBHHHBBH4s4s', 0x40 | ihl, 0, 20 + len(opts) + len(l4),
                    0x1234, 0x4000, 64, proto, 0, src, dst) + opts
    c = ~csum(h) & 0xffff
    return h[:10] + struct.pack('!H', c) + h[12:] + l4

def ipv6(nxt, l4, ext=b''):
    src = bytes(15) + b'\x01'
    dst = bytes(15) + b'\x02'
    return struct.pack('!IHBB', 0x60000000, len(ext) + len(l4), nxt, 64) + \
        src + dst + ext + l4

def pseudo(src, dst, proto, l4len):
    return csum(src + dst + struct.pack('!HH', proto, l4len))

def tcp(payload, flags=0x18, seq=1000):
    return struct.pack('!HHIIBBHHH', 40000, 80, seq, 1, 5 << 4, flags,
                       65535, 0, 0) + payload

def udp(payload):
    return struct.pack('!HHHH', 5353, 5353, 8 + len(payload), 0) + payload

def vnet(flags=0, gso=0, hdr_len=0, gso_size=0, cs=0, co=0, port=0, setup=0):
    return struct.pack('<BBHHHHBB', flags, gso, hdr_len, gso_size, cs, co,
                       port, setup)

NEEDS_CSUM = 1

def with_partial(frame, l4_off, csum_off, src, dst, proto):
    """store the folded pseudo-header sum, as a sender with offloads does"""
    p = pseudo(src, dst, proto, len(frame) - l4_off)
    at = l4_off + csum_off
    return frame[:at] + struct.pack('!H', p) + frame[at + 2:]

V4S, V4D = b'\x0a\0\0\x01', b'\x0a\0\0\x02'
V6S, V6D = bytes(15) + b'\x01', bytes(15) + b'\x02'
PAY = bytes(range(256)) * 12		# 3072 bytes

def frames():
    out = {}
    arp = struct.pack('!HHBBH', 1, 0x0800, 6, 4, 1) + mac(1) + V4S + \
        bytes(6) + V4D
    out['arp-broadcast'] = vnet(port=1) + eth(BCAST, mac(1), 0x0806, arp)
    f = eth(mac(0), mac(1), 0x0800, ipv4(6, tcp(b'hello')))
    out['ipv4-tcp-unicast'] = vnet(port=1) + f
    out['ipv4-tcp-filtered'] = vnet(port=0) + f
    f = eth(b'\x33\x33\0\0\0\xfb', mac(3), 0x86dd, ipv6(17, udp(b'mdns')))
    out['ipv6-udp-multicast'] = vnet(port=3) + f
    f = eth(mac(2), mac(1), 0x0800, ipv4(1, b'\x08\0\0\0\0\0\0\0'),
            tags=[(0x8100, 5)])
    out['vlan-icmp'] = vnet(port=1) + f
    f = eth(UNKNOWN, mac(0), 0x86dd, ipv6(59, b''),
            tags=[(0x88a8, 100), (0x8100, 5)])
    out['qinq'] = vnet(port=0) + f

    # TCPv4 GSO superframe with NEEDS_CSUM, flooded to plain ports
    l4 = tcp(PAY, flags=0x19)
    f = eth(UNKNOWN, mac(0), 0x0800, ipv4(6, l4))
    f = with_partial(f, 34, 16, V4S, V4D, 6)
    out['gso-tcp4-csum'] = vnet(NEEDS_CSUM, 1, 54, 1448, 34, 16, 0) + f
    out['gso-tcp4-ecn-mtu576'] = vnet(NEEDS_CSUM, 0x81, 54, 536, 34, 16, 0,
                                      setup=2) + f
    f2 = eth(UNKNOWN, mac(0), 0x0800, ipv4(6, tcp(PAY[:2000])))
    out['gso-tcp4-nocsum'] = vnet(0, 1, 54, 1000, 0, 0, 3) + f2
    # IPv4 options, VLAN tag
    opts = b'\x01\x01\x01\x00'
    f = eth(UNKNOWN, mac(3), 0x0800, ipv4(6, tcp(PAY[:4000]), opts),
            tags=[(0x8100, 5)])
    f = with_partial(f, 42, 16, V4S, V4D, 6)
    out['gso-tcp4-vlan-opts'] = vnet(NEEDS_CSUM, 1, 62, 1400, 42, 16, 3) + f
    out['vlan-mode-trunk-in'] = vnet(NEEDS_CSUM, 1, 62, 1400, 42, 16, 3,
                                     setup=0x80) + f
    # VLAN modes (setup bits 6-7): an untagged GSO frame into an access
    # port, tagged toward the trunks; 802.1ad into an access port
    f = eth(UNKNOWN, mac(0), 0x0800, ipv4(6, tcp(PAY)))
    f = with_partial(f, 34, 16, V4S, V4D, 6)
    out['vlan-mode-access-gso'] = vnet(NEEDS_CSUM, 1, 54, 1448, 34, 16, 0,
                                       setup=0x40) + f
    out['vlan-mode-qinq'] = vnet(port=0, setup=0xc0) + \
        eth(UNKNOWN, mac(0), 0x86dd, ipv6(59, b''),
            tags=[(0x88a8, 100), (0x8100, 5)])
    # TCPv6
    f = eth(mac(1), mac(0), 0x86dd, ipv6(6, tcp(PAY)))
    f = with_partial(f, 54, 16, V6S, V6D, 6)
    out['gso-tcp6-csum'] = vnet(NEEDS_CSUM, 4, 74, 1428, 54, 16, 0) + f
    # TCPv6 behind a hop-by-hop header
    hbh = bytes([6, 0, 1, 4, 0, 0, 0, 0])
    f = eth(UNKNOWN, mac(0), 0x86dd, ipv6(0, tcp(PAY[:3000]), hbh))
    f = with_partial(f, 62, 16, V6S, V6D, 6)
    out['gso-tcp6-hbh'] = vnet(NEEDS_CSUM, 4, 82, 1400, 62, 16, 0) + f
    # USO (UDP_L4) over IPv4 and IPv6
    f = eth(UNKNOWN, mac(0), 0x0800, ipv4(17, udp(PAY[:2500])))
    f = with_partial(f, 34, 6, V4S, V4D, 17)
    out['uso4'] = vnet(NEEDS_CSUM, 5, 42, 1200, 34, 6, 0) + f
    f = eth(UNKNOWN, mac(3), 0x86dd, ipv6(17, udp(PAY[:2500])))
    f = with_partial(f, 54, 6, V6S, V6D, 17)
    out['uso6'] = vnet(NEEDS_CSUM, 5, 62, 1200, 54, 6, 3) + f
    # a partial checksum on a plain-size frame: vnet_csum_finish()
    f = eth(UNKNOWN, mac(0), 0x0800, ipv4(17, udp(b'x' * 100)))
    f = with_partial(f, 34, 6, V4S, V4D, 17)
    out['csum-udp4'] = vnet(NEEDS_CSUM, 0, 0, 0, 34, 6, 0) + f

    # runts, truncated tags, bad sources
    out['runt-0'] = vnet(port=1)
    out['runt-13'] = vnet(port=1) + eth(BCAST, mac(1), 0, b'')[:13]
    out['exactly-14'] = vnet(port=1) + eth(BCAST, mac(1), 0x88b5, b'')
    out['vlan-truncated'] = vnet(port=0) + BCAST + mac(0) + b'\x81\x00\x00'
    out['src-multicast'] = vnet(port=1) + eth(BCAST, b'\x01' + bytes(5),
                                               0x0800, b'')
    out['src-zero'] = vnet(port=1) + eth(BCAST, bytes(6), 0x0800, b'')
    out['link-local'] = vnet(port=1) + eth(b'\x01\x80\xc2\0\0\x0e', mac(1),
                                            0x88cc, b'lldp')
    out['oversize-mtu100'] = vnet(port=1, setup=7) + \
        eth(mac(2), mac(1), 0x0800, ipv4(17, udp(b'y' * 200)))
    out['port-down-send-errors'] = vnet(port=0, setup=0x38) + \
        eth(BCAST, mac(0), 0x0806, arp)

    # inconsistent vnet headers (ingress vnet0)
    good = eth(UNKNOWN, mac(0), 0x0800, ipv4(6, tcp(PAY[:3000])))
    good = with_partial(good, 34, 16, V4S, V4D, 6)
    out['bad-ufo'] = vnet(NEEDS_CSUM, 3, 54, 1448, 34, 16) + good
    out['bad-ecn-alone'] = vnet(NEEDS_CSUM, 0x80, 54, 1448, 34, 16) + good
    out['bad-gso-size-0'] = vnet(NEEDS_CSUM, 1, 54, 0, 34, 16) + good
    out['bad-hdr-len'] = vnet(NEEDS_CSUM, 1, 0xffff, 1448, 34, 16) + good
    out['bad-csum-start'] = vnet(NEEDS_CSUM, 1, 54, 1448, 0xfff0, 16) + good
    out['bad-csum-offset'] = vnet(NEEDS_CSUM, 1, 54, 1448, 34, 6) + good
    out['bad-tcp6-on-ipv4'] = vnet(NEEDS_CSUM, 4, 54, 1448, 34, 16) + good
    out['bad-uso-nocsum'] = vnet(0, 5, 42, 1200, 0, 0) + \
        eth(UNKNOWN, mac(0), 0x0800, ipv4(17, udp(PAY[:2000])))
    frag = eth(UNKNOWN, mac(0), 0x0800, ipv4(6, tcp(PAY[:2000])))
    frag = frag[:20] + b'\x20\x00' + frag[22:]	# MF set
    out['bad-ipv4-fragment'] = vnet(NEEDS_CSUM, 1, 54, 1000, 34, 16) + frag
    out['bad-truncated-tcp'] = vnet(NEEDS_CSUM, 1, 54, 1000, 34, 16) + \
        good[:40]
    out['bad-csum-past-end'] = vnet(NEEDS_CSUM, 0, 0, 0, 60, 16) + \
        eth(UNKNOWN, mac(0), 0x0800, ipv4(17, udp(b'z' * 20)))
    return out

def write_frames(d):
    for name, data in frames().items():
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)

# ----------------------------------------------------------------- vhost

VU = {'GET_FEATURES': 1, 'SET_FEATURES': 2, 'SET_OWNER': 3,
      'SET_MEM_TABLE': 5, 'SET_VRING_NUM': 8, 'SET_VRING_ADDR': 9,
      'SET_VRING_BASE': 10, 'GET_VRING_BASE': 11, 'SET_VRING_KICK': 12,
      'SET_VRING_CALL': 13, 'SET_VRING_ERR': 14,
      'GET_PROTOCOL_FEATURES': 15, 'SET_PROTOCOL_FEATURES': 16,
      'GET_QUEUE_NUM': 17, 'SET_VRING_ENABLE': 18}
FD_EVENT, FD_MEM = 1, 2
UVA = 0x7f0000000000
# guest layout in the first 64 KiB of the memfd: ring 0 (RX) at 0x0000,
# ring 1 (TX) at 0x4000, 16 entries each; buffers from 0x8000
RINGS = ((0x0000, 0x1000, 0x2000), (0x4000, 0x5000, 0x6000))
FEATURES = (1 << 32) | (1 << 15) | (1 << 29) | (1 << 30) | 0x3 | \
    (1 << 7) | (1 << 8) | (1 << 11) | (1 << 12)

def vu(req, payload=b'', fds=0, flags=1):
    """one message as fuzz-vhost.c's chunks: header, then payload"""
    hdr = struct.pack('<III', VU[req] if isinstance(req, str) else req,
                      flags, len(payload))
    out = bytes([12 | fds << 6]) + hdr
    while payload:
        out += bytes([len(payload[:40])]) + payload[:40]
        payload = payload[40:]
    return out

def u64(v):
    return struct.pack('<Q', v)

def state(i, n):
    return struct.pack('<II', i, n)

def guest_write(off, data):
    out = b''
    while data:
        out += b'\xff' + struct.pack('<HB', off, len(data[:255])) + data[:255]
        off += 255
        data = data[255:]
    return out

def desc(addr, length, flags=0, nxt=0):
    return struct.pack('<QIHH', addr, length, flags, nxt)

def avail(heads):
    return struct.pack('<HH', 0, len(heads)) + \
        b''.join(struct.pack('<H', h) for h in heads)

def qemu_start(features=FEATURES, num=16):
    out = vu('GET_FEATURES') + vu('GET_PROTOCOL_FEATURES') + \
        vu('SET_PROTOCOL_FEATURES', u64(0x9)) + vu('GET_QUEUE_NUM') + \
        vu('SET_OWNER')
    for i in (0, 1):
        out += vu('SET_VRING_CALL', u64(i), FD_EVENT) + \
            vu('SET_VRING_ERR', u64(i), FD_EVENT)
    for i in (0, 1):
        out += vu('SET_VRING_ENABLE', state(i, 1))
    out += vu('SET_FEATURES', u64(features))
    out += vu('SET_MEM_TABLE', struct.pack('<II', 1, 0) +
              struct.pack('<QQQQ', 0, 256 * 1024, UVA, 0), FD_MEM, 0x9)
    for i, (d, a, u) in enumerate(RINGS):
        out += vu('SET_VRING_NUM', state(i, num)) + \
            vu('SET_VRING_BASE', state(i, 0)) + \
            vu('SET_VRING_ADDR', struct.pack('<IIQQQQ', i, 0, UVA + d,
                                             UVA + u, UVA + a, 0)) + \
            vu('SET_VRING_KICK', u64(i), FD_EVENT)
    return out

def vhost():
    out = {}
    tx = guest_write(RINGS[1][0], desc(0x8000, 12, 1, 1) +
                     desc(0x9000, 1500)) + \
        guest_write(RINGS[1][1], avail([0])) + \
        guest_write(0x8000, b'\0' * 12) + \
        guest_write(0x9000, eth(BCAST, mac(1), 0x0800, b'x' * 100))
    rx = guest_write(RINGS[0][0], desc(0xa000, 2048, 2) +
                     desc(0xb000, 2048, 2)) + \
        guest_write(RINGS[0][1], avail([0, 1]))
    stop = vu('GET_VRING_BASE', state(0, 0)) + \
        vu('GET_VRING_BASE', state(1, 0))
    out['qemu-start'] = b'\0' + qemu_start()
    out['qemu-traffic'] = b'\0' + qemu_start() + tx + rx + \
        vu('GET_QUEUE_NUM') + stop
    out['qemu-restart'] = b'\0' + qemu_start() + tx + vu('GET_QUEUE_NUM') + \
        stop + qemu_start()
    out['log-all'] = b'\0' + vu('GET_FEATURES') + \
        vu('SET_FEATURES', u64(1 << 26))
    out['mem-overlap'] = b'\0' + vu('SET_PROTOCOL_FEATURES', u64(0x8)) + \
        vu('SET_MEM_TABLE', struct.pack('<II', 2, 0) +
           struct.pack('<QQQQ', 0, 0x10000, UVA, 0) +
           struct.pack('<QQQQ', 0x8000, 0x10000, UVA + 0x100000, 0),
           FD_MEM | FD_EVENT, 0x9)
    out['third-ring'] = b'\0' + vu('SET_VRING_NUM', state(2, 16))
    # ring mode: size 2^4, flags (bit 0 EVENT_IDX, 1 MRG_RXBUF), the
    # rings' offsets, the operations, then the 64 KiB + 4 KiB memory image
    def ring(flags, ops, mem_parts):
        img = bytearray(0x3000)
        for off, data in mem_parts:
            if len(img) < off + len(data):
                img.extend(b'\0' * (off + len(data) - len(img)))
            img[off:off + len(data)] = data
        return b'\1' + bytes([4, flags]) + struct.pack('<HHH', 0, 0x1000,
                                                       0x2000) + \
            bytes([len(ops)]) + bytes(ops) + bytes(img)
    txmem = [(0, desc(0x4000, 12, 1, 1) + desc(0xfff0, 0x40)),
             (0x1000, avail([0]))]
    out['ring-tx'] = ring(0, [0, 2, 3, 4], txmem)
    out['ring-tx-event-idx'] = ring(1, [0, 0, 2, 3, 4, 5], txmem)
    out['ring-rx-mrg'] = ring(3, [1 | 5 << 3, 2, 3],
                              [(0, desc(0x4000, 1000, 2) +
                                desc(0x5000, 1000, 2, 0)),
                               (0x1000, avail([0, 1]))])
    out['ring-loop'] = ring(0, [0], [(0, desc(0x4000, 10, 1, 0)),
                                     (0x1000, avail([0]))])
    return out

# ---------------------------------------------------------------- BPDUs
# fuzz-bpdu.c records: op & 3 == 0 a frame (length byte, bytes) on port
# 1 + (op >> 2) % 3, 1 a tick of (op >> 2) * 100 ms, 2 a port down/up
# (bit 4), 3 a port's settings

def bpdu_frame(btype, version=0, flags=0, root=0x1000020000000001, cost=0,
               bridge=0x1000020000000001, port=0x8001, times=(0, 6, 1, 4)):
    if btype == 0x80:
        body = struct.pack('>HBB', 0, version, btype)
    else:
        body = struct.pack('>HBBBQIQH', 0, version, btype, flags, root, cost,
                           bridge, port)
        body += b''.join(struct.pack('>H', t << 8) for t in times)
        if btype == 2:
            body += b'\0'
    llc = b'\x42\x42\x03' + body
    f = b'\x01\x80\xc2\0\0\0' + mac(0x99) + struct.pack('>H', len(llc)) + llc
    return f + b'\0' * max(0, 60 - len(f))

def rec_frame(port, f):
    return bytes([(port - 1) << 2, len(f)]) + f

def tick(tenths):
    return bytes([1 | tenths << 2])

def bpdus():
    sup = bpdu_frame(0)                         # a better root, 802.1D
    rst = bpdu_frame(2, 2, flags=0x0e)           # designated + proposal
    agree = bpdu_frame(2, 2, flags=0x48 | 0x30, root=0x8000020000000042,
                       bridge=0x8000020000000099)
    tc = bpdu_frame(0, flags=0x81)
    tcn = bpdu_frame(0x80)
    return {
        'config-superior': b'\0' + rec_frame(1, sup) + tick(10) * 12,
        'rst-proposal': b'\0' + rec_frame(2, rst) + tick(10) +
                        rec_frame(2, rst) + tick(10) * 5,
        'rst-agreement': b'\0' + tick(10) + rec_frame(3, agree) + tick(10),
        'tc-tcn': b'\1' + rec_frame(1, sup) + tick(10) * 9 +
                  rec_frame(1, tc) + rec_frame(2, tcn) + tick(10) * 4,
        'link-flap': b'\0' + rec_frame(1, sup) + rec_frame(2, rst) +
                     bytes([2, 2 | 0x10, 2 | 4, 2 | 4 | 0x10]) + tick(30),
        'settings': b'\0' + bytes([3 | 0x08, 3 | 0x04 | 0x40]) +
                    rec_frame(1, sup) + tick(40),
        'malformed': b'\0' + rec_frame(1, sup[:20]) +
                     rec_frame(1, sup[:14] + b'\xaa\xaa\x03' + sup[17:]) +
                     rec_frame(1, sup[:12] + b'\x00\x05' + sup[14:]),
    }

def write_bpdu(d):
    for name, data in bpdus().items():
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)

def write_vhost(d):
    for name, data in vhost().items():
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)

# ----------------------------------------------------------------- vxlan

def vxlan():
    def hdr(vni=42, flags=0x08, r1=b'\0\0\0', r2=0):
        return bytes([flags]) + r1 + vni.to_bytes(3, 'big') + bytes([r2])
    def rec(sel, dg, seg=0):
        return bytes([sel]) + struct.pack('!HH', len(dg), seg) + dg
    h1 = bytes.fromhex('525400000001')
    h2 = bytes.fromhex('525400000002')
    bc = b'\xff' * 6
    arp = bc + h2 + b'\x08\x06' + bytes.fromhex('0001080006040001') + \
        h2 + bytes([10, 0, 0, 2]) + bytes(6) + bytes([10, 0, 0, 1]) + bytes(18)
    ip4 = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 40, 1, 0x4000, 64, 6, 0,
                      bytes([10, 0, 0, 2]), bytes([10, 0, 0, 1]))
    tcp = struct.pack('!HHIIBBHHH', 40000, 80, 1, 0, 0x50, 0x02, 65535, 0, 0)
    syn = h1 + h2 + b'\x08\x00' + ip4 + tcp
    tagged = h1 + h2 + b'\x81\x00\x00\x0a\x08\x00' + ip4 + tcp
    ip6 = bytes.fromhex('33330000000152540000000286dd') + \
        struct.pack('!IHBB', 0x60000000, 8, 58, 255) + \
        bytes.fromhex('fe800000000000000000000000000002') + \
        bytes.fromhex('ff020000000000000000000000000001') + bytes(8)
    def csum(b):
        if len(b) % 2:
            b += b'\0'
        t = sum(struct.unpack('!%dH' % (len(b) // 2), b))
        while t >> 16:
            t = (t & 0xffff) + (t >> 16)
        return ~t & 0xffff
    def data(seq, n, flags=0x10):
        pay = bytes((seq + i) & 0xff for i in range(n))
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + 20 + n, seq & 0xffff,
                         0x4000, 64, 6, 0, bytes([10, 0, 0, 2]),
                         bytes([10, 0, 0, 1]))
        ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
        th = struct.pack('!HHIIBBHHH', 40000, 80, seq, 7, 0x50, flags,
                         501, 0, 0)
        ph = ip[12:20] + struct.pack('!BBH', 0, 6, 20 + n)
        th = th[:16] + struct.pack('!H', csum(ph + th + pay)) + th[18:]
        return h1 + h2 + b'\x08\x00' + ip + th + pay
    segs = [hdr() + data(1000 + i * 1000, 1000) for i in range(3)]
    last = hdr() + data(4000, 333, 0x18)
    out = {
        'gro-tcp-train': rec(0, b''.join(segs) + last, len(segs[0])),
        'gro-tcp-reads': b''.join(rec(0x40, d) for d in segs) + rec(0, last),
        'arp-then-reply': rec(0, hdr() + arp) + rec(4, hdr() + syn),
        'tcp-syn': rec(1, hdr() + syn),
        'tagged': rec(0, hdr() + tagged),
        'ipv6-nd': rec(1, hdr() + ip6),
        'learning-toggle': rec(0x80, hdr() + syn) + rec(0x80, hdr() + arp),
        'move': rec(0, hdr() + syn) + rec(1, hdr() + syn),
        'bad-short': rec(0, hdr()[:7]),
        'bad-truncated': rec(0, hdr() + syn[:13]),
        'bad-flags': rec(0, hdr(flags=0) + syn),
        'bad-reserved': rec(0, hdr(flags=0x88) + syn) +
                        rec(0, hdr(r1=b'\0\1\0') + syn) +
                        rec(0, hdr(r2=1) + syn),
        'bad-vni': rec(0, hdr(vni=43) + syn),
        'bad-source': rec(2, hdr() + syn),
        'bad-trunc-flag': rec(3, hdr() + syn),
        'oversize': rec(0, hdr() + syn + bytes(1500)),
        'gro-train': rec(0, (hdr() + syn) * 3, len(hdr() + syn)),
        'gro-more': rec(0x40, hdr() + syn) + rec(0x40, hdr() + syn) +
                    rec(0, hdr() + arp),
        'mixed': rec(0, hdr() + arp) + rec(2, hdr() + arp) +
                 rec(1, hdr(vni=0xffffff) + syn) + rec(5, hdr() + syn),
    }
    return out

def write_vxlan(d):
    for name, data in vxlan().items():
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)

def main():
    for sub, fn in (('corpus-ctl', write_ctl), ('corpus-frame', write_frames),
                    ('corpus-vhost', write_vhost),
                    ('corpus-vxlan', write_vxlan),
                    ('corpus-bpdu', write_bpdu)):
        d = os.path.join(HERE, sub)
        if os.path.isdir(d):
            for n in os.listdir(d):
                if not n.startswith('crash-'):	# found bugs stay
                    os.unlink(os.path.join(d, n))
        os.makedirs(d, exist_ok=True)
        fn(d)

if __name__ == '__main__':
    main()
