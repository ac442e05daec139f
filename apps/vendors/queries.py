"""Reads with logic: the directory as plain facts for the matcher, and shortlists with their progress.

Each function issues a fixed number of queries whatever the number of vendors or entries (the
relations are prefetched), so the pages built on them have flat query budgets.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, FilteredRelation, Prefetch, Q, QuerySet

from apps.recommendations.models import Recommendation
from apps.vendors.matching import LocationFacts, MatchResult, Needs, RateRange, VendorFacts, match, needs_from_snapshot
from apps.vendors.models import CAPABILITIES, DiligenceItem, Shortlist, ShortlistEntry, Vendor, VendorFunction


def directory() -> QuerySet[Vendor]:
    """Active vendors with everything the pages and the matcher read, prefetched."""
    return Vendor.objects.active().prefetch_related(
        "delivery_locations",
        "engagement_models",
        Prefetch("rates", queryset=VendorFunction.objects.select_related("function")),
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def vendor_facts(vendor: Vendor, needs: Needs | None = None, *, today: datetime.date) -> VendorFacts:
    """One vendor as the matcher sees it. Locations the recommendation ranked use the snapshot's
    figures (what the result page showed); others use the catalogue's current ones."""
    frozen = {loc.code: loc for loc in needs.locations} if needs else {}
    locations = tuple(
        frozen.get(loc.code)
        or LocationFacts(
            code=loc.code,
            name=loc.name,
            name_in_text=loc.name_in_text,
            overlap_us=_float(loc.overlap_us_eastern_hours),
            overlap_uk=_float(loc.overlap_uk_hours),
            gdpr_transfer=loc.gdpr_transfer,
        )
        for loc in vendor.delivery_locations.all()
    )
    rates = {
        r.function.code: RateRange(_float(r.rate_low), _float(r.rate_likely), _float(r.rate_high))
        for r in vendor.rates.all()
    }
    return VendorFacts(
        code=vendor.code,
        name=vendor.name,
        locations=locations,
        models=frozenset(m.code for m in vendor.engagement_models.all()),
        rates=rates,
        capabilities=frozenset(name for name, _ in CAPABILITIES if getattr(vendor, name)),
        soc2_report_date=vendor.soc2_type2_report_date,
        iso27001_valid_until=vendor.iso27001_valid_until if vendor.iso27001_valid_on(today) else None,
        capacity_fte=vendor.capacity_fte,
        last_verified=vendor.last_verified,
        obj=vendor,
    )


def match_recommendation(
    recommendation: Recommendation, *, vendors: Iterable[Vendor] | None = None, today: datetime.date
) -> MatchResult:
    """The directory (or the given vendors) matched against the recommendation's snapshot."""
    needs = needs_from_snapshot(recommendation.record)
    rows = directory() if vendors is None else directory().filter(pk__in=[v.pk for v in vendors])
    return match(needs, [vendor_facts(v, needs, today=today) for v in rows], today=today)


def shortlist_for(recommendation: Recommendation) -> Shortlist | None:
    # By its organisation too, as every query on one recommendation's rows (the distribution column on Citus).
    return Shortlist.objects.filter(
        organisation_id=recommendation.organisation_id, recommendation=recommendation
    ).first()


def entries(shortlist: Shortlist | None) -> list[ShortlistEntry]:
    """The shortlist's entries with their vendor and due-diligence counts (done, applicable, total)."""
    if shortlist is None:
        return []
    na = DiligenceItem.Status.NOT_APPLICABLE
    own = shortlist.organisation_id
    rows: list[Any] = list(
        ShortlistEntry.objects.filter(organisation_id=own, shortlist=shortlist)
        .select_related("vendor")
        # The items joined by the organisation too (ON ... AND organisation_id), so the join stays on one node.
        .alias(dd=FilteredRelation("diligence", condition=Q(diligence__organisation_id=own)))
        .annotate(
            dd_total=Count("dd"),
            dd_done=Count("dd", filter=Q(dd__status=DiligenceItem.Status.DONE)),
            dd_not_applicable=Count("dd", filter=Q(dd__status=na)),
        )
        .order_by("added_at", "id")
    )
    for row in rows:
        row.dd_applicable = row.dd_total - row.dd_not_applicable
    return rows


def progress(items: Iterable[DiligenceItem]) -> dict[str, int]:
    """Checklist progress: done out of the applicable items ("not applicable" ones do not count)."""
    items = list(items)
    na = sum(1 for i in items if i.status == DiligenceItem.Status.NOT_APPLICABLE)
    done = sum(1 for i in items if i.status == DiligenceItem.Status.DONE)
    return {"done": done, "applicable": len(items) - na, "not_applicable": na, "total": len(items)}
