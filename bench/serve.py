"""Side by side, one run: the champion in process, this service (``asepred serve``: BentoML), and
``mlflow models serve`` (``--env-manager local``) on the same registered model version, all on 127.0.0.1 with a
reused HTTP connection.

Prints, for each: single-record latency p50/p99 and records/s of one 1,000-record request, with the ratios; the
service's start-to-``/readyz`` time and the CPU each of its processes spent getting there; single-record latency with
the default ``evidence`` (5). The service is asked with ``"evidence": 0`` where the others have no evidence to give.

Run: ``python bench/serve.py [--requests N] [--store PATH]`` (without ``--store``: trains a quick champion into a
throw-away store first, ~10 s).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from servers import ASEPRED, RECORD, free_port, load_average, percentiles_ms, running, use_store

BATCH = 1000
BATCH_REPEATS = 7


def varied_records(n: int, seed: int = 0) -> list[dict]:
    """``n`` request records drawn from the bundled table (seeded), each with its own pump wavelength: distinct
    inputs, unlike ``[RECORD] * n``."""
    from asepred.data.records import bundled_records

    table = bundled_records()
    fields = ["material", "dimensionality", "spacer", "n_layers", "strategy", "pump_pulse", "temperature_k"]
    rng = np.random.default_rng(seed)
    rows = table.iloc[rng.integers(0, len(table), size=n)][fields].to_dict("records")
    out = []
    for row, wavelength in zip(rows, rng.uniform(300, 600, size=n).round(1), strict=True):
        record = {k: v for k, v in row.items() if v == v and v not in ("", None)}  # drop NaN and empty
        if record.get("pump_pulse") not in ("fs", "ps", "ns"):
            record.pop("pump_pulse", None)
        if "n_layers" in record:
            record["n_layers"] = int(record["n_layers"])
        record["pump_wavelength_nm"] = float(wavelength)
        out.append(record)
    return out


def timed(call, n: int, warm: int = 20) -> list[float]:
    for _ in range(warm):
        call()
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return times


def records_per_s(call, n_records: int) -> float:
    call()  # warm
    return n_records / statistics.median(timed(call, BATCH_REPEATS, warm=0))


def post(client: httpx.Client, path: str, body: dict) -> httpx.Response:
    response = client.post(path, json=body)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
    return response


def full_record(record: dict) -> dict:
    """MLflow's schema enforcement wants every column the model was logged with."""
    defaults = {"spacer": "", "strategy": "", "pump_pulse": "fs", "temperature_k": 295.0}
    numbers = {"n_layers": None, "pump_wavelength_nm": None, "pump_photons": None}
    merged = {**defaults, **numbers, **record}
    return {k: (float(v) if k in numbers and v is not None else v) for k, v in merged.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="single-record requests per server")
    parser.add_argument(
        "--store", help="a store with a champion: its folder, or its mlflow.db (default: train a quick one)"
    )
    args = parser.parse_args()
    use_store(args.store)

    from asepred.core.registry import champion, load_champion
    from asepred.serving import answers
    from asepred.serving.schemas import PredictionRecord

    predictor, current = load_champion()
    varied = varied_records(BATCH)
    results: dict[str, dict[str, float]] = {}

    # in process: the predictor, and the full answer (schemas in and out) the service wraps
    one = [dict(RECORD)]
    p50, p99 = percentiles_ms(timed(lambda: predictor.predict_records(one), args.requests * 2))
    model = [PredictionRecord(**RECORD)]
    a50, a99 = percentiles_ms(timed(lambda: answers.predict(predictor, current, model, None, 0), args.requests * 2))
    same = [dict(RECORD)] * BATCH
    results["in process"] = {
        "p50": p50,
        "p99": p99,
        "batch": records_per_s(lambda: predictor.predict_records(same), BATCH),
        "varied": records_per_s(lambda: predictor.predict_records(varied), BATCH),
    }

    # this service, started as a user starts it
    port = free_port()
    with running([*ASEPRED, "serve", "--port", str(port)], port, "/readyz") as server:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            single = {"records": [RECORD], "evidence": 0}
            s50, s99 = percentiles_ms(timed(lambda: post(client, "/predict", single), args.requests))
            e50, e99 = percentiles_ms(timed(lambda: post(client, "/predict", {"records": [RECORD]}), args.requests))
            m50, m99 = percentiles_ms(timed(lambda: client.get("/model"), args.requests // 2))
            results["this service"] = {
                "p50": s50,
                "p99": s99,
                "batch": records_per_s(lambda: post(client, "/predict", {"records": same, "evidence": 0}), BATCH),
                "varied": records_per_s(lambda: post(client, "/predict", {"records": varied, "evidence": 0}), BATCH),
            }
        service_ready, service_cpu = server.ready_s, server.cpu_s

    # mlflow models serve on the same registered version
    port = free_port()
    uri = f"models:/{predictor_name()}/{champion().version}"
    mlflow_cmd = [sys.executable, "-m", "mlflow", "models", "serve", "-m", uri, "--env-manager", "local"]
    with running([*mlflow_cmd, "-h", "127.0.0.1", "-p", str(port), "-w", "1"], port, "/ping") as server:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            single = {"dataframe_records": [full_record(RECORD)]}
            f50, f99 = percentiles_ms(timed(lambda: post(client, "/invocations", single), args.requests))
            batch = {"dataframe_records": [full_record(RECORD)] * BATCH}
            distinct = {"dataframe_records": [full_record(r) for r in varied]}
            results["mlflow models serve"] = {
                "p50": f50,
                "p99": f99,
                "batch": records_per_s(lambda: post(client, "/invocations", batch), BATCH),
                "varied": records_per_s(lambda: post(client, "/invocations", distinct), BATCH),
            }
        mlflow_ready = server.ready_s

    print(f"model {current.version} ({predictor.model_name}); load average at the end {load_average():.1f}")
    print(f"single-record requests: {args.requests} per server (reused connection); batches: {BATCH} records, ", end="")
    print(f"median of {BATCH_REPEATS}\n")
    print("| | single record p50 | p99 | 1,000 same records | 1,000 distinct records |")
    print("|---|---|---|---|---|")
    for name, r in results.items():
        print(
            f"| {name} | {r['p50']:.2f} ms | {r['p99']:.2f} ms | {r['batch']:,.0f} records/s | "
            f"{r['varied']:,.0f} records/s |"
        )
    inproc, service, mlflow = results["in process"], results["this service"], results["mlflow models serve"]
    print("\nratios:")
    print(
        f"- this service / in process: p50 {service['p50'] / inproc['p50']:.1f}×, "
        f"batch {inproc['batch'] / service['batch']:.1f}× slower"
    )
    print(
        f"- mlflow models serve / this service: p50 {mlflow['p50'] / service['p50']:.1f}×, "
        f"p99 {mlflow['p99'] / service['p99']:.1f}×, batch {service['batch'] / mlflow['batch']:.1f}× fewer records/s, "
        f"distinct batch {service['varied'] / mlflow['varied']:.1f}× fewer records/s"
    )
    print(f"\nin process, the full answer (schemas in and out, evidence 0): p50 {a50:.2f} ms, p99 {a99:.2f} ms")
    print(f"this service, single record with the default evidence (5): p50 {e50:.2f} ms, p99 {e99:.2f} ms")
    print(f"this service, GET /model: p50 {m50:.2f} ms, p99 {m99:.2f} ms")
    print(f"\nstart to ready: this service {service_ready:.1f} s (`asepred serve` to /readyz 200), ", end="")
    print(f"mlflow models serve {mlflow_ready:.1f} s (to /ping 200)")
    print("CPU seconds spent by each process of the service until ready:")
    for role, cpu in service_cpu.items():
        print(f"- {role}: {cpu:.2f} s")


def predictor_name() -> str:
    from asepred.core import config

    return config.MODEL_NAME


if __name__ == "__main__":
    main()
