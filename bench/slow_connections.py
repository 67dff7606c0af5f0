#!/usr/bin/env python3
"""Slow-header connections against a running motcua: what they cost and whether others are served.

    bench/slow_connections.py --port 8080 --pid "$(pgrep -nx motcua)" --connections 10000

Opens N connections that each send a request head one byte a second and never finish it,
keeps them going for --hold seconds (or until the server closes them), and meanwhile asks
GET /healthz on fresh connections twice a second. Prints the server's resident memory
(VmRSS of --pid) before, at its highest while the connections are open, and --settle seconds
after they are gone, how long the server held the slow connections, and how /healthz fared.

Several of these can run at once against one server (the file-descriptor limit is per
process): pass --no-probe to all but one. The limit is raised to the hard limit at start.
Figures are in docs/PERFORMANCE.md ("Slow connections").
"""

import argparse
import asyncio
import resource
import statistics
import time


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def slow(port, gate, opened, held, failed, until):
    """One slow connection; records how long it lasted if the server closed it."""
    try:
        async with gate:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        failed.append(1)
        return
    start = time.monotonic()
    opened.append(start)
    head = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "
    i = 0
    closed = False
    try:
        while time.monotonic() < until:
            writer.write(head[i : i + 1] if i < len(head) else b"a")
            i += 1
            await writer.drain()
            await asyncio.sleep(1)
            # The server's close arrives as end of file (cheaper to notice than a read).
            if reader.at_eof() or writer.transport.is_closing():
                closed = True
                break
    except OSError:
        closed = True
    if closed:
        held.append(time.monotonic() - start)
    writer.close()


async def probe(port, results, until):
    while time.monotonic() < until:
        start = time.monotonic()
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection("127.0.0.1", port), 2.0
            )
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            answer = await asyncio.wait_for(reader.read(), 2.0)
            writer.close()
            ok = answer.startswith(b"HTTP/1.1 200")
        except (OSError, asyncio.TimeoutError):
            ok = False
        results.append((ok, time.monotonic() - start))
        await asyncio.sleep(0.5)


async def main(a):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    before = rss_mb(a.pid)
    until = time.monotonic() + a.hold
    opened, held, failed, probes = [], [], [], []
    gate = asyncio.Semaphore(a.concurrency)
    tasks = [
        asyncio.create_task(slow(a.port, gate, opened, held, failed, until))
        for _ in range(a.connections)
    ]
    if a.probe:
        tasks.append(asyncio.create_task(probe(a.port, probes, until)))
    peak = before
    while any(not t.done() for t in tasks):
        peak = max(peak, rss_mb(a.pid))
        await asyncio.sleep(0.5)
    await asyncio.sleep(a.settle)
    after = rss_mb(a.pid)
    print(f"connections asked {a.connections}, opened {len(opened)}, failed to connect {len(failed)}")
    print(f"closed by the server {len(held)}", end="")
    if held:
        print(f"; held median {statistics.median(held):.1f} s, max {max(held):.1f} s", end="")
    print()
    print(f"server RSS MB: before {before:.0f}, peak {peak:.0f}, {a.settle} s after {after:.0f}")
    if probes:
        good = [t for ok, t in probes if ok]
        print(
            f"/healthz answered {len(good)}/{len(probes)}"
            + (f", median {statistics.median(good) * 1000:.1f} ms, max {max(good) * 1000:.1f} ms" if good else "")
        )


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, required=True, help="the server process, for its memory")
    p.add_argument("--connections", type=int, default=300)
    p.add_argument("--hold", type=float, default=40, help="seconds to keep trickling")
    p.add_argument("--settle", type=float, default=10, help="seconds to wait before the last measurement")
    p.add_argument("--concurrency", type=int, default=256, help="connects in flight at once")
    p.add_argument("--no-probe", dest="probe", action="store_false")
    asyncio.run(main(p.parse_args()))
