"""A German bank, payment or investment firm handing KYC work to a provider reads the Money Laundering Act until the
EU Regulation applies: due diligence by a third party under contract (GwG § 17(5)) as a condition, and the notice to
its supervisor before a provider runs its internal safeguards (GwG § 6(7)) as a notice gate (review 111: only the
Irish and Dutch laws were named)."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.services import submit_and_recommend
from tests.factories import AssessmentFactory
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db
KYC = "KYC refresh: a Dutch bank's customer due diligence reviews"


def test_a_german_bank_reads_the_gwg(reference: Playbook) -> None:
    ev = evaluated_case(reference, KYC, buyer_eu_country="germany")
    assert "aml-outsourcing-germany" in fired_codes(ev)
    assert any("(GwG § 17(5))" in c.text for c in ev.conditions)
    [gate] = [g for g in ev.gates if "GwG § 6(7)" in g.text]
    assert gate.notice and "any prohibition it issues" in gate.text
    # Review 124: the checklist settles the notice too, not only the due diligence the rule's other condition sets.
    assert [c.text.endswith("(GwG § 6(7))") for c in ev.conditions if c.rule == "aml-outsourcing-germany"] == [
        False,
        True,
    ]
    obligations = [
        o for r in ev.regimes if r.code == "eu-aml-outsourcing" for _, _, items in r.obligations for o in items
    ]
    assert any("in Germany, the Geldwäschegesetz (GwG), §§ 6(7) and 17(5)" in o["action"] for o in obligations)


def test_a_dutch_bank_does_not(reference: Playbook) -> None:
    ev = evaluated_case(reference, KYC)
    assert "aml-outsourcing-germany" not in fired_codes(ev)
    assert not [g for g in ev.gates if "GwG" in g.text]


def test_an_eu_insurers_kyc_work_reads_the_aml_rules_for_life_business(reference: Playbook) -> None:
    # Review 127: a German insurer's KYC work read no AML rule at all, not even "not covered".
    for country in ("germany", "netherlands"):
        ev = evaluated_case(reference, KYC, buyer_sector="insurer", buyer_eu_country=country)
        (risk,) = [r for r in ev.risks if r.rule == "aml-outsourcing-not-covered-eu-insurer"]
        assert risk.title.startswith("If you write life insurance") and "Art. 3(2)(b)" in risk.mitigation
        assert "Regulation (EU) 2024/1624 Art. 18" in risk.mitigation and "GwG § 6(7)" in risk.mitigation
        assert "aml-outsourcing-eu" not in fired_codes(ev)
        # The checklist carries it too, for life business (review 130: in a risk's mitigation only).
        (settle,) = [c.text for c in ev.conditions if c.rule == "aml-outsourcing-not-covered-eu-insurer"]
        assert settle.startswith("If you write life or other investment-related insurance") and "GwG § 6(7)" in settle
    # A bank reads the rules set out for it, not this.
    assert "aml-outsourcing-not-covered-eu-insurer" not in fired_codes(evaluated_case(reference, KYC))


def test_the_obligations_csv_carries_the_verdicts_conditions(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    # Review 127: the § 6(7) notice (and HDS hosting, a province's health law) were conditions on the page only.
    answers = {**reference.golden_cases.get(name__startswith=KYC).answers, "buyer_eu_country": "germany"}
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    rec = submit_and_recommend(assessment=a, user=buyer)
    ev = rec.record.evaluation
    assert ev.verdict != "doesnt_win" and ev.conditions
    response = buyer_client.get(reverse("recommendations:obligations_csv", args=[rec.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    own = [r for r in rows if r["regime"] == "Conditions of this verdict"]
    expected = [f"Settled before signing: {g.text}" for g in ev.gates_to_check] + [c.text for c in ev.conditions]
    assert [r["what to do"] for r in own] == expected
    assert any(r["what to do"].endswith("(GwG § 6(7))") for r in own)
    # A condition said to be settled before signing, or standing for a gate, is filed so (reviews 136 and 141).
    from apps.recommendations.views import SIGNING

    gated = {g.name for g in ev.gates}
    for r in own:
        said = bool(SIGNING.search(r["what to do"])) or r["obligation"] in gated
        assert r["phase"] == ("Before signing" if said else "Before the work moves"), r
    # Terms to sign or put in the contract are settled before signing too (review 138), but not a deliverable's
    # sign-off while the work runs (review 141).
    assert SIGNING.search("Sign UK GDPR processor terms with the provider") and SIGNING.search("put it in the contract")
    assert not SIGNING.search("Write the method down (templates, checklists, worked examples) during the transition")
    assert not SIGNING.search("Keep a licensed professional onshore who supervises the work and signs off each one")
    assert all(r["status"] == "open" and r["obligation"] for r in own)
    assert rows.index(own[0]) > max(i for i, r in enumerate(rows) if r["regime"] != "Conditions of this verdict")
    # A verdict of "doesn't win" has no conditions to meet, as on the page.
    lost = AssessmentFactory(
        organisation=organisation,
        created_by=buyer,
        playbook=reference,
        answers=reference.golden_cases.get(name__startswith="Nobody onshore licensed").answers,
    )
    lost_rec = submit_and_recommend(assessment=lost, user=buyer)
    body = buyer_client.get(reverse("recommendations:obligations_csv", args=[lost_rec.pk])).content.decode("utf-8-sig")
    assert lost_rec.verdict == "doesnt_win" and "Conditions of this verdict" not in body
    # What blocks it instead, to settle before anything else (review 136).
    blocks = [r for r in csv.DictReader(io.StringIO(body)) if r["regime"] == "What blocks this verdict"]
    assert [(r["obligation"], r["what to do"]) for r in blocks] == [
        (b.name, b.reason) for b in lost_rec.record.evaluation.blockers
    ]
    assert blocks and all(r["phase"] == "Before anything else" for r in blocks)
