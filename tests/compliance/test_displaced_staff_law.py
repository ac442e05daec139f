"""Staff displaced by the move are not only a severance line: in the UK they may transfer to the provider (TUPE 2006)
and collective dismissals need consultation; in the EU the transfer of undertakings and collective redundancies
directives, with national steps not set out; in the US the WARN Act's 60 days' notice from 50 at one site."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case, fired_codes

pytestmark = pytest.mark.django_db
UK = "UK buyer: financial analysis"
EU = "EU asset manager: outsourced sector research"
US = "Textbook KPO: steady market analytics"
CONDITION = "Before signing, take employment advice on the staff the move displaces"


def test_uk_staff_displaced_read_tupe_and_collective_consultation(reference: Playbook) -> None:
    ev = evaluated_case(reference, UK, own_figures=True, displaced_staff=3)
    [risk] = [r for r in ev.risks if r.rule == "displaced-staff-uk"]
    assert risk.title == "Your displaced staff may transfer to the provider rather than leave (TUPE)"
    for pinpoint in ("(reg. 3(1)(b))", "(reg. 4)", "(reg. 7)", "(reg. 13)", "TULRCA 1992 ss. 188, 193"):
        assert pinpoint in risk.mitigation
    assert any(c.text.startswith(CONDITION) for c in ev.conditions)
    assert not {"displaced-staff-eu", "displaced-staff-us"} & fired_codes(ev)
    assert "displaced-staff-uk" not in fired_codes(evaluated_case(reference, UK, own_figures=True, displaced_staff=0))


def test_eu_staff_displaced_read_the_two_directives(reference: Playbook) -> None:
    ev = evaluated_case(reference, EU, own_figures=True, displaced_staff=4)
    [risk] = [r for r in ev.risks if r.rule == "displaced-staff-eu"]
    assert "Directive 2001/23/EC" in risk.mitigation and "Directive 98/59/EC, Arts. 2, 3" in risk.mitigation
    fired = next(f for f in ev.fired if f.code == "displaced-staff-eu")
    assert "(Wet op de ondernemingsraden, Art. 25); in France a company of 50 or more employees" in fired.rationale
    assert "(Code du travail, art. L2312-8). Other countries' steps are not set out here" in fired.rationale
    # A German employer reads its own steps too: the transfer, the works council and social plan, the notice.
    for german in ("§ 613a BGB", "(§§ 111, 112 BetrVG)", "(§ 17 KSchG)"):
        assert german in fired.rationale


@pytest.mark.parametrize(("displaced", "warned"), [(49, False), (50, True)])
def test_us_layoffs_read_warn_from_fifty(reference: Playbook, displaced: int, warned: bool) -> None:
    ev = evaluated_case(reference, US, own_figures=True, displaced_staff=displaced)
    risks = [r for r in ev.risks if r.rule == "displaced-staff-us"]
    assert bool(risks) == warned
    if warned:
        assert "(29 U.S.C. 2102(a))" in risks[0].mitigation and "60 days' written notice" in risks[0].mitigation
