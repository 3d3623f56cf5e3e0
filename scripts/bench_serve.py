#!/usr/bin/env python3
"""Drive a running `duos serve` through profile edits and time each update.

    bench_serve.py --duos BIN --root SITE --runs 30

Starts `BIN serve --root SITE` on a free port of 127.0.0.1 (a fresh data
folder), waits for its first build, then edits the profile file in the middle
of content/mentors RUNS times for each kind of change, writing the file in
place as an editor does, one edit at a time:

  bio      the bio's last paragraph (not on the directory card): 1 page
  card     the title (on the card): the page and the listing pages that
           show the card (the directory's, one per term)
  terms    one expertise term swapped for another: the page, the listing
           pages the card is on, the old and new terms' pages from the
           card's position on, and the first pages that show the counts

For each edit it reads the server's line `duos serve: FILE: N pages written,
X ms after the file event` and records X (from the file event the watcher
received to the pages written) and, measured here, the time from just before
the write to the line read. One full rebuild (a page edited) is timed the
same way for comparison. Prints a table: median and 90th percentile in ms.
Standard library only; the server is stopped at the end.
"""

import argparse
import math
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

UPDATED = re.compile(r"duos serve: (\S+): (\d+) pages? written(?:, (\d+) deleted)?, ([\d.]+) ms after the file event")
REBUILT = re.compile(r"duos serve: rebuilt: .* in (\d+) ms")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def percentile(values, p):
    """Nearest rank."""
    v = sorted(values)
    return v[max(0, math.ceil(p / 100.0 * len(v)) - 1)]


def median(values):
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


class Server:
    def __init__(self, duos, root, data):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [duos, "serve", "--root", root, "--data", data, "--port", str(self.port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines = queue.Queue()
        self.first_build = None
        for stream in (self.proc.stdout, self.proc.stderr):
            threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self.lines.put((time.perf_counter(), line.rstrip("\n")))

    def wait_for(self, pattern, timeout):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SystemExit(f"bench-serve: no line matching {pattern.pattern!r} within {timeout} s")
            try:
                at, line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            if "error" in line and "duos serve" in line and "the site has" in line:
                raise SystemExit(f"bench-serve: the server reports errors: {line}")
            m = pattern.search(line)
            if m:
                return at, m

    def drain(self, quiet=0.3):
        """Waits until the server has said nothing for `quiet` seconds."""
        while True:
            try:
                self.lines.get(timeout=quiet)
            except queue.Empty:
                return

    def stop(self):
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def write_in_place(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duos", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()

    mentors = os.path.join(args.root, "content", "mentors")
    files = sorted(f for f in os.listdir(mentors) if f.endswith(".yaml"))
    n = len(files)
    target = os.path.join(mentors, files[n // 2])
    original = open(target, encoding="utf-8").read()
    title = re.search(r'^title: "(.*)"$', original, re.M)
    terms = re.findall(r"^  - ([a-z-]+)$", original.split("expertise:\n", 1)[1].split("career:", 1)[0], re.M)
    program = open(os.path.join(args.root, "content", "program.yaml"), encoding="utf-8").read()
    all_terms = re.findall(r"^  - slug: ([a-z-]+)$", program, re.M)
    other = next(t for t in all_terms if t not in terms)
    if not title or not terms:
        raise SystemExit(f"bench-serve: cannot find the title and terms in {target}")

    kinds = [
        ("bio edit (past the card's opening)", lambda i: original.rstrip("\n") + f"\n  Edited {i}.\n"),
        ("card edit (title)", lambda i: original.replace(title.group(0), f'title: "{title.group(1)} {i}"')),
        (
            "expertise change (one term swapped)",
            lambda i: original if i % 2 else original.replace(f"  - {terms[0]}\n", f"  - {other}\n"),
        ),
    ]

    with tempfile.TemporaryDirectory(prefix="duos-bench-serve-") as data:
        server = Server(args.duos, args.root, data)
        try:
            _, m = server.wait_for(re.compile(r"built .* in (\d+) ms"), timeout=600)
            first_build = int(m.group(1))
            server.wait_for(re.compile(r"duos serve: http://"), timeout=120)
            server.drain()
            rows = []
            for name, make in kinds:
                event, wall, pages = [], [], set()
                for i in range(args.runs):
                    text = make(i)
                    t0 = time.perf_counter()
                    write_in_place(target, text)
                    at, m = server.wait_for(UPDATED, timeout=60)
                    wall.append((at - t0) * 1000)
                    event.append(float(m.group(4)))
                    pages.add(int(m.group(2)))
                    server.drain(0.05)
                if make(args.runs - 1) != original:
                    write_in_place(target, original)
                    server.wait_for(UPDATED, timeout=60)
                server.drain()
                rows.append((name, "/".join(str(p) for p in sorted(pages)), event, wall))

            # One full rebuild, for comparison: a page edited.
            page = os.path.join(args.root, "content", "about.md")
            about = open(page, encoding="utf-8").read()
            full = []
            for i in range(3):
                t0 = time.perf_counter()
                write_in_place(page, about + f"\nEdited {i}.\n")
                at, _ = server.wait_for(REBUILT, timeout=600)
                full.append((at - t0) * 1000)
                server.drain()
            write_in_place(page, about)
            server.wait_for(REBUILT, timeout=600)
        finally:
            server.stop()

    print(f"duos serve at {n} profiles (first build {first_build} ms); {args.runs} edits of {files[n // 2]} per change")
    print()
    print("| change | pages written | event -> written, median ms | p90 ms | write -> logged, median ms | p90 ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, pages, event, wall in rows:
        print(
            f"| {name} | {pages} | {median(event):.1f} | {percentile(event, 90):.1f} "
            f"| {median(wall):.1f} | {percentile(wall, 90):.1f} |"
        )
    print(f"| a page edited: full rebuild (3 runs) | all | | | {median(full):.0f} | {max(full):.0f} |")


if __name__ == "__main__":
    sys.exit(main())
