#!/usr/bin/python3
"""pyspf over hoptrace's snapshot zone files, for scripts/bench-spf.

  spf_pyspf.py ZONE QUERIES [ZONE QUERIES ...]

For each pair: reads ZONE (the same file `hoptrace spf --dns-snapshot` loads) into a dict,
installs it as pyspf's DNS hook (`spf.DNSLookup`, the hook pyspf's own test suite uses), then
evaluates every `IP DOMAIN SENDER HELO` line of QUERIES with `spf.query(i, s, h).check()` and
prints one result word per line. All pairs run in ONE process (one interpreter start-up for the
whole run). Last line on stderr: `evaluations=N seconds=S parse_seconds=P` where S is the time
spent in the evaluation loops only and P the time spent reading zones and query files.

Caching: pyspf keeps a DNS cache per `query` object (one evaluation) and none across queries;
the hook below answers from memory without any cache of its own, so each evaluation asks its
questions afresh, as `hoptrace spf --batch` does (no DNS answer shared between queries).
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import spf  # noqa: E402  Debian python3-spf
import spf_zone  # noqa: E402

ZONE = {}
TIMEOUTS = {}
OLD = {"unknown": "permerror", "error": "temperror"}


def lookup(name, qtype, strict=True, timeout=None):
    """pyspf's DNSLookup hook: [((name, type), value)] like DNSLookup_dnspython, CNAMEs followed
    (the CNAME itself, then the target's answers, as a recursive server returns them)."""
    out = []
    seen = set()
    key = name.rstrip(".").lower()
    while True:
        recs = ZONE.get(key)
        if recs is None:
            return out  # NXDOMAIN
        t = TIMEOUTS.get(key, ())
        if qtype in t:  # `;! timeout NAME TYPE` wins over records of that type
            raise spf.TempError("DNS timeout")
        answers = [v for rt, v in recs if rt == qtype]
        if answers:
            return out + [((key, qtype), v) for v in answers]
        cname = [v for rt, v in recs if rt == "CNAME"]
        if cname and qtype != "CNAME":
            if key in seen or len(seen) > 8:
                return out
            seen.add(key)
            out.append(((key, "CNAME"), cname[0]))
            key = cname[0].rstrip(".").lower()
            continue
        if "*" in t:  # `;! timeout NAME *`: every type the name has no records of
            raise spf.TempError("DNS timeout")
        return out  # NODATA


spf.DNSLookup = lookup


def main(argv):
    if len(argv) < 2 or len(argv) % 2:
        print(__doc__, file=sys.stderr)
        return 64
    n = 0
    loop = parse = 0.0
    out = sys.stdout
    for zone_path, query_path in zip(argv[0::2], argv[1::2]):
        t0 = time.perf_counter()
        z = spf_zone.read(zone_path)
        ZONE.clear()
        ZONE.update(z.records)
        TIMEOUTS.clear()
        TIMEOUTS.update(z.timeouts)
        queries = []
        with open(query_path, encoding="utf-8") as f:
            for line in f:
                fields = line.split()
                if not fields or fields[0].startswith("#"):
                    continue
                ip, domain, sender, helo = fields
                sender = "" if sender == "-" else sender
                helo = domain if helo == "-" else helo
                queries.append((ip, sender, helo))
        t1 = time.perf_counter()
        parse += t1 - t0
        results = []
        for ip, sender, helo in queries:
            try:
                res = spf.query(i=ip, s=sender, h=helo).check()[0]
            except Exception as e:  # never seen; counted as a distinct word so it shows up
                res = "exception:" + type(e).__name__
            results.append(OLD.get(res, res))
        loop += time.perf_counter() - t1
        n += len(results)
        out.write("\n".join(results) + "\n")
    out.flush()
    print("evaluations=%d seconds=%.4f parse_seconds=%.4f" % (n, loop, parse), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
