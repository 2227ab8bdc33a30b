"""Where a server's start-up time goes: the stages a BentoML worker runs before ``/readyz`` answers, each timed in a
fresh process (wall and CPU seconds), and the heaviest imports of the ``asepred`` CLI that starts it.

It also times whole starts, ``asepred serve`` to ``/readyz`` 200, with two workers and with one (with the CPU each
kind of process spent until then), and ``asepred --help`` and every command's ``--help`` beside a one-command typer
app's (what typer and Rich cost by themselves).

Run: ``python bench/startup.py [--store PATH] [--repeats 3] [--serve-runs 3]`` (without ``--store``: trains a quick
champion first).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from servers import ASEPRED, free_port, load_average, running, use_store

#: Libraries whose import a worker's start-up may or may not pay (the stages say which it did).
HEAVY = ("mlflow", "sklearn", "scipy", "pandas", "rdkit", "pymatgen", "xgboost", "lightgbm", "shap", "dask")

STAGES = r"""
import json, time
HEAVY = set(%r)
marks = [("start", time.perf_counter(), time.process_time())]
def mark(name):
    marks.append((name, time.perf_counter(), time.process_time()))
import bentoml, _bentoml_sdk
mark("import bentoml")
import asepred.serving.service
mark("import the service module (schemas, middleware)")
from asepred.serving.loading import collector_paused
with collector_paused():  # as the worker's __init__ runs them
    from asepred.serving import answers
    mark("import the answer path (scikit-learn, RDKit, pymatgen; collector paused)")
    from asepred.core.registry import load_champion
    predictor, current = load_champion()
    mark("load the champion (read-only store query, unpickle the predictor artifact)")
    answers.model_card(predictor, current)
    from asepred.serving.records import served_records
    served_records(predictor)
    mark("model card and the served records")
import sys
print(json.dumps([(b[0], b[1] - a[1], b[2] - a[2]) for a, b in zip(marks, marks[1:])]))
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules} & HEAVY)))
"""


def stages(repeats: int) -> tuple[list[tuple[str, float, float]], list[str]]:
    """Each stage's best wall and CPU seconds over ``repeats`` fresh processes, and the heavy libraries imported."""
    outputs = [subprocess.check_output([sys.executable, "-c", STAGES % (HEAVY,)], text=True) for _ in range(repeats)]
    runs = [json.loads(out.splitlines()[0]) for out in outputs]
    imported = json.loads(outputs[0].splitlines()[1])
    best = [(runs[0][i][0], min(r[i][1] for r in runs), min(r[i][2] for r in runs)) for i in range(len(runs[0]))]
    return best, imported


def heaviest_imports(module: str, n: int = 8) -> list[tuple[str, float]]:
    """Top-level packages by cumulative import time (``python -X importtime``), seconds."""
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True)
    total: dict[str, float] = {}
    for line in err.stderr.splitlines():
        found = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if found and len(found.group(2)) <= 3:  # the module itself and its direct imports
            total[found.group(3)] = int(found.group(1)) / 1e6
    return sorted(total.items(), key=lambda kv: -kv[1])[:n]


def command_paths() -> list[list[str]]:
    """Every command of ``asepred``, sub-commands included (``[]`` is the root), read from the app itself."""
    import typer

    from asepred.cli.main import app

    paths: list[list[str]] = []

    def walk(command: object, path: list[str]) -> None:
        paths.append(path)
        if isinstance(command, typer.core.TyperGroup):
            for name in command.list_commands(typer.Context(command)):
                walk(command.get_command(typer.Context(command), name), [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


BARE_TYPER = """
import typer
app = typer.Typer()
@app.command()
def hello(name: str = "you", times: int = 1) -> None:
    "Say hello."
app()
"""


#: The same with two commands: a command's own ``--help`` then parses the group's options first, which typer
#: coerces through pydantic (~0.15 s), and renders with Rich: typer's floor for ``asepred COMMAND --help``.
BARE_TYPER_GROUP = """
import typer
app = typer.Typer()
@app.command()
def hello(name: str = "you", times: int = 1) -> None:
    "Say hello."
@app.command()
def bye(name: str = "you") -> None:
    "Say goodbye."
app()
"""


def help_times(repeats: int) -> list[tuple[str, float, float]]:
    """``asepred [COMMAND] --help`` for the root and every command and sub-command: best wall and CPU seconds of
    ``repeats`` fresh processes, the installed ``asepred`` script as a user runs it."""
    script = str(Path(sys.executable).parent / "asepred")
    commands = command_paths()
    rows = [
        ("a one-command typer app, --help", [sys.executable, "-c", BARE_TYPER, "--help"]),
        ("a two-command typer app, hello --help", [sys.executable, "-c", BARE_TYPER_GROUP, "hello", "--help"]),
    ]
    rows += [(" ".join(["asepred", *c, "--help"]), [script, *c, "--help"]) for c in commands]
    timed = []
    for label, command in rows:
        walls, cpus = [], []
        for _ in range(repeats):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            walls.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        timed.append((label, min(walls), min(cpus)))
    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="an existing store with a champion (default: train a quick one)")
    parser.add_argument("--repeats", type=int, default=3, help="fresh processes per stage list; best is shown")
    parser.add_argument("--serve-runs", type=int, default=3, help="whole starts timed per worker count (default 3)")
    parser.add_argument("--help-repeats", type=int, default=5, help="fresh processes per --help; best is shown")
    args = parser.parse_args()
    use_store(args.store)
    print("`asepred serve` to /readyz 200 (seconds, each run; load average before each):")
    cpu: dict[int, dict[str, list[float]]] = {}
    for workers in (2, 1):
        runs = []
        for _ in range(args.serve_runs):
            load = load_average()
            port = free_port()
            with running([*ASEPRED, "serve", "--port", str(port), "--workers", str(workers)], port, "/readyz") as s:
                runs.append(f"{s.ready_s:.1f} (load {load:.1f})")
                for role, seconds in s.cpu_s.items():
                    cpu.setdefault(workers, {}).setdefault(role, []).append(seconds)
        print(f"- {workers} worker{'s' if workers > 1 else ''}: {', '.join(runs)}")
    print("\nCPU seconds each kind of process spent until ready (median of the runs; workers summed):")
    for workers, roles in cpu.items():
        spent = ", ".join(f"{role} {sorted(v)[len(v) // 2]:.2f}" for role, v in roles.items())
        print(f"- {workers} worker{'s' if workers > 1 else ''}: {spent}")
    print()
    load = load_average()
    print(f"`--help`, best of {args.help_repeats} fresh processes (seconds; load average {load:.1f} before):")
    print("| command | wall | CPU |\n|---|---|---|")
    for label, wall, cpu_s in help_times(args.help_repeats):
        print(f"| `{label}` | {wall:.2f} | {cpu_s:.2f} |")
    print()
    print(f"A worker's start-up stages, best of {args.repeats} fresh processes (seconds):")
    print("| stage | wall | CPU |\n|---|---|---|")
    rows, imported = stages(args.repeats)
    for name, wall, cpu in rows:
        print(f"| {name} | {wall:.2f} | {cpu:.2f} |")
    print(f"| total | {sum(r[1] for r in rows):.2f} | {sum(r[2] for r in rows):.2f} |")
    skipped = sorted(set(HEAVY) - set(imported))
    print(f"Heavy libraries a worker imported: {', '.join(imported)}; not: {', '.join(skipped)}")
    print("\nThe CLI's own start (`import asepred.cli.main`), heaviest direct imports (cumulative seconds):")
    for name, seconds in heaviest_imports("asepred.cli.main"):
        print(f"- {name}: {seconds:.2f}")


if __name__ == "__main__":
    main()
