"""Load: CLIENTS concurrent clients, each a thread with its own reused connection, post single-record predictions for
SECONDS against the service on 127.0.0.1; prints requests/s, latency p50/p99 and every error.

The clients run in PROCESSES processes (threads split between them) so that the client side's own GIL does not
cap the figure. Without ``--url`` the script starts ``asepred serve`` itself, on a store given with ``--store`` or a
quick one it trains first (~10 s), and stops it at the end.

Run: ``python bench/load.py [--seconds 60] [--clients 32] [--evidence 0] [--url http://127.0.0.1:3000]``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from servers import ASEPRED, RECORD, free_port, load_average, percentiles_ms, running, use_store


def _client_process(url: str, threads: int, seconds: float, evidence: int, start_at: float, out: mp.Queue) -> None:
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    lock = threading.Lock()
    body = {"records": [RECORD], "evidence": evidence}

    def client() -> None:
        mine: list[float] = []
        bad: Counter[str] = Counter()
        with httpx.Client(base_url=url, timeout=30) as http:
            while time.time() < start_at:
                time.sleep(0.001)
            deadline = start_at + seconds
            while (now := time.perf_counter()) and time.time() < deadline:
                try:
                    response = http.post("/predict", json=body)
                    if response.status_code != 200:
                        bad[f"HTTP {response.status_code}"] += 1
                        continue
                except httpx.HTTPError as error:
                    bad[type(error).__name__] += 1
                    continue
                mine.append(time.perf_counter() - now)
        with lock:
            latencies.extend(mine)
            errors.update(bad)

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out.put((latencies, dict(errors)))


def run(url: str, clients: int, processes: int, seconds: float, evidence: int) -> dict[str, object]:
    with httpx.Client(base_url=url, timeout=30) as warm:
        for _ in range(50):
            warm.post("/predict", json={"records": [RECORD], "evidence": evidence}).raise_for_status()
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    start_at = time.time() + 3.0  # every client connected and waiting before the clock starts
    split = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    procs = [ctx.Process(target=_client_process, args=(url, n, seconds, evidence, start_at, out)) for n in split if n]
    for p in procs:
        p.start()
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    for _ in procs:
        got, bad = out.get(timeout=seconds + 120)
        latencies.extend(got)
        errors.update(bad)
    for p in procs:
        p.join()
    p50, p99 = percentiles_ms(latencies) if latencies else (float("nan"), float("nan"))
    return {"ok": len(latencies), "errors": dict(errors), "rps": len(latencies) / seconds, "p50": p50, "p99": p99}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the timed run (default 60)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--processes", type=int, default=2, help="client processes (default 2)")
    parser.add_argument("--evidence", type=int, default=0, help="evidence per prediction in each request (default 0)")
    parser.add_argument("--url", help="a running service on 127.0.0.1 (default: start one)")
    parser.add_argument(
        "--store", help="a store with a champion: its folder, or its mlflow.db (default: train a quick one)"
    )
    parser.add_argument("--workers", type=int, help="BentoML workers of the started service (default: its own)")
    args = parser.parse_args()
    if args.url and not args.url.startswith(("http://127.0.0.1", "http://localhost")):
        parser.error("--url must be on 127.0.0.1: this bench loads a local server only")

    if args.url:
        result = run(args.url, args.clients, args.processes, args.seconds, args.evidence)
    else:
        use_store(args.store)
        port = free_port()
        command = [*ASEPRED, "serve", "--port", str(port)]
        if args.workers:
            command += ["--workers", str(args.workers)]
        with running(command, port, "/readyz") as server:
            result = run(server.url, args.clients, args.processes, args.seconds, args.evidence)
    print(
        f"{args.clients} clients ({args.processes} processes), {args.seconds:.0f} s, single-record POST /predict "
        f"with evidence {args.evidence}; load average at the end {load_average():.1f}"
    )
    print(f"requests: {result['ok']} answered 200, errors: {sum(result['errors'].values())} {result['errors'] or ''}")
    print(f"throughput: {result['rps']:.0f} requests/s; latency p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms")


if __name__ == "__main__":
    main()
