"""The decision memo: a PDF of a recommendation for finance, legal and operations, with sources."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from apps.accounts.models import Organisation, User
from apps.playbooks.models import Playbook
from apps.recommendations.memo import GENERAL_CLAUSES, memo_filename, pilot_plan
from tests.recommendations.conftest import recommend

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"\s+", " ", text), len(reader.pages)


def test_the_memo_is_a_pdf_for_finance_legal_and_operations_with_sources(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US health insurer", "Actuarial reserving: Q3 decision")
    response = buyer_client.get(reverse("recommendations:memo_pdf", args=[rec.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="actuarial-reserving-q3-decision-decision-memo-{rec.created_at:%Y-%m-%d}.pdf"'
    )
    body = response.content
    assert body.startswith(b"%PDF-")
    text, pages = _text(body)
    assert pages >= 4
    ev = rec.snapshot["evaluation"]
    for heading in (
        "KPO Advisor decision memo: Actuarial reserving: Q3 decision",
        "Actuarial reserving: Q3 decision",
        "1. Executive summary",
        "2. For finance",
        "3. For legal",
        "Suggested contract clauses",
        "4. For operations",
        "Pilot plan",
        "Exit plan",
        "5. Appendix",
    ):
        assert heading in text, heading
    assert ev["verdict_label"] in text
    assert f"Fit score {rec.fit_score} out of 100" in text
    # The cost case, with the likely figure of the top costed model and its inputs' sources.
    top_cost = ev["cost"]["models"][0]
    assert f"${top_cost['horizon'][1]:,.0f}" in text
    assert "Zedtreeo" in text and "Weak source: verify" in text
    # Legal: the triggered regimes' obligations and their citations; the contract clauses.
    hipaa = next(r for r in ev["regimes"] if r["code"] == "hipaa")
    in_contract = next(items for phase, _label, items in hipaa["obligations"] if phase == "in_contract")
    assert in_contract[0]["title"] in text
    assert in_contract[0]["citation"] in text
    assert GENERAL_CLAUSES[0].title in text
    # Operations: a pilot with stop-or-scale thresholds, and the exit plan.
    assert "Scale if" in text and "Stop if" in text
    assert "Return or delete every copy of your data" in text


def test_the_memo_says_what_would_flip_a_result(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    text, _ = _text(buyer_client.get(reverse("recommendations:memo_pdf", args=[rec.pk])).content)
    assert "What would flip it" in text
    assert "If “" in text or "robust to the answers given" in text


def test_the_pilot_thresholds_come_from_the_recommendations_own_cost_case(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    plan = pilot_plan(rec.snapshot)
    cost = next(t for t in plan["thresholds"] if t.measure == "Cost")
    likely = rec.snapshot["evaluation"]["cost"]["models"][0]["annual"][1]
    assert f"${likely:,.0f}" in cost.scale_if
    assert all(t.source.get("title") for t in plan["thresholds"])
    assert memo_filename(rec).endswith(f"-decision-memo-{rec.created_at:%Y-%m-%d}.pdf")


def test_another_organisations_memo_is_not_found(
    reference: Playbook, organisation: Organisation, buyer: User, outsider_client: Client
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    assert outsider_client.get(reverse("recommendations:memo_pdf", args=[rec.pk])).status_code == 404


def test_without_the_pdf_libraries_the_memo_says_so_with_a_503(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    import builtins

    rec = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    real_import = builtins.__import__

    def no_pango(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    response = buyer_client.get(reverse("recommendations:memo_pdf", args=[rec.pk]))
    assert response.status_code == 503
    assert "The PDF memo can't be made right now" in response.content.decode()
