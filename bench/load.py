"""Load: concurrent clients, each a thread with its own reused connection, post predictions for SECONDS against the
service on 127.0.0.1; prints, for each scenario, clients, requests/s, latency p50/p99 and every error.

Scenarios (``--scenario``, several allowed; default all three):

- ``plain``: CLIENTS clients, one record, ``"evidence": EVIDENCE`` (default 0);
- ``anchored``: one record with a ``reference`` the lab measured, evidence 3, to 1 client and to CLIENTS;
- ``mixed``: CLIENTS clients, every 10th request of each (10 %) a 1,000-record batch of distinct records with
  evidence 20, the rest single-record requests (evidence EVIDENCE); the small requests' and the batches' latencies
  are reported apart. Three rounds (``--rounds``), with the server's RSS (summed over its process tree, from
  /proc) before and after each.

The clients run in PROCESSES processes (threads split between them) so that the client side's own GIL does not
cap the figure; bodies are encoded once, answers are read but not parsed. Without ``--url`` the script starts
``asepred serve`` itself, on a store given with ``--store`` or a quick one it trains first (~10 s), and stops it at
the end. The load average is printed before and after each scenario (the machine's 2 cores may be shared).

Run: ``python bench/load.py [--scenario plain anchored mixed] [--seconds 60] [--clients 32] [--store PATH]``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing as mp
import sys
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serve import varied_records
from servers import ASEPRED, RECORD, descendants, free_port, load_average, percentiles_ms, running, use_store

#: A sample measured on the same set-up as ``ANCHORED_RECORD`` (as in tests/serving/test_anchored.py).
REFERENCE = {"material": "CsPbBr3", "dimensionality": "3D film", "pump_pulse": "ns", "threshold_uj_cm2": 12.0}
ANCHORED_RECORD = {**RECORD, "pump_pulse": "ns"}
ANCHORED_EVIDENCE = 3
BATCH_RECORDS = 1000
BATCH_EVIDENCE = 20
BATCH_EVERY = 10  # one request in 10 of each client is a batch in the mixed load
TIMEOUT_S = 90.0  # longer than the service's own 60 s, so that a slow answer is measured, not cut off


def _client_process(
    url: str, threads: int, seconds: float, bodies: dict[str, bytes], every: int, start_at: float, first: int, out
) -> None:
    """``threads`` clients until ``start_at + seconds``; client i sends ``bodies["batch"]`` as its requests number
    ``first + i``, ``+ every``, … (when ``every``), ``bodies["small"]`` otherwise. Puts {kind: latencies}, errors."""
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: Counter[str] = Counter()
    lock = threading.Lock()
    headers = {"content-type": "application/json"}

    def client(offset: int) -> None:
        mine: dict[str, list[float]] = defaultdict(list)
        bad: Counter[str] = Counter()
        with httpx.Client(base_url=url, timeout=TIMEOUT_S) as http:
            while time.time() < start_at:
                time.sleep(0.001)
            deadline = start_at + seconds
            n = offset
            while time.time() < deadline:
                kind = "batch" if every and n % every == 0 else "small"
                n += 1
                started = time.perf_counter()
                try:
                    response = http.post("/predict", content=bodies[kind], headers=headers)
                    if response.status_code != 200:
                        bad[f"{kind}: HTTP {response.status_code}"] += 1
                        continue
                except httpx.HTTPError as error:
                    bad[f"{kind}: {type(error).__name__}"] += 1
                    continue
                mine[kind].append(time.perf_counter() - started)
        with lock:
            for kind, got in mine.items():
                latencies[kind].extend(got)
            errors.update(bad)

    workers = [threading.Thread(target=client, args=(first + i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out.put((dict(latencies), dict(errors)))


def rss_mib(pid: int) -> float:
    """Resident memory of ``pid`` and every process below it, summed (MiB)."""
    total_kib = 0
    for p in [pid, *descendants(pid)]:
        with contextlib.suppress(OSError, StopIteration):
            status = Path(f"/proc/{p}/status").read_text().splitlines()
            total_kib += int(next(line for line in status if line.startswith("VmRSS:")).split()[1])
    return total_kib / 1024


def _post_once(url: str, body: bytes) -> None:
    with httpx.Client(base_url=url, timeout=TIMEOUT_S) as http:
        http.post("/predict", content=body, headers={"content-type": "application/json"}).raise_for_status()


def run(
    url: str, clients: int, processes: int, seconds: float, bodies: dict[str, bytes], every: int = 0
) -> dict[str, object]:
    """One timed run: {"ok", "errors", "rps", "small": (p50, p99, n), "batch": (…) when ``every``}."""
    with httpx.Client(base_url=url, timeout=TIMEOUT_S) as warm:
        for _ in range(20):
            warm.post("/predict", content=bodies["small"], headers={"content-type": "application/json"})
    if every:  # a few batches at once, on their own connections, so that every worker has answered one
        threads = [threading.Thread(target=_post_once, args=(url, bodies["batch"])) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    start_at = time.time() + 3.0  # every client connected and waiting before the clock starts
    processes = min(processes, clients)
    split = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    firsts = [sum(split[:i]) for i in range(processes)]  # clients' batch turns are staggered, not all at once
    procs = [
        ctx.Process(target=_client_process, args=(url, n, seconds, bodies, every, start_at, first, out))
        for n, first in zip(split, firsts, strict=True)
    ]
    for p in procs:
        p.start()
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: Counter[str] = Counter()
    for _ in procs:
        got, bad = out.get(timeout=seconds + 3 * TIMEOUT_S)
        for kind, values in got.items():
            latencies[kind].extend(values)
        errors.update(bad)
    for p in procs:
        p.join()
    result: dict[str, object] = {"errors": dict(errors)}
    result["ok"] = sum(len(v) for v in latencies.values())
    result["rps"] = result["ok"] / seconds
    for kind in ("small", "batch") if every else ("small",):
        got = latencies.get(kind, [])
        result[kind] = (*percentiles_ms(got), len(got)) if got else (float("nan"), float("nan"), 0)
    return result


def _body(records: list[dict], evidence: int, reference: dict | None = None) -> bytes:
    body = {"records": records, "evidence": evidence, **({"reference": reference} if reference else {})}
    return json.dumps(body).encode()


def _line(name: str, clients: int, result: dict, before: float) -> str:
    p50, p99, _ = result["small"]
    errors = sum(result["errors"].values())
    detail = f" {result['errors']}" if errors else ""
    return (
        f"| {name} | {clients} | {result['rps']:.1f} | {p50:.1f} | {p99:.1f} | {errors}{detail} | "
        f"{before:.1f} → {load_average():.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", nargs="+", choices=("plain", "anchored", "mixed"), default=None)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each timed run (default 60)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--processes", type=int, default=2, help="client processes (default 2)")
    parser.add_argument("--evidence", type=int, default=0, help="evidence of the plain and small requests (default 0)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the mixed load (default 3)")
    parser.add_argument("--url", help="a running service on 127.0.0.1 (default: start one; RSS is then not shown)")
    parser.add_argument(
        "--store", help="a store with a champion: its folder, or its mlflow.db (default: train a quick one)"
    )
    parser.add_argument("--workers", type=int, help="BentoML workers of the started service (default: its own)")
    args = parser.parse_args()
    scenarios = args.scenario or ["plain", "anchored", "mixed"]
    if args.url and not args.url.startswith(("http://127.0.0.1", "http://localhost")):
        parser.error("--url must be on 127.0.0.1: this bench loads a local server only")

    small = _body([RECORD], args.evidence)
    anchored = _body([ANCHORED_RECORD], ANCHORED_EVIDENCE, REFERENCE)
    batch = _body(varied_records(BATCH_RECORDS), BATCH_EVIDENCE)

    def measure(url: str, pid: int | None) -> None:
        print(
            f"{args.seconds:.0f} s per run, {args.processes} client processes; plain and small requests: one record, "
            f"evidence {args.evidence}; anchored: one record with a reference, evidence {ANCHORED_EVIDENCE}; mixed: "
            f"1 request in {BATCH_EVERY} a batch of {BATCH_RECORDS} distinct records with evidence {BATCH_EVIDENCE}"
        )
        print()
        print("| scenario | clients | requests/s | p50 ms | p99 ms | errors | load average before → after |")
        print("|---|---|---|---|---|---|---|")
        rates: dict[str, float] = {}
        rounds: list[tuple[float, float, dict]] = []
        for scenario in scenarios:
            if scenario == "plain":
                before = load_average()
                result = run(url, args.clients, args.processes, args.seconds, {"small": small})
                rates["plain"] = result["rps"]
                print(_line("plain", args.clients, result, before), flush=True)
            elif scenario == "anchored":
                for clients in sorted({1, args.clients}):
                    before = load_average()
                    result = run(url, clients, args.processes, args.seconds, {"small": anchored})
                    rates[f"anchored {clients}"] = result["rps"]
                    print(_line("anchored", clients, result, before), flush=True)
            else:
                for i in range(args.rounds):
                    before = load_average()
                    rss_before = rss_mib(pid) if pid else float("nan")
                    result = run(
                        url, args.clients, args.processes, args.seconds, {"small": small, "batch": batch}, BATCH_EVERY
                    )
                    rss_after = rss_mib(pid) if pid else float("nan")
                    rounds.append((rss_before, rss_after, result))
                    print(_line(f"mixed {i + 1}: small requests", args.clients, result, before), flush=True)
        if rounds:
            print()
            print("mixed rounds: small requests (p50 / p99), batches (p50 / p99, count), server RSS before → after:")
            for i, (rss_before, rss_after, result) in enumerate(rounds, 1):
                s50, s99, sn = result["small"]
                b50, b99, bn = result["batch"]
                print(
                    f"- round {i}: {result['rps']:.1f} requests/s; small {s50:.1f} / {s99:.1f} ms ({sn}); "
                    f"batches {b50:.0f} / {b99:.0f} ms ({bn}); RSS {rss_before:.0f} → {rss_after:.0f} MiB"
                )
            if pid:
                first, last = rounds[0][0], rounds[-1][1]
                print(f"RSS across the rounds: {first:.0f} → {last:.0f} MiB ({100 * (last / first - 1):+.1f} %)")
        if "plain" in rates and f"anchored {args.clients}" in rates:
            share = rates[f"anchored {args.clients}"] / rates["plain"]
            print(f"anchored / plain at {args.clients} clients: {100 * share:.0f} %")

    if args.url:
        measure(args.url, None)
    else:
        use_store(args.store)
        port = free_port()
        command = [*ASEPRED, "serve", "--port", str(port)]
        if args.workers:
            command += ["--workers", str(args.workers)]
        with running(command, port, "/readyz") as server:
            measure(server.url, server.process.pid)


if __name__ == "__main__":
    main()
