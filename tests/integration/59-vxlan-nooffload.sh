#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 59-vxlan-nooffload: 58-vxlan with the underlay's offloads off on every
# veth (ethtool -K ... gso off tso off gro off, and tx-udp-segmentation off
# so that tapsw's UDP_SEGMENT trains are cut in software too): over veth
# with them on the kernel never segments a datagram, which flatters
# namespace tests; here every datagram is a real one, and tapsw coalesces
# inner TCP from single datagrams, not from UDP_GRO reads.
UL_OFFLOADS=off
export UL_OFFLOADS
. "$(dirname "$0")/58-vxlan.sh"
