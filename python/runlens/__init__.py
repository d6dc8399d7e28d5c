"""RunLens's dependency-free tracking helper.

It speaks MLflow's REST API with the standard library only (Python 3.8+), and mirrors MLflow's fluent
API, so ``import runlens as mlflow`` serves simple scripts on a machine without mlflow:

    import runlens as mlflow
    mlflow.set_experiment("demo")
    with mlflow.start_run(run_name="baseline") as run:
        mlflow.log_param("lr", 0.01)
        for step in range(10):
            mlflow.log_metric("loss", 1 / (step + 1), step=step)
    print(mlflow.get_run(run.info.run_id).data.metrics)

It logs to MLFLOW_TRACKING_URI with the bearer token MLFLOW_TRACKING_TOKEN (or the basic-auth
MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD), which RunLens sets for the scripts it launches
("RunLens: Copy MLflow Tracking Environment" gives them for any terminal). As MLflow's client does, the
first ``start_run()`` resumes the run named by MLFLOW_RUN_ID (RunLens makes it beforehand when a launch
logs to a remote server), new runs carry the tags of the JSON object in MLFLOW_RUN_CONTEXT, and requests
are retried on 408, 429 and 5xx replies and lost connections (MLFLOW_HTTP_REQUEST_MAX_RETRIES,
_BACKOFF_FACTOR, _BACKOFF_JITTER and _TIMEOUT, with MLflow's defaults).

``log_model`` and ``register_model`` are the helper's own: MLflow's flavors need their libraries, so it
logs a JSON-serialisable model as JSON and anything else as a pickle, as MLflow 3 logs and registers a model.
"""
from ._artifacts import log_artifact, log_artifacts, log_dict, log_figure, log_text
from ._entities import Experiment, Run, RunData, RunInfo
from ._fluent import (
    ActiveRun, active_run, end_run, get_experiment, get_experiment_by_name, get_run, last_active_run, log_metric,
    log_metrics, log_param, log_params, set_experiment, set_tag, set_tags, start_run,
)
from ._http import RunLensError
from ._models import ModelInfo, ModelVersion, log_model, register_model

__all__ = [
    "ActiveRun", "Experiment", "ModelInfo", "ModelVersion", "Run", "RunData", "RunInfo", "RunLensError",
    "active_run", "end_run", "get_experiment", "get_experiment_by_name", "get_run", "last_active_run",
    "log_artifact", "log_artifacts", "log_dict", "log_figure", "log_metric", "log_metrics", "log_model",
    "log_param", "log_params", "log_text", "register_model", "set_experiment", "set_tag", "set_tags", "start_run",
]
