"""What the result page says beyond the verdict: what to do when KPO doesn't win, and delivery-location
reasons worded as the buyer's ask and how each location meets it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.engine.types import ROLES
from apps.playbooks.models import Playbook, Question
from apps.recommendations.models import Recommendation
from apps.recommendations.services import save_what_if, submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.conftest import recommend

pytestmark = pytest.mark.django_db


def test_a_result_where_kpo_doesnt_win_offers_what_to_do_instead_not_providers(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "Month-end close team")
    assert rec.verdict == "doesnt_win"
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert "what to do instead" in page
    assert "Look at local hires or an onshore provider instead" in page
    assert reverse("vendors:matching", args=[rec.pk]) not in page
    history = buyer_client.get(reverse("recommendations:history")).content.decode()
    assert "None: KPO doesn't win" in history


def test_a_result_where_kpo_wins_still_offers_providers(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund")
    assert rec.verdict != "doesnt_win"
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert reverse("vendors:matching", args=[rec.pk]) in page
    assert "What to do instead" not in page


def test_location_reasons_say_what_the_buyer_asked_and_how_the_location_meets_it(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "New York company: FP&A")  # a US buyer needing 6 h overlap
    locations = {loc["code"]: loc for loc in rec.snapshot["evaluation"]["locations"]}
    reasons = {c["name"]: c["text"] for c in locations["mexico"]["contributions"]}
    assert reasons["You need four or more hours of overlap with the US"] == (
        "Mexico overlaps a 09:00–17:00 US Eastern day by 6.5 h"
    )
    page = buyer_client.get(reverse("recommendations:detail", args=[rec.pk])).content.decode()
    assert (
        "You need four or more hours of overlap with the US: Mexico overlaps a 09:00–17:00 US Eastern day by 6.5 h"
        in page
    )


def test_location_columns_that_do_not_apply_to_the_buyer_go(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    us_only = recommend(reference, organisation, buyer, "New York company: FP&A")  # US buyer, no personal data
    page = buyer_client.get(reverse("recommendations:detail", args=[us_only.pk])).content.decode()
    assert "Overlap US Eastern" in page
    assert "Overlap UK" not in page
    assert "EU data transfer" not in page

    uk_buyer = recommend(reference, organisation, buyer, "UK fintech")  # UK buyer with UK personal data
    page = buyer_client.get(reverse("recommendations:detail", args=[uk_buyer.pk])).content.decode()
    assert "Overlap UK" in page
    # UK data goes abroad under UK law: the UK's transfer status, not the EU's.
    assert "UK data transfer" in page
    assert "EU data transfer" not in page
    assert "Overlap US Eastern" not in page
    south_africa = re.search(r"<tr[^>]*>\s*<t[hd][^>]*>\s*(?:<[^>]+>\s*)*South Africa.*?</tr>", page, re.S)
    assert south_africa and "Not covered by UK adequacy" in south_africa.group(0)
    poland = re.search(r"<tr[^>]*>\s*<t[hd][^>]*>\s*(?:<[^>]+>\s*)*Poland.*?</tr>", page, re.S)
    assert poland and "UK adequacy regulations cover it" in poland.group(0)

    no_data = recommend(
        reference, organisation, buyer, "Strategy consultancy: a seasonal burst"
    )  # UK, no personal data
    page = buyer_client.get(reverse("recommendations:detail", args=[no_data.pk])).content.decode()
    assert "UK data transfer" not in page and "EU data transfer" not in page
    # Nor when the UK law triggered is not about personal data (the market abuse rules for inside information).
    inside = recommend(reference, organisation, buyer, "UK investment bank: M&A")
    page = buyer_client.get(reverse("recommendations:detail", args=[inside.pk])).content.decode()
    assert "uk-mar" in {r["code"] for r in inside.snapshot["evaluation"]["regimes"]}
    assert "UK data transfer" not in page and "EU data transfer" not in page

    # An EU buyer handing over no personal data has no transfer to make either.
    answers = {
        **reference.golden_cases.get(name__startswith="Dutch asset manager").answers,
        "data_categories": ["none"],
    }
    draft = AssessmentFactory(
        organisation=organisation, created_by=buyer, title="EU", playbook=reference, answers=answers
    )
    eu_no_data = submit_and_recommend(assessment=draft, user=buyer)
    assert eu_no_data.snapshot["evaluation"]["buyer_location"] == "eu"
    assert not {r["code"] for r in eu_no_data.snapshot["evaluation"]["regimes"]} & {"gdpr", "uk-gdpr"}
    page = buyer_client.get(reverse("recommendations:detail", args=[eu_no_data.pk])).content.decode()
    assert "EU data transfer" not in page and "UK data transfer" not in page

    both = recommend(reference, organisation, buyer, "UK manufacturer: a 300-person")  # EU and UK personal data
    page = buyer_client.get(reverse("recommendations:detail", args=[both.pk])).content.decode()
    assert "EU data transfer" in page and "UK data transfer" in page


def stored_as(rec: Recommendation, snapshot: dict[str, Any]) -> Recommendation:
    """``rec`` as it would have been stored with ``snapshot``: recommendations refuse UPDATE (immutability trigger),
    so the old-style copy is a new row, on an assessment of its own."""
    old = Recommendation.objects.get(pk=rec.pk)
    old.pk = None
    old.snapshot = snapshot
    old.assessment = rec.assessment.__class__.objects.create(
        organisation=rec.organisation,
        created_by=rec.assessment.created_by,
        title="old",
        playbook=rec.assessment.playbook,
        status="submitted",
        submitted_at=rec.assessment.submitted_at,
    )
    old.save()
    return old


def test_a_uk_buyer_shown_before_the_uk_status_was_recorded_keeps_the_eu_column(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "UK fintech")
    snapshot = dict(rec.snapshot)
    snapshot["evaluation"] = dict(snapshot["evaluation"])
    snapshot["evaluation"]["locations"] = [
        {k: v for k, v in loc.items() if k != "uk_transfer_label"} for loc in snapshot["evaluation"]["locations"]
    ]
    page = buyer_client.get(reverse("recommendations:detail", args=[stored_as(rec, snapshot).pk])).content.decode()
    assert "EU data transfer" in page
    assert "UK data transfer" not in page


def test_a_snapshot_stored_before_the_buyer_location_was_recorded_shows_every_column(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "New York company: FP&A")
    # A version 1 snapshot from before the buyer's location was recorded.
    snapshot = {k: v for k, v in rec.snapshot.items() if k not in ("schema_version", "inputs")}
    del snapshot["evaluation"]["buyer_location"]
    page = buyer_client.get(reverse("recommendations:detail", args=[stored_as(rec, snapshot).pk])).content.decode()
    assert "Overlap US Eastern" in page and "Overlap UK" in page and "EU data transfer" in page


def test_question_roles_are_the_engines_roles() -> None:
    assert tuple(v for v in Question.Role.values if v) == ROLES


def test_a_saved_what_if_is_named_for_what_it_is_and_lists_the_answers_that_changed(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund")
    answers = dict(rec.snapshot["stored_answers"]) | {"codifiability": "tacit"}
    saved = save_what_if(recommendation=rec, answers=answers, title="Tacit instead", user=buyer)
    assert saved.recommendation is not None
    page = buyer_client.get(reverse("recommendations:compare_pair", args=[saved.recommendation.pk, rec.pk]))
    body = page.content.decode()
    assert "What your changed answers do" in body
    assert "re-scoring" not in body.lower() and "the same answers" not in body.lower()
    assert "Answers that changed" in body and "Tacit" in body
    # Every column has a header people can read (the first used to be empty).
    assert '<th scope="col"></th>' not in body


def test_the_standalone_what_would_flip_page_does_not_skip_a_heading_level(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund")
    page = buyer_client.get(reverse("recommendations:flips", args=[rec.pk])).content.decode()
    assert "<h2>Changes that would flip the result</h2>" in page and "<h3>" not in page.split("<main", 1)[1]
    fragment = buyer_client.get(reverse("recommendations:flips", args=[rec.pk]), HTTP_HX_REQUEST="true")
    assert "<h3>Changes that would flip the result</h3>" in fragment.content.decode()


def test_portfolio_regions_are_not_named_like_the_sections_around_them(
    organisation: Organisation, buyer: User, buyer_client: Client, reference: Playbook
) -> None:
    recommend(reference, organisation, buyer, "US hedge fund")
    page = buyer_client.get(reverse("recommendations:portfolio")).content.decode()
    headings = set(re.findall(r'<h2 class="card__title" id="chart-\d+">([^<]+)</h2>', page))
    regions = set(re.findall(r'role="region" aria-label="([^"]+)"', page))
    assert headings and not headings & regions


def test_re_scoring_on_the_same_playbook_version_makes_no_look_alike_copy(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund")
    response = buyer_client.post(reverse("recommendations:rescore", args=[rec.pk]), follow=True)
    assert "already scored on the current playbook" in response.content.decode()
    assert Recommendation.objects.count() == 1
    assert not rec.assessment.rescores.exists()


def test_compare_never_passes_off_another_models_cost_as_the_top_models(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    from apps.recommendations.diff import comparison_rows

    recs = [recommend(reference, organisation, buyer, case) for case in ("US hedge fund", "Biotech")]
    cost_row = next(row for row in comparison_rows(recs) if row.what.startswith("Cost"))
    for rec, value in zip(recs, cost_row.values, strict=True):
        evaluation = rec.record.evaluation
        top = evaluation.cost.top
        if top is not None and evaluation.models and evaluation.models[0].code != top.model:
            assert value.startswith(f"{evaluation.models[0].name} not costed; {top.name}:")
        elif top is not None:
            assert value.startswith(f"{top.name}:")


def test_figure_changes_name_the_benchmarks_that_moved_and_leave_answers_out() -> None:
    from types import SimpleNamespace

    from apps.recommendations.diff import figure_changes
    from apps.recommendations.snapshot.types import CostInput

    def rec(inhouse_rate: str, pool_rate: str, hours: str) -> Any:
        cost = SimpleNamespace(
            inhouse_inputs=(CostInput("Annual hours", hours), CostInput("In-house hourly cost (US)", inhouse_rate)),
            models=(
                SimpleNamespace(
                    model="shared-pool", name="Shared pool", inputs=(CostInput("Rate", pool_rate),), lines=()
                ),
            ),
        )
        return SimpleNamespace(record=SimpleNamespace(evaluation=SimpleNamespace(cost=cost)))

    changes = figure_changes(rec("$45–$120/h", "$28/h", "12,000"), rec("$53–$89/h", "$28/h", "9,000"))
    assert [(c.what, c.before, c.after) for c in changes] == [
        ("In-house: In-house hourly cost (US)", "$45–$120/h", "$53–$89/h")
    ]


def test_figure_changes_list_one_time_lines_that_differ_appear_or_go() -> None:
    # Reviews 159 and 163: $1,815 of contracting became $40,000, and a transition and an exit appeared, unlisted.
    from types import SimpleNamespace

    from apps.recommendations.diff import figure_changes
    from apps.recommendations.snapshot.types import CostLine

    def rec(lines: tuple[CostLine, ...]) -> Any:
        cost = SimpleNamespace(
            inhouse_inputs=(),
            models=(SimpleNamespace(model="project", name="Project", inputs=(), lines=lines),),
            amount=lambda v: f"${v:,.0f}",
        )
        return SimpleNamespace(record=SimpleNamespace(evaluation=SimpleNamespace(cost=cost)))

    fees = CostLine("Provider fees", "recurring", (1.0, 2.0, 3.0))
    before = rec((fees, CostLine("Contracting and due diligence", "one_time", (1.0, 1815.0, 2.0))))
    after = rec(
        (
            CostLine("Provider fees", "recurring", (5.0, 6.0, 7.0)),
            CostLine("Contracting and due diligence", "one_time", (1.0, 40000.0, 2.0)),
            CostLine("Exit and re-tendering", "one_time", (1.0, 150078.0, 2.0)),
        )
    )
    assert [(c.what, c.before, c.after) for c in figure_changes(before, after)] == [
        ("Project: Contracting and due diligence", "$1,815", "$40,000"),
        ("Project: Exit and re-tendering", "none", "$150,078"),
    ]
    assert [(c.what, c.before, c.after) for c in figure_changes(after, before)][-1] == (
        "Project: Exit and re-tendering",
        "$150,078",
        "none",
    )
