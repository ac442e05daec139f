"""The shipped directory, the reference loader, and JSON import and export (admin and command line)."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from apps.common.reference import Report
from apps.playbooks.models import Playbook
from apps.vendors import directory_io
from apps.vendors.directory_io import DATA_FILE, DirectoryError, export_directory, import_directory
from apps.vendors.models import Vendor, VendorFunction

pytestmark = pytest.mark.django_db


def load() -> str:
    """The reference loader's vendor part (``directory_io.load``, one of settings.REFERENCE_LOADERS), over the
    reference data already in: what ``load_reference_data`` does to the vendors, without reloading the catalogue
    and the playbook each time (several seconds a load)."""
    report = Report()
    directory_io.load(report)
    return next(line for line in report.lines() if line.startswith("Vendors:"))


def test_the_reference_vendors_are_clearly_fictional_and_varied() -> None:
    items = json.loads(DATA_FILE.read_text())["items"]
    assert 8 <= len(items) <= 12
    assert all(item["name"].endswith("(fictional)") for item in items)
    assert all(item["sources"][0]["title"] == "Fictional example vendor for demonstration" for item in items)
    assert {True, False} == {item["signs_hipaa_baa"] for item in items}
    assert {True, False} == {item["offers_scc_module_2"] for item in items}
    locations = {code for item in items for code in item["delivery_locations"]}
    assert {"india", "philippines", "poland"} <= locations


def test_loading_is_idempotent_and_keeps_curator_edits(reference: Playbook) -> None:
    Vendor.objects.all().delete()  # the catalogue loaded, no vendor yet
    assert load().startswith("Vendors: 11 created")
    first = export_directory()
    assert load() == "Vendors: 0 created, 0 updated, 11 unchanged"
    assert export_directory() == first
    # A curator moves a vendor to another location and changes a rate: a reload keeps both edits.
    vendor = Vendor.objects.get(code="northwind-analytics")
    vendor.delivery_locations.remove(vendor.delivery_locations.get(code="philippines"))
    VendorFunction.objects.filter(vendor=vendor, function__code="medical-coding").update(rate_high=Decimal(20))
    assert load() == "Vendors: 0 created, 0 updated, 10 unchanged, 1 edited by a curator (kept)"
    assert not vendor.delivery_locations.filter(code="philippines").exists()


def test_a_reload_refreshes_vendors_nobody_edited(
    reference: Playbook, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    data = json.loads(DATA_FILE.read_text())
    data["items"][0]["capacity_fte"] = 999
    changed = tmp_path / "vendors.json"
    changed.write_text(json.dumps(data))
    monkeypatch.setattr("apps.vendors.directory_io.DATA_FILE", changed)
    assert load() == "Vendors: 0 created, 1 updated, 10 unchanged"
    assert Vendor.objects.get(code=data["items"][0]["code"]).capacity_fte == 999


def test_export_then_import_round_trips(reference: Playbook) -> None:
    data = json.loads(json.dumps(export_directory()), parse_float=Decimal)
    Vendor.objects.filter(code="kestrel-legal").update(capacity_fte=1)
    report = import_directory(data)
    assert report.lines() == ["Vendors: 0 created, 1 updated, 10 unchanged"]
    assert Vendor.objects.get(code="kestrel-legal").capacity_fte == 310


def _one_vendor(**changes: Any) -> dict[str, Any]:
    item = json.loads(DATA_FILE.read_text())["items"][0]
    item.update(code="new-vendor", name="New Vendor (fictional)")
    item.update(changes)
    return {"format": "kpo-vendors", "format_version": 1, "items": [item]}


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"delivery_locations": ["atlantis"]}, "vendor new-vendor: unknown delivery locations atlantis"),
        (
            {"rates": [{"function": "medical-coding", "low": 9, "likely": 8, "high": 10}]},
            "'likely' must be at least 'low'",
        ),
        ({"last_verified": "yesterday"}, "last_verified"),
        ({"iso27001_valid_until": None}, "A certificate needs the date it is valid until."),
        ({"colour": "blue"}, "unknown fields colour"),
        ({"name": "Evil\x00Corp"}, "items[0].name: contains a NUL byte; remove it."),
        ({"summary": "line\x1bbreak"}, "contains the control character U+001B"),
        ({"code": ["a", "b"]}, "vendor #1: code must be text, not a list."),
        ({"name": 5}, "vendor new-vendor: name must be text, not a whole number."),
        ({"signs_hipaa_baa": "yes"}, "signs_hipaa_baa must be true or false, not text."),
        ({"capacity_fte": 10**40}, "the number is too large"),
        ({"capacity_fte": "12"}, "capacity_fte must be a whole number, not text."),
        ({"delivery_locations": "india"}, "delivery locations must be a list of codes (text), not text."),
        ({"rates": 5}, "rates must be a list, not a whole number."),
        ({"rates": [{"function": "medical-coding", "low": [1], "likely": 2, "high": 3}]}, "rate_low must be a number"),
        (
            {"rates": [{"function": "medical-coding", "low": 1, "likely": float("nan"), "high": 3}]},
            "nan is not a number",
        ),
    ],
)
def test_a_bad_file_is_refused_whole_with_every_problem(
    reference: Playbook, changes: dict[str, Any], problem: str
) -> None:
    before = export_directory()
    data = _one_vendor(**changes)
    data["items"].append(_one_vendor()["items"][0] | {"code": "fine-vendor"})
    with pytest.raises(DirectoryError) as caught:
        import_directory(data)
    assert any(problem in message for message in caught.value.messages), caught.value.messages
    assert export_directory() == before


def test_nul_bytes_anywhere_in_the_file_are_named_by_their_path(reference: Playbook) -> None:
    before = export_directory()
    data = _one_vendor(sources=[{"title": "a\x00b", "url": "https://example.com/"}])
    data["items"][0]["languages"] = ["en", "\x00"]
    with pytest.raises(DirectoryError) as caught:
        import_directory(data)
    assert "items[0].sources[0].title: contains a NUL byte; remove it." in caught.value.messages
    assert "items[0].languages[1]: contains a NUL byte; remove it." in caught.value.messages
    assert export_directory() == before


def test_a_file_of_another_format_is_refused() -> None:
    with pytest.raises(DirectoryError, match="not a KPO Advisor vendor directory file"):
        import_directory({"format": "kpo-catalogue"})


def test_the_command_exports_and_imports(reference: Playbook, tmp_path: Any) -> None:
    target = tmp_path / "vendors.json"
    call_command("vendor_directory", "export", "--output", str(target))
    assert len(json.loads(target.read_text())["items"]) == 11
    out = StringIO()
    call_command("vendor_directory", "import", str(target), stdout=out)
    assert "Vendors: 0 created, 0 updated, 11 unchanged" in out.getvalue()
    target.write_text("{not json")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("vendor_directory", "import", str(target))


def test_curators_export_and_import_the_directory_in_admin(reference: Playbook, curator_client: Client) -> None:
    response = curator_client.get(reverse("admin:vendors_vendor_export"))
    assert response.status_code == 200
    data = json.loads(response.content)
    data["items"][0]["capacity_fte"] = 12
    upload = SimpleUploadedFile("vendors.json", json.dumps(data).encode(), content_type="application/json")
    response = curator_client.post(reverse("admin:vendors_vendor_import"), {"file": upload})
    assert response.status_code == 302
    assert Vendor.objects.get(code=data["items"][0]["code"]).capacity_fte == 12


def test_a_bad_upload_is_refused_with_its_problems(reference: Playbook, curator_client: Client) -> None:
    before = export_directory()
    bad = _one_vendor(delivery_locations=["atlantis"])
    upload = SimpleUploadedFile("vendors.json", json.dumps(bad).encode(), content_type="application/json")
    response = curator_client.post(reverse("admin:vendors_vendor_import"), {"file": upload})
    assert response.status_code == 400
    assert "unknown delivery locations atlantis" in response.content.decode()
    garbage = SimpleUploadedFile("vendors.json", io.BytesIO(b"\xff\xfe").read())
    assert curator_client.post(reverse("admin:vendors_vendor_import"), {"file": garbage}).status_code == 400
    assert export_directory() == before


def test_the_vendor_admin_pages_open(reference: Playbook, curator_client: Client) -> None:
    vendor = Vendor.objects.get(code="vistula-research")
    assert curator_client.get(reverse("admin:vendors_vendor_changelist")).status_code == 200
    page = curator_client.get(reverse("admin:vendors_vendor_change", args=[vendor.pk]))
    assert page.status_code == 200 and "_loaded_version" in page.content.decode()
    assert curator_client.get(reverse("admin:vendors_vendor_history", args=[vendor.pk])).status_code == 200


def test_a_vendors_locations_and_models_changing_are_in_its_audit_trail(
    reference: Playbook, curator_client: Client
) -> None:
    from apps.engagements.models import DeliveryLocation

    vendor = Vendor.objects.get(code="vistula-research")
    added = DeliveryLocation.objects.exclude(pk__in=vendor.delivery_locations.all()).first()
    assert added is not None
    vendor.delivery_locations.add(added)
    vendor.engagement_models.clear()
    body = curator_client.get(reverse("admin:vendors_vendor_history", args=[vendor.pk])).content.decode()
    assert "VendorDeliveryLocation" in body and "insert" in body
    assert "VendorEngagementModel" in body and "delete" in body


def test_a_providers_rates_in_admin_name_each_box_and_the_table(reference: Playbook, curator_client: Client) -> None:
    # Review 56: the rate rows' number and Delete boxes were labelled only by the table's headers (axe: label, x12).
    from apps.vendors.models import Vendor

    vendor = next(v for v in Vendor.objects.all() if v.functions.exists())
    page = curator_client.get(reverse("admin:vendors_vendor_change", args=[vendor.pk])).content.decode()
    assert '<table aria-label="Rates by function">' in page
    assert 'aria-label="Rate low, rate 1"' in page and 'aria-label="Delete rate 1"' in page


def test_every_box_on_a_providers_admin_form_is_named_without_javascript(
    reference: Playbook, curator_client: Client
) -> None:
    # Review 58: without JavaScript the two pickers' lists (in a fieldset whose legend names no box) had no name
    # (axe select-name).
    vendor = next(v for v in Vendor.objects.all() if v.functions.exists())
    page = curator_client.get(reverse("admin:vendors_vendor_change", args=[vendor.pk])).content.decode()
    labelled = set(re.findall(r'<label[^>]* for="([^"]+)"', page))
    unnamed = [
        tag
        for tag in re.findall(r"<(?:select|input|textarea)\b[^>]*>", page)
        if 'type="hidden"' not in tag
        and "aria-label=" not in tag
        and "aria-labelledby=" not in tag
        and (m := re.search(r' id="([^"]+)"', tag)) is not None
        and m.group(1) not in labelled
        and "__prefix__" not in m.group(1)
    ]
    assert unnamed == []
    assert 'aria-label="Delivery locations"' in page and 'aria-label="Engagement models"' in page
