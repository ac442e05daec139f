"""What a recommendation stores: everything its page shows, so it renders the same forever."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from apps.playbooks.engine import ENGINE_VERSION, CompiledPlaybook, Evaluation
from apps.playbooks.engine.answers import answer_text

MODEL_FIELDS = ("summary", "best_for", "avoid_when", "pricing_basis", "sources", "confidence", "confidence_note")
LOCATION_FIELDS = (
    "region", "utc_offset", "gdpr_transfer_label", "adequate_since", "local_privacy_law", "strengths", "risks",
    "cost_index", "sources", "confidence", "confidence_note",
)  # fmt: skip


def build_snapshot(
    compiled: CompiledPlaybook, evaluation: Evaluation, stored_answers: Mapping[str, Any], *, title: str
) -> dict[str, Any]:
    cat = compiled.catalogue
    data = evaluation.as_dict()
    answered = [
        {
            "code": code,
            "section": compiled.questions[code].section,
            "prompt": compiled.questions[code].prompt,
            "answer": answer_text(compiled.questions[code], evaluation.answers[code]),
        }
        for code in evaluation.visible
        if code in evaluation.answers
    ]
    for model in data["models"]:
        entry = cat.models.get(model["code"], {})
        model.update({k: entry.get(k) for k in MODEL_FIELDS})
    for location in data["locations"]:
        entry = cat.locations.get(location["code"], {})
        location.update({k: entry.get(k) for k in LOCATION_FIELDS})
    function = cat.functions.get(evaluation.cost.function or "", {})
    return {
        "title": title,
        "created": timezone.now().isoformat(),
        "engine_version": ENGINE_VERSION,
        "playbook": {"id": compiled.id, "version": compiled.version, "title": compiled.title},
        "thresholds": {"wins": compiled.wins_threshold, "conditional": compiled.conditional_threshold},
        "sections": {s.code: s.title for s in compiled.sections},
        "answered": answered,
        "stored_answers": dict(stored_answers),
        "function": {
            "code": evaluation.cost.function,
            "name": function.get("name", ""),
            "onshore_constraints": function.get("onshore_constraints", ""),
            "sources": function.get("sources", []),
            "confidence": function.get("confidence", ""),
            "confidence_note": function.get("confidence_note", ""),
        },
        "evaluation": data,
    }


# Where personal data of people in these places is involved, a delivery location's EU/UK transfer status matters.
_TRANSFER_JURISDICTIONS = ("European Union", "United Kingdom")


def location_columns(evaluation: Mapping[str, Any]) -> dict[str, bool]:
    """Which columns of the locations table apply to this buyer: the overlap with where their people work
    (both when unknown, as in snapshots stored before the buyer's location was recorded), and the EU/UK
    transfer status only when the buyer is in Europe or a European data-protection regime applies."""
    buyer = evaluation.get("buyer_location") or ""
    european_data = any(
        str(r.get("jurisdiction", "")).startswith(_TRANSFER_JURISDICTIONS) and r.get("kind") == "law"
        for r in evaluation.get("regimes", [])
    )
    return {
        "overlap_us": buyer in ("us", "other", ""),
        "overlap_uk": buyer in ("uk", "eu", "other", ""),
        "transfer": buyer != "us" or european_data,
    }
