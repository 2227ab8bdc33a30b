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
