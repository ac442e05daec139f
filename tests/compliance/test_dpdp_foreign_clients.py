"""A buyer in India that processes EU or UK personal data for clients abroad, on their instructions, reads the
DPDP Act's exemption for that work (s.17(1)(d): data about people outside India processed under a contract with a
party outside India), with the two duties that stay (s.8(1), s.8(5) and Rule 6), not the whole Act as its Data
Fiduciary (review 102: notice, consent, the Significant Data Fiduciary test, breach notices and erasure were all
listed for a processor of EU clients' data). Data of its own, data about people in India, or a role not said as
processor, keep the whole Act."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.engine import evaluate
from apps.playbooks.engine.visibility import visibility
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook

pytestmark = pytest.mark.django_db

PROCESSOR = {
    "function": "market-research-analytics",
    "buyer_sector": "other",
    "buyer_location": "india",
    "home_market": "other",
    "client_jurisdictions": ["eu"],
    "data_categories": ["eu-personal"],
    "gdpr_role": "processor",
}


def regimes(reference: Playbook, **changes: Any) -> dict[str, Any]:
    ev = evaluate(compiled_playbook(reference), {**PROCESSOR, **changes})
    return {r.code: r for r in ev.regimes}


def test_a_processor_for_clients_abroad_reads_the_exemption_with_the_duties_that_stay(reference: Playbook) -> None:
    found = regimes(reference)
    assert "dpdp" not in found and "gdpr" in found
    exempt = found["dpdp-foreign-clients"]
    citations = [o["citation"] for _, _, group in exempt.obligations for o in group]
    assert citations == ["DPDP Act s.17(1)(d)", "DPDP Act s.8(1), s.8(5); DPDP Rules 2025, Rule 6"]
    assert all(o["effective_date"] == "2027-05-13" for _, _, group in exempt.obligations for o in group)
    # UK clients' data the same.
    assert "dpdp-foreign-clients" in regimes(reference, data_categories=["uk-personal"], client_jurisdictions=["uk"])


@pytest.mark.parametrize(
    ("changes", "also_exempt"),
    [
        ({"gdpr_role": "controller"}, False),
        ({"gdpr_role": "both"}, False),  # some of it is its own
        ({"gdpr_role": "not-sure"}, False),
        ({"gdpr_role": None}, False),  # not answered
        ({"data_categories": ["eu-personal", "india-personal"]}, False),  # people in India: the whole Act
        # California data, for which no role is asked, keeps the whole Act; the EU clients' data is still exempt.
        ({"data_categories": ["eu-personal", "california-personal"]}, True),
    ],
)
def test_data_of_its_own_or_about_people_in_india_keeps_the_whole_act(
    reference: Playbook, changes: dict[str, Any], also_exempt: bool
) -> None:
    answers = {k: v for k, v in {**PROCESSOR, **changes}.items() if v is not None}
    found = {r.code for r in evaluate(compiled_playbook(reference), answers).regimes}
    assert "dpdp" in found
    assert ("dpdp-foreign-clients" in found) == also_exempt


def test_a_buyer_outside_india_reads_neither(reference: Playbook) -> None:
    found = regimes(reference, buyer_location="uk", home_market="uk")
    assert "dpdp" not in found and "dpdp-foreign-clients" not in found


TAX_FIRM = {
    "function": "tax-preparation",
    "buyer_sector": "accounting-firm",
    "buyer_location": "india",
    "home_market": "other",
    "client_jurisdictions": ["us"],
    "data_categories": ["tax-returns"],
}


@pytest.mark.parametrize(
    ("said", "exempt"),
    [("for-clients", True), ("own", False), ("both", False), ("not-sure", False), (None, False)],
)
def test_other_data_of_clients_abroad_reads_the_exemption_when_the_buyer_says_so(
    reference: Playbook, said: str | None, exempt: bool
) -> None:
    # Review 124: an Indian firm preparing US clients' returns under its contracts with them read the whole Act as
    # their Data Fiduciary; the exemption (s.17(1)(d)) had been read for EU and UK clients' data alone.
    compiled = compiled_playbook(reference)
    answers = {**TAX_FIRM, **({"buyer_india_data_for_clients": said} if said else {})}
    found = {r.code for r in evaluate(compiled, answers).regimes}
    assert ("dpdp-foreign-clients" in found, "dpdp" in found) == (exempt, not exempt)


def test_the_question_is_asked_only_of_a_buyer_in_india_with_no_data_about_people_in_india(
    reference: Playbook,
) -> None:
    compiled = compiled_playbook(reference)

    def visible_questions(pb: Any, answers: dict[str, Any]) -> tuple[str, ...]:
        return visibility(pb, answers).questions

    asked = "buyer_india_data_for_clients"
    assert asked in visible_questions(compiled, TAX_FIRM)
    assert asked not in visible_questions(compiled, {**TAX_FIRM, "data_categories": ["tax-returns", "india-personal"]})
    assert asked not in visible_questions(compiled, {**TAX_FIRM, "buyer_location": "uk", "home_market": "uk"})
    assert asked not in visible_questions(compiled, {**TAX_FIRM, "data_categories": ["eu-personal"]})
    # Review 127: health records of people in India only (PHI names no country) are not foreign people's data.
    indian = {**TAX_FIRM, "client_jurisdictions": ["india"], "data_categories": ["phi"]}
    assert asked not in visible_questions(compiled, indian)
    found = {r.code for r in evaluate(compiled, {**indian, asked: "for-clients"}).regimes}
    assert "dpdp" in found and "dpdp-foreign-clients" not in found


def test_a_buyer_in_india_is_not_told_its_own_countrys_rules_are_not_covered(reference: Playbook) -> None:
    # Review 130: beside the DPDP Act the page sets out, "Your country's rules on handing personal data to a provider
    # are not covered here".
    ev = evaluate(
        compiled_playbook(reference),
        {**TAX_FIRM, "client_jurisdictions": ["india"], "data_categories": ["other-personal"]},
    )
    assert "dpdp" in {r.code for r in ev.regimes}
    assert not [r for r in ev.risks if r.rule == "other-personal-data"]
