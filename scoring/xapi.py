"""xAPI statements for runs (docs/xapi.md): one per turn, one per completed run.

Statement ids are derived from the run's record id and the turn number (uuid5), so exporting or
sending the same run twice yields the same ids: an LRS stores each statement once."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

BASE = "https://rehearse.invalid/xapi"
NS = uuid.uuid5(uuid.NAMESPACE_URL, BASE)
VERB_ANSWERED = {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "answered"}}
VERB_COMPLETED = {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en-US": "completed"}}
ACTIVITY_TYPE = "http://adlnet.gov/expapi/activities/simulation"
INTERACTION_TYPE = "http://adlnet.gov/expapi/activities/cmi.interaction"


def _when(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# Any: a run log and xAPI statements are JSON, read and built by key.
def statements(log: Mapping[str, Any], *, run_id: str, profile: str, started_at: float) -> list[dict[str, Any]]:
    """The statements for one run log: one `answered` per turn, one `completed` if it ended."""
    sid = log["scenario"]["id"]
    actor = {"objectType": "Agent", "account": {"homePage": f"{BASE}/profiles", "name": profile}}
    scenario = {
        "objectType": "Activity",
        "id": f"{BASE}/scenarios/{sid}",
        "definition": {"type": ACTIVITY_TYPE, "name": {"en-US": sid}},
    }
    context = {
        "registration": str(uuid.uuid5(NS, run_id)),
        "extensions": {
            f"{BASE}/ext/seed": log["seed"],
            f"{BASE}/ext/mode": log["mode"],
            f"{BASE}/ext/scenario-sha256": log["scenario"]["sha256"],
        },
        "contextActivities": {"parent": [scenario]},
    }
    out: list[dict[str, Any]] = []
    t = started_at
    for n, turn in enumerate(log.get("turns", []), 1):
        t += turn.get("elapsed_ms", 0) / 1000
        out.append(
            {
                "id": str(uuid.uuid5(NS, f"{run_id}/turn/{n}")),
                "actor": actor,
                "verb": VERB_ANSWERED,
                "object": {
                    "objectType": "Activity",
                    "id": f"{BASE}/scenarios/{sid}/scenes/{turn['scene']}",
                    "definition": {"type": INTERACTION_TYPE, "interactionType": "choice"},
                },
                "result": {
                    "response": turn.get("choice") if turn.get("choice") is not None else "(waited)",
                    "extensions": {
                        f"{BASE}/ext/mood-before": turn.get("mood_before"),
                        f"{BASE}/ext/mood-after": turn.get("mood_after"),
                        f"{BASE}/ext/score": turn.get("score", {}),
                        f"{BASE}/ext/noticed": turn.get("noticed", []),
                    },
                },
                "context": context,
                "timestamp": _when(t),
            }
        )
    if log.get("ending"):
        dims = log["score"]["dimensions"]
        pct = [d["percent"] for d in dims.values() if d.get("percent") is not None]
        out.append(
            {
                "id": str(uuid.uuid5(NS, f"{run_id}/completed")),
                "actor": actor,
                "verb": VERB_COMPLETED,
                "object": scenario,
                "result": {
                    "completion": True,
                    "success": log.get("outcome") == "good" and not log.get("critical"),
                    "score": {"scaled": round(sum(pct) / len(pct) / 100, 4) if pct else 0},
                    "extensions": {
                        f"{BASE}/ext/ending": log["ending"],
                        f"{BASE}/ext/outcome": log.get("outcome"),
                        f"{BASE}/ext/critical": bool(log.get("critical")),
                        f"{BASE}/ext/dimensions": dims,
                    },
                },
                "context": context,
                "timestamp": _when(t),
            }
        )
    return out
