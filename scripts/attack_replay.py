#!/usr/bin/env python3
"""Replay hostile GraphQL documents against a running salespulse server.

Standard library only (Python 3.11). Start a throwaway server, then point
the script at it, passing the server's pid so its memory (VmRSS) is read:

    SALESPULSE_DATABASE_URL=sqlite:///tmp/replay.db?mode=rwc \
    SALESPULSE_BIND=127.0.0.1:8099 target/release/salespulse &
    python3 scripts/attack_replay.py --url http://127.0.0.1:8099 --pid $!

Each attack is sent --repeat times (one fresh connection per request); the
table shows median/max round-trip time, the response size, the HTTP status
and errors[0].extensions.code. Then a 20 s login burst (32 threads, right
passwords for am1..am30) runs while a probe sends `{ me { email } }` every
20 ms. Only point it at a server you own (e.g. 127.0.0.1).
"""
import argparse
import http.client
import json
import statistics
import threading
import time
import urllib.parse
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

PASSWORD = "demo-password"
LOGIN = "mutation($e:String!,$p:String!){ login(email:$e, password:$p){ token } }"
ACCEPT = "application/graphql-response+json"


def rss_kib(pid):
    """VmRSS of the server in KiB, or None when unknown."""
    if not pid:
        return None
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class Client:
    def __init__(self, url, timeout=60.0):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port or 80
        self.timeout = timeout

    def request(self, query=None, variables=None, token=None, method="POST"):
        """One round trip. Returns (ms, status, size, code, body-json-or-None)."""
        headers = {"Accept": ACCEPT}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        body, path = None, "/graphql"
        if method == "POST":
            headers["Content-Type"] = "application/json"
            payload = {"query": query}
            if variables is not None:
                payload["variables"] = variables
            body = json.dumps(payload).encode()
        else:
            path += "?query=" + urllib.parse.quote(query, safe="")
        start = time.perf_counter()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
            status = resp.status
        except (OSError, http.client.HTTPException) as e:
            return (time.perf_counter() - start) * 1000, f"ERR:{type(e).__name__}", 0, "-", None
        finally:
            conn.close()
        ms = (time.perf_counter() - start) * 1000
        try:
            doc = json.loads(raw)
        except ValueError:
            return ms, status, len(raw), "non-json", None
        errors = doc.get("errors") if isinstance(doc, dict) else None
        code = "-"
        if errors:
            code = (errors[0].get("extensions") or {}).get("code", "no-code")
        return ms, status, len(raw), code, doc

    def login(self, email, tries=1):
        """(token or None, outcome): retries RATE_LIMITED (a busy hasher) up to `tries` times."""
        for attempt in range(tries):
            _, status, _, code, doc = self.request(LOGIN, {"e": email, "p": PASSWORD})
            try:
                return doc["data"]["login"]["token"], code
            except (TypeError, KeyError):
                code = code if doc is not None else str(status)
            if attempt + 1 < tries:
                time.sleep(1)
        return None, code


def attacks(am1_token):
    """(name, method, query, variables, token) of every attack."""
    deep = 10_000
    nested = "{ opportunity(id: " + "[" * deep + "1" + "]" * deep + ") { id } }"
    frags = ["query { ...F0 }"]
    frags += [f"fragment F{i} on QueryRoot {{ ...F{i + 1} ...F{i + 1} }}" for i in range(22)]
    frags.append("fragment F22 on QueryRoot { __typename }")
    aliases = "{ " + " ".join(f"c{i}: opportunities {{ totalCount }}" for i in range(1000)) + " }"
    operations = " ".join(f"query q{i} {{ me {{ id }} }}" for i in range(5000))
    unused = "query(" + ", ".join(f"$v{i}: Int" for i in range(5000)) + ") { me { id } }"
    logins = "mutation { " + " ".join(
        f'l{i}: login(email: "am1@demo.local", password: "{PASSWORD}") {{ token }}' for i in range(100)
    ) + " }"
    search = "query($s:String!){ customers(search:$s){ name } }"
    return [
        ("nested list 10k deep (POST)", "POST", nested, None, None),
        ("nested list 10k deep (GET)", "GET", nested, None, None),
        ("fragment fan-out 2^22", "POST", "\n".join(frags), None, None),
        ("1000 aliases x opportunities (am1)", "POST", aliases, None, am1_token),
        ("5000 operations", "POST", operations, None, None),
        ("5000 unused variables", "POST", unused, None, None),
        ("100 logins via aliases", "POST", logins, None, None),
        ("50k-char customers search (am1)", "POST", search, {"s": "x" * 50_000}, am1_token),
        ("NUL byte in login e-mail", "POST", LOGIN, {"e": "am1\u0000@demo.local", "p": PASSWORD}, None),
    ]


def run_attacks(client, am1_token, repeat):
    rows = []
    for name, method, query, variables, token in attacks(am1_token):
        times, seen = [], Counter()
        size = 0
        for _ in range(repeat):
            ms, status, size, code, _ = client.request(query, variables, token, method)
            times.append(ms)
            seen[(status, code)] += 1
        (status, code), _ = seen.most_common(1)[0]
        note = "" if len(seen) == 1 else f" (+{len(seen) - 1} other outcomes)"
        rows.append((name, statistics.median(times), max(times), size, status, f"{code}{note}"))
    return rows


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def login_burst(client, probe_token, pid, seconds=20.0, workers=32):
    stop = threading.Event()
    lock = threading.Lock()
    codes, me_ms, rss_peak = Counter(), [], [rss_kib(pid)]
    me_codes = Counter()

    def worker(n):
        i = n
        while not stop.is_set():
            token, code = client.login(f"am{i % 30 + 1}@demo.local")
            with lock:
                codes["OK" if token else code] += 1
            i += workers

    def probe():
        while not stop.is_set():
            ms, status, _, code, _ = client.request("{ me { email } }", token=probe_token)
            with lock:
                me_ms.append(ms)
                me_codes[f"{status}/{code}"] += 1
            time.sleep(0.02)

    def sampler():
        while not stop.is_set():
            r = rss_kib(pid)
            if r is not None:
                rss_peak.append(r)
            time.sleep(0.2)

    with ThreadPoolExecutor(max_workers=workers + 2) as pool:
        futures = [pool.submit(worker, n) for n in range(workers)]
        futures += [pool.submit(probe), pool.submit(sampler)]
        time.sleep(seconds)
        stop.set()
        for f in futures:
            f.result()
    peak = max((r for r in rss_peak if r is not None), default=None)
    time.sleep(10)
    return codes, me_ms, me_codes, peak, rss_kib(pid)


def fmt_rss(v):
    return "n/a" if v is None else f"{v} KiB"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:8080")
    ap.add_argument("--pid", type=int, default=None, help="server process id (for VmRSS)")
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    client = Client(args.url)

    am1, code = client.login("am1@demo.local", tries=5)
    admin, code2 = client.login("admin@demo.local", tries=5)
    if not am1 or not admin:
        print(f"warning: demo login failed (am1: {code}, admin: {code2}); authenticated attacks run anonymous")

    rss_before = rss_kib(args.pid)
    rows = run_attacks(client, am1, args.repeat)
    rss_after = rss_kib(args.pid)

    head = ("attack", "median ms", "max ms", "bytes", "status", "code")
    widths = (36, 10, 10, 8, 7, 0)
    print(f"\nAttacks ({args.repeat} x each) against {args.url}")
    print("".join(h.ljust(w) if w else h for h, w in zip(head, widths)))
    print("-" * 100)
    for name, med, mx, size, status, code in rows:
        print(f"{name:<36}{med:<10.1f}{mx:<10.1f}{size:<8}{str(status):<7}{code}")
    print(f"\nRSS before attacks: {fmt_rss(rss_before)}   after attacks: {fmt_rss(rss_after)}")

    print("\nLogin burst: 32 threads x 20 s (am1..am30, right password), me probe every 20 ms ...")
    codes, me_ms, me_codes, peak, settled = login_burst(client, admin or am1, args.pid)
    total = sum(codes.values())
    print(f"  logins attempted: {total}   completed (token): {codes.get('OK', 0)}   "
          f"RATE_LIMITED: {codes.get('RATE_LIMITED', 0)}")
    others = {k: v for k, v in codes.items() if k not in ("OK", "RATE_LIMITED")}
    if others:
        print(f"  other login outcomes: {dict(others)}")
    print(f"  me probe: {len(me_ms)} requests   p50 {percentile(me_ms, 50):.1f} ms   "
          f"p99 {percentile(me_ms, 99):.1f} ms   max {max(me_ms, default=float('nan')):.1f} ms")
    print(f"  me outcomes (status/code): {dict(me_codes)}")
    print(f"  RSS peak during burst: {fmt_rss(peak)}   10 s after burst: {fmt_rss(settled)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
