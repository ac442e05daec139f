"""The decision memo: a PDF of a recommendation for finance, legal and operations, with sources; drawn
once per recommendation and kept, with one drawing at a time per user."""

from __future__ import annotations

import hashlib
import html
import io
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from apps.accounts.models import Organisation, User
from apps.common.formatting import significant
from apps.playbooks.models import Playbook
from apps.recommendations import memo
from apps.recommendations.memo import memo_filename
from apps.recommendations.models import Memo, Recommendation
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
    # Tagged for screen readers: marked content with a structure tree, in the page's language.
    catalog = PdfReader(io.BytesIO(body)).trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in catalog
    assert str(catalog["/Lang"]).startswith("en")
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
    assert rec.record.evaluation.cost.amount(top_cost["horizon"][1]) in text  # to three significant figures
    assert "Zedtreeo" in text and "Weak source: verify" in text
    # Legal: the triggered regimes' obligations and their citations; the contract clauses.
    hipaa = next(r for r in ev["regimes"] if r["code"] == "hipaa")
    in_contract = next(items for phase, _label, items in hipaa["obligations"] if phase == "in_contract")
    assert in_contract[0]["title"] in text
    assert in_contract[0]["citation"] in text
    assert rec.record.guidance is not None and rec.record.guidance.clauses[0].title in text
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
    assert rec.record.guidance is not None
    thresholds = rec.record.guidance.pilot.thresholds
    cost = next(t for t in thresholds if t.measure == "Cost")
    likely = rec.snapshot["evaluation"]["cost"]["models"][0]["annual"][1]
    # As the cost section shows it: to three significant figures ($517,614 is $518,000).
    assert f"${float(significant(likely, 3)):,.0f} (the likely figure" in cost.scale_if
    assert all(t.source.title for t in thresholds)
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


# The memo is drawn once per recommendation and kept; drawing is limited per user.

FAKE_PDF = b"%PDF-1.7\n% a drawn memo\n%%EOF\n"


class CountingRenderer:
    """Stands in for WeasyPrint (seconds per memo) and counts how often a memo is drawn."""

    def __init__(self, pdf: bytes = FAKE_PDF, gate: threading.Event | None = None) -> None:
        self.pdf, self.gate, self.calls = pdf, gate, 0
        self.started = threading.Event()

    def __call__(self, rec: Recommendation, base_url: str) -> bytes:
        self.calls += 1
        self.started.set()
        if self.gate is not None:
            assert self.gate.wait(60), "the test never let the drawing finish"
        return self.pdf


@pytest.fixture
def renderer(monkeypatch: pytest.MonkeyPatch) -> CountingRenderer:
    counting = CountingRenderer()
    monkeypatch.setattr(memo, "render_memo_pdf", counting)
    return counting


@contextmanager
def lock_held_elsewhere(namespace: int, key: int) -> Iterator[None]:
    """Hold an advisory lock in a second database connection, as another worker drawing a memo would."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [namespace, key])
        yield
    finally:
        other.close()  # closing the session releases the lock


def test_the_second_download_draws_nothing_and_serves_the_stored_file(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    real = memo.render_memo_pdf
    calls: list[int] = []

    def spy(r: Recommendation, base_url: str) -> bytes:
        calls.append(r.pk)
        return real(r, base_url)

    monkeypatch.setattr(memo, "render_memo_pdf", spy)
    url = reverse("recommendations:memo_pdf", args=[rec.pk])
    first = buyer_client.get(url)
    second = buyer_client.get(url)
    assert first.status_code == second.status_code == 200
    assert calls == [rec.pk]
    stored = Memo.objects.get(recommendation=rec)
    assert bytes(stored.pdf) == first.content == second.content
    assert stored.sha256 == hashlib.sha256(first.content).hexdigest()
    assert stored.renderer_version == memo.RENDERER_VERSION
    for response in (first, second):
        assert response["ETag"] == f'"{stored.sha256}"'
        assert response["Cache-Control"] == "private, no-store"
        assert response["Content-Disposition"] == f'attachment; filename="{memo.memo_filename(rec)}"'
    assert buyer_client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304


def test_a_stored_memo_is_served_in_a_fixed_number_of_queries(
    reference: Playbook,
    organisation: Organisation,
    buyer: User,
    buyer_client: Client,
    renderer: CountingRenderer,
    django_assert_num_queries: Any,
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    url = reverse("recommendations:memo_pdf", args=[rec.pk])
    assert buyer_client.get(url).status_code == 200
    # session, user, memberships, and the recommendation with its memo in one query
    with django_assert_num_queries(4):
        response = buyer_client.get(url)
    assert response.content == FAKE_PDF and renderer.calls == 1


def test_a_colleague_downloading_a_stored_memo_gets_the_same_file_without_a_drawing(
    reference: Playbook,
    organisation: Organisation,
    buyer: User,
    buyer_client: Client,
    colleague_client: Client,
    outsider_client: Client,
    renderer: CountingRenderer,
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    url = reverse("recommendations:memo_pdf", args=[rec.pk])
    assert buyer_client.get(url).content == colleague_client.get(url).content == FAKE_PDF
    assert renderer.calls == 1
    assert outsider_client.get(url).status_code == 404  # a stored memo is no less private


def test_a_memo_from_an_older_renderer_is_drawn_again_and_replaced(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client, renderer: CountingRenderer
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    Memo.objects.create(
        organisation=organisation,
        recommendation=rec,
        pdf=b"%PDF old",
        sha256=hashlib.sha256(b"%PDF old").hexdigest(),
        renderer_version="0",
    )
    response = buyer_client.get(reverse("recommendations:memo_pdf", args=[rec.pk]))
    assert response.content == FAKE_PDF and renderer.calls == 1
    stored = Memo.objects.get(recommendation=rec)
    assert (bytes(stored.pdf), stored.renderer_version) == (FAKE_PDF, memo.RENDERER_VERSION)


def test_a_user_already_drawing_a_memo_gets_429_and_nothing_is_drawn(
    reference: Playbook, organisation: Organisation, buyer: User, buyer_client: Client, renderer: CountingRenderer
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    url = reverse("recommendations:memo_pdf", args=[rec.pk])
    with lock_held_elsewhere(memo.USER_LOCK, buyer.pk):
        response = buyer_client.get(url)
    assert response.status_code == 429
    assert response["Retry-After"] == str(memo.RETRY_AFTER_SECONDS)
    assert "Your other memo is still being drawn; try again in a few seconds" in response.content.decode()
    assert renderer.calls == 0 and not Memo.objects.filter(recommendation=rec).exists()
    # Once the other drawing is over, the same user draws this one (the lock was released, not leaked).
    assert buyer_client.get(url).status_code == 200 and renderer.calls == 1


def test_another_users_drawing_does_not_hold_this_user_back(
    reference: Playbook, organisation: Organisation, buyer: User, colleague: User, buyer_client: Client,
    renderer: CountingRenderer,
) -> None:  # fmt: skip
    rec = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    with lock_held_elsewhere(memo.USER_LOCK, colleague.pk):
        assert buyer_client.get(reverse("recommendations:memo_pdf", args=[rec.pk])).status_code == 200


def test_a_download_waiting_too_long_for_the_same_memo_gets_429(
    reference: Playbook,
    organisation: Organisation,
    buyer: User,
    buyer_client: Client,
    renderer: CountingRenderer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    monkeypatch.setattr(memo, "WAIT_SECONDS", 0.2)
    with lock_held_elsewhere(memo.MEMO_LOCK, rec.pk):
        response = buyer_client.get(reverse("recommendations:memo_pdf", args=[rec.pk]))
    assert response.status_code == 429 and "This memo is still being drawn" in response.content.decode()
    assert renderer.calls == 0


def _download(client: Client, url: str, into: dict[str, Any], name: str) -> None:
    try:
        into[name] = client.get(url)
    finally:
        connection.close()  # this thread's own database connection


def _someone_waits_for_an_advisory_lock() -> bool:
    with connection.cursor() as cursor:
        for _ in range(1200):  # bounded: at most about a minute
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_two_people_downloading_the_same_memo_at_once_draw_it_once(
    reference: Playbook,
    organisation: Organisation,
    buyer: User,
    colleague: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rec = recommend(reference, organisation, buyer, "US hedge fund", "Fund research")
    gate = threading.Event()
    renderer = CountingRenderer(gate=gate)
    monkeypatch.setattr(memo, "render_memo_pdf", renderer)
    url = reverse("recommendations:memo_pdf", args=[rec.pk])
    clients = {"buyer": Client(), "colleague": Client()}
    clients["buyer"].force_login(buyer)
    clients["colleague"].force_login(colleague)
    responses: dict[str, Any] = {}
    first = threading.Thread(target=_download, args=(clients["buyer"], url, responses, "buyer"))
    first.start()
    try:
        assert renderer.started.wait(60)
        second = threading.Thread(target=_download, args=(clients["colleague"], url, responses, "colleague"))
        second.start()
        assert _someone_waits_for_an_advisory_lock()  # the colleague waits for the drawing under way
    finally:
        gate.set()
        first.join(60)
    second.join(60)
    assert responses["buyer"].status_code == responses["colleague"].status_code == 200
    assert responses["buyer"].content == responses["colleague"].content == FAKE_PDF
    assert renderer.calls == 1
    assert Memo.objects.filter(recommendation=rec).count() == 1


def test_the_memos_summary_names_the_high_risks_and_part_4_says_what_to_do_once(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    # Each high risk's mitigation had been printed in the summary and again in part 4.
    from apps.recommendations.memo import render_memo_html

    rec = _nobody_licensed(reference, organisation, buyer)
    high = [r for r in rec.record.evaluation.risks if r.severity == "high" and r.mitigation]
    assert high
    page = render_memo_html(rec, "http://testserver/")
    summary = page.split('id="operations"')[0]
    for risk in high:
        assert f"<li><strong>{html.escape(risk.title)}</strong></li>" in summary
        assert page.count(html.escape(risk.mitigation)) == 1
    assert 'What to do about each is under <a href="#risks">Risks to manage</a> in part 4.' in summary


def test_a_blocked_memo_names_the_answers_that_block_it(
    reference: Playbook, organisation: Organisation, buyer: User
) -> None:
    # Review 135: "Or change what blocks it first (see 'What would flip it')", and that section "as the summary above
    # says": neither named the answer to revisit.
    from apps.recommendations.memo import render_memo_html

    rec = _nobody_licensed(reference, organisation, buyer)
    ev = rec.record.evaluation
    assert ev.blockers and ev.blocking_answers
    page = html.unescape(render_memo_html(rec, "http://testserver/"))
    said = "; ".join(ev.blocking_answers)
    assert f"Or change what blocks it first: the answers that block it are {said}." in page
    assert "(see “What would flip it”)" not in page and "as the summary above says" not in page


def _nobody_licensed(reference: Playbook, organisation: Organisation, buyer: User) -> Recommendation:
    """The golden case of legal work nobody onshore is licensed to sign, submitted: a blocked result with high risks."""
    from apps.recommendations.services import submit_and_recommend
    from tests.factories import AssessmentFactory

    answers = reference.golden_cases.get(name__startswith="Nobody onshore licensed").answers
    a = AssessmentFactory(organisation=organisation, created_by=buyer, playbook=reference, answers=answers)
    return submit_and_recommend(assessment=a, user=buyer)
