"""Sending xAPI statements (scoring.xapi builds them) to a learning-record store over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


class LRSError(Exception):
    """The learning-record store refused the statements or could not be reached."""


def send(
    stmts: list[dict[str, Any]],
    endpoint: str,
    auth: str | None,
    *,
    already: set[str],
    mark: Callable[[list[str]], object],
    batch: int = 50,
    retries: int = 5,
    backoff_s: float = 0.5,
    sleep: Callable[[float], object] | None = None,
    timeout_s: float = 20.0,
) -> int:
    """POST statements to `endpoint` + 'statements' in batches, skipping ids in `already`.

    Retries connection errors and 5xx answers with exponential back-off; a 409 (ids already
    stored) counts as delivered. `mark(ids)` is called after each delivered batch, so an
    interrupted send resumes where it stopped and never sends a statement twice. Returns how
    many statements were sent."""
    import json
    import time
    import urllib.error
    import urllib.request

    sleep = sleep or time.sleep
    url = endpoint.rstrip("/") + "/statements"
    todo = [s for s in stmts if s["id"] not in already]
    sent = 0
    for i in range(0, len(todo), batch):
        chunk = todo[i : i + batch]
        body = json.dumps(chunk).encode()
        headers = {"Content-Type": "application/json", "X-Experience-API-Version": "1.0.3"}
        if auth:
            headers["Authorization"] = auth
        for attempt in range(retries + 1):
            req = urllib.request.Request(url, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(req, timeout=timeout_s) as resp:
                    resp.read()
                break
            except urllib.error.HTTPError as e:
                if e.code == 409:
                    break
                if e.code < 500 or attempt == retries:
                    detail = e.read(300).decode("utf-8", "replace").strip()
                    raise LRSError(
                        f"the LRS answered {e.code} {e.reason}" + (f": {detail}" if detail else "")
                    ) from None
            except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
                if attempt == retries:
                    raise LRSError(f"cannot reach the LRS at {url}: {getattr(e, 'reason', e)}") from None
            sleep(backoff_s * (2**attempt))
        mark([s["id"] for s in chunk])
        sent += len(chunk)
    return sent


def auth_from_env(env: Mapping[str, str]) -> str | None:
    """Basic auth from REHEARSE_LRS_USER and REHEARSE_LRS_PASSWORD, or REHEARSE_LRS_AUTH as given."""
    import base64

    if env.get("REHEARSE_LRS_AUTH"):
        return env["REHEARSE_LRS_AUTH"]
    if env.get("REHEARSE_LRS_USER"):
        pair = f"{env['REHEARSE_LRS_USER']}:{env.get('REHEARSE_LRS_PASSWORD', '')}".encode()
        return "Basic " + base64.b64encode(pair).decode()
    return None
