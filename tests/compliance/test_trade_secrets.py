"""Highly sensitive know-how handed to a provider is a trade secret only while its holder keeps it secret by
reasonable steps, so a buyer in Germany reads the German Trade Secrets Act (§ 2 Nr. 1 lit. b GeschGehG), one
elsewhere in the EU the Directive (Art. 2(1)(c)), one in the US the Defend Trade Secrets Act (18 U.S.C.
1839(3)(A)) and one in the UK the 2018 Regulations (reg. 2); highly sensitive patent or design work also reads the
EPC's novelty rule for an invention shown before it is filed. Each duty has its pinpoint and official source, all
marked secondary; low or medium sensitivity reads none of them."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations, source_host_kinds
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
LANDSCAPE = "German machine-tool maker: an 8-week patent landscape"
LAW_FIRM = "US law firm: patent prior-art searches on clients' inventions"
TRADE_SECRETS = {"eu-trade-secrets", "de-geschgehg", "us-dtsa", "uk-trade-secrets"}
EPC = "epc-novelty"
DIRECTIVE = "https://eur-lex.europa.eu/eli/dir/2016/943/oj"
DTSA = "https://uscode.house.gov/view.xhtml?req=granuleid:USC-prelim-title18-section{}&num=0&edition=prelim"


def test_a_german_maker_reads_the_trade_secrets_act_and_the_epcs_novelty_rule(reference: Playbook) -> None:
    ev = evaluated_case(reference, LANDSCAPE)
    assert (ev.verdict, ev.top_model) == ("conditional", "project")
    assert TRADE_SECRETS & set(ev.regime_codes) == {"de-geschgehg"}
    assert obligations(ev, "de-geschgehg") == {
        "appropriate-secrecy-measures": (
            "§ 2 Nr. 1 lit. b GeschGehG",
            "https://www.gesetze-im-internet.de/geschgehg/__2.html",
            "secondary",
        ),
        "confidentiality-and-limited-use": (
            "§ 4 Abs. 2 Nr. 2 and 3 GeschGehG; §§ 6-10 GeschGehG",
            "https://www.gesetze-im-internet.de/geschgehg/__4.html",
            "secondary",
        ),
        "keep-the-measures-up": (
            "§ 2 Nr. 1 lit. b GeschGehG",
            "https://www.gesetze-im-internet.de/geschgehg/__2.html",
            "secondary",
        ),
    }
    act = next(r for r in ev.regimes if r.code == "de-geschgehg")
    assert act.confidence == "secondary" and "legal condition of the protection" in act.summary
    before = next(items for phase, _label, items in act.obligations if phase == "before_signing")
    assert "need the information for the work" in before[0]["action"]
    assert obligations(ev, EPC) == {
        "confidentiality-before-disclosure": (
            "EPC Art. 54(1), (2); Art. 55(1)",
            "https://www.epo.org/en/legal/epc/2020/a54.html",
            "secondary",
        ),
        "no-publication-and-assignment": (
            "EPC Art. 54(2); Art. 60(1)",
            "https://www.epo.org/en/legal/epc/2020/a60.html",
            "secondary",
        ),
    }
    assert source_host_kinds(ev, "de-geschgehg") == {
        "gesetze-im-internet.de": "official",
        "eur-lex.europa.eu": "official",
    }
    assert source_host_kinds(ev, EPC) == {"epo.org": "official"}


def test_a_buyer_elsewhere_in_the_eu_reads_the_directive(reference: Playbook) -> None:
    ev = evaluated_case(reference, LANDSCAPE, buyer_eu_country="france")
    assert TRADE_SECRETS & set(ev.regime_codes) == {"eu-trade-secrets"}
    assert obligations(ev, "eu-trade-secrets") == {
        "reasonable-steps": ("Directive (EU) 2016/943 Art. 2(1)(c)", DIRECTIVE, "secondary"),
        "confidentiality-and-limited-use": (
            "Directive (EU) 2016/943 Art. 4(3)(b), (c); Arts. 10-14",
            DIRECTIVE,
            "secondary",
        ),
        "keep-the-steps-up": ("Directive (EU) 2016/943 Art. 2(1)(c)", DIRECTIVE, "secondary"),
    }


def test_a_us_buyer_reads_the_defend_trade_secrets_act_beside_the_foreign_filing_rules(reference: Playbook) -> None:
    ev = evaluated_case(reference, LAW_FIRM)
    assert TRADE_SECRETS & set(ev.regime_codes) == {"us-dtsa"}
    assert {EPC, "us-patent-foreign-filing"} <= set(ev.regime_codes)
    assert obligations(ev, "us-dtsa") == {
        "reasonable-measures": ("18 U.S.C. 1839(3)(A)", DTSA.format(1839), "secondary"),
        "confidentiality-and-limited-use": ("18 U.S.C. 1839(5)(B)(ii)(II); 1836(b)(3)", DTSA.format(1839), "secondary"),
        "whistleblower-immunity-notice": ("18 U.S.C. 1833(b)(3) and (4)", DTSA.format(1833), "secondary"),
    }
    # The foreign filing licence stays with its own regime: the EPC entry cites none of it.
    assert not any("184" in citation for citation, _u, _c in obligations(ev, EPC).values())


def test_a_uk_buyer_reads_the_2018_regulations(reference: Playbook) -> None:
    ev = evaluated_case(reference, LANDSCAPE, buyer_location="uk", buyer_eu_country=None, home_market="uk")
    assert TRADE_SECRETS & set(ev.regime_codes) == {"uk-trade-secrets"}
    steps = obligations(ev, "uk-trade-secrets")["reasonable-steps"]
    assert steps == (
        "SI 2018/597 reg. 2, definition of “trade secret”, limb (c)",
        "https://www.legislation.gov.uk/uksi/2018/597/regulation/2",
        "secondary",
    )


def test_a_buyer_outside_the_eu_in_europe_reads_no_eu_trade_secret_law(reference: Playbook) -> None:
    ev = evaluated_case(reference, LANDSCAPE, buyer_eu_country="outside-eu")
    assert TRADE_SECRETS.isdisjoint(ev.regime_codes)
    assert EPC in ev.regime_codes


def test_highly_sensitive_work_other_than_patents_or_design_reads_no_novelty_rule(reference: Playbook) -> None:
    ev = evaluated_case(reference, LANDSCAPE, function="financial-analysis")
    assert "de-geschgehg" in ev.regime_codes and EPC not in ev.regime_codes


@pytest.mark.parametrize("ip", ["low", "medium"])
@pytest.mark.parametrize("case", [LANDSCAPE, LAW_FIRM])
def test_low_or_medium_sensitivity_reads_none_of_them(reference: Playbook, case: str, ip: str) -> None:
    ev = evaluated_case(reference, case, ip_sensitivity=ip)
    assert (TRADE_SECRETS | {EPC}).isdisjoint(ev.regime_codes)


# A buyer whose place none of those laws covers is told so, and what to check in its own.
OWN_LAW = "trade-secret law of the EU, Germany, the UK and the US only"


def own_law_risks(ev: object) -> list[str]:
    return [r.rule for r in ev.risks if OWN_LAW in r.mitigation]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"buyer_eu_country": "outside-eu"}, "trade-secrets-buyer-europe-outside-eu"),
        ({"buyer_eu_country": "switzerland", "home_market": "other"}, "trade-secrets-buyer-europe-outside-eu"),
        (
            {"buyer_location": "japan-korea", "buyer_eu_country": None, "home_market": "other"},
            "trade-secrets-buyer-elsewhere",
        ),
        (
            {"buyer_location": "india", "buyer_eu_country": None, "home_market": "other"},
            "trade-secrets-buyer-elsewhere",
        ),
    ],
)
def test_a_buyer_none_of_the_trade_secret_laws_covers_is_told_to_check_its_own(
    reference: Playbook, changes: dict[str, object], rule: str
) -> None:
    ev = evaluated_case(reference, LANDSCAPE, **changes)
    assert TRADE_SECRETS.isdisjoint(ev.regime_codes)
    assert own_law_risks(ev) == [rule]
    risk = next(r for r in ev.risks if r.rule == rule)
    assert risk.title == "Your own country's trade-secret law is not covered" and risk.severity == "medium"
    assert "(TRIPS Art. 39(2)(c))" in risk.mitigation and "reasonable steps to keep it secret" in risk.mitigation
    # A risk to manage, as the regimes of the buyers whose law is covered are: it caps no verdict.
    assert rule not in {c.rule for c in ev.conditions}


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"buyer_eu_country": "france"},
        {"buyer_location": "uk", "buyer_eu_country": None, "home_market": "uk"},
        {"buyer_location": "us", "buyer_eu_country": None, "home_market": "us"},
        {"buyer_location": "japan-korea", "buyer_eu_country": None, "home_market": "other", "ip_sensitivity": "medium"},
    ],
)
def test_a_buyer_whose_law_is_covered_or_whose_know_how_is_not_highly_sensitive_is_not_told(
    reference: Playbook, changes: dict[str, object]
) -> None:
    assert own_law_risks(evaluated_case(reference, LANDSCAPE, **changes)) == []


def test_the_eu_directive_names_frances_and_germanys_own_acts(reference: Playbook) -> None:
    from apps.compliance.models import Regime

    summary = Regime.objects.get(code="eu-trade-secrets").summary
    assert "in France, the Code de commerce, arts. L151-1 and following" in summary and "GeschGehG" in summary
