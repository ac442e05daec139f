"""Legal work reads the rules of the lawyers who send it: the ABA's Model Rules and Formal Opinion 08-451 only when
US lawyers send the work, the SRA's codes for a firm the SRA regulates (client confidentiality unless disclosure is
required or permitted by law or the client consents: consent is one route there, not a gate on the verdict), and
for anyone else a risk that their own bar's rules are not covered."""

from __future__ import annotations

from typing import Any

import pytest

from apps.playbooks.engine.evaluate import Evaluation
from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
UK_FIRM = "UK law firm: one-off contract review for an acquisition"
US_FIRM = "US law firm: seasonal first-level document review"
SRA_FIRMS = "https://www.sra.org.uk/solicitors/standards-regulations/code-conduct-firms/"
SRA_SOLICITORS = "https://www.sra.org.uk/solicitors/standards-regulations/code-conduct-solicitors/"
OTHER_RULES = "Your own professional rules on sharing client confidences are not covered here"


def said(ev: Evaluation) -> str:
    """Everything the result says about the rules that fired: names, reasons, gates, conditions, risks, blockers."""
    parts: list[Any] = [f"{f.name} {f.rationale}" for f in ev.fired]
    parts += [g.text for g in ev.gates] + [c.text for c in ev.conditions] + [b.reason for b in ev.blockers]
    parts += [f"{r.title} {r.mitigation}" for r in ev.risks]
    return "\n".join(parts)


def test_a_uk_firm_asking_its_clients_reads_the_sras_duty_and_no_american_rule(reference: Playbook) -> None:
    ev = evaluated_case(reference, UK_FIRM, legal_client_consent="can-obtain")
    assert not ev.gates and not ev.blockers
    assert ev.verdict == evaluated_case(reference, UK_FIRM).verdict == "wins"
    text = said(ev)
    assert "ABA" not in text and "Rule 5.3" not in text and "08-451" not in text
    assert "aba-08-451" not in ev.regime_codes and "sra-outsourcing" in ev.regime_codes
    (condition,) = [c for c in ev.conditions if c.rule == "sra-client-confidentiality"]
    assert condition.text.endswith(
        "(SRA Code of Conduct for Firms para. 6.3; SRA Code of Conduct for Solicitors, RELs and RFLs para. 6.3)"
    )
    (why,) = [f for f in ev.fired if f.code == "sra-client-confidentiality"]
    assert "unless disclosure is required or permitted by law or the client consents" in why.rationale
    assert "not a precondition" in why.rationale
    # The lawyer's supervision risk is there, without the American rules.
    assert [r.rule for r in ev.risks if r.title == "A lawyer must review everything before it goes out"] == [
        "attorney-signoff-outside-us-rules"
    ]


def test_the_sra_regime_states_the_confidentiality_duty_and_supervision_with_their_sources(
    reference: Playbook,
) -> None:
    ev = evaluated_case(reference, UK_FIRM, legal_client_consent="can-obtain")
    sra = obligations(ev, "sra-outsourcing")
    assert sra["confidentiality"] == (
        "SRA Code of Conduct for Firms para. 6.3; SRA Code of Conduct for Solicitors, RELs and RFLs para. 6.3",
        SRA_FIRMS,
        "secondary",
    )
    assert sra["supervision"][:2] == (
        "SRA Code of Conduct for Firms para. 4.4; SRA Code of Conduct for Solicitors, RELs and RFLs para. 3.5",
        SRA_SOLICITORS,
    )
    assert sra["stay-accountable"][0] == "SRA Code of Conduct for Firms para. 2.3"
    regime = next(r for r in ev.regimes if r.code == "sra-outsourcing")
    assert "not a precondition" in regime.summary
    assert {s["url"] for s in regime.sources} == {SRA_FIRMS, SRA_SOLICITORS}


def test_a_uk_firm_whose_clients_refuse_is_blocked_and_keeps_their_matters_out(reference: Playbook) -> None:
    # Review 94: "clients will not or cannot consent" read "KPO wins" with every hour priced; clients who refuse have
    # withheld the one route that would allow their matters to go (SRA Code of Conduct for Firms para. 6.3).
    ev = evaluated_case(reference, UK_FIRM, legal_client_consent="cannot")
    assert ev.verdict == "doesnt_win" and [b.rule for b in ev.blockers] == ["sra-clients-refuse-sharing"]
    assert "SRA Code of Conduct for Firms para. 6.3" in ev.blockers[0].reason
    assert [r.severity for r in ev.risks if r.rule == "sra-clients-refuse-sharing"] == ["high"]
    assert "ABA" not in said(ev)


@pytest.mark.parametrize(("consent", "verdict"), [("can-obtain", "conditional"), ("cannot", "doesnt_win")])
def test_us_lawyers_still_read_model_rule_1_6(reference: Playbook, consent: str, verdict: str) -> None:
    ev = evaluated_case(reference, US_FIRM, legal_client_consent=consent)
    assert ev.verdict == verdict
    assert "ABA Model Rule 1.6(a)" in said(ev)
    assert [r.rule for r in ev.risks if r.title == "A lawyer must review everything before it goes out"] == [
        "attorney-signoff"
    ]
    assert not {"sra-client-confidentiality", "legal-client-consent-other-rules"} & {f.code for f in ev.fired}


@pytest.mark.parametrize(
    "changes",
    [
        {"buyer_sector": "other", "buyer_regulated_in": None, "buyer_location": "other", "home_market": "other"},
        # An Australian firm reads the Australian Solicitors' Conduct Rules instead (review 43).
        {"buyer_regulated_in": "singapore", "buyer_location": "singapore", "home_market": "other"},
    ],
    ids=["unregulated-elsewhere", "singapore-firm"],
)
def test_lawyers_elsewhere_are_told_their_own_rules_are_not_covered(
    reference: Playbook, changes: dict[str, object]
) -> None:
    ev = evaluated_case(reference, UK_FIRM, legal_client_consent="can-obtain", **changes)
    assert "ABA" not in said(ev)
    assert [r.title for r in ev.risks].count(OTHER_RULES) == 1
    assert "sra-client-confidentiality" not in {f.code for f in ev.fired}
    # Consent still to be asked under rules not covered here is settled before signing, as a US lawyer's is; a UK
    # regulated buyer's in-house lawyers read their own regulator's rules (another rule), with no gate here.
    gates = [g.text for g in ev.gates]
    assert gates == [
        "what your own bar's rules ask before client information goes to a provider, checked, and each client's "
        "consent where they need it"
    ]
    assert ev.verdict != "wins"
    # Consent in place settles it.
    assert not evaluated_case(reference, UK_FIRM, legal_client_consent="obtained", **changes).gates


def test_a_uk_banks_in_house_lawyers_read_their_own_code_with_the_bank_as_their_client(reference: Playbook) -> None:
    # Review 40: solicitors employed in-house are bound one by one by the SRA's Code of Conduct for Solicitors; they
    # were told their rules are not covered here.
    ev = evaluated_case(
        reference, UK_FIRM, legal_client_consent="can-obtain", buyer_sector="bank", critical_function=False
    )
    assert OTHER_RULES not in [r.title for r in ev.risks] and not ev.gates
    said_here = " ".join(c.text for c in ev.conditions)
    assert "SRA Code of Conduct for Solicitors, RELs and RFLs" in said_here and "is itself their client" in said_here


def test_the_consent_question_says_whose_rules_need_consent(reference: Playbook) -> None:
    help_text = reference.questions.get(code="legal_client_consent").help_text
    assert "ABA Model Rule 1.6(a)" in help_text and "SRA Code of Conduct for Solicitors" in help_text
    assert "not a precondition" in help_text


GERMANY = {"buyer_location": "eu", "buyer_eu_country": "germany", "buyer_regulated_in": "eu", "home_market": "eu"}


def test_a_german_law_firm_reads_section_43e_brao_and_is_not_told_its_rules_are_not_covered(
    reference: Playbook,
) -> None:
    # § 43e BRAO lets its lawyers give a provider access to client secrets without the client's consent, so the
    # page does not also say that whether clients must consent is a rule not covered here.
    ev = evaluated_case(reference, UK_FIRM, legal_client_consent="can-obtain", **GERMANY)
    assert "de-brao-43e" in ev.regime_codes
    assert OTHER_RULES not in [r.title for r in ev.risks]


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({**GERMANY, "buyer_sector": "bank", "critical_function": False}, "legal-client-consent-other-rules-germany"),
        (
            {**GERMANY, "buyer_eu_country": "france", "buyer_sector": "bank", "critical_function": False},
            "legal-client-consent-other-rules-france",
        ),
        ({**GERMANY, "buyer_eu_country": "netherlands"}, "legal-client-consent-other-rules"),
    ],
    ids=["german-bank", "french-bank", "dutch-law-firm"],
)
def test_other_lawyers_in_the_eu_are_still_told_their_own_rules_are_not_covered(
    reference: Playbook, changes: dict[str, object], rule: str
) -> None:
    ev = evaluated_case(reference, UK_FIRM, legal_client_consent="can-obtain", **changes)
    assert "de-brao-43e" not in ev.regime_codes
    assert [r.rule for r in ev.risks if r.title == OTHER_RULES] == [rule]


FRANKFURT = "Frankfurt law firm: due-diligence review for clients' deals"


def test_a_german_law_firms_matter_work_needs_each_clients_consent(reference: Playbook) -> None:
    """§ 43e(5) BRAO: a service that directly serves a single client's matter may see that client's secrets only with
    its consent; the consent-free route of § 43e(1)-(4) is for services that serve the practice."""
    refused = evaluated_case(reference, FRANKFURT, legal_client_consent="cannot")
    assert refused.verdict == "doesnt_win"
    assert [b.rule for b in refused.blockers] == ["de-lawyer-matter-consent-refused"]
    assert "(§ 43e(5) BRAO)" in refused.blockers[0].reason and "§ 203(1) StGB" in refused.blockers[0].reason
    to_ask = evaluated_case(reference, FRANKFURT, legal_client_consent="can-obtain")
    assert to_ask.verdict == "conditional" and not to_ask.blockers
    assert [g.text for g in to_ask.gates] == [
        "each client's consent to a provider working on its matter seeing its secrets (§ 43e(5) BRAO)"
    ]
    given = evaluated_case(reference, FRANKFURT, legal_client_consent="obtained")
    assert not given.gates and not given.blockers and given.verdict == "wins"
    # Whatever the answer, the regime sets the duty out with its pinpoint, and no American rule is read.
    for ev in (refused, to_ask, given):
        assert obligations(ev, "de-brao-43e")["client-consent-for-matter-work"][:2] == (
            "§ 43e(5) BRAO",
            "https://www.gesetze-im-internet.de/brao/__43e.html",
        )
        assert "ABA" not in said(ev) and OTHER_RULES not in [r.title for r in ev.risks]
    # The rule that sets § 43e out no longer reads as if consent were never needed.
    fired = next(f for f in given.fired if f.code == "de-lawyer-service-providers")
    assert "directly serve a single client's matter" in fired.rationale and "(§ 43e(5) BRAO" in fired.rationale


def test_the_consent_question_says_a_german_law_firm_needs_consent_for_matter_work(reference: Playbook) -> None:
    help_text = reference.questions.get(code="legal_client_consent").help_text
    assert "A German law firm needs the client's consent" in help_text and "(§ 43e(5) BRAO)" in help_text


def test_a_french_law_firm_binds_and_supervises_the_providers_people_and_asks_no_consent(reference: Playbook) -> None:
    # An avocat's secret is absolute: a client's consent does not lift it (Loi 71-1130 art. 66-5; RIN art. 2.1), so the
    # verdict does not wait on consent; binding and supervising those who work on the files is the condition.
    france = {**GERMANY, "buyer_eu_country": "france"}
    for consent in ("can-obtain", "cannot", "obtained"):
        ev = evaluated_case(reference, UK_FIRM, legal_client_consent=consent, **france)
        assert OTHER_RULES not in [r.title for r in ev.risks]
        assert not [g for g in ev.gates if "consent" in g.text]
        (condition,) = [c for c in ev.conditions if c.rule == "fr-avocat-professional-secrecy"]
        assert "a client's consent does not lift the secret" in condition.text and "art. 66-5" in condition.text
        assert "Code pénal art. 226-13" in condition.text
        (risk,) = [r for r in ev.risks if r.rule == "fr-avocat-professional-secrecy"]
        assert risk.title == "A client's consent does not release an avocat from professional secrecy"
