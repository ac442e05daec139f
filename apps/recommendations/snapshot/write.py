"""The one writer of a stored recommendation: everything its page shows, so it renders the same forever."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, replace
from typing import Any

from django.utils import timezone

from apps.playbooks.code_version import scoring_code_version
from apps.playbooks.engine import CompiledPlaybook, Evaluation
from apps.playbooks.engine.answers import MARKET_ROLE, answer_text
from apps.playbooks.engine.counterfactuals import Flip
from apps.playbooks.engine.tco.types import whole_piece
from apps.recommendations.snapshot.guidance import select_guidance
from apps.recommendations.snapshot.historical import VENDOR_REQUIREMENTS, historical_guidance
from apps.recommendations.snapshot.read import read_snapshot
from apps.recommendations.snapshot.types import SCHEMA_VERSION, Snapshot, provider_rate

MODEL_FIELDS = ("summary", "best_for", "avoid_when", "pricing_basis", "sources", "confidence", "confidence_note")
LOCATION_FIELDS = (
    "name_in_text", "region", "utc_offset", "gdpr_transfer_label", "adequate_since", "local_privacy_law",
    "strengths", "risks", "cost_index", "sources", "confidence", "confidence_note", "uk_transfer_label",
)  # fmt: skip
# The roles whose answers the consumers need (vendor matching, the memo, the locations table).
INPUT_ROLES = (
    "function", "buyer_location", "home_market", "overlap_hours", "vendor_assurance",
    "annual_hours", "team_size", "deliverables", "horizon", "buyer_country", "buyer_zone",
)  # fmt: skip


def build_snapshot(
    compiled: CompiledPlaybook,
    evaluation: Evaluation,
    stored_answers: Mapping[str, Any],
    *,
    title: str,
    guidance: Sequence[Mapping[str, Any]] | None,
    flips: Sequence[Flip] | None,
) -> dict[str, Any]:
    """The JSON a recommendation stores, in the current ``SCHEMA_VERSION``; read it with ``read_snapshot``."""
    document, _ = written_snapshot(compiled, evaluation, stored_answers, title=title, guidance=guidance, flips=flips)
    return document


def written_snapshot(
    compiled: CompiledPlaybook,
    evaluation: Evaluation,
    stored_answers: Mapping[str, Any],
    *,
    title: str,
    guidance: Sequence[Mapping[str, Any]] | None,
    flips: Sequence[Flip] | None,
) -> tuple[dict[str, Any], Snapshot]:
    """The JSON a recommendation stores, and that JSON as ``read_snapshot`` reads it: the writer parses it
    once to choose the guidance, so a caller that needs the typed form (submit, what-if) takes this one
    instead of parsing the document a second time (tens of milliseconds on a large playbook).

    ``guidance`` is the practice guidance the playbook froze when it was published (None for a playbook
    published before guidance was curated: its recommendations print the guidance of that time);
    ``flips`` is what would flip it as the result page shows it (None: not worked out, as in a what-if)."""
    cat = compiled.catalogue
    data = evaluation.as_dict()
    market = evaluation.answers.get(compiled.roles.get(MARKET_ROLE, ""))
    once = whole_piece(compiled.roles, evaluation.answers)
    answered = [
        {
            "code": code,
            "section": compiled.questions[code].section,
            "prompt": compiled.questions[code].prompt,
            "answer": answer_text(
                compiled.questions[code], evaluation.answers[code], market=market, priced=True, whole_piece=once
            ),
        }
        for code in evaluation.visible
        if code in evaluation.answers
    ]
    for model in data["models"]:
        entry = cat.models.get(model["code"], {})
        model.update({k: entry.get(k) for k in MODEL_FIELDS})
        price = evaluation.cost.price_of(model["code"])
        model["priced_from"] = None if price is None else asdict(price)
    for location in data["locations"]:
        entry = cat.locations.get(location["code"], {})
        location.update({k: entry.get(k) for k in LOCATION_FIELDS})
    for regime in data["regimes"]:
        # A playbook published before the requirement was curated froze none: it keeps what matching required then.
        entry = cat.regimes.get(regime["code"], {})
        regime["vendor_requirement"] = entry.get("vendor_requirement", VENDOR_REQUIREMENTS.get(regime["code"], ""))
    for priced in data["cost"]["models"]:
        priced["hourly_rate"] = provider_rate(priced["inputs"])
    function = cat.functions.get(evaluation.cost.function or "", {})
    document = {
        "schema_version": SCHEMA_VERSION,
        "title": title,
        "created": timezone.now().isoformat(),
        "engine_version": scoring_code_version(),
        "playbook": {"id": compiled.id, "version": compiled.version, "title": compiled.title},
        "thresholds": {"wins": compiled.wins_threshold, "conditional": compiled.conditional_threshold},
        "sections": {s.code: s.title for s in compiled.sections},
        "answered": answered,
        "stored_answers": dict(stored_answers),
        "inputs": {role: evaluation.answers.get(code) for role in INPUT_ROLES if (code := compiled.roles.get(role))},
        "function": {
            "code": evaluation.cost.function,
            "name": function.get("name", ""),
            "onshore_constraints": function.get("onshore_constraints", ""),
            "sources": function.get("sources", []),
            "confidence": function.get("confidence", ""),
            "confidence_note": function.get("confidence_note", ""),
        },
        "evaluation": data,
        "flips": None if flips is None else flips_document(flips, cat.models, wins_at=compiled.wins_threshold),
    }
    # The guidance depends on the result (the top model's pricing basis, the regimes, the cost case), so it
    # is chosen from the typed form of everything else the snapshot holds.
    record = read_snapshot(document)
    chosen = historical_guidance(record) if guidance is None else select_guidance(guidance, record)
    document["guidance"] = asdict(chosen)
    return document, replace(record, guidance=chosen)


def flips_document(
    flips: Sequence[Flip], model_names: Mapping[str, Any], *, wins_at: int | None = None
) -> list[dict[str, Any]]:
    """What would flip it as stored: in the snapshot (schema 3) or in its own record (``FlipRecord``),
    read back by ``read.read_flips``."""
    return [
        {
            "sentence": f.sentence(model_names, wins_at),
            "changes": [{"question": c.question, "value": c.value} for c in f.changes],
        }
        for f in flips
    ]


def command_document(snapshot: Mapping[str, Any], *, incomplete: bool, checks: Sequence[str] = ()) -> dict[str, Any]:
    """The ``recommend`` command's JSON, as docs/exports.md's contract gives it: the snapshot, with ``incomplete``
    and the answers' ``checks`` (texts, as the review page shows them) first, and the evaluation's ``requirements``
    as ``{hard, preferences}`` (the stored snapshot keeps them as two lists), ``conflicts`` and ``conditions`` always
    lists. Every other key is the snapshot's, unchanged. Printed only, never stored: it is written here so the JSON's
    keys have one home."""
    evaluation = snapshot["evaluation"]
    return {
        "incomplete": incomplete,
        "checks": list(checks),
        **snapshot,
        "evaluation": {
            **evaluation,
            "requirements": {
                "hard": evaluation.get("requirements") or [],
                "preferences": evaluation.get("preferences") or [],
            },
            "conflicts": evaluation.get("conflicts") or [],
            "conditions": evaluation.get("conditions") or [],
        },
    }
