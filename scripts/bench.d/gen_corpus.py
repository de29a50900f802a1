#!/usr/bin/env python3
"""Deterministic synthetic mbox for scripts/bench.

Writes N messages whose Received headers are drawn from the MTA dialects that hoptrace's
samples/ cover (Exchange on-prem and Online, Exim, Postfix, Sendmail, qmail, Gmail,
hMailServer, MDaemon, Domino, Amazon SES, SendGrid, Zimbra). Hosts use example.* names;
addresses come from the documentation ranges and RFC 1918. Same seed, same bytes.

usage: gen_corpus.py OUT.mbox [--messages N] [--seed S]
prints: "<messages> <received headers>" on stdout
"""
import argparse
import datetime as dt
import random
import string

UTC = dt.timezone.utc
ZONES = [0, 60, 120, -300, -240, -420, -480, 330, 480, 540, 600]
ZONE_NAMES = {0: "UTC", 60: "CET", 120: "CEST", -300: "EST", -240: "EDT", -420: "PDT",
              -480: "PST", 330: "IST", 480: "CST", 540: "JST", 600: "AEST"}
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
DOMAINS = ["example.com", "example.net", "example.org", "example.edu", "example.info",
           "corp.example.com", "mail.example.net", "lists.example.org", "example.de",
           "example.co.uk", "example.jp", "shop.example.org"]
WORDS = ("alpha bravo report invoice meeting notes release build status update quarterly "
         "agenda draft review travel offer order shipment backup alert ticket").split()


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    # --- atoms -------------------------------------------------------------------------
    def pick(self, seq):
        return self.r.choice(seq)

    def ipv4_public(self):
        net = self.pick(["192.0.2", "198.51.100", "203.0.113"])
        return f"{net}.{self.r.randint(1, 254)}"

    def ipv4_private(self):
        k = self.r.randint(0, 2)
        if k == 0:
            return f"10.{self.r.randint(0, 255)}.{self.r.randint(0, 255)}.{self.r.randint(1, 254)}"
        if k == 1:
            return f"172.{self.r.randint(16, 31)}.{self.r.randint(0, 255)}.{self.r.randint(1, 254)}"
        return f"192.168.{self.r.randint(0, 255)}.{self.r.randint(1, 254)}"

    def ipv6(self):
        return "2001:db8:%x:%x::%x" % (self.r.randint(0, 0xffff), self.r.randint(0, 0xffff),
                                       self.r.randint(1, 0xffff))

    def host(self, domain=None):
        domain = domain or self.pick(DOMAINS)
        stem = self.pick(["mx", "mail", "smtp", "relay", "gw", "out", "mta", "edge", "ex", "mbx"])
        return f"{stem}{self.r.randint(1, 40)}.{domain}"

    def token(self, n, alphabet=B62):
        return "".join(self.r.choice(alphabet) for _ in range(n))

    def addr(self):
        return f"{self.pick(['anna', 'bob', 'carol', 'dev', 'ops', 'info', 'sales', 'j.doe', 'noreply'])}@{self.pick(DOMAINS)}"

    # --- dates -------------------------------------------------------------------------
    @staticmethod
    def local(t, zone):
        return t.astimezone(dt.timezone(dt.timedelta(minutes=zone)))

    @staticmethod
    def zone_str(zone):
        sign = "+" if zone >= 0 else "-"
        return "%s%02d%02d" % (sign, abs(zone) // 60, abs(zone) % 60)

    def date_rfc(self, t, zone, pad_day=False, two_digit=False, comment=False, weekday=True,
                 frac=False):
        lt = self.local(t, zone)
        day = ("%2d" % lt.day) if pad_day else ("%02d" % lt.day if two_digit else str(lt.day))
        sec = "%02d" % lt.second
        if frac:
            sec += ".%03d" % (lt.microsecond // 1000)
        s = f"{day} {MONTHS[lt.month - 1]} {lt.year} {lt.hour:02d}:{lt.minute:02d}:{sec} {self.zone_str(zone)}"
        if weekday:
            s = f"{DAYS[lt.weekday()]}, " + s
        if comment:
            s += f" ({ZONE_NAMES.get(zone, 'UTC')})"
        return s

    # --- dialects: each returns a list of header values (newest first) ----------------
    def exchange(self, f, b, t, zone, rcpt, sender):
        build = self.pick(["15.1.2507.6", "15.2.1544.4", "15.0.1497.2", "14.3.496.0", "15.1.2375.7"])
        tls = self.pick(["", " (TLS)", " (version=TLS1_2,\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384)"])
        return [f"from {f[0]} ({f[1]}) by\n {b[0]} ({b[1]}) with Microsoft SMTP Server{tls} id\n {build}; {self.date_rfc(t, zone)}"]

    def exchange_online(self, f, b, t, zone, rcpt, sender):
        build = "15.20.%d.%d" % (self.r.randint(5000, 8200), self.r.randint(10, 45))
        via = self.pick(["", " via Frontend\n Transport"])
        return [f"from {f[0]}\n ({self.ipv6()}) by {b[0]}\n ({self.ipv6()}) with Microsoft SMTP Server (version=TLS1_2,\n cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id {build}{via}; {self.date_rfc(t, 0)}"]

    def exchange_mapi(self, f, b, t, zone, rcpt, sender):
        ll = "fe80::%x:%x:%x:%x" % tuple(self.r.randint(0, 0xffff) for _ in range(4))
        return [f"from {b[0]} ([{ll}]) by\n {b[0]} ([{ll}%{self.r.randint(2, 14)}]) with mapi id\n 15.20.7452.0{self.r.randint(10, 40)}; {self.date_rfc(t, zone)}"]

    def exim(self, f, b, t, zone, rcpt, sender):
        proto = self.pick(["esmtp", "esmtps (TLS1.3:TLS_AES_256_GCM_SHA384:256)",
                           "esmtps  (TLS1.3) tls TLS_AES_256_GCM_SHA384", "esmtpsa (TLS1.2:ECDHE_RSA_AES_128_GCM_SHA256:128)"])
        ver = self.pick(["4.92", "4.94.2", "4.96", "4.97.1", "4.82_1-5b7a7c0-XX"])
        eid = f"{self.token(6)}-{self.token(6)}-{self.token(2)}"
        return [f"from {f[0]} ([{f[1]}]:{self.r.randint(1024, 65535)} helo={f[0]})\n\tby {b[0]} with {proto}\n\t(Exim {ver})\n\t(envelope-from <{sender}>)\n\tid {eid}\n\tfor {rcpt}; {self.date_rfc(t, zone, two_digit=True)}"]

    def postfix(self, f, b, t, zone, rcpt, sender):
        qid = self.token(10, "0123456789ABCDEF")
        k = self.r.randint(0, 3)
        if k == 0:
            fr = f"from {f[0]} (unknown [{f[1]}])"
        elif k == 1:
            v6 = self.ipv6()
            fr = f"from {f[0]} ({f[0]} [IPv6:{v6}])"
        else:
            fr = f"from {f[0]} ({f[0]} [{f[1]}])"
        extra = self.pick(["", "\n\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\n\t key-exchange X25519 server-signature RSA-PSS (2048 bits) server-digest SHA256)\n\t(No client certificate requested)",
                           f"\n\t(Authenticated sender: {sender})"])
        proto = "ESMTPS" if "using" in extra else ("ESMTPSA" if "Authenticated" in extra else "ESMTP")
        return [f"{fr}{extra}\n\tby {b[0]} (Postfix) with {proto} id {qid}\n\tfor <{rcpt}>; {self.date_rfc(t, zone, pad_day=True, comment=True)}"]

    def postfix_pickup(self, f, b, t, zone, rcpt, sender):
        return [f"by {b[0]} (Postfix, from userid {self.pick([0, 33, 1000, 1001])})\n\tid {self.token(10, '0123456789ABCDEF')}; {self.date_rfc(t, zone, pad_day=True, comment=True)}"]

    def sendmail(self, f, b, t, zone, rcpt, sender):
        forged = self.pick(["", "", " (may be forged)"])
        auth = self.pick(["", "\n\t(authenticated bits=0)"])
        tls = self.pick(["", "\n\t(version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256 verify=NO)"])
        return [f"from {f[0]} ({f[0]} [{f[1]}]{forged}){auth}\n\tby {b[0]} (8.15.2/8.15.2) with ESMTP id {self.token(14)}{tls}\n\tfor <{rcpt}>; {self.date_rfc(t, zone, comment=True)}"]

    def qmail(self, f, b, t, zone, rcpt, sender):
        d = self.date_rfc(t, 0, weekday=False).replace("+0000", "-0000")
        pid = self.r.randint(1000, 99999)
        return [f"(qmail {pid} invoked from network); {d}",
                f"from unknown (HELO {f[0]}) ({f[1]})\n  by {b[0]} with SMTP; {d}"]

    def gmail(self, f, b, t, zone, rcpt, sender):
        lt = self.local(t, -480)
        stamp = lt.strftime("%Y.%m.%d.%H.%M.%S")
        return [f"from {f[0]} ({f[0]}. [{f[1]}])\n        by mx.google.com with ESMTPS id {self.token(12, string.ascii_lowercase + string.digits)}si{self.r.randint(100000, 9999999)}.{self.r.randint(1, 300)}.{stamp}\n        for <{rcpt}>\n        (version=TLS1_3 cipher=TLS_AES_256_GCM_SHA384 bits=256/256);\n        {self.date_rfc(t, -480, comment=True)}"]

    def gmail_internal(self, f, b, t, zone, rcpt, sender):
        v6 = "2002:a05:%x:%x:b0:%x:%x:%x" % tuple(self.r.randint(0, 0xffff) for _ in range(5))
        ms = int(t.timestamp() * 1000)
        return [f"by {v6} with SMTP id {self.token(8, string.ascii_lowercase + string.digits)}mr{self.r.randint(100000, 9999999)}{self.token(3, string.ascii_lowercase)}.{self.r.randint(1, 99)}.{ms};\n        {self.date_rfc(t, -480, comment=True)}"]

    def hmailserver(self, f, b, t, zone, rcpt, sender):
        name = b[0].split(".")[0].upper()
        rdns = self.pick([f[0], "Unknown"])
        tls = self.pick(["", "\t(version=TLSv1.2 cipher=ECDHE-RSA-AES256-GCM-SHA384 bits=256)\n"])
        return [f"from {f[0]} ({rdns} [{f[1]}])\n\tby {name} with ESMTP{'S' if tls else ''}\n{tls}\t; {self.date_rfc(t, zone)}"]

    def mdaemon(self, f, b, t, zone, rcpt, sender):
        return [f"{f[0]} [({f[1]})] by {b[0]} ({b[1]}) (MDaemon PRO v23.5.2)\n\twith ESMTP id md50{self.r.randint(10 ** 9, 10 ** 10 - 1)}.msg; {self.date_rfc(t, zone)}"]

    def domino(self, f, b, t, zone, rcpt, sender):
        lt = self.local(t, zone)
        did = lt.strftime("%Y%m%d%H%M%S") + "%02d-%d" % (self.r.randint(0, 99), self.r.randint(1, 99999))
        return [f"from {f[0]} ([{f[1]}]) by {b[0]}\n          (Lotus Domino Release 9.0.1FP10) with ESMTP id {did} ;\n          {self.date_rfc(t, zone)} "]

    def ses(self, f, b, t, zone, rcpt, sender):
        return [f"from {f[0]} ({f[0]} [{f[1]}])\n\tby email-smtp.amazonaws.com with SMTP (SimpleEmailService-d-{self.token(9, string.ascii_uppercase + string.digits)}) id\n\t{self.token(20)} for {rcpt}; {self.date_rfc(t, 0, comment=True)}"]

    def sendgrid(self, f, b, t, zone, rcpt, sender):
        t2 = t + dt.timedelta(milliseconds=self.r.randint(50, 900))
        fil = f"filter{self.r.randint(1000, 9999)}p1las1"
        go = t2.strftime("%Y-%m-%d %H:%M:%S") + ".%09d +0000 UTC m=+%d.%09d" % (t2.microsecond * 1000, self.r.randint(1000, 9999999), self.r.randint(0, 999999999))
        return [f"by {fil}.sendgrid.net with SMTP id {fil}-{self.r.randint(1000, 99999)}-{int(t2.timestamp()):X}-{self.r.randint(1, 99)}\n        {go}",
                f"from {self.token(10)} (unknown)\n\tby ismtpd{self.r.randint(1, 40):04d}p1lon1.sendgrid.net (SG) with HTTP\n\tid {self.token(22, B62 + '-_')}\n\tfor <{rcpt}>;\n\t{self.date_rfc(t, 0, frac=True, comment=True)}"]

    def zimbra(self, f, b, t, zone, rcpt, sender):
        h = b[0]
        d = self.date_rfc(t, zone, comment=True)
        return [f"from {h} (LHLO {h}) ({self.ipv4_private()}) by\n {h} with LMTP; {d}",
                f"from localhost (localhost [127.0.0.1])\n\tby {h} (Postfix) with ESMTP id {self.token(11, '0123456789ABCDEF')}\n\tfor <{rcpt}>; {d}",
                f"from {h} ([127.0.0.1])\n\tby localhost ({h} [127.0.0.1]) (amavisd-new, port 10032)\n\twith ESMTP id {self.token(12)} for <{rcpt}>;\n\t{d}"]

    RELAY = ["exchange", "exchange_online", "exim", "postfix", "sendmail", "qmail", "gmail",
             "hmailserver", "mdaemon", "domino"]
    ORIGIN = ["exchange_mapi", "postfix_pickup", "ses", "sendgrid", "gmail_internal"]

    # --- one message ---------------------------------------------------------------------
    def message(self, i, base):
        target = min(15, max(3, int(round(self.r.triangular(3, 15, 14)))))
        sender, rcpt = self.addr(), self.addr()
        t = base + dt.timedelta(seconds=self.r.randint(0, 3 * 365 * 86400))
        sent = t - dt.timedelta(seconds=self.r.randint(1, 5))
        zone = self.pick(ZONES)
        hops = []  # oldest first, each a list of header values newest-first
        prev = (self.host(), self.ipv4_private())
        n = 0
        if self.r.random() < 0.5:
            hv = getattr(self, self.pick(self.ORIGIN))(prev, prev, t, zone, rcpt, sender)
            hops.append(hv)
            n += len(hv)
        while n < target:
            dialect = self.pick(self.RELAY)
            if dialect == "zimbra" or (target - n >= 3 and self.r.random() < 0.05):
                dialect = "zimbra"
            by = (self.host(), self.pick([self.ipv4_public(), self.ipv4_private()]))
            t = t + dt.timedelta(seconds=self.r.randint(0, 4), milliseconds=self.r.randint(0, 999))
            if self.r.random() < 0.3:
                zone = self.pick(ZONES)
            hv = getattr(self, dialect)(prev, by, t, zone, rcpt, sender)
            if n + len(hv) > target and n >= 3:
                break
            hops.append(hv)
            n += len(hv)
            prev = by
        received = [v for hv in reversed(hops) for v in hv]
        subj = " ".join(self.pick(WORDS) for _ in range(self.r.randint(2, 6)))
        mid = f"<{self.token(16)}.{i}@{sender.split('@')[1]}>"
        lines = [f"Received: {v}" for v in received]
        lines += [f"From: {sender}", f"To: {rcpt}", f"Subject: {subj}",
                  f"Date: {self.date_rfc(sent, zone)}", f"Message-ID: {mid}", "MIME-Version: 1.0"]
        body = [" ".join(self.pick(WORDS) for _ in range(self.r.randint(5, 14))) for _ in range(self.r.randint(1, 6))]
        if self.r.random() < 0.3:
            bnd = f"=_{self.token(20)}"
            lines.append(f'Content-Type: multipart/alternative; boundary="{bnd}"')
            text = "\n".join(body)
            body = ["", f"--{bnd}", "Content-Type: text/plain; charset=utf-8", "", text, "",
                    f"--{bnd}", "Content-Type: text/html; charset=utf-8", "",
                    "<html><body><p>" + text.replace("\n", "</p><p>") + "</p></body></html>", "", f"--{bnd}--"]
        else:
            lines.append("Content-Type: text/plain; charset=utf-8")
        env = self.local(sent, 0)
        sep = f"From {sender} {DAYS[env.weekday()]} {MONTHS[env.month - 1]} {env.day:2d} {env:%H:%M:%S} {env.year}"
        body = [(">" + l) if l.startswith("From ") else l for l in body]
        return sep, "\n".join(lines) + "\n\n" + "\n".join(body) + "\n", len(received)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--messages", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=20160825)
    a = ap.parse_args()
    g = Gen(a.seed)
    base = dt.datetime(2022, 1, 1, tzinfo=UTC)
    total = 0
    with open(a.out, "w", encoding="utf-8", newline="\n") as fh:
        for i in range(a.messages):
            sep, text, n = g.message(i, base)
            total += n
            fh.write(sep + "\n" + text + "\n")
    print(a.messages, total)


if __name__ == "__main__":
    main()
