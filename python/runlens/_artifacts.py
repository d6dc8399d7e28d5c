"""Artifacts, uploaded as MLflow's client uploads them: one raw PUT per file to the server's mlflow-artifacts API."""
from __future__ import annotations

import io
import json
import mimetypes
import os
import posixpath
import urllib.parse
from typing import Any, Dict, Optional

from ._fluent import get_run, run_id_or_active
from ._http import RunLensError, request

_PROXIED_PREFIX = "mlflow-artifacts:/"


def artifact_root(artifact_uri: str) -> str:
    """The path under /api/2.0/mlflow-artifacts/artifacts/ that an ``mlflow-artifacts:/`` URI names."""
    if not artifact_uri.startswith(_PROXIED_PREFIX):
        raise RunLensError(0, "UNSUPPORTED", f"artifact location {artifact_uri} is not served by the tracking server")
    return artifact_uri[len(_PROXIED_PREFIX):].strip("/")


def content_type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def upload(root: str, artifact_path: str, data: bytes) -> None:
    """Puts ``data`` at ``artifact_path`` under ``root`` (an artifact_root), typed by its extension as MLflow's client does."""
    path = urllib.parse.quote(posixpath.join(root, artifact_path.strip("/")))
    request("PUT", f"/api/2.0/mlflow-artifacts/artifacts/{path}", data=data, content_type=content_type(artifact_path))


def _run_root(run_id: Optional[str]) -> str:
    return artifact_root(get_run(run_id_or_active(run_id)).info.artifact_uri)


def _target(artifact_file: str) -> str:
    target = artifact_file.strip("/")
    if not target or ".." in target.split("/"):
        raise RunLensError(0, "INVALID_PARAMETER_VALUE", f"artifact path {artifact_file!r} must name a file inside the run")
    return target


def log_artifact(local_path: str, artifact_path: Optional[str] = None, run_id: Optional[str] = None) -> None:
    name = os.path.basename(local_path)
    with open(local_path, "rb") as handle:
        upload(_run_root(run_id), posixpath.join(artifact_path.strip("/"), name) if artifact_path else name, handle.read())


def log_artifacts(local_dir: str, artifact_path: Optional[str] = None, run_id: Optional[str] = None) -> None:
    """Every file under ``local_dir``, at the same relative path under ``artifact_path``."""
    root = _run_root(run_id)
    for folder, _dirs, files in os.walk(local_dir):
        relative = os.path.relpath(folder, local_dir).replace(os.sep, "/")
        prefix = "/".join(p for p in (artifact_path and artifact_path.strip("/"), None if relative == "." else relative) if p)
        for name in sorted(files):
            with open(os.path.join(folder, name), "rb") as handle:
                upload(root, posixpath.join(prefix, name) if prefix else name, handle.read())


def log_text(text: str, artifact_file: str, run_id: Optional[str] = None) -> None:
    upload(_run_root(run_id), _target(artifact_file), text.encode("utf-8"))


def log_dict(dictionary: Dict[str, Any], artifact_file: str, run_id: Optional[str] = None) -> None:
    """As MLflow's: JSON with an indent of 2; a .yaml or .yml file gets the same JSON, which is valid YAML
    (MLflow writes block-style YAML with PyYAML, which the standard library does not have)."""
    log_text(json.dumps(dictionary, indent=2), artifact_file, run_id)


def log_figure(figure: Any, artifact_file: str, save_kwargs: Optional[Dict[str, Any]] = None, run_id: Optional[str] = None) -> None:
    """A matplotlib figure (saved in the format its extension names) or a plotly figure (.html, or an image
    format when kaleido is installed), as ``mlflow.log_figure``. The helper imports neither library."""
    kind = type(figure).__module__.split(".")[0]
    target = _target(artifact_file)
    buffer = io.BytesIO()
    if kind == "matplotlib":
        figure.savefig(buffer, format=posixpath.splitext(target)[1].lstrip(".") or None, **(save_kwargs or {}))
        data = buffer.getvalue()
    elif kind == "plotly":
        if target.endswith(".html"):
            data = figure.to_html(**{"include_plotlyjs": "cdn", **(save_kwargs or {})}).encode("utf-8")
        else:
            data = figure.to_image(format=posixpath.splitext(target)[1].lstrip("."), **(save_kwargs or {}))
    else:
        raise TypeError(f"Unsupported figure object type: '{type(figure)}'")
    upload(_run_root(run_id), target, data)
