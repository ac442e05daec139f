"""The snapshot every "refused, and stored data unchanged" check compares: it sees a write however small, inside
a transaction as outside one, names the model written, and, as the stored data does, forgets a write rolled back
with its savepoint."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from apps.accounts.models import Organisation
from apps.playbooks.models import Playbook
from tests.security.conftest import snapshot

pytestmark = pytest.mark.django_db


def changed(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> set[str]:
    return {label for label in before if before[label] != after[label]}


def test_inside_a_transaction_every_write_shows_and_names_its_model(reference: Playbook) -> None:
    # With the reference catalogue in: its thousands of rows are not read, only where each row is stored.
    assert connection.in_atomic_block
    before = snapshot()
    assert snapshot() == before  # reading changes nothing
    organisation = Organisation.objects.create(name="Snapshot Ltd", slug="snapshot")
    inserted = snapshot()
    assert changed(before, inserted) == {"accounts.Organisation"}
    Organisation.objects.filter(pk=organisation.pk).update(name="Snapshot Ltd")  # the same value again
    assert changed(inserted, snapshot()) == {"accounts.Organisation"}
    written = snapshot()
    with transaction.atomic():  # a write rolled back with its savepoint changed nothing stored
        Organisation.objects.filter(pk=organisation.pk).update(name="Rolled back")
        Organisation.objects.create(name="Rolled back Ltd", slug="rolled-back")
        assert changed(written, snapshot()) == {"accounts.Organisation"}
        transaction.set_rollback(True)
    assert snapshot() == written
    assert Organisation.objects.get(pk=organisation.pk).name == "Snapshot Ltd"
    Organisation.objects.filter(pk=organisation.pk).delete()
    assert changed(written, snapshot()) == {"accounts.Organisation"}


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_rows_themselves_are_compared() -> None:
    assert not connection.in_atomic_block
    before = snapshot()
    organisation = Organisation.objects.create(name="Snapshot Ltd", slug="snapshot")
    after = snapshot()
    assert changed(before, after) == {"accounts.Organisation"}
    Organisation.objects.filter(pk=organisation.pk).update(name="Snapshot Ltd")  # the same value: no change
    assert snapshot() == after
    Organisation.objects.filter(pk=organisation.pk).update(name="Snapshot Limited")
    assert changed(after, snapshot()) == {"accounts.Organisation"}
