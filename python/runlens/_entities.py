"""MLflow-shaped objects over the REST API's JSON: ``run.info.run_id``, ``run.data.params`` and so on."""
from __future__ import annotations

from typing import Any, Dict, List, Optional


class RunInfo:
    """The attributes of ``mlflow.entities.RunInfo``."""

    def __init__(self, info: Dict[str, Any]) -> None:
        self.run_id: str = info.get("run_id") or info.get("run_uuid", "")
        self.run_uuid: str = self.run_id
        self.experiment_id: str = info.get("experiment_id", "")
        self.run_name: str = info.get("run_name", "")
        self.user_id: str = info.get("user_id", "")
        self.status: str = info.get("status", "")
        self.start_time: Optional[int] = _int(info.get("start_time"))
        self.end_time: Optional[int] = _int(info.get("end_time"))
        self.artifact_uri: str = info.get("artifact_uri", "")
        self.lifecycle_stage: str = info.get("lifecycle_stage", "")

    def __repr__(self) -> str:
        return f"<RunInfo: run_id={self.run_id!r}, run_name={self.run_name!r}, status={self.status!r}>"


class RunData:
    """The attributes of ``mlflow.entities.RunData``: dicts of params, latest metric values and tags."""

    def __init__(self, data: Dict[str, Any]) -> None:
        self.params: Dict[str, str] = _pairs(data.get("params"))
        self.tags: Dict[str, str] = _pairs(data.get("tags"))
        # NaN and the infinities may come back as the strings "NaN" and "Infinity"; float reads both.
        self.metrics: Dict[str, float] = {m["key"]: float(m["value"]) for m in data.get("metrics") or []}

    def __repr__(self) -> str:
        return f"<RunData: params={self.params!r}, metrics={self.metrics!r}, tags={self.tags!r}>"


class Run:
    """``mlflow.entities.Run``: ``info`` and ``data``."""

    def __init__(self, run: Dict[str, Any]) -> None:
        self.info = RunInfo(run.get("info") or {})
        self.data = RunData(run.get("data") or {})

    def __repr__(self) -> str:
        return f"<Run: info={self.info!r}, data={self.data!r}>"


class Experiment:
    """The attributes of ``mlflow.entities.Experiment`` that scripts read."""

    def __init__(self, experiment: Dict[str, Any]) -> None:
        self.experiment_id: str = experiment.get("experiment_id", "")
        self.name: str = experiment.get("name", "")
        self.artifact_location: str = experiment.get("artifact_location", "")
        self.lifecycle_stage: str = experiment.get("lifecycle_stage", "")
        self.tags: Dict[str, str] = _pairs(experiment.get("tags"))

    def __repr__(self) -> str:
        return f"<Experiment: experiment_id={self.experiment_id!r}, name={self.name!r}>"


def _pairs(items: Optional[List[Dict[str, str]]]) -> Dict[str, str]:
    return {item["key"]: item.get("value", "") for item in items or []}


def _int(value: Any) -> Optional[int]:
    # int64 fields may arrive as JSON strings (proto3 JSON); a missing one is None, as MLflow's entities have it.
    return None if value in (None, "") else int(value)
