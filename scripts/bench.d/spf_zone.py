"""Shared by scripts/bench.d/spf_gen.py and spf_pyspf.py: the snapshot zone-file format that
`hoptrace spf --dns-snapshot` reads (RFC 1035 master file + `;! timeout NAME TYPE|*` lines),
written and read back here so pyspf is fed exactly the bytes hoptrace loads.

Only the subset the generator writes is read: one record per line, absolute owner names,
`IN`, types A AAAA MX PTR CNAME TXT, TXT as one or more quoted strings with `\\"`, `\\\\` and
`\\DDD` escapes, `$TTL`, `;` comments and `;! timeout` directives.
"""

NAME_PLAIN = set(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_*/+=")


def name_text(name):
    """Owner/target name as master-file text, absolute (same escaping as DNSName.masterFileText)."""
    name = name.rstrip(".") if name not in ("", ".") else ""
    if name == "":
        return "."
    out = []
    for b in name.encode("utf-8"):
        if b == 0x2E or b in NAME_PLAIN:
            out.append(chr(b))
        elif 0x21 <= b <= 0x7E and b not in (0x40, 0x24):
            out.append("\\" + chr(b))
        else:
            out.append("\\%03d" % b)
    return "".join(out) + "."


def txt_text(strings):
    """TXT rdata: each character-string quoted; bytes outside printable ASCII as \\DDD."""
    parts = []
    for s in strings:
        raw = s if isinstance(s, bytes) else s.encode("utf-8")
        chunks = [raw[i:i + 255] for i in range(0, len(raw), 255)] or [b""]
        for chunk in chunks:
            q = []
            for b in chunk:
                if b in (0x22, 0x5C):
                    q.append("\\" + chr(b))
                elif 0x20 <= b <= 0x7E:
                    q.append(chr(b))
                else:
                    q.append("\\%03d" % b)
            parts.append('"' + "".join(q) + '"')
    # a TXT with no character-string at all (the suite's `SPF: [ ]`) is written as one empty one
    return " ".join(parts) or '""'


class Zone:
    """name (lower case, no trailing dot) -> list of (TYPE, value); plus timeout directives.
    Values: A/AAAA str, MX (pref, name), PTR/CNAME name, TXT tuple of bytes."""

    def __init__(self):
        self.records = {}
        self.timeouts = {}  # name -> set of types; "*" = every type without records

    @staticmethod
    def key(name):
        return name.rstrip(".").lower() if name not in ("", ".") else ""

    def add(self, name, rtype, value):
        self.records.setdefault(self.key(name), []).append((rtype, value))

    def add_name(self, name):
        self.records.setdefault(self.key(name), [])

    def add_timeout(self, name, rtype="*"):
        self.timeouts.setdefault(self.key(name), set()).add(rtype)
        self.records.setdefault(self.key(name), [])

    def text(self, header=()):
        out = ["; " + h.replace("\n", " ") for h in header]
        out.append("$TTL 300")
        for name in sorted(self.records):
            owner = name_text(name)
            recs = self.records[name]
            for rtype, value in recs:
                if rtype in ("A", "AAAA"):
                    rdata = value
                elif rtype == "MX":
                    rdata = "%d %s" % (value[0], name_text(value[1]))
                elif rtype in ("PTR", "CNAME"):
                    rdata = name_text(value)
                elif rtype == "TXT":
                    rdata = txt_text(value)
                else:
                    raise ValueError(rtype)
                out.append("%s IN %s %s" % (owner, rtype, rdata))
            if not recs and name not in self.timeouts:
                out.append(";! nodata %s *" % owner)
            for t in sorted(self.timeouts.get(name, ())):
                out.append(";! timeout %s %s" % (owner, t))
        return "\n".join(out) + "\n"


def _unescape_name(tok, lower=True):
    out = bytearray()
    i = 0
    b = tok.encode("utf-8")
    while i < len(b):
        c = b[i]
        if c == 0x5C:
            if b[i + 1:i + 4].isdigit():
                out.append(int(b[i + 1:i + 4]))
                i += 4
            else:
                out.append(b[i + 1])
                i += 2
        else:
            out.append(c)
            i += 1
    name = out.decode("utf-8", "surrogateescape").rstrip(".")
    return name.lower() if lower else name


def _txt_strings(rdata):
    strings = []
    b = rdata.encode("utf-8")
    i = 0
    while i < len(b):
        if b[i] != 0x22:
            i += 1
            continue
        i += 1
        s = bytearray()
        while b[i] != 0x22:
            if b[i] == 0x5C:
                if b[i + 1:i + 4].isdigit():
                    s.append(int(b[i + 1:i + 4]))
                    i += 4
                else:
                    s.append(b[i + 1])
                    i += 2
            else:
                s.append(b[i])
                i += 1
        i += 1
        strings.append(bytes(s))
    return tuple(strings)


def read(path):
    """Parses a file written by Zone.text back into a Zone."""
    z = Zone()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith(";! "):
                kind, name, rtype = line[3:].split()[:3]
                if kind == "timeout":
                    z.add_timeout(_unescape_name(name), rtype)
                elif kind == "nodata":
                    z.add_name(_unescape_name(name))
                continue
            if not line or line[0] in ";$":
                continue
            owner, _cls, rtype, rdata = line.split(None, 3)
            name = _unescape_name(owner)
            if rtype in ("A", "AAAA"):
                value = rdata.strip()
            elif rtype == "MX":
                pref, target = rdata.split()
                value = (int(pref), _unescape_name(target, lower=False))
            elif rtype in ("PTR", "CNAME"):
                value = _unescape_name(rdata.strip(), lower=False)
            elif rtype == "TXT":
                value = _txt_strings(rdata)
            else:
                continue
            z.records.setdefault(name, []).append((rtype, value))
    return z
