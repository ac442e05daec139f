"""An obligation may name the delivery locations it applies to (a transfer tool needed only outside the EEA): curated
in admin and the reference data, validated, frozen into a published playbook with the rest of the regime."""

from __future__ import annotations

import importlib
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.core.management import call_command

from apps.common.models import _plain, digest
from apps.compliance.models import Obligation
from apps.playbooks.definition import catalogue_snapshot
from apps.playbooks.models import Playbook
from tests.factories import ObligationFactory

pytestmark = pytest.mark.django_db
NEEDS_SCCS = ["india", "philippines", "ukraine", "mexico", "colombia", "south-africa"]


def test_the_reference_data_names_where_the_gdpr_transfer_duties_apply(reference: Playbook) -> None:
    tia = Obligation.objects.get(regime__code="gdpr", code="transfer-impact-assessment")
    assert tia.delivered_from == NEEDS_SCCS
    assert Obligation.objects.get(regime__code="gdpr", code="processor-contract").delivered_from == []
    frozen = catalogue_snapshot()["regimes"]["gdpr"]["obligations"]
    assert next(o for o in frozen if o["code"] == "transfer-impact-assessment")["delivered_from"] == NEEDS_SCCS


@pytest.mark.parametrize("value", ["india", [""], [3], {"india": True}])
def test_anything_but_a_list_of_codes_is_refused(value: object) -> None:
    obligation = ObligationFactory.build(regime=ObligationFactory().regime, delivered_from=value)
    with pytest.raises(ValidationError) as info:
        obligation.full_clean()
    assert "delivered_from" in info.value.message_dict


def test_obligations_nobody_edited_are_recognised_as_unedited_after_the_migration(reference: Playbook) -> None:
    # Rows loaded before the field existed carry the digest of the fields they had; the migration re-digests them
    # so the next reference load updates them (bringing in the locations) instead of keeping them as edited.
    migration = importlib.import_module("apps.compliance.migrations.0006_obligation_delivered_from")
    tia = Obligation.objects.get(regime__code="gdpr", code="transfer-impact-assessment")
    before = {f: _plain(getattr(tia, f)) for f in migration.REFERENCE_FIELDS_BEFORE}
    Obligation.objects.filter(pk=tia.pk).update(delivered_from=[], reference_digest=digest(before))
    migration.redigest_unedited(django_apps, None)
    call_command("load_reference_data", stdout=StringIO())
    assert Obligation.objects.get(pk=tia.pk).delivered_from == NEEDS_SCCS
