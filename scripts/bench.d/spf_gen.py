#!/usr/bin/env python3
"""Query sets and zone files for scripts/bench-spf (deterministic for a given seed).

  spf_gen.py OUTDIR [--seed S] [--domains N] [--queries N] [--suite FILE] [--suite-repeat N]

Writes
  OUTDIR/real.zone, OUTDIR/real.queries   the generated "realistic" policy set (one zone)
  OUTDIR/suite/NN.zone, NN.queries        one zone per RFC 7208 suite scenario (zones collide
                                          across scenarios, and macros, PTR names and exp texts
                                          depend on the exact names, so no name prefixing), each
                                          scenario's tests repeated --suite-repeat times
  OUTDIR/suite/NN.expect                  per test (not repeated): name TAB accepted results
  OUTDIR/suite.list                       "NN.zone NN.queries" per scenario
and prints one line of key=value counts.

Query lines are `IP DOMAIN SENDER HELO` (SENDER "-" = null sender), as `hoptrace spf --batch`
reads them; spf_pyspf.py reads the same files.
"""
import argparse
import ipaddress
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from spf_zone import Zone  # noqa: E402


# --- (a) the RFC 7208 suite -------------------------------------------------------------------
def suite(path, outdir, repeat):
    import yaml  # python3-yaml (Debian); pyspf's own test suite uses it too
    os.makedirs(os.path.join(outdir, "suite"), exist_ok=True)
    listing = []
    tests = skipped = queries = 0
    with open(path, "rb") as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    for n, doc in enumerate(docs, 1):
        z = Zone()
        for owner, items in (doc.get("zonedata") or {}).items():
            z.add_name(owner)
            seen_types = set()
            spf, has_txt = [], False
            for item in items or []:
                if item == "TIMEOUT":
                    # types listed before TIMEOUT answer; every other type times out
                    z.add_timeout(owner, "*")
                    continue
                (rtype, value), = item.items()
                if rtype in ("TXT", "SPF"):
                    if rtype == "TXT":
                        has_txt = True
                    if value == "NONE":
                        continue
                    strings = tuple(value) if isinstance(value, list) else (value,)
                    (z.add(owner, "TXT", strings) if rtype == "TXT" else spf.append(strings))
                elif rtype in ("A", "AAAA"):
                    z.add(owner, rtype, str(value))
                elif rtype == "MX":
                    z.add(owner, "MX", (int(value[0]), str(value[1])))
                elif rtype in ("PTR", "CNAME"):
                    z.add(owner, rtype, str(value))
                seen_types.add(rtype)
            if not has_txt:  # README: SPF entries are served as TXT when the name has no TXT entry
                for strings in spf:
                    z.add(owner, "TXT", strings)
        lines, expect = [], []
        for name, t in (doc.get("tests") or {}).items():
            tests += 1
            helo, host, mailfrom = str(t.get("helo", "")), str(t.get("host", "")), str(t.get("mailfrom", ""))
            if mailfrom:
                domain = mailfrom.rsplit("@", 1)[1] if "@" in mailfrom else mailfrom
            else:
                domain = helo
            fields = [host, domain, mailfrom or "-", helo]
            if any(not x or any(c.isspace() for c in x) for x in fields) or mailfrom == "-" or helo == "-":
                skipped += 1  # a field the line format cannot carry (spaces, empty HELO)
                print("suite: skipped %s (%s): a field has spaces or is empty" % (name, doc.get("description")),
                      file=sys.stderr)
                continue
            result = t.get("result")
            results = result if isinstance(result, list) else [result]
            lines.append(" ".join(fields))
            expect.append("%s\t%s" % (name, "|".join(results)))
        if not lines:
            continue
        base = os.path.join(outdir, "suite", "%02d" % n)
        with open(base + ".zone", "w", encoding="utf-8") as f:
            f.write(z.text(header=["RFC 7208 suite scenario %d: %s" % (n, doc.get("description", "?"))]))
        with open(base + ".queries", "w", encoding="utf-8") as f:
            f.write(("\n".join(lines) + "\n") * repeat)
        with open(base + ".expect", "w", encoding="utf-8") as f:
            f.write("\n".join(expect) + "\n")
        queries += len(lines) * repeat
        listing.append("%s.zone %s.queries" % (base, base))
    with open(os.path.join(outdir, "suite.list"), "w") as f:
        f.write("\n".join(listing) + "\n")
    return {"suite_scenarios": len(listing), "suite_tests": tests, "suite_skipped": skipped,
            "suite_queries": queries}


# --- (b) a realistic policy set ---------------------------------------------------------------
class Space:
    """Hands out non-overlapping IPv4/IPv6 prefixes."""

    def __init__(self, rng):
        self.rng = rng
        self.used4 = []
        self.used6 = []

    def v4(self, plen):
        while True:
            first = self.rng.choice([i for i in range(11, 224) if i not in (127, 100, 169, 172, 192, 198, 203)])
            addr = (first << 24) | self.rng.getrandbits(24)
            net = ipaddress.ip_network((addr, plen), strict=False)
            if not any(net.overlaps(u) for u in self.used4):
                self.used4.append(net)
                return net

    def v6(self, plen):
        while True:
            addr = (0x2a00 << 112) | (self.rng.getrandbits(20) << 92)
            net = ipaddress.ip_network((addr, plen), strict=False)
            if not any(net.overlaps(u) for u in self.used6):
                self.used6.append(net)
                return net


def random_inside(rng, net):
    if net.num_addresses == 1:
        return net.network_address
    return net.network_address + rng.randrange(net.num_addresses)


def realistic(outdir, seed, ndomains, nqueries):
    rng = random.Random(seed)
    space = Space(rng)
    z = Zone()
    ranges = {}    # policy name -> list of networks an IP in it passes through (for query picking)
    lookups = {}   # policy name -> DNS-querying terms an evaluation through it may use (worst case)

    def netblocks(name, n4, n6):
        nets = [space.v4(rng.choice([16, 18, 19, 20, 21, 22, 23, 24, 24, 24, 25, 26, 28, 32]))
                for _ in range(n4)]
        nets += [space.v6(rng.choice([32, 36, 40, 44, 48, 48, 56, 64])) for _ in range(n6)]
        terms = ["ip4:%s" % (n.network_address if n.prefixlen == 32 else n) if n.version == 4 else "ip6:%s" % n
                 for n in nets]
        z.add(name, "TXT", ("v=spf1 " + " ".join(terms) + " ~all",))
        ranges[name] = nets
        lookups[name] = 0
        return name

    def txt(name, text):
        # long records are split into 255-byte character-strings, as publishers do
        raw = text.encode()
        z.add(name, "TXT", tuple(raw[i:i + 255] for i in range(0, len(raw), 255)))

    providers = []
    # Flat, Google-like: _spf -> _netblocks{,2,3}
    for p in ["bigmail", "workspace-mail", "postbox"]:
        top = "_spf.%s.test" % p
        parts = [netblocks("_netblocks%s.%s.test" % ("" if i == 1 else i, p), rng.randint(6, 14), rng.randint(2, 6))
                 for i in (1, 2, 3)]
        txt(top, "v=spf1 " + " ".join("include:" + x for x in parts) + " ~all")
        ranges[top] = sum((ranges[x] for x in parts), [])
        lookups[top] = 1 + 3
        providers.append(top)
    # Deep, Microsoft-like: spf.protection -> _spf-a/_spf-b -> netblocks, plus direct ranges
    for p in ["outlook-cloud", "hostedexchange"]:
        top = "spf.protection.%s.test" % p
        mids, direct = [], [space.v4(rng.choice([20, 22, 24])) for _ in range(3)]
        for part in ("a", "b"):
            mid = "_spf-%s.%s.test" % (part, p)
            leaves = [netblocks("_nb%s%d.%s.test" % (part, i, p), rng.randint(5, 12), rng.randint(1, 4)) for i in (1, 2)]
            txt(mid, "v=spf1 " + " ".join("include:" + x for x in leaves) + " -all")
            ranges[mid] = sum((ranges[x] for x in leaves), [])
            mids.append(mid)
        txt(top, "v=spf1 " + " ".join("ip4:%s" % n for n in direct) + " "
            + " ".join("include:" + m for m in mids) + " -all")
        ranges[top] = direct + sum((ranges[m] for m in mids), [])
        lookups[top] = 1 + 2 + 4
        providers.append(top)
    # Single flat list (transactional senders)
    for p in ["sendfast", "mailjetty", "sparkpostal"]:
        top = netblocks("_spf.%s.test" % p, rng.randint(15, 30), rng.randint(0, 3))
        lookups[top] = 1
        providers.append(top)
    # a:/mx: inside the provider's own policy
    for p in ["smallhost", "isp-relay"]:
        top = "spf.%s.test" % p
        relay, mxh = space.v4(28), space.v4(29)
        z.add("relay.%s.test" % p, "A", str(relay.network_address + 1))
        z.add("relay.%s.test" % p, "A", str(relay.network_address + 2))
        z.add("%s.test" % p, "MX", (10, "mx.%s.test" % p))
        z.add("mx.%s.test" % p, "A", str(mxh.network_address + 3))
        own = space.v4(24)
        txt(top, "v=spf1 ip4:%s a:relay.%s.test/28 mx:%s.test/29 ~all" % (own, p, p))
        ranges[top] = [own, relay, mxh]
        lookups[top] = 1 + 2
        providers.append(top)
    # exists: with a macro (Salesforce-like): only listed IPs pass
    for p in ["crmcloud"]:
        top = "_spf.%s.test" % p
        listed = [space.v4(32) for _ in range(40)]
        for n in listed:
            z.add("%s._ip.%s.test" % (n.network_address, p), "A", "127.0.0.2")
        txt(top, "v=spf1 exists:%%{i}._ip.%s.test -all" % p)
        ranges[top] = listed
        lookups[top] = 1 + 1
        providers.append(top)

    # shared "group" policies customers redirect= to
    groups = []
    for g in range(5):
        name = "_spf.group%d.test" % g
        chosen = rng.sample(providers, 2)
        while sum(lookups[c] for c in chosen) > 8:
            chosen = rng.sample(providers, 2)
        own = space.v4(rng.choice([24, 26, 27]))
        txt(name, "v=spf1 ip4:%s %s -all" % (own, " ".join("include:" + c for c in chosen)))
        ranges[name] = [own] + sum((ranges[c] for c in chosen), [])
        lookups[name] = 1 + sum(lookups[c] for c in chosen)
        groups.append(name)

    domains = []
    for i in range(ndomains):
        d = "cust%03d.test" % i
        own_a = [space.v4(32) for _ in range(rng.randint(1, 2))]
        for n in own_a:
            z.add(d, "A", str(n.network_address))
        own_mx = []
        if rng.random() < 0.3:  # mail at a provider: MX there
            z.add(d, "MX", (1, "aspmx.bigmail.test"))
        else:
            for k in range(1, rng.randint(1, 2) + 1):
                host = "mx%d.%s" % (k, d)
                n = space.v4(32)
                z.add(d, "MX", (k * 10, host))
                z.add(host, "A", str(n.network_address))
                own_mx.append(n)
        z.add(d, "TXT", ("site-verification=%016x" % rng.getrandbits(64),))
        if rng.random() < 0.4:
            z.add(d, "TXT", ("MS=ms%08d" % rng.randrange(10 ** 8),))
        kind = rng.random()
        usable = own_a + own_mx
        if kind < 0.05:
            domains.append((d, [], usable))   # no SPF record: none
            continue
        if kind < 0.20:
            g = rng.choice(groups)
            txt(d, "v=spf1 redirect=%s" % g)
            domains.append((d, ranges[g], []))
            continue
        terms, nets, budget = [], [], 10
        if rng.random() < 0.5:
            terms.append("a")
            nets += own_a
            budget -= 1
        if rng.random() < 0.5:
            terms.append("mx")
            nets += own_mx
            budget -= 1
        if rng.random() < 0.4:
            n = space.v4(rng.choice([27, 28, 29, 30]))
            terms.append("ip4:%s" % n)
            nets.append(n)
        if rng.random() < 0.15:
            n = space.v6(48)
            terms.append("ip6:%s" % n)
            nets.append(n)
        chosen = []
        for p in rng.sample(providers, rng.choice([1, 1, 2, 2, 2, 3])):
            # ~3% keep a provider that overflows the 10-lookup limit (as real domains do)
            if lookups[p] <= budget or rng.random() < 0.03:
                chosen.append(p)
                budget -= lookups[p]
        for p in chosen:
            terms.append("include:" + p)
            nets += ranges[p]
        terms.append(rng.choice(["-all", "-all", "~all", "~all", "?all"]))
        txt(d, "v=spf1 " + " ".join(terms))
        domains.append((d, nets, usable))
    z.add("aspmx.bigmail.test", "A", str(space.v4(32).network_address))

    queries = []
    for q in range(nqueries):
        d, nets, own = rng.choice(domains)
        r = rng.random()
        if r < 0.45 and nets:
            ip = random_inside(rng, rng.choice(nets))
        elif r < 0.55 and own:
            ip = rng.choice(own).network_address
        elif r < 0.88:
            ip = ipaddress.ip_address((rng.choice([5, 31, 45, 62, 77, 81, 89, 94, 109, 185, 193, 212]) << 24)
                                      | rng.getrandbits(24))
        else:
            ip = ipaddress.ip_address((0x2001 << 112) | (0x0db8 << 96) | rng.getrandbits(96))
        helo = "mta%d.outbound%d.example" % (rng.randrange(50), rng.randrange(20))
        if rng.random() < 0.03:
            queries.append("%s %s - %s" % (ip, d, d))   # null sender: check_host on the HELO name
        else:
            queries.append("%s %s user%d@%s %s" % (ip, d, rng.randrange(10000), d, helo))
    with open(os.path.join(outdir, "real.zone"), "w", encoding="utf-8") as f:
        f.write(z.text(header=["hoptrace bench-spf realistic policy set, seed %d" % seed]))
    with open(os.path.join(outdir, "real.queries"), "w", encoding="utf-8") as f:
        f.write("\n".join(queries) + "\n")
    nrecords = sum(len(v) for v in z.records.values())
    return {"real_domains": ndomains, "real_names": len(z.records), "real_records": nrecords,
            "real_queries": len(queries)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--seed", type=int, default=7208)
    ap.add_argument("--domains", type=int, default=200)
    ap.add_argument("--queries", type=int, default=20000)
    ap.add_argument("--suite")
    ap.add_argument("--suite-repeat", type=int, default=50)
    a = ap.parse_args()
    os.makedirs(a.outdir, exist_ok=True)
    counts = realistic(a.outdir, a.seed, a.domains, a.queries)
    if a.suite:
        counts.update(suite(a.suite, a.outdir, a.suite_repeat))
    print(" ".join("%s=%s" % kv for kv in counts.items()))


if __name__ == "__main__":
    main()
