#!/usr/bin/env python3
"""Replay the attacks on the boards against a running salespulse server.

Standard library only (Python 3.11). Start a throwaway server on the demo
company, then point the script at it with the server's pid (its memory,
VmRSS, is read from /proc):

    SALESPULSE_DATABASE_URL='sqlite:///tmp/boards.db?mode=rwc' \
    SALESPULSE_BIND=127.0.0.1:8099 SALESPULSE_SCHEDULER=false target/release/salespulse &
    python3 scripts/board_attacks.py --url http://127.0.0.1:8099 --pid $!

1. flood: 8 CEO dashboard loops (the order-health board and the company
   funnel) for --seconds quiet, then as long again while one anonymous
   client sends an invalid mutation and a logout every 5 ms. Prints
   answers/s, p50 and p99 of the dashboards for both.
2. upload: the worst CSV files (a 16 MB file of 8,000,000 empty cells in
   several shapes, a million bad lines), each uploaded by the admin, then
   two of the worst at once while /healthz is asked every 20 ms. Prints the
   server's peak RSS during each, its RSS after, and /healthz p50/p99.

Only point it at a server you own (127.0.0.1).
"""
import argparse
import http.client
import json
import statistics
import threading
import time
import urllib.parse

PASSWORD = "demo-password"
DASHBOARD = (
    "{ orderHealthBoard(year: %d) { company { gap coverage rhythm } tracks { track { id } gap } }"
    " funnel { lines { businessLine coverage conversion stages { stage count amount } } } }"
)


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, TypeError):
        return None
    return None


class Client:
    def __init__(self, url):
        u = urllib.parse.urlsplit(url)
        self.host, self.port = u.hostname, u.port or 80
        self.conn = None

    def _conn(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        return self.conn

    def raw(self, method, path, body=b"", headers=None):
        """One round trip on a kept connection: (ms, status, body bytes)."""
        for attempt in range(2):
            try:
                c = self._conn()
                t = time.perf_counter()
                c.request(method, path, body=body, headers=headers or {})
                r = c.getresponse()
                data = r.read()
                return (time.perf_counter() - t) * 1000, r.status, data
            except (http.client.HTTPException, OSError):
                self.conn = None
                if attempt:
                    raise
        raise RuntimeError("unreachable")

    def gql(self, query, token=None, variables=None):
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        ms, status, data = self.raw("POST", "/graphql", body, headers)
        return ms, status, json.loads(data or b"null")


def login(url, email):
    _, _, v = Client(url).gql(
        "mutation($e:String!,$p:String!){ login(email:$e,password:$p){ token } }",
        variables={"e": email, "p": PASSWORD},
    )
    return v["data"]["login"]["token"]


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def dashboards(url, token, year, seconds, loops=8):
    times, errors, stop = [], [], time.monotonic() + seconds
    lock = threading.Lock()

    def loop():
        c = Client(url)
        while time.monotonic() < stop:
            ms, status, v = c.gql(DASHBOARD % year, token)
            with lock:
                times.append(ms)
                if status != 200 or (v or {}).get("errors"):
                    errors.append(v)

    threads = [threading.Thread(target=loop) for _ in range(loops)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors


def flood(url, stop_event):
    c, sent = Client(url), 0
    while not stop_event.is_set():
        for q in ('{"query":"mutation { nope }"}', '{"query":"mutation { logout }"}'):
            c.raw("POST", "/graphql", q.encode(), {"Content-Type": "application/json"})
            sent += 1
        time.sleep(0.005)
    return sent


def run_flood(url, seconds, year):
    ceo = login(url, "ceo@demo.local")
    dashboards(url, ceo, year, 2)  # warm: the answers are kept
    quiet, qerr = dashboards(url, ceo, year, seconds)
    stop = threading.Event()
    t = threading.Thread(target=flood, args=(url, stop))
    t.start()
    loud, lerr = dashboards(url, ceo, year, seconds)
    stop.set()
    t.join()
    for name, times, errs in (("quiet", quiet, qerr), ("anonymous flood", loud, lerr)):
        print(
            f"{name:16} {len(times) / seconds:8.0f} answers/s  p50 {pct(times, .5):6.2f} ms"
            f"  p99 {pct(times, .99):7.2f} ms  errors {len(errs)}"
        )


def multipart(csv_bytes, name="attack.csv"):
    boundary = "----salespulse-attack"
    ops = json.dumps(
        {
            "query": "mutation($f: Upload!) { importErpFile(kind: ORDERS, file: $f) { rows } }",
            "variables": {"f": None},
        }
    )
    head = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{ops}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n"
        '{"0":["variables.f"]}\r\n'
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"{name}\"\r\n"
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    body = head + csv_bytes + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


HEADER = b"externalId,date,track,accountManager,customer,amount\n"
FILES = {
    # 8,000,000 empty cells in 16 MB: as 4,000,000 lines of two ("," and a
    # line break), and as 8,000,000 lines of one.
    "8M empty cells, 4M lines": HEADER + b",,\n" * 2_666_667,
    "8M empty cells, 8M lines": HEADER + b" \n" * 8_000_000,
    # 8,000,000 empty cells on the header line.
    "8M empty header cells": b",," * 4_000_000 + b"\n",
    # A million lines each one cell longer than the header: a problem a line.
    "1M lines, a problem each": HEADER + b"x,,,,,,\n" * 1_000_000,
    # A million lines of bad values: several problems a line, found by the validation.
    "1M lines of bad values": HEADER + b"SO-x,2026-13-01,nowhere,nobody,x,-1\n" * 1_000_000,
}


def upload(url, token, data, peak, pid, out):
    body, ctype = multipart(data)
    ms, status, resp = Client(url).raw(
        "POST", "/graphql", body, {"Content-Type": ctype, "Authorization": f"Bearer {token}"}
    )
    out.append((ms, status, len(resp)))


def watch(pid, peak, stop):
    while not stop.is_set():
        r = rss_kib(pid)
        if r:
            peak[0] = max(peak[0], r)
        time.sleep(0.01)


def health(url, stop, times):
    c = Client(url)
    while not stop.is_set():
        ms, _, _ = c.raw("GET", "/healthz")
        times.append(ms)
        time.sleep(0.02)


def run_uploads(url, pid):
    admin = login(url, "admin@demo.local")
    print(f"RSS before: {rss_kib(pid) or 0:,} KiB")
    worst = None
    for name, data in FILES.items():
        peak, stop, out, hz = [rss_kib(pid) or 0], threading.Event(), [], []
        threads = [
            threading.Thread(target=watch, args=(pid, peak, stop)),
            threading.Thread(target=health, args=(url, stop, hz)),
        ]
        for t in threads:
            t.start()
        upload(url, admin, data, peak, pid, out)
        stop.set()
        for t in threads:
            t.join()
        time.sleep(2)
        ms, status, size = out[0]
        print(
            f"{name:26} {len(data) / 1e6:5.1f} MB  {ms:8.0f} ms  HTTP {status}  {size:7} B answer"
            f"  peak RSS {peak[0]:,} KiB  after {rss_kib(pid) or 0:,} KiB"
            f"  /healthz p50 {pct(hz, .5):.1f} p99 {pct(hz, .99):.1f} ms"
        )
        if worst is None or peak[0] > worst[1]:
            worst = (name, peak[0])
    # Two at once: the attack pass's worst file (16 MB of 8,000,000 empty
    # cells), and the file that took the most memory alone.
    for name in dict.fromkeys(["8M empty cells, 8M lines", worst[0]]):
        peak, stop, out, hz = [rss_kib(pid) or 0], threading.Event(), [], []
        threads = [
            threading.Thread(target=watch, args=(pid, peak, stop)),
            threading.Thread(target=health, args=(url, stop, hz)),
        ]
        for t in threads:
            t.start()
        ups = [threading.Thread(target=upload, args=(url, admin, FILES[name], peak, pid, out)) for _ in range(2)]
        for t in ups:
            t.start()
        for t in ups:
            t.join()
        stop.set()
        for t in threads:
            t.join()
        time.sleep(2)
        print(
            f"two at once: {name}: peak RSS {peak[0]:,} KiB, after {rss_kib(pid) or 0:,} KiB,"
            f" /healthz n={len(hz)} p50 {pct(hz, .5):.1f} ms p99 {pct(hz, .99):.1f} ms max {max(hz or [0]):.1f} ms"
        )


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", default="http://127.0.0.1:8099")
    ap.add_argument("--pid", type=int)
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--year", type=int, default=2026)
    ap.add_argument("--only", choices=["flood", "upload"])
    a = ap.parse_args()
    if a.only in (None, "flood"):
        run_flood(a.url, a.seconds, a.year)
    if a.only in (None, "upload"):
        run_uploads(a.url, a.pid)


if __name__ == "__main__":
    main()
