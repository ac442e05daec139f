"""Offshore work on Medicare Advantage, Part D or Medicaid data: the attestation to CMS is the plan's own filing,
so a hospital (a provider) is told to settle the notice or approval its plan contracts require, and the plan is
told of its attestation; the citation does not present 42 CFR 422.504(i) as the attestation's source."""

from __future__ import annotations

import pytest

from apps.playbooks.models import Playbook
from tests.recommendations.golden import evaluated_case

pytestmark = pytest.mark.django_db
HOSPITAL = "US hospital group: steady medical coding bought as a managed service"


def test_the_condition_says_who_files_the_attestation_and_what_a_provider_settles(reference: Playbook) -> None:
    ev = evaluated_case(reference, HOSPITAL)
    (condition,) = [c.text for c in ev.conditions if "Medicare Advantage" in c.text]
    assert "the notice or prior approval your plan contracts require if you are a provider" in condition
    assert "attestation to CMS if you are the plan itself" in condition
    assert "file the attestation it requires" not in condition


def test_the_hipaa_duty_names_the_attestation_as_the_plans_and_cites_no_regulation_for_it(reference: Playbook) -> None:
    ev = evaluated_case(reference, HOSPITAL)
    hipaa = next(r for r in ev.regimes if r.code == "hipaa")
    duty = next(o for _p, _l, items in hipaa.obligations for o in items if o["code"] == "offshore-program-rules")
    assert "If you are a provider or otherwise work for a plan, you file nothing with CMS" in duty["action"]
    assert "422.504(i) (plans bind downstream entities by contract)" in duty["citation"]
    assert "not a regulation" in duty["citation"] and duty["confidence"] == "weak"
