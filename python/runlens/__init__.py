"""RunLens's dependency-free tracking helper.

It speaks MLflow's REST API with the standard library only, and mirrors the basics of MLflow's
fluent API, so ``import runlens as mlflow`` serves simple scripts on a machine without mlflow:

    import runlens as mlflow
    mlflow.set_experiment("demo")
    with mlflow.start_run(run_name="baseline"):
        mlflow.log_param("lr", 0.01)
        for step in range(10):
            mlflow.log_metric("loss", 1 / (step + 1), step=step)

It logs to MLFLOW_TRACKING_URI with the bearer token MLFLOW_TRACKING_TOKEN (or the basic-auth
MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD), which RunLens sets for the scripts it launches
("RunLens: Copy MLflow Tracking Environment" gives them for any terminal). As MLflow's client does, the
first ``start_run()`` resumes the run named by MLFLOW_RUN_ID (RunLens makes it beforehand when a launch
logs to a remote server), and new runs carry the tags of the JSON object in MLFLOW_RUN_CONTEXT.
"""
from __future__ import annotations

import base64
import getpass
import json
import math
import mimetypes
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, Iterable, List, Optional

__all__ = [
    "ActiveRun", "RunLensError", "active_run", "end_run", "log_artifact", "log_artifacts", "log_dict",
    "log_metric", "log_metrics", "log_param", "log_params", "log_text", "set_experiment", "set_tag",
    "set_tags", "start_run",
]

_BATCH_METRICS = 1000
_BATCH_PARAMS = 100


class RunLensError(RuntimeError):
    """A request the tracking server refused; ``error_code`` is MLflow's."""

    def __init__(self, status: int, error_code: str, message: str) -> None:
        super().__init__(f"{error_code} ({status}): {message}")
        self.status = status
        self.error_code = error_code


def _tracking_uri() -> str:
    uri = os.environ.get("MLFLOW_TRACKING_URI", "")
    if not uri.startswith(("http://", "https://")):
        raise RunLensError(0, "NOT_CONFIGURED",
                           "MLFLOW_TRACKING_URI is not an http(s) URL: run the script from RunLens, "
                           "or export the values that 'RunLens: Copy MLflow Tracking Environment' copies.")
    return uri.rstrip("/")


def _request(method: str, path: str, body: Optional[Dict[str, Any]] = None,
             query: Optional[Dict[str, str]] = None, data: Optional[bytes] = None,
             content_type: str = "application/json") -> Dict[str, Any]:
    url = _tracking_uri() + path
    if query:
        url += "?" + urllib.parse.urlencode(query)
    payload = data if data is not None else (json.dumps(body, allow_nan=True).encode() if body is not None else None)
    request = urllib.request.Request(url, data=payload, method=method)
    authorization = _authorization()
    if authorization:
        request.add_header("Authorization", authorization)
    if payload is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            text = response.read().decode() or "{}"
    except urllib.error.HTTPError as error:
        raw = error.read().decode(errors="replace")
        try:
            detail = json.loads(raw)
        except ValueError:
            detail = {"error_code": "HTTP_ERROR", "message": raw[:500]}
        raise RunLensError(error.code, detail.get("error_code", "HTTP_ERROR"), detail.get("message", "")) from None
    return json.loads(text)


def _authorization() -> Optional[str]:
    """Basic auth when a user name and password are set (MLflow's client prefers them), else the bearer token."""
    username = os.environ.get("MLFLOW_TRACKING_USERNAME")
    password = os.environ.get("MLFLOW_TRACKING_PASSWORD")
    if username and password:
        return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
    token = os.environ.get("MLFLOW_TRACKING_TOKEN")
    return f"Bearer {token}" if token else None


def _api(method: str, endpoint: str, **kwargs: Any) -> Dict[str, Any]:
    return _request(method, "/api/2.0/mlflow/" + endpoint, **kwargs)


def _now_ms() -> int:
    return int(time.time() * 1000)


class ActiveRun:
    """The run that ``start_run`` opened; a context manager that ends it."""

    def __init__(self, info: Dict[str, Any]) -> None:
        self.info = info

    @property
    def run_id(self) -> str:
        return self.info["run_id"]

    def __enter__(self) -> "ActiveRun":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        end_run("FINISHED" if exc_type is None else "FAILED")
        return False


_experiment_id: Optional[str] = None
_run_stack: List[ActiveRun] = []


def set_experiment(name: str) -> str:
    """Makes ``name`` the experiment for runs started next, creating it when it does not exist."""
    global _experiment_id
    try:
        experiment = _api("GET", "experiments/get-by-name", query={"experiment_name": name})["experiment"]
        if experiment.get("lifecycle_stage") == "deleted":
            raise RunLensError(400, "INVALID_STATE", f"experiment '{name}' is deleted; restore it or pick another name")
        _experiment_id = experiment["experiment_id"]
    except RunLensError as error:
        if error.error_code != "RESOURCE_DOES_NOT_EXIST":
            raise
        _experiment_id = _api("POST", "experiments/create", body={"name": name})["experiment_id"]
    return _experiment_id


def _default_experiment_id() -> str:
    """The experiment set_experiment chose, else the one MLflow's environment variables name, else Default."""
    if _experiment_id:
        return _experiment_id
    if os.environ.get("MLFLOW_EXPERIMENT_ID"):
        return os.environ["MLFLOW_EXPERIMENT_ID"]
    if os.environ.get("MLFLOW_EXPERIMENT_NAME"):
        return set_experiment(os.environ["MLFLOW_EXPERIMENT_NAME"])
    return "0"


def _context_tags() -> Dict[str, str]:
    """What MLflow's default run context records, then the tags MLFLOW_RUN_CONTEXT holds (a JSON object)."""
    tags = {"mlflow.user": getpass.getuser(), "mlflow.source.type": "LOCAL"}
    if sys.argv and sys.argv[0]:
        tags["mlflow.source.name"] = sys.argv[0]
    context = os.environ.get("MLFLOW_RUN_CONTEXT")
    if context:
        tags.update({str(k): str(v) for k, v in json.loads(context).items()})
    return tags


def _resume(run_id: str, tags: Dict[str, str]) -> ActiveRun:
    """The run ``run_id`` made active again, as ``mlflow.start_run(run_id=...)`` does: RUNNING, with ``tags`` added."""
    run = _api("GET", "runs/get", query={"run_id": run_id})["run"]
    info = run["info"]
    if info.get("lifecycle_stage") == "deleted":
        raise RunLensError(400, "INVALID_STATE", f"run {run_id} is deleted; restore it or start another")
    if _experiment_id is not None and _experiment_id != info["experiment_id"]:
        raise RunLensError(400, "INVALID_PARAMETER_VALUE",
                           f"cannot resume run {run_id}: it is in experiment {info['experiment_id']}, "
                           f"and set_experiment chose {_experiment_id}")
    _api("POST", "runs/update", body={"run_id": run_id, "status": "RUNNING"})
    if tags:
        _api("POST", "runs/log-batch", body={"run_id": run_id, "tags": [{"key": k, "value": v} for k, v in tags.items()]})
    return ActiveRun(info)


def start_run(run_id: Optional[str] = None, run_name: Optional[str] = None, nested: bool = False,
              tags: Optional[Dict[str, Any]] = None) -> ActiveRun:
    """Starts a run (a child of the active run when ``nested``), or resumes ``run_id``, as ``mlflow.start_run`` does.

    Without ``run_id``, a top-level start resumes the run MLFLOW_RUN_ID names; ``end_run`` unsets it,
    so the runs started after that one are new.
    """
    if _run_stack and not nested:
        raise RunLensError(0, "INVALID_STATE",
                           f"run {_run_stack[-1].run_id} is already active; end it or pass nested=True")
    user_tags = {str(k): str(v) for k, v in (tags or {}).items()}
    resume = run_id or (None if _run_stack else os.environ.get("MLFLOW_RUN_ID"))
    if resume:
        run = _resume(resume, user_tags)
        _run_stack.append(run)
        return run
    all_tags = {**_context_tags(), **user_tags}
    if _run_stack:
        all_tags["mlflow.parentRunId"] = _run_stack[-1].run_id
    body: Dict[str, Any] = {
        "experiment_id": _default_experiment_id(),
        "start_time": _now_ms(),
        "user_id": getpass.getuser(),
        "tags": [{"key": k, "value": v} for k, v in all_tags.items()],
    }
    if run_name:
        body["run_name"] = run_name
    run = ActiveRun(_api("POST", "runs/create", body=body)["run"]["info"])
    _run_stack.append(run)
    return run


def active_run() -> Optional[ActiveRun]:
    return _run_stack[-1] if _run_stack else None


def end_run(status: str = "FINISHED") -> None:
    if not _run_stack:
        return
    run = _run_stack.pop()
    _api("POST", "runs/update", body={"run_id": run.run_id, "status": status, "end_time": _now_ms()})
    # As MLflow's client: the run named by MLFLOW_RUN_ID is resumed once; later runs are new.
    os.environ.pop("MLFLOW_RUN_ID", None)


def _run_id() -> str:
    return (active_run() or start_run()).run_id


def log_param(key: str, value: Any) -> Any:
    _api("POST", "runs/log-parameter", body={"run_id": _run_id(), "key": key, "value": str(value)})
    return value


def log_params(params: Dict[str, Any]) -> None:
    items = [{"key": str(k), "value": str(v)} for k, v in params.items()]
    for start in range(0, len(items), _BATCH_PARAMS):
        _api("POST", "runs/log-batch", body={"run_id": _run_id(), "params": items[start:start + _BATCH_PARAMS]})


def _metric(key: str, value: float, step: Optional[int], timestamp: int) -> Dict[str, Any]:
    number = float(value)
    return {"key": key, "value": number if math.isfinite(number) else str(number).replace("inf", "Infinity").replace("nan", "NaN"),
            "timestamp": timestamp, "step": int(step or 0)}


def log_metric(key: str, value: float, step: Optional[int] = None) -> None:
    _api("POST", "runs/log-metric", body={"run_id": _run_id(), **_metric(key, value, step, _now_ms())})


def log_metrics(metrics: Dict[str, float], step: Optional[int] = None) -> None:
    timestamp = _now_ms()
    items = [_metric(k, v, step, timestamp) for k, v in metrics.items()]
    for start in range(0, len(items), _BATCH_METRICS):
        _api("POST", "runs/log-batch", body={"run_id": _run_id(), "metrics": items[start:start + _BATCH_METRICS]})


def set_tag(key: str, value: Any) -> None:
    _api("POST", "runs/set-tag", body={"run_id": _run_id(), "key": key, "value": str(value)})


def set_tags(tags: Dict[str, Any]) -> None:
    _api("POST", "runs/log-batch", body={"run_id": _run_id(), "tags": [{"key": str(k), "value": str(v)} for k, v in tags.items()]})


def _artifact_root() -> str:
    info = _api("GET", "runs/get", query={"run_id": _run_id()})["run"]["info"]
    uri = info["artifact_uri"]
    prefix = "mlflow-artifacts:/"
    if not uri.startswith(prefix):
        raise RunLensError(0, "UNSUPPORTED", f"artifact location {uri} is not served by the tracking server")
    return uri[len(prefix):].strip("/")


def _upload(data: bytes, artifact_path: str, content_type: str) -> None:
    path = urllib.parse.quote(f"{_artifact_root()}/{artifact_path.strip('/')}")
    _request("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{path}", data=data, content_type=content_type)


def log_artifact(local_path: str, artifact_path: Optional[str] = None) -> None:
    name = os.path.basename(local_path)
    target = f"{artifact_path.strip('/')}/{name}" if artifact_path else name
    with open(local_path, "rb") as handle:
        _upload(handle.read(), target, mimetypes.guess_type(name)[0] or "application/octet-stream")


def log_artifacts(local_dir: str, artifact_path: Optional[str] = None) -> None:
    for folder, _dirs, files in os.walk(local_dir):
        relative = os.path.relpath(folder, local_dir)
        for name in files:
            parts: Iterable[str] = (p for p in (artifact_path, None if relative == "." else relative) if p)
            log_artifact(os.path.join(folder, name), "/".join(parts) or None)


def log_text(text: str, artifact_file: str) -> None:
    _upload(text.encode(), artifact_file, "text/plain")


def log_dict(dictionary: Dict[str, Any], artifact_file: str) -> None:
    _upload(json.dumps(dictionary, indent=2).encode(), artifact_file, "application/json")
