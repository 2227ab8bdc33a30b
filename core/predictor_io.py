"""The predictor as a file inside a logged MLflow model: written at training, loaded without importing MLflow.

Training logs the plain ``ThresholdPredictor`` as the pyfunc artifact ``predictor`` (``core/pyfunc.py``), the
MLflow way: the wrapper ``PredictorModel`` holds nothing and its ``load_context`` unpickles that artifact. A served
worker reads the same file straight from the model's folder, following the path the folder's ``MLmodel`` records
for it: importing MLflow to do so is ~0.8 s of each worker's start-up, on the two cores both workers share
(docs/performance.md, "Start-up"). A model logged before the artifact existed has none, and ``load_predictor``
hands it to MLflow's loader, imported only then.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from asepred.models.predictor import ThresholdPredictor

#: The name the predictor's file is logged under, in ``artifacts=`` and in the ``MLmodel`` file.
PREDICTOR_ARTIFACT = "predictor"
#: The file it is written to before MLflow copies it into the model's ``artifacts/`` folder.
PREDICTOR_FILENAME = "predictor.pkl"


def write_predictor(predictor: ThresholdPredictor, folder: Path) -> Path:
    """``predictor`` cloudpickled into ``folder`` (as MLflow pickles a pyfunc's model); the file's path."""
    import cloudpickle

    path = folder / PREDICTOR_FILENAME
    path.write_bytes(cloudpickle.dumps(predictor))
    return path


def read_predictor_file(path: str | Path) -> ThresholdPredictor:
    """The predictor pickled at ``path``."""
    import cloudpickle

    with open(path, "rb") as file:
        return cloudpickle.load(file)


def predictor_path(model_folder: Path) -> Path | None:
    """The predictor's file inside the local model folder ``model_folder``, as its ``MLmodel`` records it; ``None``
    if the model has no such artifact (logged before it existed) or the folder is not a readable model."""
    try:
        spec = yaml.safe_load((model_folder / "MLmodel").read_text(encoding="utf-8"))
        relative = spec["flavors"]["python_function"]["artifacts"][PREDICTOR_ARTIFACT]["path"]
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        return None
    path = (model_folder / relative).resolve()
    if not path.is_relative_to(model_folder.resolve()) or not path.is_file():
        return None
    return path


def load_predictor(model_uri: str) -> ThresholdPredictor:
    """The predictor logged at ``model_uri`` (``models:/NAME/VERSION``, ``runs:/…``, a local folder). A local
    folder holding the ``predictor`` artifact is read directly; anything else goes through MLflow's loader."""
    folder = Path(model_uri)
    found = predictor_path(folder) if "://" not in model_uri and folder.is_dir() else None
    if found is not None:
        return read_predictor_file(found)
    import mlflow.pyfunc

    try:
        # suppress_warnings skips comparing the model's pip requirements with every installed distribution: ~2 s of
        # a server's start-up, for a warning the lock file makes moot (docs/performance.md, "Start-up")
        model = mlflow.pyfunc.load_model(model_uri, suppress_warnings=True)
    except AttributeError as error:
        if error.name != "load_context":
            raise
        return _pickled_predictor(model_uri)
    return model.unwrap_python_model().predictor


def _pickled_predictor(model_uri: str) -> ThresholdPredictor:
    """A model logged before the pyfunc wrapper existed pickled the predictor itself (then an MLflow
    ``PythonModel``), which MLflow's loader can no longer prepare: it is unpickled as that loader does, so an existing
    store still serves."""
    import mlflow
    from mlflow.models import Model

    folder = Path(mlflow.artifacts.download_artifacts(model_uri))
    return read_predictor_file(folder / Model.load(folder).flavors["python_function"]["python_model"])
