"""MLflow's fluent run API (``mlflow.tracking.fluent``): the active run, experiments, params, metrics and tags."""
from __future__ import annotations

import getpass
import json
import math
import os
import sys
import time
from typing import Any, Dict, List, Optional

from ._entities import Experiment, Run
from ._http import RunLensError, api

_BATCH_METRICS = 1000
_BATCH_PARAMS = 100
_RUN_NAME_TAG = "mlflow.runName"
_PARENT_RUN_TAG = "mlflow.parentRunId"
_NOTE_TAG = "mlflow.note.content"


class ActiveRun(Run):
    """The run ``start_run`` opened: a ``Run`` (``info``, ``data`` as they were at its start) that ends it on ``with`` exit."""

    def __init__(self, run: Run) -> None:
        self.info = run.info
        self.data = run.data

    def __enter__(self) -> "ActiveRun":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        # As MLflow's: end it only if it is still active (the block may have ended it already).
        if any(run.info.run_id == self.info.run_id for run in _run_stack):
            end_run("FINISHED" if exc_type is None else "FAILED")
        return exc_type is None


_active_experiment_id: Optional[str] = None
_run_stack: List[ActiveRun] = []
_last_active_run_id: Optional[str] = None


def _now_ms() -> int:
    return int(time.time() * 1000)


def set_experiment(experiment_name: Optional[str] = None, experiment_id: Optional[str] = None) -> Experiment:
    """Makes the experiment named (created when missing) or given by id the one runs start in, as MLflow does."""
    global _active_experiment_id
    if (experiment_name is None) == (experiment_id is None):
        raise RunLensError(0, "INVALID_PARAMETER_VALUE", "Must specify exactly one of: `experiment_id` or `experiment_name`.")
    if experiment_id is not None:
        experiment = get_experiment(str(experiment_id))
    else:
        experiment = get_experiment_by_name(experiment_name)
        if experiment is None:
            try:
                created = api("POST", "experiments/create", body={"name": experiment_name})["experiment_id"]
                experiment = get_experiment(created)
            except RunLensError as error:
                # Another process made it between the two calls.
                if error.error_code != "RESOURCE_ALREADY_EXISTS":
                    raise
                experiment = get_experiment_by_name(experiment_name)
    if experiment is None or experiment.lifecycle_stage != "active":
        raise RunLensError(400, "INVALID_PARAMETER_VALUE",
                           f"Cannot set a deleted experiment {experiment_name or experiment_id!r} as the active "
                           "experiment; restore it or pick another name")
    _active_experiment_id = experiment.experiment_id
    # As MLflow's: subprocesses inherit it.
    os.environ["MLFLOW_EXPERIMENT_ID"] = _active_experiment_id
    return experiment


def get_experiment(experiment_id: str) -> Experiment:
    return Experiment(api("GET", "experiments/get", query={"experiment_id": experiment_id})["experiment"])


def get_experiment_by_name(name: str) -> Optional[Experiment]:
    try:
        return Experiment(api("GET", "experiments/get-by-name", query={"experiment_name": name})["experiment"])
    except RunLensError as error:
        if error.error_code == "RESOURCE_DOES_NOT_EXIST":
            return None
        raise


def _experiment_id() -> str:
    """set_experiment's choice, else MLFLOW_EXPERIMENT_NAME (created when missing), else MLFLOW_EXPERIMENT_ID, else Default."""
    if _active_experiment_id:
        return _active_experiment_id
    name = os.environ.get("MLFLOW_EXPERIMENT_NAME")
    from_env = os.environ.get("MLFLOW_EXPERIMENT_ID")
    if name:
        experiment = get_experiment_by_name(name)
        if experiment is None:
            return api("POST", "experiments/create", body={"name": name})["experiment_id"]
        if from_env and from_env != experiment.experiment_id:
            raise RunLensError(0, "INVALID_PARAMETER_VALUE",
                               f"MLFLOW_EXPERIMENT_ID {from_env} does not match the experiment id "
                               f"{experiment.experiment_id} of MLFLOW_EXPERIMENT_NAME {name!r}")
        return experiment.experiment_id
    return from_env or "0"


def context_tags() -> Dict[str, str]:
    """What MLflow's default run context records, then the tags MLFLOW_RUN_CONTEXT holds (a JSON object)."""
    tags = {"mlflow.user": getpass.getuser(), "mlflow.source.type": "LOCAL"}
    if sys.argv and sys.argv[0]:
        tags["mlflow.source.name"] = sys.argv[0]
    context = os.environ.get("MLFLOW_RUN_CONTEXT")
    if context:
        tags.update({str(k): str(v) for k, v in json.loads(context).items()})
    return tags


def tag_list(tags: Dict[str, Any]) -> List[Dict[str, str]]:
    return [{"key": str(k), "value": str(v)} for k, v in tags.items()]


def _with_description(tags: Optional[Dict[str, Any]], description: Optional[str]) -> Dict[str, str]:
    result = {str(k): str(v) for k, v in (tags or {}).items()}
    if description:
        if _NOTE_TAG in result:
            raise RunLensError(0, "INVALID_PARAMETER_VALUE",
                               f"Description is already set via the tag {_NOTE_TAG} in tags; remove one of them.")
        result[_NOTE_TAG] = description
    return result


def _resume(run_id: str, run_name: Optional[str], tags: Dict[str, str]) -> Run:
    """Makes ``run_id`` RUNNING again, as ``mlflow.start_run(run_id=...)`` does: renamed to ``run_name`` when given
    (the server then sets the mlflow.runName tag), with ``tags`` added."""
    info = get_run(run_id).info
    if _active_experiment_id is not None and _active_experiment_id != info.experiment_id:
        raise RunLensError(400, "INVALID_PARAMETER_VALUE",
                           f"cannot resume run {run_id}: it is in experiment {info.experiment_id}, "
                           f"and set_experiment chose {_active_experiment_id}")
    if info.lifecycle_stage == "deleted":
        raise RunLensError(400, "INVALID_STATE", f"run {run_id} is deleted; restore it or start another")
    update: Dict[str, Any] = {"run_id": run_id, "status": "RUNNING"}
    if info.end_time is not None:
        update["end_time"] = info.end_time
    if run_name:
        update["run_name"] = run_name
    api("POST", "runs/update", body=update)
    if tags:
        api("POST", "runs/log-batch", body={"run_id": run_id, "tags": tag_list(tags)})
    return get_run(run_id)


def start_run(run_id: Optional[str] = None, experiment_id: Optional[str] = None, run_name: Optional[str] = None,
              nested: bool = False, parent_run_id: Optional[str] = None, tags: Optional[Dict[str, Any]] = None,
              description: Optional[str] = None) -> ActiveRun:
    """Starts a run, or resumes ``run_id``, as ``mlflow.start_run`` does.

    Without ``run_id``, the first start resumes the run MLFLOW_RUN_ID names and unsets the variable, so
    the runs started after it are new. A run started while another is active must be ``nested``; it
    records its parent in the mlflow.parentRunId tag.
    """
    if _run_stack and not nested:
        raise RunLensError(0, "INVALID_STATE",
                           f"Run with UUID {_run_stack[0].info.run_id} is already active. To start a new run, first "
                           "end the current run with end_run(). To start a nested run, call start_run with nested=True")
    user_tags = _with_description(tags, description)
    existing = run_id or os.environ.pop("MLFLOW_RUN_ID", None)
    if existing:
        run = _resume(existing, run_name, user_tags)
    else:
        if parent_run_id and _run_stack and parent_run_id != _run_stack[-1].info.run_id:
            raise RunLensError(0, "INVALID_PARAMETER_VALUE",
                               f"Current run {_run_stack[-1].info.run_id} does not match parent_run_id {parent_run_id}")
        parent = parent_run_id or (_run_stack[-1].info.run_id if _run_stack else None)
        if parent:
            user_tags[_PARENT_RUN_TAG] = parent
        if run_name:
            user_tags[_RUN_NAME_TAG] = run_name
        body: Dict[str, Any] = {
            "experiment_id": str(experiment_id) if experiment_id is not None else _experiment_id(),
            "user_id": getpass.getuser(),
            "start_time": _now_ms(),
            "tags": tag_list({**context_tags(), **user_tags}),
        }
        if run_name:
            body["run_name"] = run_name
        run = Run(api("POST", "runs/create", body=body)["run"])
    _run_stack.append(ActiveRun(run))
    return _run_stack[-1]


def active_run() -> Optional[ActiveRun]:
    """The run ``start_run`` made active, or None; its ``data`` is as it was at the start (``get_run`` reads it now)."""
    return _run_stack[-1] if _run_stack else None


def last_active_run() -> Optional[Run]:
    """The active run, else the last run this process ended (read again from the server), else None."""
    current = active_run()
    if current is not None:
        return current
    return get_run(_last_active_run_id) if _last_active_run_id else None


def get_run(run_id: str) -> Run:
    """The run as the server holds it now: ``info``, and ``data`` with params, latest metric values and tags."""
    return Run(api("GET", "runs/get", query={"run_id": run_id})["run"])


def end_run(status: str = "FINISHED") -> None:
    """Ends the active run (if any) with ``status``, as ``mlflow.end_run`` does; MLFLOW_RUN_ID is unset.

    Unlike MLflow's client, the helper does not end runs left open at exit as FINISHED: a script that
    exits with an error code or an exception did not finish, and RunLens ends such runs by the exit code.
    """
    global _last_active_run_id
    if not _run_stack:
        return
    os.environ.pop("MLFLOW_RUN_ID", None)
    run = _run_stack.pop()
    _last_active_run_id = run.info.run_id
    api("POST", "runs/update", body={"run_id": run.info.run_id, "status": status, "end_time": _now_ms()})


def run_id_or_active(run_id: Optional[str] = None) -> str:
    """``run_id``, else the active run's id, starting a run when none is active (MLflow's logging calls do)."""
    if run_id:
        return run_id
    return (active_run() or start_run()).info.run_id


def log_param(key: str, value: Any) -> Any:
    api("POST", "runs/log-parameter", body={"run_id": run_id_or_active(), "key": key, "value": str(value)})
    return value


def log_params(params: Dict[str, Any]) -> None:
    items = [{"key": str(k), "value": str(v)} for k, v in params.items()]
    for start in range(0, len(items), _BATCH_PARAMS):
        api("POST", "runs/log-batch", body={"run_id": run_id_or_active(), "params": items[start:start + _BATCH_PARAMS]})


def _metric(key: str, value: float, step: Optional[int], timestamp: int) -> Dict[str, Any]:
    number = float(value)
    return {"key": key, "value": number if math.isfinite(number) else str(number).replace("inf", "Infinity").replace("nan", "NaN"),
            "timestamp": timestamp, "step": int(step or 0)}


def log_metric(key: str, value: float, step: Optional[int] = None, timestamp: Optional[int] = None) -> None:
    api("POST", "runs/log-metric", body={"run_id": run_id_or_active(), **_metric(key, value, step, timestamp or _now_ms())})


def log_metrics(metrics: Dict[str, float], step: Optional[int] = None, timestamp: Optional[int] = None) -> None:
    moment = timestamp or _now_ms()
    items = [_metric(k, v, step, moment) for k, v in metrics.items()]
    for start in range(0, len(items), _BATCH_METRICS):
        api("POST", "runs/log-batch", body={"run_id": run_id_or_active(), "metrics": items[start:start + _BATCH_METRICS]})


def set_tag(key: str, value: Any) -> None:
    api("POST", "runs/set-tag", body={"run_id": run_id_or_active(), "key": key, "value": str(value)})


def set_tags(tags: Dict[str, Any]) -> None:
    api("POST", "runs/log-batch", body={"run_id": run_id_or_active(), "tags": tag_list(tags)})
