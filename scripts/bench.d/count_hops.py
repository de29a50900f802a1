#!/usr/bin/env python3
"""Counts the hops in hoptrace --json output (for scripts/bench --count-hops).

Accepts one JSON document, or several concatenated / one per line (an mbox may yield one
document per message). The hops of every chain count (a chain is the object with "source"
and "hops"; a finding's "hops" list of hop numbers does not). Prints the total.
"""
import json
import sys


def count(node):
    if isinstance(node, dict):
        n = len(node["hops"]) if isinstance(node.get("hops"), list) and "source" in node else 0
        return n + sum(count(v) for k, v in node.items() if k != "hops")
    if isinstance(node, list):
        return sum(count(v) for v in node)
    return 0


def main():
    text = open(sys.argv[1], encoding="utf-8").read()
    dec = json.JSONDecoder()
    pos, total, docs = 0, 0, 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        doc, pos = dec.raw_decode(text, pos)
        total += count(doc)
        docs += 1
    if docs == 0:
        sys.exit("no JSON document in hoptrace output")
    print(total)


if __name__ == "__main__":
    main()
