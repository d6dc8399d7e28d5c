"""The tracking server's REST API over urllib, with MLflow's client's authentication and retry policy."""
from __future__ import annotations

import base64
import http.client
import json
import logging
import os
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from email.utils import parsedate_to_datetime
from typing import Any, Dict, Optional

_logger = logging.getLogger("runlens")

# MLflow's client retries these (mlflow/utils/request_utils.py, _TRANSIENT_FAILURE_RESPONSE_CODES).
_RETRY_CODES = frozenset([408, 429, 500, 502, 503, 504])
# The statuses whose Retry-After header urllib3 (under MLflow's client) waits for.
_RETRY_AFTER_CODES = frozenset([413, 429, 503])
# urllib3's ceiling on one backoff sleep (Retry.DEFAULT_BACKOFF_MAX).
_MAX_BACKOFF_SECONDS = 120.0
# MLflow refuses settings at or above these limits (_MLFLOW_HTTP_REQUEST_MAX_RETRIES_LIMIT and
# _MLFLOW_HTTP_REQUEST_MAX_BACKOFF_FACTOR_LIMIT), so a typo cannot make a script wait for hours.
_MAX_RETRIES_LIMIT = 10
_MAX_BACKOFF_FACTOR_LIMIT = 120


class RunLensError(RuntimeError):
    """A request the tracking server refused, or could not answer; ``error_code`` is MLflow's."""

    def __init__(self, status: int, error_code: str, message: str) -> None:
        super().__init__(f"{error_code} ({status}): {message}")
        self.status = status
        self.error_code = error_code


class _RetryPolicy:
    """MLflow's client defaults, read from the same environment variables each time (a script may set them late)."""

    def __init__(self) -> None:
        self.max_retries = _env_number("MLFLOW_HTTP_REQUEST_MAX_RETRIES", int, 7)
        self.backoff_factor = _env_number("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", int, 2)
        self.backoff_jitter = _env_number("MLFLOW_HTTP_REQUEST_BACKOFF_JITTER", float, 1.0)
        self.timeout = _env_number("MLFLOW_HTTP_REQUEST_TIMEOUT", int, 120)
        self.respect_retry_after = os.environ.get("MLFLOW_HTTP_RESPECT_RETRY_AFTER_HEADER", "true").strip().lower() in ("true", "1")
        if not 0 <= self.max_retries < _MAX_RETRIES_LIMIT:
            raise RunLensError(0, "INVALID_PARAMETER_VALUE",
                               f"MLFLOW_HTTP_REQUEST_MAX_RETRIES must be at least 0 and below {_MAX_RETRIES_LIMIT}, "
                               f"as MLflow requires; got {self.max_retries}")
        if not 0 <= self.backoff_factor < _MAX_BACKOFF_FACTOR_LIMIT:
            raise RunLensError(0, "INVALID_PARAMETER_VALUE",
                               f"MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR must be at least 0 and below "
                               f"{_MAX_BACKOFF_FACTOR_LIMIT}, as MLflow requires; got {self.backoff_factor}")

    def backoff(self, consecutive_errors: int) -> float:
        """urllib3's exponential backoff, as MLflow's client configures it: none before the first retry,
        then factor * 2^(errors - 1) plus up to ``jitter`` seconds, at most two minutes."""
        if consecutive_errors <= 1:
            return 0.0
        value = self.backoff_factor * 2 ** (consecutive_errors - 1) + random.random() * self.backoff_jitter
        return max(0.0, min(_MAX_BACKOFF_SECONDS, value))


def _env_number(name: str, kind: type, default: Any) -> Any:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError:
        raise RunLensError(0, "INVALID_PARAMETER_VALUE", f"{name} must be a number, not {raw!r}") from None


def tracking_uri() -> str:
    uri = os.environ.get("MLFLOW_TRACKING_URI", "")
    if not uri.startswith(("http://", "https://")):
        raise RunLensError(0, "NOT_CONFIGURED",
                           "MLFLOW_TRACKING_URI is not an http(s) URL: run the script from RunLens, "
                           "or export the values that 'RunLens: Copy MLflow Tracking Environment' copies.")
    return uri.rstrip("/")


def _authorization() -> Optional[str]:
    """Basic auth when a user name and password are set (MLflow's client prefers them), else the bearer token."""
    username = os.environ.get("MLFLOW_TRACKING_USERNAME")
    password = os.environ.get("MLFLOW_TRACKING_PASSWORD")
    if username and password:
        return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
    token = os.environ.get("MLFLOW_TRACKING_TOKEN")
    return f"Bearer {token}" if token else None


def request(method: str, path: str, body: Optional[Dict[str, Any]] = None,
            query: Optional[Dict[str, str]] = None, data: Optional[bytes] = None,
            content_type: str = "application/json") -> Dict[str, Any]:
    """One call to the tracking server, retried as MLflow's client retries it: on 408, 429 and 5xx
    statuses, refused or dropped connections and timeouts, for every method."""
    policy = _RetryPolicy()
    url = tracking_uri() + path
    if query:
        url += "?" + urllib.parse.urlencode(query)
    payload = data if data is not None else (json.dumps(body, allow_nan=True).encode() if body is not None else None)
    headers = {"Content-Type": content_type} if payload is not None else {}
    authorization = _authorization()
    if authorization:
        headers["Authorization"] = authorization
    errors = 0
    while True:
        try:
            req = urllib.request.Request(url, data=payload, method=method, headers=headers)
            with urllib.request.urlopen(req, timeout=policy.timeout) as response:
                return json.loads(response.read().decode() or "{}")
        except urllib.error.HTTPError as error:
            raw = error.read().decode(errors="replace")
            if error.code not in _RETRY_CODES or errors >= policy.max_retries:
                raise _refusal(error.code, raw) from None
            errors += 1
            wait = _retry_after(error, policy)
            failure = f"status {error.code}"
        except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
            reason = getattr(error, "reason", error)
            if errors >= policy.max_retries:
                raise RunLensError(0, "CONNECTION_FAILED",
                                   f"{method} {url} failed after {errors} retries: {reason}") from None
            errors += 1
            wait = None
            failure = str(reason)
        wait = policy.backoff(errors) if wait is None else wait
        _logger.warning("runlens: %s %s: %s; retry %d of %d in %.1f s", method, path, failure, errors, policy.max_retries, wait)
        time.sleep(wait)


def _refusal(status: int, raw: str) -> RunLensError:
    try:
        detail = json.loads(raw)
    except ValueError:
        detail = None
    if not isinstance(detail, dict):
        detail = {"error_code": "HTTP_ERROR", "message": raw[:500]}
    return RunLensError(status, detail.get("error_code", "HTTP_ERROR"), detail.get("message", ""))


def _retry_after(error: urllib.error.HTTPError, policy: _RetryPolicy) -> Optional[float]:
    """The server's Retry-After in seconds (a number or an HTTP date), when urllib3 would honour it."""
    header = error.headers.get("Retry-After") if error.headers else None
    if not header or not policy.respect_retry_after or error.code not in _RETRY_AFTER_CODES:
        return None
    try:
        return max(0.0, float(header))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(header).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def api(method: str, endpoint: str, **kwargs: Any) -> Dict[str, Any]:
    return request(method, "/api/2.0/mlflow/" + endpoint, **kwargs)
