"""Export-controlled data on the reference playbook: the regime follows where the exporter is (EU dual-use for
an EU team, the UK's controls for a UK team, the US ITAR and EAR for a US team, their reexport and retransfer
rules for US-origin content held elsewhere), an EU exporter's controlled technology ranks EU delivery sites first,
and a firm elsewhere is told its own rules are not covered."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.engine import clean_answers, evaluate
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
GERMAN = "EU dual-use drawings: a German machine builder"
NOT_COVERED = "Your own country's export control rules are not covered here"


def evaluated(reference: Playbook, **changes: Any) -> Any:
    return evaluated_case(reference, GERMAN, **changes)


def regimes(ev: Any) -> set[str]:
    return {r.code for r in ev.regimes}


def test_an_eu_exporter_gets_the_eu_dual_use_regulation_and_not_the_us_rules(reference: Playbook) -> None:
    ev = evaluated(reference)

    assert "eu-dual-use" in regimes(ev) and "us-export-controls" not in regimes(ev)
    citations = " ".join(
        o["citation"] for r in ev.regimes if r.code == "eu-dual-use" for _, _, group in r.obligations for o in group
    )
    assert "Art. 2(2)(d)" in citations and "Art. 11(1)" in citations
    assert any(c.text.startswith("Hold the export authorisation") for c in ev.conditions)


def test_eu_delivery_sites_outrank_the_preferred_india_for_eu_controlled_technology(reference: Playbook) -> None:
    ev = evaluated(reference)

    order = [loc.code for loc in ev.locations]
    assert order.index("poland") < order.index("india") and order.index("romania") < order.index("india")
    assert ev.locations[0].code in ("poland", "romania")


def test_on_equal_points_a_site_needing_the_export_authorisation_ranks_after_one_needing_none(
    reference: Playbook,
) -> None:
    """India ties with Poland and Romania on points (the buyer prefers it; the authorisation it needs takes the
    preference's points back): the tie goes to the sites that need no authorisation, whatever overlap they give
    beyond the 3 hours needed, and the result names India's lower cost with why it ranks lower."""
    ev = evaluated(reference)
    scores = {loc.code: loc.score for loc in ev.locations}
    assert scores["india"] == scores["poland"] == scores["romania"]
    order = [loc.code for loc in ev.locations]
    assert order.index("poland") < order.index("india") and order.index("romania") < order.index("india")


def test_us_origin_content_brings_the_us_rules_to_a_non_us_exporter(reference: Playbook) -> None:
    assert {"eu-dual-use", "us-reexport"} <= regimes(evaluated(reference, export_us_origin="yes"))
    unsure = evaluated(reference, export_us_origin="unsure")
    assert "us-reexport" in regimes(unsure)
    assert any(c.text.startswith("Find out whether the controlled data contains") for c in unsure.conditions)


def triggered_by(ev: Any, code: str) -> tuple[str, ...]:
    return next(r.because for r in ev.regimes if r.code == code)


def test_the_us_rules_say_they_are_shown_because_nobody_has_checked_when_the_buyer_is_not_sure(
    reference: Playbook,
) -> None:
    unsure = triggered_by(evaluated(reference, export_us_origin="unsure"), "us-reexport")
    assert unsure == ("You are not sure whether the controlled data has US-origin content: treated as if it has",)
    assert triggered_by(evaluated(reference, export_us_origin="yes"), "us-reexport") == (
        "Export-controlled data with US-origin content, held outside the US",
    )


def test_a_uk_exporter_gets_the_uk_controls(reference: Playbook) -> None:
    ev = evaluated(reference, buyer_location="uk", client_jurisdictions=["uk"], home_market="uk")

    assert "uk-export-controls" in regimes(ev)
    assert not {"eu-dual-use", "us-export-controls"} & regimes(ev)


def test_a_us_team_gets_the_us_rules(reference: Playbook) -> None:
    ev = evaluated(reference, buyer_location="us", client_jurisdictions=["us"], home_market="us", overlap_hours=0)

    assert "us-export-controls" in regimes(ev) and "eu-dual-use" not in regimes(ev)


def test_an_exporter_elsewhere_is_told_its_own_rules_are_not_covered(reference: Playbook) -> None:
    ev = evaluated(reference, buyer_location="other", client_jurisdictions=["other"], home_market="other")

    assert not {"eu-dual-use", "uk-export-controls", "us-export-controls"} & regimes(ev)
    assert any(r.title == NOT_COVERED for r in ev.risks)


@pytest.mark.parametrize("location", ["canada-east", "singapore", "australia-east"])
def test_a_team_in_a_time_zone_the_product_knows_is_still_told_its_own_export_rules_are_not_covered(
    reference: Playbook, location: str
) -> None:
    ev = evaluated(reference, buyer_location=location, client_jurisdictions=["other"], home_market="other")

    assert not {"eu-dual-use", "uk-export-controls", "us-export-controls"} & regimes(ev)
    assert any(r.title == NOT_COVERED for r in ev.risks)
    assert any(c.text.startswith("Confirm with your national export control authority") for c in ev.conditions)


def test_a_montreal_supplier_with_us_origin_data_gets_the_us_rules_and_the_notice_about_its_own(
    reference: Playbook,
) -> None:
    compiled = compiled_playbook(reference)
    case = reference.golden_cases.get(name__startswith="Montreal aerospace supplier")
    answers, problems = clean_answers(compiled.questions, case.answers)
    assert not problems
    ev = evaluate(compiled, answers)

    assert "us-reexport" in regimes(ev) and "us-export-controls" not in regimes(ev)
    assert any(r.title == NOT_COVERED for r in ev.risks)
