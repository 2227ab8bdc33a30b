"""What a server's start-up imports: the supervisor imports the service module before any worker starts, and each
worker then imports the answer path and loads the champion; both budgets are in docs/performance.md, "Start-up"."""

from __future__ import annotations

import subprocess
import sys

from asepred.core.registry import load_champion


def test_a_worker_loads_the_champion_without_importing_mlflow(use_trained_store) -> None:
    """The served path (the service module, the answer path, the champion) reads the model's ``predictor``
    artifact itself: MLflow's import is ~0.8 s of each worker's start-up (docs/performance.md, "Start-up")."""
    code = (
        "import sys\n"
        "import asepred.serving.service\n"
        "from asepred.serving import answers\n"
        "from asepred.core.registry import load_champion\n"
        "predictor, current = load_champion()\n"
        "answers.model_card(predictor, current)\n"
        "print(type(predictor).__name__, current.version)\n"
        "loaded = sorted(m for m in sys.modules if m == 'mlflow' or m.startswith('mlflow.'))\n"
        "assert not loaded, loaded[:5]\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ThresholdPredictor", load_champion()[1].version]


def test_the_servers_supervisor_imports_no_pandas() -> None:
    """BentoML's supervisor imports the service module before any worker starts: it must stay light."""
    code = (
        "import sys\n"
        "import asepred.serving.service\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'numpy', 'sklearn', 'mlflow', 'rdkit'})\n"
        "assert not heavy, heavy\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_collector_is_paused_while_loading_and_back_on_after() -> None:
    """``collector_paused``: off inside; on after, with what was loaded frozen; on after a failure too, unfrozen."""
    code = (
        "import gc\n"
        "from asepred.serving.loading import collector_paused\n"
        "try:\n"
        "    with collector_paused():\n"
        "        assert not gc.isenabled()\n"
        "        raise RuntimeError('the champion cannot be loaded')\n"
        "except RuntimeError:\n"
        "    pass\n"
        "assert gc.isenabled() and gc.get_freeze_count() == 0\n"
        "with collector_paused():\n"
        "    kept = [[i] for i in range(1000)]\n"
        "assert gc.isenabled() and gc.get_freeze_count() >= 1000\n"
        "gc.unfreeze()\n"
        "with collector_paused(freeze=False):\n"
        "    kept = [[i] for i in range(1000)]\n"
        "assert gc.isenabled() and gc.get_freeze_count() == 0\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_the_server_launcher_says_what_it_takes() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "asepred.serving.launch", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "--host" in done.stdout and "--port" in done.stdout and "127.0.0.1" in done.stdout
