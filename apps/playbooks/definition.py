"""Building a playbook's definition: the plain data the engine compiles and publishing freezes.

The definition holds the playbook's own parts keyed by code, plus a snapshot of every catalogue
figure and text it can show (models, functions, locations, regimes with obligations), so that a
published playbook is a complete, immutable input to the engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from apps.compliance.models import Guidance, Obligation, Regime
from apps.engagements.models import DeliveryLocation, EngagementModel, KnowledgeFunction
from apps.engagements.reference import cost_assumptions
from apps.playbooks.models import Condition, Effect, Option, Playbook, Question, Rule, Section


def _num(value: Decimal | int | None) -> float | None:
    return None if value is None else float(value)


def _triple(entry: Any, prefix: str) -> list[float | None] | None:
    values = [_num(getattr(entry, f"{prefix}_{part}")) for part in ("low", "likely", "high")]
    return None if all(v is None for v in values) else values


def _provenance(entry: Any) -> dict[str, Any]:
    return {"sources": entry.sources, "confidence": entry.confidence, "confidence_note": entry.confidence_note}


def _dates(entry: Regime | Obligation) -> dict[str, str]:
    """When the cited text took effect, when it is known to change and when a curator last checked it, as ISO dates
    ("" when unknown)."""
    return {
        "effective_date": entry.effective_date.isoformat() if entry.effective_date else "",
        "next_change_date": entry.next_change_date.isoformat() if entry.next_change_date else "",
        "last_reviewed": entry.last_reviewed.isoformat() if entry.last_reviewed else "",
    }


def catalogue_snapshot() -> dict[str, Any]:
    """Every catalogue entry the engine may show, as plain data (retired entries included, flagged)."""
    models = {
        m.code: {
            "name": m.name,
            "summary": m.summary,
            "is_kpo": m.is_kpo,
            "pricing_basis": m.pricing_basis,
            "rate": _triple(m, "rate"),
            "price": _triple(m, "price"),
            "setup": _triple(m, "setup"),
            "commitment_hours": m.commitment_hours,
            "team_size": [m.team_size_min, m.team_size_max],
            "ramp_up_months": m.ramp_up_months,
            "transfer_months": m.transfer_months,
            "best_for": m.best_for,
            "avoid_when": m.avoid_when,
            "order": m.display_order,
            "retired": m.retired,
            **_provenance(m),
        }
        for m in EngagementModel.objects.all()
    }
    functions = {
        f.code: {
            "name": f.name,
            "credentials": f.credentials,
            "onshore_constraints": f.onshore_constraints,
            "kpo_rate": _triple(f, "kpo_rate"),
            "located_share": _num(f.located_share),
            "inhouse_us": _triple(f, "inhouse_us"),
            "inhouse_uk": _triple(f, "inhouse_uk"),
            "deliverable_price": _triple(f, "deliverable_price"),
            "retired": f.retired,
            **_provenance(f),
        }
        for f in KnowledgeFunction.objects.all()
    }
    locations = {
        loc.code: {
            "name": loc.name,
            "name_in_text": loc.name_in_text,
            "region": loc.region,
            "utc_offset": loc.utc_offset_label,
            # The engine works out overlap with a buyer's day the catalogue holds no figure for from these
            # (a dst_rule starting "none" means no summer time, as the field's help says).
            "utc_offset_minutes": loc.utc_offset_minutes,
            "summer_time": not loc.dst_rule.strip().lower().startswith("none"),
            "overlap_us": _num(loc.overlap_us_eastern_hours),
            "overlap_uk": _num(loc.overlap_uk_hours),
            "gdpr_transfer": loc.gdpr_transfer,
            "gdpr_transfer_label": loc.get_gdpr_transfer_display(),
            "adequate_since": loc.adequate_since.isoformat() if loc.adequate_since else None,
            "uk_transfer": loc.uk_transfer,
            "uk_transfer_label": loc.get_uk_transfer_display() if loc.uk_transfer else "",
            "local_privacy_law": loc.local_privacy_law,
            "cost_index": _num(loc.cost_index),
            # The law's premium on night pay there and the local hours it covers; absent from a catalogue frozen
            # before it was recorded, read as none.
            "night_premium": _num(loc.night_premium),
            "night_hours": [loc.night_from_hour, loc.night_to_hour] if loc.night_premium is not None else None,
            "strengths": loc.strengths,
            "risks": loc.risks,
            "retired": loc.retired,
            **_provenance(loc),
        }
        for loc in DeliveryLocation.objects.all()
    }
    regimes = {
        r.code: {
            "name": r.name,
            "kind": r.kind,
            "jurisdiction": r.jurisdiction,
            "summary": r.summary,
            "penalties": r.penalties,
            "vendor_requirement": r.vendor_requirement,
            "retired": r.retired,
            **_dates(r),
            "obligations": [
                {
                    "code": o.code,
                    "title": o.title,
                    "action": o.action,
                    "phase": o.phase,
                    "citation": o.citation,
                    "source_url": o.source_url,
                    "confidence": o.confidence,
                    "delivered_from": list(o.delivered_from),
                    **_dates(o),
                }
                for o in r.obligations.all()
            ],
            **_provenance(r),
        }
        for r in Regime.objects.prefetch_related(Prefetch("obligations", Obligation.objects.order_by("order", "id")))
    }
    # The memo's practice guidance, frozen with the rest so an edit reaches buyers with the next publication.
    guidance = [g.as_data() for g in Guidance.objects.order_by("kind", "order", "code")]
    return {
        "models": models,
        "functions": functions,
        "locations": locations,
        "regimes": regimes,
        "guidance": guidance,
        "cost_assumptions": cost_assumptions(),
    }


def _conditions(conditions: Iterable[Condition]) -> list[dict[str, Any]]:
    return [c.as_data() for c in conditions]


def _effect(effect: Effect) -> dict[str, Any]:
    target = ""
    if effect.kind == Effect.Kind.MODEL and effect.engagement_model:
        target = effect.engagement_model.code
    elif effect.kind == Effect.Kind.REGIME and effect.regime:
        target = effect.regime.code
    elif effect.kind in (Effect.Kind.LOCATION, Effect.Kind.RISK) and effect.location:
        target = effect.location.code
    data: dict[str, Any] = {"kind": effect.kind, "points": effect.points, "target": target, "text": effect.text}
    if effect.kind == Effect.Kind.RISK:
        data.update(severity=effect.severity, mitigation=effect.mitigation)
    if effect.kind in (Effect.Kind.RISK, Effect.Kind.CONDITION) and effect.engagement_model:
        # The wording for when that model is recommended (``types.Effect.model``).
        data["model"] = effect.engagement_model.code
    if effect.kind == Effect.Kind.GATE:
        data["notice"] = effect.notice
        if effect.evidence:  # written only where set, so a definition without it is the same document as before
            data["evidence"] = True
        if effect.own:  # likewise
            data["own"] = True
    return data


def _fixed(question: Any) -> dict[str, Any]:
    """``fixed`` only where it is set: a definition without it reads as a question any answer of which may change."""
    return {"fixed": True} if question.fixed else {}


def playbook_parts(playbook: Playbook) -> dict[str, Any]:
    """The playbook's own parts keyed by code (the export format, less the catalogue)."""
    conditions = list(Condition.objects.filter(playbook=playbook).select_related("subject").order_by("id"))
    by_section: dict[int, list[Condition]] = {}
    by_question: dict[int, list[Condition]] = {}
    by_rule: dict[int, list[Condition]] = {}
    for c in conditions:
        if c.section_id:
            by_section.setdefault(c.section_id, []).append(c)
        elif c.question_id:
            by_question.setdefault(c.question_id, []).append(c)
        elif c.rule_id:
            by_rule.setdefault(c.rule_id, []).append(c)
    questions = Question.objects.filter(playbook=playbook).prefetch_related(
        Prefetch("options", Option.objects.order_by("order", "id"))
    )
    by_section_q: dict[int, list[Question]] = {}
    for q in questions.order_by("order", "id"):
        by_section_q.setdefault(q.section_id, []).append(q)
    sections = []
    for s in Section.objects.filter(playbook=playbook).order_by("order", "id"):
        sections.append(
            {
                "code": s.code,
                "title": s.title,
                "intro": s.intro,
                "visible_when": s.visible_when,
                "conditions": _conditions(by_section.get(s.id, [])),
                "questions": [
                    {
                        "code": q.code,
                        "prompt": q.prompt,
                        "help": q.help_text,
                        "kind": q.kind,
                        "required": q.required,
                        "min": _num(q.min_value),
                        "max": _num(q.max_value),
                        "unit": q.unit,
                        "role": q.role,
                        **_fixed(q),
                        "visible_when": q.visible_when,
                        "conditions": _conditions(by_question.get(q.id, [])),
                        "options": [{"code": o.code, "label": o.label, "help": o.help_text} for o in q.options.all()],
                    }
                    for q in by_section_q.get(s.id, [])
                ],
            }
        )
    rules = []
    effects = Effect.objects.select_related("engagement_model", "regime", "location").order_by("id")
    for r in Rule.objects.filter(playbook=playbook, enabled=True).prefetch_related(Prefetch("effects", effects)):
        rules.append(
            {
                "code": r.code,
                "name": r.name,
                "rationale": r.rationale,
                "match": r.match,
                "conditions": _conditions(by_rule.get(r.id, [])),
                "effects": [_effect(e) for e in r.effects.all()],
            }
        )
    return {
        "playbook": {
            "id": playbook.pk,
            "version": playbook.version,
            "title": playbook.title,
            "wins_threshold": playbook.wins_threshold,
            "conditional_threshold": playbook.conditional_threshold,
        },
        "sections": sections,
        "rules": rules,
    }


def build_definition(playbook: Playbook) -> dict[str, Any]:
    """The full engine input for ``playbook``: its parts and the current catalogue snapshot."""
    return {**playbook_parts(playbook), "catalogue": catalogue_snapshot()}
