"""The vendor pages through the client: what they show, what they refuse, and their query budgets."""

from __future__ import annotations

import csv
import html
import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import User
from apps.engagements.models import EngagementModel
from apps.recommendations.models import Recommendation
from apps.vendors import services
from apps.vendors.models import DiligenceItem, ShortlistEntry, Vendor
from tests.factories import MembershipFactory
from tests.security.conftest import snapshot as table_rows
from tests.vendors.conftest import Directory
from tests.vendors.factories import VendorFactory, entry_data, item_data

pytestmark = pytest.mark.django_db
S = ShortlistEntry.Status


def rows() -> dict[str, list[tuple[Any, ...]]]:
    return table_rows(("vendors",))


def short_listed(rec: Recommendation, vendor: Vendor, user: User, status: str = S.SHORT_LIST) -> ShortlistEntry:
    entry = services.add_vendor(recommendation=rec, vendor=vendor, user=user)
    for step in {S.SHORT_LIST: [S.SHORT_LIST], S.RFP_SENT: [S.SHORT_LIST, S.RFP_SENT]}.get(status, []):
        entry = services.change_entry(entry=entry, status=step, notes="")
    return entry


# Matching


def test_matching_excludes_vendors_without_a_baa_or_a_transfer_route_and_says_so(
    buyer_client: Client, recommendation: Recommendation
) -> None:
    response = buyer_client.get(reverse("vendors:matching", args=[recommendation.pk]))
    assert response.status_code == 200
    result = response.context["result"]
    assert [m.vendor.code for m in result.ranked] == ["alpha-health", "bravo-coding", "charlie-care"]
    excluded = {m.vendor.code: [f.detail for f in m.failures] for m in result.excluded}
    assert excluded == {
        "delta-data": ["Does not sign a HIPAA business associate agreement."],
        "echo-records": [
            (
                "Delivers only from India, which is neither inside the EEA nor adequate, and does not sign the EU SCCs "
                "(module 2; module 3 where you process the data for clients)."
            )
        ],
        "foxtrot-legal": ["Does not cover Medical coding."],
    }
    page = response.content.decode()
    assert "Does not sign a HIPAA business associate agreement." in page
    assert "Offers Managed services, the recommended model" in page
    assert "Add Alpha Health (fictional) to the long list" in page


def test_a_viewer_sees_the_matching_but_no_add_buttons(viewer_client: Client, recommendation: Recommendation) -> None:
    page = viewer_client.get(reverse("vendors:matching", args=[recommendation.pk])).content.decode()
    assert "Alpha Health (fictional)" in page
    assert "to the long list" not in page
    # The shortlist says the viewer reads it only (review 81), as an assessment's step does.
    shortlist = viewer_client.get(reverse("vendors:shortlist", args=[recommendation.pk])).content.decode()
    assert "You can read this shortlist; only editors and owners change it." in shortlist


def test_the_hourly_cost_providers_are_ranked_against_says_what_it_is(
    buyer_client: Client, recommendation: Recommendation
) -> None:
    # Review 81: "$28.15–$58.05 an hour" appeared nowhere else, in dollars beside a result in pounds, unexplained.
    page = buyer_client.get(reverse("vendors:matching", args=[recommendation.pk])).content.decode()
    assert "whole yearly cost, its fees and what running it costs you, over the year's hours" in page
    assert "in US dollars as providers quote their rates" in page


@pytest.mark.parametrize("name", ["vendors:matching", "vendors:shortlist", "vendors:compare", "vendors:export_csv"])
def test_outsider_gets_404_for_another_organisations_recommendation(
    outsider_client: Client, recommendation: Recommendation, name: str
) -> None:
    assert outsider_client.get(reverse(name, args=[recommendation.pk])).status_code == 404


def test_outsider_gets_404_for_another_organisations_entries_and_items(
    outsider_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    entry = short_listed(recommendation, catalogue.fits, buyer)
    item = entry.diligence.first()
    assert item is not None
    before = rows()
    assert outsider_client.get(reverse("vendors:diligence", args=[entry.pk])).status_code == 404
    assert (
        outsider_client.post(reverse("vendors:entry", args=[entry.pk]), entry_data(entry, "rfp_sent")).status_code
        == 404
    )
    assert outsider_client.post(reverse("vendors:remove", args=[entry.pk])).status_code == 404
    assert (
        outsider_client.post(
            reverse("vendors:diligence_item", args=[item.pk]), item_data(item, status="done")
        ).status_code
        == 404
    )
    assert rows() == before


# Adding


def test_an_editor_adds_a_vendor_to_the_long_list(colleague_client: Client, recommendation: Recommendation) -> None:
    url = reverse("vendors:add", args=[recommendation.pk])
    response = colleague_client.post(url, {"vendor": "alpha-health", "notes": "Strong on coding"})
    assert response.status_code == 302
    assert response["Location"].endswith("#vendor-alpha-health")
    entry = ShortlistEntry.objects.get()
    assert (entry.vendor.code, entry.status, entry.notes) == ("alpha-health", S.LONG_LIST, "Strong on coding")


@pytest.mark.parametrize(
    ("vendor", "message"),
    [
        ("delta-data", "Does not sign a HIPAA business associate agreement."),
        ("no-such-vendor", "Choose a vendor from the directory."),
        ("", "This field is required."),
    ],
)
def test_adding_a_vendor_that_does_not_fit_is_refused_and_changes_nothing(
    buyer_client: Client, recommendation: Recommendation, vendor: str, message: str
) -> None:
    before = rows()
    response = buyer_client.post(reverse("vendors:add", args=[recommendation.pk]), {"vendor": vendor})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert rows() == before


def test_a_viewer_cannot_add(viewer_client: Client, recommendation: Recommendation) -> None:
    before = rows()
    response = viewer_client.post(reverse("vendors:add", args=[recommendation.pk]), {"vendor": "alpha-health"})
    assert response.status_code == 403
    assert rows() == before


# The status flow through the page


def test_moving_a_vendor_along_the_flow(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    entry = services.add_vendor(recommendation=recommendation, vendor=catalogue.fits, user=buyer)
    url = reverse("vendors:entry", args=[entry.pk])
    said = {"short_list": ": short list.", "rfp_sent": ": RFP sent.", "selected": ": selected."}
    for status in ("short_list", "rfp_sent", "selected"):
        response = buyer_client.post(url, entry_data(entry, status, notes="Going well"), follow=True)
        assert response.redirect_chain[0][1] == 302
        assert f"{catalogue.fits.name}{said[status]}" in html.unescape(
            response.content.decode()
        )  # "rfp sent" (review 91)
    entry.refresh_from_db()
    assert (entry.status, entry.notes) == (S.SELECTED, "Going well")
    assert entry.diligence.count() == 5


def test_a_refused_transition_says_why_beside_the_field_and_changes_nothing(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    entry = services.add_vendor(recommendation=recommendation, vendor=catalogue.fits, user=buyer)
    before = rows()
    response = buyer_client.post(reverse("vendors:entry", args=[entry.pk]), entry_data(entry, "selected"))
    assert response.status_code == 400
    form = next(f for e, f in response.context["rows"] if e.pk == entry.pk)
    assert form.errors["status"] == ["A provider on the long list can move to: the short list, rejected."]
    assert rows() == before


def test_rejecting_without_a_reason_is_refused(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    entry = services.add_vendor(recommendation=recommendation, vendor=catalogue.fits, user=buyer)
    before = rows()
    response = buyer_client.post(reverse("vendors:entry", args=[entry.pk]), entry_data(entry, "rejected"))
    assert response.status_code == 400
    assert "Say why the provider is rejected" in response.content.decode()
    # Its label does not call it optional (review 61).
    assert "(required to reject)" in response.content.decode()
    assert rows() == before
    # The error pattern (review 66): a summary that takes the focus, linked to the box under its provider, "Error:"
    # in the title, and Back and reload on the shortlist, not the form's address.
    page = response.content.decode()
    assert "<title>Error: Shortlist for" in page
    summary = page[page.index('id="error-summary"') - 200 :]
    assert "autofocus" in summary[:400] and f'href="#id_entry-{entry.pk}-rejection_reason"' in summary
    assert f'id="id_entry-{entry.pk}-rejection_reason"' in page
    assert f'data-post-result="{reverse("vendors:shortlist", args=[recommendation.pk])}"' in page
    ok = buyer_client.post(
        reverse("vendors:entry", args=[entry.pk]), entry_data(entry, "rejected", reason="No BAA template")
    )
    assert ok.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.rejection_reason) == (S.REJECTED, "No BAA template")


def test_saving_a_rejected_vendor_with_its_reason_emptied_is_refused_not_a_500(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    entry = services.add_vendor(recommendation=recommendation, vendor=catalogue.fits, user=buyer)
    url = reverse("vendors:entry", args=[entry.pk])
    assert buyer_client.post(url, entry_data(entry, "rejected", reason="No BAA template")).status_code == 302
    entry.refresh_from_db()
    before = rows()
    response = buyer_client.post(url, entry_data(entry, "rejected", reason=" "))
    assert response.status_code == 400 and "Say why the provider is rejected" in response.content.decode()
    # Nor a reason of invisible characters alone (a zero-width space, a word joiner): nobody could read it.
    for invisible in ("\u200b", "\u2060\ufeff", "\u3164"):
        refused = buyer_client.post(url, entry_data(entry, "rejected", reason=invisible))
        assert refused.status_code == 400, repr(invisible)
    assert rows() == before


def test_a_second_selected_vendor_is_refused(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    first = short_listed(recommendation, catalogue.fits, buyer, S.RFP_SENT)
    second = short_listed(recommendation, catalogue.fits_best, buyer, S.RFP_SENT)
    assert (
        buyer_client.post(reverse("vendors:entry", args=[first.pk]), entry_data(first, "selected")).status_code == 302
    )
    before = rows()
    response = buyer_client.post(reverse("vendors:entry", args=[second.pk]), entry_data(second, "selected"))
    assert response.status_code == 400
    assert "Another vendor is already selected" in response.content.decode()
    assert rows() == before


def test_removing_a_vendor_and_refusing_to_remove_the_selected_one(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    gone = short_listed(recommendation, catalogue.fits, buyer)
    # Asked first, saying the checklist goes too (review 66: owners, due dates and evidence went at one press).
    first_item = DiligenceItem.objects.filter(entry_id=gone.pk).order_by("pk").first()
    assert first_item is not None
    DiligenceItem.objects.filter(pk=first_item.pk).update(evidence="SOC 2 Type II received")
    asked = buyer_client.post(reverse("vendors:remove", args=[gone.pk]))
    page = asked.content.decode()
    assert asked.status_code == 200 and f"Remove {catalogue.fits.name} from the shortlist?" in page
    assert "1 of its" in page and "due-diligence items has an owner, a due date, evidence or progress" in page
    assert 'name="confirm" value="yes"' in page
    # Back after "Keep it" loads the shortlist, not the removal's address, which only takes the form (review 68).
    assert f'data-post-result="{reverse("vendors:shortlist", args=[recommendation.pk])}"' in page
    assert ShortlistEntry.objects.filter(pk=gone.pk).exists() and DiligenceItem.objects.filter(entry_id=gone.pk)
    assert buyer_client.post(reverse("vendors:remove", args=[gone.pk]), {"confirm": "yes"}).status_code == 302
    assert not ShortlistEntry.objects.filter(pk=gone.pk).exists()
    assert not DiligenceItem.objects.filter(entry_id=gone.pk).exists()
    chosen = services.change_entry(
        entry=short_listed(recommendation, catalogue.fits_best, buyer, S.RFP_SENT), status=S.SELECTED, notes=""
    )
    before = rows()
    response = buyer_client.post(reverse("vendors:remove", args=[chosen.pk]))  # refused at once, nothing to confirm
    assert response.status_code == 409
    assert rows() == before


def _asked_to_remove(client: Client, entry: ShortlistEntry) -> tuple[str, str]:
    """The removal's confirmation page, and the checklist digest it was drawn with (no item worked on yet)."""
    asked = client.post(reverse("vendors:remove", args=[entry.pk])).content.decode()
    drawn = re.search(r'name="shown" value="(worked-0-[0-9a-f]{16})"', asked)
    assert drawn, asked[:500]
    return asked, drawn[1]


def test_a_removal_confirmed_from_an_older_page_is_asked_again_when_more_would_be_lost(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    # Review 108: a confirmation drawn with no worked items, sent after a colleague stored evidence on one, deleted
    # the checklist with the evidence.
    entry = short_listed(recommendation, catalogue.fits, buyer)
    asked, drawn = _asked_to_remove(buyer_client, entry)
    assert "Its due-diligence checklist is deleted too." in asked
    item = DiligenceItem.objects.filter(entry_id=entry.pk).order_by("pk").first()
    assert item is not None
    DiligenceItem.objects.filter(pk=item.pk).update(evidence="Signed NDA on file")
    stale = buyer_client.post(reverse("vendors:remove", args=[entry.pk]), {"confirm": "yes", "shown": drawn})
    page = html.unescape(stale.content.decode())
    assert stale.status_code == 409 and "Nothing was removed" in page
    now = re.search(r'name="shown" value="(worked-1-[0-9a-f]{16})"', page)
    assert "1 of its" in page and now
    assert DiligenceItem.objects.filter(pk=item.pk, evidence="Signed NDA on file").exists()
    # More evidence on the same item, already worked (review 110: the count alone did not see it): asked again.
    DiligenceItem.objects.filter(pk=item.pk).update(evidence="Signed NDA on file; SOC 2 report received")
    changed = buyer_client.post(reverse("vendors:remove", args=[entry.pk]), {"confirm": "yes", "shown": now.group(1)})
    assert changed.status_code == 409 and ShortlistEntry.objects.filter(pk=entry.pk).exists()
    now = re.search(r'name="shown" value="(worked-1-[0-9a-f]{16})"', changed.content.decode())
    assert now
    # What it counted sent twice is no count at all: asked again.
    twice = buyer_client.post(
        reverse("vendors:remove", args=[entry.pk]), {"confirm": "yes", "shown": ["worked-1", "worked-1"]}
    )
    assert twice.status_code == 409 and ShortlistEntry.objects.filter(pk=entry.pk).exists()
    # Confirmed from the page that says so, it goes.
    again = buyer_client.post(reverse("vendors:remove", args=[entry.pk]), {"confirm": "yes", "shown": now.group(1)})
    assert again.status_code == 302 and not ShortlistEntry.objects.filter(pk=entry.pk).exists()


def test_a_removal_locks_the_checklist_before_it_counts_it_so_no_save_lands_between_the_count_and_the_delete(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    # Review 116: evidence saved after the removal counted the items, and before it deleted them, was deleted, its
    # author told "Saved". The items are now read FOR UPDATE in the removal's transaction: a save in flight finishes
    # before the count (and the confirmation is asked again), and one sent after waits and finds the item gone.
    entry = short_listed(recommendation, catalogue.fits, buyer)
    _, drawn = _asked_to_remove(buyer_client, entry)
    with CaptureQueriesContext(connection) as queries:
        removed = buyer_client.post(reverse("vendors:remove", args=[entry.pk]), {"confirm": "yes", "shown": drawn})
    assert removed.status_code == 302
    on_items = [q["sql"] for q in queries.captured_queries if '"vendors_diligenceitem"' in q["sql"]]
    assert on_items and on_items[0].startswith("SELECT") and on_items[0].rstrip().endswith("FOR UPDATE")
    deletes = [i for i, q in enumerate(queries.captured_queries) if q["sql"].startswith("DELETE")]
    locked = next(i for i, q in enumerate(queries.captured_queries) if q["sql"] == on_items[0])
    assert deletes and locked < deletes[0]


# Comparison and export


def test_compare_shows_the_short_listed_vendors_side_by_side(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    for vendor in (catalogue.fits_best, catalogue.fits, catalogue.fits_too):
        short_listed(recommendation, vendor, buyer)
    response = buyer_client.get(reverse("vendors:compare", args=[recommendation.pk]))
    assert response.status_code == 200
    assert [r.entry.vendor.code for r in response.context["rows"]] == ["alpha-health", "bravo-coding", "charlie-care"]
    page = response.content.decode()
    assert page.count("0/5 done") == 3
    assert "$10–$14/h (likely $12)" in page


def test_the_csv_export_parses_and_neutralises_formulas(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    entry = short_listed(recommendation, catalogue.fits, buyer)
    services.change_entry(entry=entry, status=S.SHORT_LIST, notes='=HYPERLINK("x")')
    services.add_vendor(recommendation=recommendation, vendor=catalogue.fits_too, user=buyer, notes="Ask about BOT")
    response = buyer_client.get(reverse("vendors:export_csv", args=[recommendation.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    data = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["vendor_code"], r["status"]) for r in data] == [
        ("bravo-coding", "short_list"),
        ("charlie-care", "long_list"),
    ]
    assert data[0]["notes"] == '\'=HYPERLINK("x")'
    assert (data[0]["rate_low"], data[0]["rate_high"], data[0]["delivery_locations"]) == ("10.0", "14.0", "india")
    assert (data[0]["diligence_done"], data[0]["diligence_applicable"]) == ("0", "5")
    assert int(data[0]["match_score"]) > 0
    # In words too, after the codes (review 113).
    assert (data[0]["status_label"], data[0]["delivery_location_names"]) == ("Short list", "India")
    codes, names = data[0]["engagement_models"].split(), data[0]["engagement_model_names"].split("; ")
    assert codes and len(names) == len(codes) and not set(names) & set(codes)
    # A curator's name is guarded like every other cell a curator wrote.
    EngagementModel.objects.filter(code__in=codes).update(name="=HYPERLINK(1)")
    guarded = buyer_client.get(reverse("vendors:export_csv", args=[recommendation.pk])).content.decode("utf-8-sig")
    assert list(csv.DictReader(io.StringIO(guarded)))[0]["engagement_model_names"].startswith("'=HYPERLINK(1)")


# Due diligence


def test_the_checklist_page_shows_progress(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    entry = short_listed(recommendation, catalogue.fits, buyer)
    item = entry.diligence.first()
    assert item is not None
    services.update_item(item=item, status="done", owner=buyer, due_date=None, evidence="", user=buyer)
    page = buyer_client.get(reverse("vendors:diligence", args=[entry.pk])).content.decode()
    assert "1/5 done" in page
    # One list per regime under its heading, so a screen reader counts the 5 items, not the headings with them
    # (review 109).
    headings = page.count('<h2 id="dd-regime-')
    assert headings >= 1 and page.count('<ol class="stack list-plain dd-list">') == headings
    assert page.count('class="card dd-item') == 5 and '<li class="dd-regime">' not in page
    shortlist = buyer_client.get(reverse("vendors:shortlist", args=[recommendation.pk])).content.decode()
    assert "1/5 done" in shortlist


def test_ticking_an_item_with_htmx_returns_the_status_and_the_progress(
    colleague_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User, colleague: User
) -> None:
    entry = short_listed(recommendation, catalogue.fits, buyer)
    item = entry.diligence.first()
    assert item is not None
    data = item_data(item, status="done", owner=colleague.pk, due_date="2027-01-31", evidence=" BAA signed ")
    response = colleague_client.post(
        reverse("vendors:diligence_item", args=[item.pk]), data, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="item-status-{item.pk}"' in body and "Saved" in body
    assert 'id="dd-progress" class="dd-progress-box" data-hx-swap-oob="true"' in body and "1/5 done" in body
    assert "<html" not in body
    item.refresh_from_db()
    assert (item.status, item.owner, str(item.due_date), item.evidence, item.updated_by) == (
        "done", colleague, "2027-01-31", "BAA signed", colleague,
    )  # fmt: skip


def test_ticking_an_item_without_javascript_goes_back_to_the_checklist(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    entry = short_listed(recommendation, catalogue.fits, buyer)
    item = entry.diligence.first()
    assert item is not None
    response = buyer_client.post(
        reverse("vendors:diligence_item", args=[item.pk]), item_data(item, status="in_progress")
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('vendors:diligence', args=[entry.pk])}#item-{item.pk}"
    item.refresh_from_db()
    assert item.status == "in_progress"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"status": "finished"}, "status", "Choose one of the statuses shown."),
        (
            {"due_date": "31/02/2027"},
            "due_date",
            "Enter a day that is in the calendar, as YYYY-MM-DD (for example 2026-05-15).",
        ),
        ({"due_date": "0002-03-10"}, "due_date", "Enter a due date between 2000 and 2100."),
        ({"due_date": "4202-03-10"}, "due_date", "Enter a due date between 2000 and 2100."),
        ({"owner": "outsider"}, "owner", "Choose a member of your organisation."),
        ({"evidence": "x" * 2001}, "evidence", "Keep the notes to 2,000 characters or fewer."),
    ],
)
@pytest.mark.parametrize("htmx", [False, True])
def test_bad_checklist_input_is_refused_beside_the_field_and_changes_nothing(
    buyer_client: Client,
    recommendation: Recommendation,
    catalogue: Directory,
    buyer: User,
    outsider: User,
    values: dict[str, Any],
    field: str,
    message: str,
    htmx: bool,
) -> None:
    entry = short_listed(recommendation, catalogue.fits, buyer)
    item = entry.diligence.first()
    assert item is not None
    if values.get("owner") == "outsider":
        values = {"owner": outsider.pk}
    before = rows()
    headers = {"HX-Request": "true"} if htmx else {}
    response = buyer_client.post(
        reverse("vendors:diligence_item", args=[item.pk]), item_data(item, **values), headers=headers
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    if htmx:
        assert f'id="item-status-{item.pk}"' in body and "<html" not in body
    else:
        assert response.context["editing"] == item.pk
        assert message in " ".join(response.context["edit_form"].errors[field])
    assert rows() == before


def test_a_viewer_reads_the_checklist_but_cannot_change_it(
    viewer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    entry = short_listed(recommendation, catalogue.fits, buyer)
    item = entry.diligence.first()
    assert item is not None
    page = viewer_client.get(reverse("vendors:diligence", args=[entry.pk]))
    assert page.status_code == 200 and '<form method="post" action="/vendors/diligence/' not in page.content.decode()
    before = rows()
    assert (
        viewer_client.post(
            reverse("vendors:diligence_item", args=[item.pk]), item_data(item, status="done")
        ).status_code
        == 403
    )
    assert (
        viewer_client.post(reverse("vendors:entry", args=[entry.pk]), entry_data(entry, "rfp_sent")).status_code == 403
    )
    assert rows() == before


# Directory


def test_the_directory_lists_and_filters_vendors(buyer_client: Client, catalogue: Directory) -> None:
    response = buyer_client.get(reverse("vendors:directory"))
    assert len(response.context["vendors"]) == 6
    response = buyer_client.get(reverse("vendors:directory"), {"function": "legal-work"})
    assert [v.code for v in response.context["vendors"]] == ["foxtrot-legal"]
    response = buyer_client.get(reverse("vendors:directory"), {"location": "india"})
    assert {v.code for v in response.context["vendors"]} == {"bravo-coding", "echo-records"}


def test_a_bad_directory_filter_is_a_400_with_the_message(buyer_client: Client, catalogue: Directory) -> None:
    response = buyer_client.get(reverse("vendors:directory"), {"function": "astrology"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    # A filter given twice asks two things of one answer: refused, where the last was taken (review 112).
    twice = buyer_client.get(reverse("vendors:directory"), {"function": ["legal-work", "medical-coding"]})
    assert twice.status_code == 400 and twice.context["vendors"] == []


def test_retired_vendors_are_not_offered(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory
) -> None:
    Vendor.objects.filter(code="alpha-health").update(retired=True)
    response = buyer_client.get(reverse("vendors:matching", args=[recommendation.pk]))
    assert "alpha-health" not in [m.vendor.code for m in response.context["result"].ranked]
    before = rows()
    assert (
        buyer_client.post(reverse("vendors:add", args=[recommendation.pk]), {"vendor": "alpha-health"}).status_code
        == 400
    )
    assert rows() == before


# Query budgets: fixed whatever the number of vendors and entries


def _more_vendors(catalogue: Directory, n: int) -> None:
    for _ in range(n):
        VendorFactory(
            locations=[catalogue.poland, catalogue.india],
            models=[catalogue.managed, catalogue.pool],
            covers={catalogue.coding: (10, 12, 14), catalogue.legal: (20, 25, 30)},
            signs_hipaa_baa=True,
        )


@pytest.mark.parametrize(
    ("name", "budget"),
    # Sessions are saved only when they change, so a page read writes none (no savepoint, save, release).
    # The header's inbox count (apps/discussion) comes with the memberships: no query of its own.
    [("vendors:directory", 9), ("vendors:matching", 10), ("vendors:shortlist", 6), ("vendors:compare", 10)],
)
def test_pages_keep_a_fixed_query_budget(
    buyer_client: Client,
    recommendation: Recommendation,
    catalogue: Directory,
    buyer: User,
    django_assert_num_queries: Any,
    name: str,
    budget: int,
) -> None:
    args = [] if name == "vendors:directory" else [recommendation.pk]
    for vendor in (catalogue.fits, catalogue.fits_best):
        short_listed(recommendation, vendor, buyer)
    buyer_client.get(reverse(name, args=args))  # warm the session and caches
    with django_assert_num_queries(budget):
        assert buyer_client.get(reverse(name, args=args)).status_code == 200
    _more_vendors(catalogue, 8)
    short_listed(recommendation, Vendor.objects.order_by("-pk").first(), buyer)  # type: ignore[arg-type]
    with django_assert_num_queries(budget):
        assert buyer_client.get(reverse(name, args=args)).status_code == 200


def test_the_checklist_page_keeps_a_fixed_query_budget(
    buyer_client: Client,
    recommendation: Recommendation,
    catalogue: Directory,
    buyer: User,
    django_assert_num_queries: Any,
) -> None:
    entry = short_listed(recommendation, catalogue.fits, buyer)
    url = reverse("vendors:diligence", args=[entry.pk])
    buyer_client.get(url)
    with django_assert_num_queries(5):  # the header's inbox count comes with the memberships
        assert buyer_client.get(url).status_code == 200
    # More obligations and more members of the organisation: the same queries (no editor until one is opened).
    for n in range(6):
        DiligenceItem.objects.create(
            organisation_id=entry.organisation_id,
            entry=entry,
            regime_code="extra",
            obligation_code=f"o{n}",
            title=f"Extra {n}",
        )
    MembershipFactory.create_batch(3, organisation=recommendation.organisation)
    with django_assert_num_queries(5):
        assert buyer_client.get(url).status_code == 200
    # One item opened for editing: its form reads the organisation's members for the owner choice.
    with django_assert_num_queries(7):
        assert buyer_client.get(url, {"edit": entry.diligence.first().pk}).status_code == 200  # type: ignore[union-attr]


# A bad value in one field of a checklist item never discards the item's other fields


def test_a_bad_date_keeps_the_items_other_fields_without_javascript(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    entry = short_listed(recommendation, catalogue.fits, buyer)
    item = entry.diligence.first()
    assert item is not None
    data = item_data(item, status="done", owner=buyer.pk, due_date="31/02/2027", evidence="DPA signed")
    response = buyer_client.post(reverse("vendors:diligence_item", args=[item.pk]), data)
    assert response.status_code == 400
    item.refresh_from_db()
    assert (item.status, item.owner, item.due_date, item.evidence, item.updated_by) == (
        "done", buyer, None, "DPA signed", buyer,
    )  # fmt: skip
    page = response.content.decode()
    assert 'value="31/02/2027"' in page and "DPA signed</textarea>" in page
    summary = page[
        page.index('<div class="error-summary') : page.index("</div>", page.index('<div class="error-summary'))
    ]
    assert "There is a problem" in summary and 'role="alert"' in summary
    assert (
        f'<a href="#id_item-{item.pk}-due_date">' in summary
        and "Enter a day that is in the calendar, as YYYY-MM-DD (for example 2026-05-15)." in summary
    )
    assert f'id="id_item-{item.pk}-due_date"' in page
    assert "1/5 done" in page


def test_a_bad_date_keeps_the_items_other_fields_with_htmx(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    entry = short_listed(recommendation, catalogue.fits, buyer)
    item = entry.diligence.first()
    assert item is not None
    data = item_data(item, status="done", due_date="soon", evidence="BAA signed")
    response = buyer_client.post(
        reverse("vendors:diligence_item", args=[item.pk]), data, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        f'id="item-status-{item.pk}"' in body
        and "Enter a day that is in the calendar, as YYYY-MM-DD (for example 2026-05-15)." in body
    )
    assert 'id="dd-progress" class="dd-progress-box" data-hx-swap-oob="true"' in body and "1/5 done" in body
    item.refresh_from_db()
    assert (item.status, item.due_date, item.evidence) == ("done", None, "BAA signed")


def test_a_field_left_out_of_the_post_is_kept(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    entry = short_listed(recommendation, catalogue.fits, buyer)
    item = entry.diligence.first()
    assert item is not None
    services.update_item(item=item, status="in_progress", owner=buyer, due_date=None, evidence="Asked", user=buyer)
    response = buyer_client.post(reverse("vendors:diligence_item", args=[item.pk]), {f"item-{item.pk}-status": "done"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.owner, item.evidence) == ("done", buyer, "Asked")


def _drawn(page: str, entry: ShortlistEntry) -> dict[str, str]:
    """The hidden digests the shortlist page drew for ``entry``'s form."""
    out = {}
    for name in ("status_drawn", "notes_drawn", "rejection_drawn"):
        found = re.search(rf'name="entry-{entry.pk}-{name}" value="([0-9a-z_]+)"', page)
        assert found, name
        out[f"entry-{entry.pk}-{name}"] = found.group(1)
    return out


def test_a_status_left_as_drawn_on_an_older_page_keeps_a_colleagues_rejection_and_its_reason(
    buyer_client: Client, colleague_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    # Review 103: B's page, opened before A rejected the vendor, saved notes with the status it showed ("long list"):
    # the rejection was undone and its reason cleared without a word.
    entry = services.add_vendor(recommendation=recommendation, vendor=catalogue.fits, user=buyer)
    shortlist = reverse("vendors:shortlist", args=[recommendation.pk])
    url = reverse("vendors:entry", args=[entry.pk])
    old = _drawn(buyer_client.get(shortlist).content.decode(), entry)
    assert old[f"entry-{entry.pk}-status_drawn"] == "long_list"
    reason = "A: failed the security review."
    assert colleague_client.post(url, entry_data(entry, "rejected", reason=reason)).status_code == 302
    mine = "B: call them on Tuesday."
    assert buyer_client.post(url, {**entry_data(entry, "long_list", notes=mine), **old}).status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.notes, entry.rejection_reason) == (S.REJECTED, mine, reason)
    # Moved on the older page too (to the short list): refused with a 409, nothing saved, the notes kept in the box.
    other = "B: short-list them after all."
    refused = buyer_client.post(url, {**entry_data(entry, "short_list", notes=other), **old})
    page = html.unescape(refused.content.decode())
    assert refused.status_code == 409
    assert "Someone moved this vendor to “Rejected” since this page was opened, so nothing was saved" in page
    assert (
        f"{entry.vendor.name}, Status" in page and "This item" not in page
    )  # the summary names the field (review 106)
    assert f"{other}</textarea>" in page
    entry.refresh_from_db()
    assert (entry.status, entry.notes, entry.rejection_reason) == (S.REJECTED, mine, reason)


def test_a_status_changed_from_an_older_page_leaves_a_colleagues_notes_alone(
    buyer_client: Client, colleague_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    # Review 100: B's page, opened before A saved notes, changed the status and wiped A's notes with what it showed.
    entry = services.add_vendor(recommendation=recommendation, vendor=catalogue.fits, user=buyer)
    shortlist = reverse("vendors:shortlist", args=[recommendation.pk])
    url = reverse("vendors:entry", args=[entry.pk])
    old = _drawn(buyer_client.get(shortlist).content.decode(), entry)
    theirs = "A: the provider confirmed its SOC 2 report."
    assert colleague_client.post(url, entry_data(entry, "long_list", notes=theirs)).status_code == 302
    # The older page sends its notes box as it was drawn (empty) with a new status: the status moves, the notes stay.
    assert buyer_client.post(url, {**entry_data(entry, "short_list"), **old}).status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.notes) == (S.SHORT_LIST, theirs)


def test_notes_changed_on_an_older_page_and_by_a_colleague_since_are_refused_and_kept(
    buyer_client: Client, colleague_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    entry = services.add_vendor(recommendation=recommendation, vendor=catalogue.fits, user=buyer)
    shortlist = reverse("vendors:shortlist", args=[recommendation.pk])
    url = reverse("vendors:entry", args=[entry.pk])
    old = _drawn(buyer_client.get(shortlist).content.decode(), entry)
    theirs = "A: the provider confirmed its SOC 2 report."
    assert colleague_client.post(url, entry_data(entry, "long_list", notes=theirs)).status_code == 302
    mine = "B: the RFP goes out on Monday."
    refused = buyer_client.post(url, {**entry_data(entry, "short_list", notes=mine), **old})
    page = html.unescape(refused.content.decode())
    assert refused.status_code == 409
    assert "Someone changed the notes since this page was opened, so nothing was saved" in page and theirs in page
    assert f"{mine}</textarea>" in page  # what was typed stays in its box
    entry.refresh_from_db()
    assert (entry.status, entry.notes) == (S.LONG_LIST, theirs)
    # The page drawn again carries the notes' digest as they are now: saving again is a choice made knowing theirs.
    again = _drawn(page, entry)
    assert (
        buyer_client.post(url, {**entry_data(entry, "short_list", notes=f"{theirs} {mine}"), **again}).status_code
        == 302
    )
    entry.refresh_from_db()
    assert (entry.status, entry.notes) == (S.SHORT_LIST, f"{theirs} {mine}")


def _first_item(recommendation: Recommendation, catalogue: Directory, buyer: User) -> tuple[Any, DiligenceItem, str]:
    """A short-listed vendor's entry, its first checklist item and the address that saves the item."""
    entry = short_listed(recommendation, catalogue.fits, buyer)
    item = entry.diligence.first()
    assert item is not None
    return entry, item, reverse("vendors:diligence_item", args=[item.pk])


def _drawn_by(client: Client, entry: Any, item: DiligenceItem) -> str:
    """What the item's form, opened now by ``client``, says it drew."""
    page = client.get(reverse("vendors:diligence", args=[entry.pk]) + f"?edit={item.pk}").content.decode()
    return _item_drawn(page, item)


def _item_drawn(page: str, item: DiligenceItem) -> str:
    found = re.search(rf'name="item-{item.pk}-drawn" (?:id="[^"]+" )?value="([^"]*)"', page) or re.search(
        rf'name="item-{item.pk}-drawn" value="([^"]*)"', page
    )
    assert found, page[:2000]
    return html.unescape(found.group(1))


def test_a_checklist_item_saved_from_an_older_form_keeps_a_colleagues_evidence(
    buyer_client: Client, colleague_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    # Review 103: a form opened before a colleague saved evidence posted its empty box with a new due date, and the
    # evidence was wiped without a word.
    entry, item, url = _first_item(recommendation, catalogue, buyer)
    drawn = _drawn_by(buyer_client, entry, item)
    theirs = "B: SOC 2 report received, filed as DMS 4471"
    assert colleague_client.post(url, item_data(item, evidence=theirs)).status_code == 302
    stale = {**item_data(item, due_date="2027-01-15"), f"item-{item.pk}-drawn": drawn}
    assert buyer_client.post(url, stale, headers={"HX-Request": "true"}).status_code == 200
    item.refresh_from_db()
    assert (item.evidence, item.due_date.isoformat() if item.due_date else None) == (theirs, "2027-01-15")
    # Evidence typed on the older form too: refused with a 409 naming theirs; what was typed stays in the box.
    mine = "A: asked for the SOC 2 bridge letter"
    refused = buyer_client.post(url, {**item_data(item, evidence=mine), f"item-{item.pk}-drawn": drawn})
    page = html.unescape(refused.content.decode())
    assert refused.status_code == 409
    assert (
        "Someone changed the evidence notes since this form was opened, so yours was not saved. "
        f"It now reads: “{theirs}”" in page
    )
    assert f"{mine}</textarea>" in page
    item.refresh_from_db()
    assert item.evidence == theirs
    # Saved again from the form drawn with theirs: a choice made knowing it.
    again = _item_drawn(page, item)
    assert (
        buyer_client.post(
            url, {**item_data(item, evidence=mine, due_date="2027-01-15"), f"item-{item.pk}-drawn": again}
        ).status_code
        == 302
    )
    item.refresh_from_db()
    assert item.evidence == mine


def test_autosaves_from_one_checklist_form_follow_each_other_without_a_conflict(
    buyer_client: Client, colleague_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    entry, item, url = _first_item(recommendation, catalogue, buyer)
    drawn = _drawn_by(buyer_client, entry, item)
    # A colleague sets the due date after this form was drawn; this form's autosaves type the evidence twice.
    assert colleague_client.post(url, {f"item-{item.pk}-due_date": "2027-03-01"}).status_code == 302
    for text in ("Asked", "Asked for the report"):
        sent = {**item_data(item, evidence=text), f"item-{item.pk}-drawn": drawn}
        response = buyer_client.post(url, sent, headers={"HX-Request": "true"})
        assert response.status_code == 200, response.content.decode()
        drawn = _item_drawn(response.content.decode(), item)  # swapped in out of band
        item.refresh_from_db()
        assert (item.evidence, str(item.due_date)) == (text, "2027-03-01")


def test_a_checklist_item_sent_as_json_says_nothing_was_saved(
    buyer_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    # Review 103: a checklist item posted as JSON answered "Saved: …" with nothing saved.
    entry, item, url = _first_item(recommendation, catalogue, buyer)
    for headers in ({}, {"HX-Request": "true"}):
        refused = buyer_client.post(url, '{"evidence": "x"}', content_type="application/json", headers=headers)
        assert refused.status_code == 400
        assert "Nothing was saved: no field of this item reached the server" in html.unescape(refused.content.decode())
    item.refresh_from_db()
    assert item.evidence == ""


def test_a_refused_checklist_field_keeps_what_the_form_showed_so_the_corrected_save_still_clashes(
    buyer_client: Client, colleague_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    # Review 105: a date refused as not a date took the colleague's date as drawn, and the corrected date then wrote
    # over it without a word.
    entry, item, url = _first_item(recommendation, catalogue, buyer)
    drawn = _drawn_by(buyer_client, entry, item)
    assert colleague_client.post(url, {f"item-{item.pk}-due_date": "2027-03-01"}).status_code == 302
    bad = buyer_client.post(
        url, {**item_data(item, due_date="2027-13-45"), f"item-{item.pk}-drawn": drawn}, headers={"HX-Request": "true"}
    )
    assert bad.status_code == 400
    after = _item_drawn(bad.content.decode(), item)
    assert after.split("|")[2] == ""  # still the empty date the form showed, not the colleague's
    fixed = buyer_client.post(
        url, {**item_data(item, due_date="2027-02-02"), f"item-{item.pk}-drawn": after}, headers={"HX-Request": "true"}
    )
    assert fixed.status_code == 409
    item.refresh_from_db()
    assert str(item.due_date) == "2027-03-01"


def test_a_checklist_clash_names_what_is_stored_and_line_endings_do_not_make_one(
    buyer_client: Client, colleague_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    entry, item, url = _first_item(recommendation, catalogue, buyer)
    # Two lines of evidence saved by autosave (LF), then the form drawn and sent back as a plain post (CRLF).
    assert (
        colleague_client.post(
            url, {f"item-{item.pk}-evidence": "line one\nline two"}, headers={"HX-Request": "true"}
        ).status_code
        == 200
    )
    drawn = _drawn_by(buyer_client, entry, item)
    sent = {**item_data(item, status="in_progress", evidence="line one\r\nline two"), f"item-{item.pk}-drawn": drawn}
    assert buyer_client.post(url, sent).status_code == 302
    item.refresh_from_db()
    assert item.status == "in_progress"
    # An owner chosen on both sides: the message names the one stored, not the saver's own choice.
    drawn = _drawn_by(buyer_client, entry, item)
    assert colleague_client.post(url, {f"item-{item.pk}-owner": str(buyer.pk)}).status_code == 302
    colleague = User.objects.get(email="colleague@acme.test")
    mine = {**item_data(item, status="in_progress", owner=str(colleague.pk), evidence="line one\nline two")}
    refused = buyer_client.post(url, {**mine, f"item-{item.pk}-drawn": drawn})
    assert refused.status_code == 409
    assert f"It now reads: “{buyer}”" in html.unescape(refused.content.decode())


def test_a_checklist_owner_left_as_drawn_is_not_refused_for_a_member_made_a_viewer_since(
    buyer_client: Client, colleague_client: Client, recommendation: Recommendation, catalogue: Directory, buyer: User
) -> None:
    # Review 105: the item's owner was made a viewer and a colleague chose another owner; the stale form, changing
    # only the status, was refused for the owner it showed ("Choose a member of your organisation…").
    from apps.accounts.models import Membership

    entry = short_listed(recommendation, catalogue.fits, buyer)
    item = entry.diligence.first()
    assert item is not None
    colleague = User.objects.get(email="colleague@acme.test")
    url = reverse("vendors:diligence_item", args=[item.pk])
    assert buyer_client.post(url, {f"item-{item.pk}-owner": str(colleague.pk)}).status_code == 302
    drawn = _drawn_by(buyer_client, entry, item)
    Membership.objects.filter(user=colleague).update(role=Membership.Role.VIEWER)
    assert buyer_client.post(url, {f"item-{item.pk}-owner": str(buyer.pk)}).status_code == 302
    stale = {**item_data(item, status="in_progress", owner=str(colleague.pk)), f"item-{item.pk}-drawn": drawn}
    assert buyer_client.post(url, stale).status_code == 302
    item.refresh_from_db()
    assert (item.status, item.owner) == ("in_progress", buyer)
