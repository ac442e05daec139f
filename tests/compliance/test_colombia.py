"""Personal data processed in Colombia reads Colombia's data protection law (Ley 1581 de 2012): the provider there is a
processor under it, so it applies when Colombia is where the work is delivered from, never because Colombia is
ranked or preferred, and never without personal data."""

from __future__ import annotations

import pytest

from apps.common.models import SourceHost
from apps.playbooks.models import Playbook
from tests.compliance.test_brazil_and_philippines_laws import obligations
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
CASE = "Policyholder data from elsewhere"
CANADA = {"buyer_location": "canada-east", "buyer_regulated_in": "canada", "data_categories": ["canada-personal"]}
LAW = "https://www.secretariasenado.gov.co/senado/basedoc/ley_1581_2012.html"


def test_personal_data_delivered_from_colombia_reads_its_law_with_the_processors_duties(reference: Playbook) -> None:
    ev = evaluated_case(reference, CASE, **CANADA)
    assert ev.delivered_from == "colombia"

    assert "co-ley-1581" in ev.regime_codes
    duties = obligations(ev, "co-ley-1581")
    assert duties["processor-terms"] == ("Ley 1581 de 2012, arts. 3(d), 18", LAW, "secondary")
    assert duties["security-measures"] == ("Ley 1581 de 2012, art. 18(b)", LAW, "secondary")
    assert duties["breach-notice"] == ("Ley 1581 de 2012, art. 18(k)", LAW, "weak")
    regime = next(r for r in ev.regimes if r.code == "co-ley-1581")
    assert regime.confidence == "secondary" and "Art. 2" in regime.summary
    colombia = next(loc for loc in ev.locations if loc.code == "colombia")
    assert any("Ley 1581 de 2012" in c.text for c in colombia.contributions)


def test_it_is_not_read_without_personal_data_or_when_the_work_is_delivered_from_elsewhere(reference: Playbook) -> None:
    none = evaluated_case(reference, CASE, **{**CANADA, "data_categories": ["none"]})
    assert none.delivered_from == "colombia" and "co-ley-1581" not in none.regime_codes

    india = evaluated_case(reference, CASE, **CANADA, overlap_hours=0, preferred_region="india")
    assert india.delivered_from != "colombia" and "co-ley-1581" not in india.regime_codes


def test_the_official_hosts_are_listed(reference: Playbook) -> None:
    kinds = dict(
        SourceHost.objects.filter(host__in=["secretariasenado.gov.co", "sic.gov.co"]).values_list("host", "kind")
    )
    assert kinds == {"secretariasenado.gov.co": "official", "sic.gov.co": "official"}


def test_a_centre_of_ones_own_in_colombia_is_told_the_processor_terms_go_into_a_group_agreement(
    reference: Playbook,
) -> None:
    from apps.compliance.models import Regime

    summary = Regime.objects.get(code="co-ley-1581").summary
    assert summary.endswith(
        "A centre of your own in Colombia is held to the same: your company there processes the data for you, so the "
        "same terms go into an agreement within your group."
    )
