"""Models as MLflow 3 logs and registers them: a logged model (``models:/m-…``) with its files, then a registered version.

MLflow's flavors need their libraries; the helper logs what the standard library can write and read back:
a JSON-serialisable model (coefficients, a lookup table) as ``model.json``, anything else pickled as
``model.pkl``, described by an ``MLmodel`` file with a ``runlens`` flavor.
"""
from __future__ import annotations

import datetime
import json
import pickle
import time
import uuid
from typing import Any, Dict, Optional

from ._artifacts import artifact_root, upload
from ._fluent import context_tags, tag_list, get_run, run_id_or_active
from ._http import RunLensError, api

_MODEL_VERSIONS_TAG = "mlflow.modelVersions"
# mlflow.register_model's await_registration_for default.
_REGISTRATION_WAIT_SECONDS = 300


class ModelInfo:
    """What ``mlflow.<flavor>.log_model`` returns, for the fields scripts read."""

    def __init__(self, model: Dict[str, Any], flavors: Dict[str, Any], version: Optional["ModelVersion"]) -> None:
        info = model["info"]
        self.model_id: str = info["model_id"]
        self.name: str = info.get("name", "")
        self.run_id: str = info.get("source_run_id", "")
        self.model_uri: str = f"models:/{self.model_id}"
        self.artifact_path: str = info.get("artifact_uri", "")
        self.flavors = flavors
        self.registered_model_version: Optional[str] = version.version if version else None


class ModelVersion:
    """A registered model's version, as ``mlflow.register_model`` returns it."""

    def __init__(self, version: Dict[str, Any]) -> None:
        self.name: str = version["name"]
        self.version: str = str(version["version"])
        self.source: str = version.get("source", "")
        self.run_id: str = version.get("run_id", "")
        self.model_id: str = version.get("model_id", "")
        self.status: str = version.get("status", "")
        self.current_stage: str = version.get("current_stage", "")


def _serialise(model: Any) -> "tuple[str, str, bytes]":
    """(file name, format, bytes): JSON when the model is JSON data, else a pickle."""
    try:
        return "model.json", "json", json.dumps(model, indent=2, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError):
        return "model.pkl", "pickle", pickle.dumps(model, protocol=pickle.DEFAULT_PROTOCOL)


def _mlmodel(artifact_uri: str, model_id: str, run_id: str, flavors: Dict[str, Any], size: int) -> str:
    """MLflow's MLmodel file, as YAML; strings are written JSON-quoted, which YAML reads the same."""
    created = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    lines = [f"artifact_path: {json.dumps(artifact_uri)}", "flavors:"]
    for flavor, fields in flavors.items():
        lines.append(f"  {flavor}:")
        lines.extend(f"    {key}: {json.dumps(value)}" for key, value in fields.items())
    lines += [
        f"model_id: {json.dumps(model_id)}",
        f"model_size_bytes: {size}",
        f"model_uuid: {json.dumps(uuid.uuid4().hex)}",
        f"run_id: {json.dumps(run_id)}",
        f"utc_time_created: {json.dumps(created)}",
    ]
    return "\n".join(lines) + "\n"


def log_model(model: Any, name: str, registered_model_name: Optional[str] = None,
              params: Optional[Dict[str, Any]] = None, tags: Optional[Dict[str, Any]] = None) -> ModelInfo:
    """Logs ``model`` in the active run as MLflow 3's ``log_model`` does: a logged model in the run's experiment
    carrying the run's params (and ``params``), linked to the run as an output, its files uploaded, then
    marked READY; registered as a new version of ``registered_model_name`` when given."""
    run = get_run(run_id_or_active())
    file_name, data_format, data = _serialise(model)
    model_params = {**run.data.params, **{str(k): str(v) for k, v in (params or {}).items()}}
    created = api("POST", "logged-models", body={
        "experiment_id": run.info.experiment_id,
        "name": name,
        "source_run_id": run.info.run_id,
        "params": [{"key": k, "value": v} for k, v in model_params.items()],
        "tags": tag_list({**context_tags(), **(tags or {})}),
    })["model"]
    model_id = created["info"]["model_id"]
    api("POST", "runs/outputs", body={"run_id": run.info.run_id, "models": [{"model_id": model_id, "step": 0}]})
    flavors = {"runlens": {"data": file_name, "format": data_format}}
    root = artifact_root(created["info"]["artifact_uri"])
    upload(root, "MLmodel", _mlmodel(created["info"]["artifact_uri"], model_id, run.info.run_id, flavors, len(data)).encode("utf-8"))
    upload(root, file_name, data)
    ready = api("PATCH", f"logged-models/{model_id}", body={"model_id": model_id, "status": "LOGGED_MODEL_READY"})["model"]
    version = register_model(f"models:/{model_id}", registered_model_name) if registered_model_name else None
    return ModelInfo(ready, flavors, version)


def _logged_model_id(model_uri: str) -> str:
    """The logged model a ``models:/<model_id>`` or ``runs:/<run_id>/<name>`` URI names."""
    if model_uri.startswith("models:/m-") and "/" not in model_uri[len("models:/"):]:
        return model_uri[len("models:/"):]
    if model_uri.startswith("runs:/"):
        run_id, _, name = model_uri[len("runs:/"):].partition("/")
        name = name.strip("/")
        if run_id and name and "'" not in name:
            run = get_run(run_id)
            found = api("POST", "logged-models/search", body={
                "experiment_ids": [run.info.experiment_id], "filter": f"name = '{name}'",
            }).get("models") or []
            ids = [m["info"]["model_id"] for m in found if m["info"].get("source_run_id") == run_id]
            if ids:
                return ids[0]
            raise RunLensError(404, "RESOURCE_DOES_NOT_EXIST", f"run {run_id} logged no model named {name!r}")
    raise RunLensError(0, "INVALID_PARAMETER_VALUE",
                       f"cannot register {model_uri!r}: use 'models:/<model_id>' or 'runs:/<run_id>/<model name>'")


def register_model(model_uri: str, name: str, tags: Optional[Dict[str, Any]] = None) -> ModelVersion:
    """A new version of registered model ``name`` (created when missing) from a logged model, as
    ``mlflow.register_model`` does with MLflow 3: its source is ``models:/<model_id>``."""
    try:
        api("POST", "registered-models/create", body={"name": name})
    except RunLensError as error:
        if error.error_code != "RESOURCE_ALREADY_EXISTS":
            raise
    model_id = _logged_model_id(model_uri)
    model = api("GET", f"logged-models/{model_id}")["model"]
    body: Dict[str, Any] = {"name": name, "source": f"models:/{model_id}", "model_id": model_id}
    if model["info"].get("source_run_id"):
        body["run_id"] = model["info"]["source_run_id"]
    if tags:
        body["tags"] = tag_list(tags)
    version = ModelVersion(api("POST", "model-versions/create", body=body)["model_version"])
    deadline = time.time() + _REGISTRATION_WAIT_SECONDS
    while version.status == "PENDING_REGISTRATION" and time.time() < deadline:
        time.sleep(1)
        version = ModelVersion(api("GET", "model-versions/get", query={"name": name, "version": version.version})["model_version"])
    _record_version(model_id, name, version.version)
    return version


def _record_version(model_id: str, name: str, version: str) -> None:
    """Appends the version to the logged model's mlflow.modelVersions tag, as MLflow's client does
    (the server may have listed it already; an identical entry is not repeated)."""
    tags = {t["key"]: t["value"] for t in api("GET", f"logged-models/{model_id}")["model"]["info"].get("tags") or []}
    try:
        entries = json.loads(tags.get(_MODEL_VERSIONS_TAG, "[]"))
    except ValueError:
        entries = []
    entry = {"name": name, "version": version}
    if not isinstance(entries, list) or entry in entries:
        return
    value = json.dumps(entries + [entry])
    api("PATCH", f"logged-models/{model_id}/tags", body={"tags": [{"key": _MODEL_VERSIONS_TAG, "value": value}]})
