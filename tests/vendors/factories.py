"""Factories and builders for vendor selection tests: vendors, recommendations with a given snapshot,
and the vendor objects the security tests' ``world`` carries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from apps.accounts.models import Organisation, User
from apps.engagements.models import DeliveryLocation, EngagementModel, KnowledgeFunction
from apps.playbooks.models import Playbook
from apps.questionnaire.models import Assessment
from apps.recommendations.models import Recommendation
from apps.recommendations.snapshot import SCHEMA_VERSION
from apps.vendors.models import DiligenceItem, Shortlist, ShortlistEntry, Vendor, VendorFunction
from tests.factories import (
    SOURCE,
    AssessmentFactory,
    DeliveryLocationFactory,
    DiligenceItemFactory,
    EngagementModelFactory,
    KnowledgeFunctionFactory,
    ShortlistEntryFactory,
    ShortlistFactory,
)

TODAY = datetime.date(2026, 11, 26)


class VendorFactory(DjangoModelFactory):
    class Meta:
        model = Vendor
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"vendor-{n}")
    name = factory.Sequence(lambda n: f"Vendor {n} (fictional)")
    headquarters_country = "India"
    capacity_fte = 100
    last_verified = TODAY
    sources = SOURCE

    @factory.post_generation
    def locations(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.delivery_locations.set(extracted)

    @factory.post_generation
    def models(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.engagement_models.set(extracted)

    @factory.post_generation
    def covers(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """``covers={function: (low, likely, high)}`` (or a list of functions, rates unknown)."""
        if not (create and extracted):
            return
        pairs = extracted.items() if isinstance(extracted, dict) else ((f, None) for f in extracted)
        for function, rates in pairs:
            low, likely, high = (Decimal(str(r)) for r in rates) if rates else (None, None, None)
            VendorFunction.objects.create(
                vendor=self, function=function, rate_low=low, rate_likely=likely, rate_high=high
            )


def location_dict(location: DeliveryLocation, score: int = 0) -> dict[str, Any]:
    return {
        "code": location.code,
        "name": location.name,
        "score": score,
        "overlap_us": float(location.overlap_us_eastern_hours),
        "overlap_uk": float(location.overlap_uk_hours),
        "gdpr_transfer": location.gdpr_transfer,
        "contributions": [],
    }


def obligation(code: str, title: str, phase: str = "before_signing") -> dict[str, Any]:
    return {"code": code, "phase": phase, "title": title, "action": f"Do {title.lower()}.", "citation": "Art. 1"}


def regime(code: str, name: str, *obligations: dict[str, Any]) -> dict[str, Any]:
    phases = (("before_signing", "Before signing"), ("in_contract", "In the contract"), ("during", "During"))
    grouped = [[p, label, [o for o in obligations if o["phase"] == p]] for p, label in phases]
    return {
        "code": code,
        "name": name,
        "kind": "law",
        "jurisdiction": "",
        "summary": "",
        "because": [f"{name} applies"],
        "obligations": grouped,
    }


def snapshot(
    *,
    function: KnowledgeFunction | None = None,
    regimes: list[dict[str, Any]] | None = None,
    answers: dict[str, Any] | None = None,
    models: list[EngagementModel] | None = None,
    locations: list[DeliveryLocation] | None = None,
    budget: tuple[float, float, float] | None = (10.0, 20.0, 30.0),
    hours: float = 10_000,
    team_size: float | None = 5,
) -> dict[str, Any]:
    """A stored recommendation snapshot (current schema) built around the parts the vendor matcher reads.
    ``answers`` are keyed by role (the reference playbook's questions have their role's code), so they are
    both the evaluation's answers and the snapshot's inputs."""
    models = models or []
    cost: dict[str, Any] = {"available": False}
    if budget and models:
        annual = [b * hours for b in budget]
        priced = {"model": models[0].code, "name": models[0].name, "basis": "hourly", "annual": annual}
        priced |= {"horizon": annual, "savings": [0, 0, 0], "savings_percent": None, "formula": ""}
        priced |= {"inputs": [], "weak": False}
        cost = {"available": True, "annual_hours": hours, "team_size": team_size, "models": [priced]}
    ranked = [{"code": m.code, "name": m.name, "score": 10 - i, "contributions": []} for i, m in enumerate(models)]
    return {
        "schema_version": SCHEMA_VERSION,
        "title": "Test",
        "created": "2026-11-26T09:00:00+00:00",
        "engine_version": "test",
        "playbook": {"id": None, "version": 1, "title": "Test playbook"},
        "thresholds": {"wins": 65, "conditional": 45},
        "sections": {},
        "answered": [],
        "stored_answers": answers or {},
        "inputs": answers or {},
        "function": {"code": function.code if function else "", "name": function.name if function else ""},
        "evaluation": {
            "playbook_id": None,
            "playbook_version": 1,
            "visible": [],
            "visible_sections": [],
            "answers": answers or {},
            "missing_required": [],
            "fit_score": 70,
            "unblocked_score": 70,
            "verdict": "wins",
            "verdict_label": "KPO wins",
            "top_model": models[0].code if models else None,
            "blockers": [],
            "fired": [],
            "fit_contributions": [],
            "regimes": regimes or [],
            "risks": [],
            "models": ranked,
            "locations": [location_dict(loc, 10 - i) for i, loc in enumerate(locations or [])],
            "cost": cost,
        },
    }


def make_recommendation(
    organisation: Organisation, user: User, playbook: Playbook, snap: dict[str, Any], title: str = "Vendor test"
) -> Recommendation:
    """A stored recommendation with exactly this snapshot (the engine is not involved)."""
    assessment = AssessmentFactory(
        organisation=organisation,
        created_by=user,
        title=title,
        playbook=playbook,
        status=Assessment.Status.SUBMITTED,
        submitted_at=timezone.now(),
        submitted_by=user,
    )
    return Recommendation.objects.create(
        organisation=organisation,
        assessment=assessment,
        playbook=playbook,
        engine_version="test",
        created_by=user,
        title=title,
        verdict="wins",
        fit_score=70,
        function=snap["function"]["code"],
        regimes=[r["code"] for r in snap["evaluation"]["regimes"]],
        snapshot=snap,
    )


@dataclass
class VendorWorld:
    """For the security tests: one vendor on the shortlist (short-listed, with a checklist item) and
    one spare vendor that fits the recommendation but is not on it yet."""

    function: KnowledgeFunction
    listed: Vendor
    spare: Vendor
    shortlist: Shortlist
    entry: ShortlistEntry
    item: DiligenceItem


def vendor_world(recommendation: Recommendation, user: User) -> VendorWorld:
    code = recommendation.snapshot.get("function", {}).get("code") or "legal"
    function = KnowledgeFunction.objects.filter(code=code).first() or KnowledgeFunctionFactory(code=code)
    location = DeliveryLocationFactory()
    model = EngagementModelFactory()
    listed = VendorFactory(covers={function: (15, 20, 25)}, locations=[location], models=[model])
    spare = VendorFactory(covers={function: (15, 20, 25)}, locations=[location], models=[model])
    shortlist = ShortlistFactory(recommendation=recommendation, created_by=user)
    entry = ShortlistEntryFactory(shortlist=shortlist, vendor=listed)
    item = DiligenceItemFactory(entry=entry, obligation_code="dpa", title="Sign a DPA")
    return VendorWorld(function, listed, spare, shortlist, entry, item)


def entry_data(entry: ShortlistEntry, status: str, notes: str = "", reason: str = "") -> dict[str, str]:
    prefix = f"entry-{entry.pk}"
    return {f"{prefix}-status": status, f"{prefix}-notes": notes, f"{prefix}-rejection_reason": reason}


def item_data(item: DiligenceItem, **values: Any) -> dict[str, Any]:
    fields = {"status": "open", "owner": "", "due_date": "", "evidence": "", **values}
    return {f"item-{item.pk}-{name}": value for name, value in fields.items()}
