"""Personas, as in the style guide: a buyer (owner), a colleague (editor), a viewer, an outsider
(member of another organisation) and a curator (staff); the reference catalogue and playbook.

The reference data is loaded once per test session, not once per test: ``load_reference_data`` runs
in a transaction that is rolled back after its rows are copied out (PostgreSQL ``COPY``), so every
test still starts on an empty database and ``reference`` copies the same rows back in (about a
hundredth of the cost of loading them), inside the test's own transaction.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib
import os
import pickle
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.http.multipartparser import MultiPartParser
from django.test import Client

from apps.accounts.models import Membership, Organisation, User
from apps.playbooks.models import Playbook
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

# The files that take longest go to the workers first, longest first, so that no long file is left for the end of
# the run while the other worker sits idle (scripts/run-tests.sh keeps this order with --no-loadscope-reorder;
# pytest-xdist would otherwise hand out the files with the most tests first). Worker-seconds each, measured on
# 2026-12-06 with `scripts/run-tests.sh -p no:randomly --junitxml=...` (test times summed by file, on an AMD EPYC with
# two cores and other work running: 1,851 worker-seconds in all); the rest follow in collection order.
LONGEST_FIRST = (
    "tests/e2e/test_pages.py",  # 117
    "tests/scaling/test_two_servers.py",  # 83
    "tests/e2e/test_team_story.py",  # 58
    "tests/e2e/test_decision_insight.py",  # 55
    "tests/e2e/test_buyer_flow.py",  # 53
    "tests/security/test_roles.py",  # 52
    "tests/tasks/test_worker_faults.py",  # 47
    "tests/security/test_bad_input.py",  # 46
    "tests/e2e/test_autosave_outage.py",  # 45
    "tests/e2e/test_curation.py",  # 44
    "tests/e2e/test_outage_notices.py",  # 40
    "tests/playbooks/test_curation.py",  # 39
    "tests/compliance/test_regulated_buyers.py",  # 38
    "tests/security/test_faults.py",  # 36
    "tests/playbooks/test_curation_admin.py",  # 31
    "tests/catalogue/test_reference_data.py",  # 30
    "tests/questionnaire/test_listing.py",  # 28
    "tests/scaling/test_tenant_queries.py",  # 28
    "tests/recommendations/test_memo_fits_page.py",  # 27
    "tests/recommendations/test_buyer_elsewhere.py",  # 27
    "tests/recommendations/test_memo.py",  # 27
    "tests/e2e/test_team_pages.py",  # 25
    "tests/api/test_webhooks.py",  # 24
    "tests/tasks/test_memo_tasks.py",  # 23
    "tests/playbooks/test_reference_playbook_text.py",  # 22
    "tests/core/test_health_check_deadline.py",  # 21
    "tests/security/test_isolation.py",  # 19
    "tests/e2e/test_vendors.py",  # 19
    "tests/teamwork/test_teamwork.py",  # 19
    "tests/e2e/test_keyboard.py",  # 18
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    # Within a file, the tests that share the module's reference rows (``reference_layer``) run first, one after
    # the other, so the rows are copied in once for them all; the rest keep their order after them.
    items.sort(key=lambda item: (rank.get(item.nodeid.partition("::")[0], len(rank)), not _shares_reference(item)))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: Any) -> None:
    """A test database per test run, so runs started at the same time never share (or drop) one."""
    from django.conf import settings

    base = settings.DATABASES["default"].get("NAME") or "kpo_advisor"
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"test_{base}_{os.getpid()}"


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """The test database, cloned from a migrated template instead of migrated anew.

    Migrating takes about 25 s of CPU (Django renders the models' state over and over through the migrations),
    once per test worker. The first worker to find no template for the current migrations migrates its database
    as usual and copies it as the template (``CREATE DATABASE ... TEMPLATE``); every other worker, in this run or
    a later one on the same server, starts from a copy of it in about a second. The template's name carries a
    digest of Django's version and every installed app's migration files, so a changed migration makes a new
    one (and the old ones are dropped). A PostgreSQL advisory lock makes the workers take turns."""
    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    if not aliases:  # no collected test uses the database
        yield
        return
    settings_dict = connection.settings_dict
    base = settings_dict.get("NAME") or "kpo_advisor"
    prefix = f"test_{base}_migrated_"
    template = prefix + _migrations_digest()
    with django_db_blocker.unblock(), connection._nodb_cursor() as lock:
        lock.execute("SELECT pg_advisory_lock(%s)", [TEMPLATE_LOCK])
        try:
            lock.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
            found = lock.fetchone() is not None
            if found:
                settings_dict["TEST"]["TEMPLATE"] = template
            config = setup_databases(
                verbosity=request.config.option.verbose,
                interactive=False,
                aliases=aliases,
                serialized_aliases=serialized_aliases,
            )
            _migrated_template.append(template)
            if not found:
                test_name = settings_dict["NAME"]
                connections.close_all()  # a database is copied only while no one is connected to it
                quote = connection.ops.quote_name
                lock.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"])
                for (stale,) in lock.fetchall():  # templates of earlier migrations
                    with contextlib.suppress(Exception):
                        lock.execute(f"DROP DATABASE IF EXISTS {quote(stale)}")
                lock.execute(f"CREATE DATABASE {quote(template)} TEMPLATE {quote(test_name)}")
        finally:
            lock.execute("SELECT pg_advisory_unlock(%s)", [TEMPLATE_LOCK])
    yield
    with django_db_blocker.unblock():
        try:
            teardown_databases(config, verbosity=request.config.option.verbose)
        except Exception as exc:  # noqa: BLE001
            request.node.warn(pytest.PytestWarning(f"Error when trying to tear the test databases down: {exc!r}"))


# The advisory lock the test workers take turns on to make or copy the migrated template (any fixed number).
TEMPLATE_LOCK = 73_112_026
# The migrated template's name, once this process's test database is set up (``django_db_setup``).
_migrated_template: list[str] = []


def _dump_migrated_template(target: Path) -> bool:
    """Write the migrated template (a migrated, empty database) to ``target`` as a ``pg_dump`` archive, under the
    template's lock: a worker copying the template meanwhile would find it in use and fail. False when this
    process set up no test database, so there is no template to dump."""
    from loadtest.appserver import postgres_program

    if not _migrated_template:
        return False
    params = connection.get_connection_params()
    env = {**os.environ, "PGHOST": str(params.get("host") or ""), "PGPORT": str(params.get("port") or "")}
    env |= {"PGUSER": str(params.get("user") or ""), "PGPASSWORD": str(params.get("password") or "")}
    with connection._nodb_cursor() as lock:
        lock.execute("SELECT pg_advisory_lock(%s)", [TEMPLATE_LOCK])
        try:
            subprocess.run(
                [postgres_program("pg_dump"), "--format=custom", "--no-owner", "--no-privileges"]
                + ["--file", str(target), "--dbname", _migrated_template[0]],
                env=env,
                check=True,
                capture_output=True,
                timeout=300,
            )
        finally:
            lock.execute("SELECT pg_advisory_unlock(%s)", [TEMPLATE_LOCK])
    return True


def _migrations_digest() -> str:
    """A digest of Django's version and every installed app's migration files (names and contents)."""
    import django
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256(django.__version__.encode())
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        name, _ = MigrationLoader.migrations_module(config.label)
        try:
            module = importlib.import_module(name) if name else None
        except ModuleNotFoundError:
            continue
        if module is None or not getattr(module, "__file__", None):
            continue
        for path in sorted(Path(str(module.__file__)).parent.glob("*.py")):
            digest.update(f"{config.label}/{path.name}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's base folder: under pytest-xdist each worker's base folder sits inside it."""
    shared = tmp_path_factory.getbasetemp()
    return shared.parent if os.environ.get("PYTEST_XDIST_WORKER") else shared


def _collected_static(shared: Path) -> Path:
    """Collect the static files into ``shared`` once: the first caller to take the lock collects, the others wait."""
    target = shared / "production-static"
    with (shared / "production-static.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / "staticfiles.json").exists():
            # Without brotli copies, which no test asks for and which cost most of collecting (static_storage.py).
            settings = {"DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(48), "ALLOWED_HOSTS": "127.0.0.1"}
            settings["STATIC_BROTLI"] = "false"
            result = subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                cwd=Path(__file__).resolve().parents[1],
                env={**_without_deployment_settings(os.environ), **settings, "STATIC_ROOT": str(target)},
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            assert result.returncode == 0, result.stderr[-3000:]
    return target


@pytest.fixture(scope="session")
def production_static(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Static files collected once per test run as a deployment collects them (DEBUG off: whitenoise's
    compressed manifest storage), for every test that runs the app with production settings.

    Collecting costs CPU (a fair part of a minute with brotli, which is left out here), so it is done once, not
    per module, and, under pytest-xdist, once for all workers: they share the run's base folder and take
    turns on a lock, and the first one to get it collects."""
    return _collected_static(_shared_folder(tmp_path_factory))


@pytest.fixture(scope="session")
def prepared_app_data(tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker: Any) -> Path:
    """A production-like app's database folder, migrated and loaded with the reference data once per test
    run, then stopped: each app server a test starts copies it (``AppServer.prepare_from``) instead of
    creating a database, migrating and loading the catalogue again (most of a minute of CPU each time).
    Under pytest-xdist the workers share it as they share ``production_static``: the first to take the
    lock builds it. Every test that needs it needs the static files too, so they are collected meanwhile, in
    a thread (the collecting is a subprocess): the two take turns on neither a worker nor a core."""
    from loadtest.appserver import AppServer

    shared = _shared_folder(tmp_path_factory)
    collecting = threading.Thread(target=_collected_static, args=(shared,), daemon=True)
    collecting.start()
    builder = AppServer(shared / "prepared-app", static_root=shared / "production-static")
    with (shared / "prepared-app.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (builder.root / "ready").exists():
            # Migrating costs about 25 s of CPU; the test database's migrated template, restored, is the same
            # database (``bootstrap`` then finds nothing to migrate, and loads the reference data).
            schema = shared / "migrated-template.dump"
            with django_db_blocker.unblock():
                restored = _dump_migrated_template(schema)
            try:
                # static_root is given, so it migrates (or restores) and loads without collecting
                builder.prepare(schema=schema if restored else None)
            finally:
                builder.shutdown()  # a clean stop, so copies start without recovery
            (builder.root / "ready").write_text("migrated, reference data loaded, stopped\n")
    collecting.join()
    return builder.data_dir


def _without_deployment_settings(environ: dict[str, str] | os._Environ[str]) -> dict[str, str]:
    return {k: v for k, v in environ.items() if k not in {"DATABASE_URL", "SECRET_KEY_FILE", "MAIL_HOST"}}


@dataclass(frozen=True)
class ReferenceRows:
    """The rows ``load_reference_data`` writes, per table, in PostgreSQL's COPY text format."""

    tables: tuple[tuple[str, bytes], ...]
    playbook_ids: frozenset[int]


def _row_counts(tables: list[str]) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(f"SELECT %s, count(*) FROM {connection.ops.quote_name(t)}" for t in tables), tables
        )
        return dict(cursor.fetchall())


def _captured_rows(write: Any, what: str) -> ReferenceRows:
    """Run ``write`` in a transaction, copy out every row it wrote (per table, PostgreSQL ``COPY``), and roll it
    back: the database stays empty. The sequences keep the values the write took them to (PostgreSQL never rolls
    them back), so rows a test creates never reuse an id of the copied rows."""
    from apps.playbooks.models import Playbook

    # Outside every transaction, where the database is empty: captured inside a test's (or a module's), the rows
    # would be written on top of that test's own, and a published definition would freeze its catalogue in.
    assert not connection.in_atomic_block, f"{what} must be captured outside any transaction"
    with transaction.atomic():
        # pytest-django sets the test database up only when a collected test asks for one.
        assert connection.settings_dict["NAME"].startswith("test_"), "the test database is not set up"
        tables = sorted(connection.introspection.table_names())
        before = _row_counts(tables)
        write()
        after = _row_counts(tables)
        written = [t for t in tables if after[t] != before[t]]
        assert "playbooks_playbook" in written, f"{what} wrote no playbook: {written}"
        assert all(before[t] == 0 for t in written), f"{what} changed rows that exist before it"
        copied = []
        with connection.cursor() as cursor:
            for table in written:
                if table == GROUP_PERMISSIONS:
                    continue
                with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} TO STDOUT") as copy:
                    copied.append((table, b"".join(bytes(block) for block in copy)))
        playbook_ids = frozenset(Playbook.objects.values_list("pk", flat=True))
        transaction.set_rollback(True)
    return ReferenceRows(tables=tuple(copied), playbook_ids=playbook_ids)


@pytest.fixture(scope="session")
def reference_rows(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> ReferenceRows:
    """Load the reference data once, copy its rows out, and roll the load back (the database stays empty).

    Loading costs about ten seconds of CPU. Under pytest-xdist the first worker to take the lock loads and keeps
    the rows in the run's shared folder, and the others read them: every worker's database is a copy of the same
    migrated template, so the load would write the same rows with the same ids in each. A worker that reads them
    moves its sequences past their ids (``_sequences_past``), as its own load would have."""
    path = _shared_folder(tmp_path_factory) / "reference-rows.pickle"
    with (path.parent / "reference-rows.lock").open("w") as lock, django_db_blocker.unblock():
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            rows: ReferenceRows = pickle.loads(path.read_bytes())
            _sequences_past(rows)
        else:
            load = lambda: call_command("load_reference_data", stdout=StringIO())  # noqa: E731
            rows = _captured_rows(load, "load_reference_data")
            path.write_bytes(pickle.dumps(rows))
    _reference_playbook_ids.update(rows.playbook_ids)
    return rows


def _sequences_past(rows: ReferenceRows) -> None:
    """Move every sequence of the tables ``rows`` fill past the highest value the rows hold in its column: the rows
    are copied in for a while and rolled back, and a sequence keeps its value through a rollback."""
    assert not connection.in_atomic_block, "the sequences must be moved outside any transaction"
    with transaction.atomic(), connection.cursor() as cursor:
        restore_rows(rows)
        cursor.execute(
            """SELECT s.oid::regclass::text, t.oid::regclass::text, a.attname
                 FROM pg_class s
                 JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.deptype IN ('a', 'i')
                 JOIN pg_class t ON t.oid = d.refobjid
                 JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
                WHERE s.relkind = 'S' AND t.relname = ANY(%s)""",
            [[table for table, _ in rows.tables]],
        )
        for sequence, table, column in cursor.fetchall():
            quote = connection.ops.quote_name
            cursor.execute(f"SELECT max({quote(column)}) FROM {table}")
            highest = cursor.fetchone()[0]
            cursor.execute(f"SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {sequence}")
            if highest is not None and highest > cursor.fetchone()[0]:  # forward only: past every id handed out
                cursor.execute("SELECT setval(%s, %s)", [sequence, highest])
        transaction.set_rollback(True)


@pytest.fixture(scope="session")
def small_playbook_rows(reference_rows: ReferenceRows, django_db_blocker: Any) -> ReferenceRows:
    """The small test playbook imported and published once, its rows copied out as the reference data's are:
    importing, checking and publishing it (its golden cases run) cost a tenth of a second, in hundreds of tests.
    Captured after the reference rows (a parameter), so its ids follow theirs, whichever worker loaded those."""
    from apps.playbooks.services import import_playbook, publish_playbook
    from tests.playbook_data import small_playbook

    with django_db_blocker.unblock():
        return _captured_rows(
            lambda: publish_playbook(playbook=import_playbook(data=small_playbook())), "publishing the small playbook"
        )


# Not copied: its rows point at auth_permission rows, which Django creates again (with new ids) after a
# transactional test empties the database; the curator group's permissions are set by name, as the loader does.
GROUP_PERMISSIONS = "auth_group_permissions"


def restore_reference_rows(rows: ReferenceRows) -> None:
    """Copy the reference rows back in, and the curator group's permissions."""
    from apps.common.curators import ensure_curator_group

    restore_rows(rows)
    ensure_curator_group()


def restore_rows(rows: ReferenceRows) -> None:
    """Copy captured rows back in. Triggers are off while they go in: the audit trail's rows (pghistory) are
    among the copied ones, so its triggers must not write them a second time."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        superuser = cursor.fetchone()[0]
        names = [connection.ops.quote_name(t) for t, _ in rows.tables]
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:  # the table owner (who created the test database) may switch its own triggers off
            for name in names:
                cursor.execute(f"ALTER TABLE {name} DISABLE TRIGGER USER")
        for (_, data), name in zip(rows.tables, names, strict=True):
            with cursor.cursor.copy(f"COPY {name} FROM STDIN") as copy:
                copy.write(data)
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        else:
            for name in names:
                cursor.execute(f"ALTER TABLE {name} ENABLE TRIGGER USER")


_reference_playbook_ids: set[int] = set()


def _clear_caches(*, shared: bool) -> None:
    from apps.playbooks import runtime
    from apps.questionnaire import save_rate

    save_rate.forget()  # each test's members save at their full rate

    if shared:
        cache.clear()
    for cached in (runtime._cache, runtime._guidance):
        for pk in list(cached):
            if pk not in _reference_playbook_ids:
                del cached[pk]


@pytest.fixture(autouse=True)
def fresh_caches(request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts with empty caches, and leaves the compiled ones empty: the shared cache (insight pages)
    and the compiled playbooks and frozen guidance (keyed by id). The reference playbooks stay: their rows (ids
    included) are the same in every test, and a published playbook never changes. The shared cache is a table in the
    database (settings.CACHES), so only a test with database access has one to clear, and it is cleared before
    the test: a test's own rows go with its transaction's rollback (its transaction may be broken by then), and
    a ``transaction=True`` test's are cleared before the next."""
    shared = bool(request.node.get_closest_marker("django_db")) or bool(
        {"db", "transactional_db"} & set(request.fixturenames)
    )
    if shared:
        # A test that reaches the database only through a fixture (``reference``, no mark) has it set up
        # after this autouse one: open it now, as the mark would, so the cache table may be cleared.
        request.getfixturevalue("_django_db_helper")
    _clear_caches(shared=shared)
    yield
    _clear_caches(shared=False)


def _transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs the test as a ``TransactionTestCase`` (its own rule, in ``_django_db_helper``)."""
    marker = item.get_closest_marker("django_db")
    marked = bool(marker) and any(marker.kwargs.get(k) for k in ("transaction", "reset_sequences"))  # type: ignore[union-attr]
    return marked or bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames))


def _shares_reference(item: pytest.Item) -> bool:
    return "reference_layer" in getattr(item, "fixturenames", ()) and not _transactional(item)


@dataclass
class _Layer:
    """The module's reference rows, copied in once in a transaction left open under its tests (``reference_layer``)."""

    atomic: Any = None
    blocker: Any = None
    current: pytest.Item | None = None  # the test being set up (``pytest_runtest_setup``)

    def close(self) -> None:
        if self.atomic is None:
            return
        atomic, self.atomic = self.atomic, None
        with self.blocker.unblock():
            # Only the layer itself may be open here: a test's transaction, or a module's own (``module_world``)
            # opened on top of it, would be cut off.
            assert connection.atomic_blocks and connection.atomic_blocks[-1] is atomic, "the layer is not on top"
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


_layer = _Layer()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture of a test is set up: a test that does not share the module's reference rows (a
    transactional one, or one that expects an empty database) first has them rolled back."""
    _layer.current = item
    if not _shares_reference(item):
        _layer.close()


@pytest.fixture(scope="module")
def reference_layer(reference_rows: ReferenceRows, django_db_blocker: Any) -> Iterator[None]:
    """The reference rows copied in once for a module's tests, as ``module_world`` builds its world: in a
    transaction left open for the module, each test's own transaction a savepoint inside it, rolled back after the
    test as usual, and the rows themselves rolled back after the module's last test that shares them (or before the
    first that does not: ``pytest_runtest_setup``). Copying them costs about a tenth of a second, in a thousand
    tests. Nothing is opened when the test asking is transactional, or when a module's own transaction is open
    already: ``reference`` then copies the rows in for its test alone."""
    item = _layer.current
    with django_db_blocker.unblock():
        if item is not None and _shares_reference(item) and not connection.in_atomic_block:
            atomic = transaction.atomic()
            atomic._from_testcase = True  # as a TestCase's own: a durable block in a test is allowed inside it
            atomic.__enter__()
            _layer.atomic, _layer.blocker = atomic, django_db_blocker
            try:
                restore_reference_rows(reference_rows)
            except BaseException:
                _layer.close()
                raise
    yield
    _layer.close()


@pytest.fixture
def reference(reference_layer: None, db: None, reference_rows: ReferenceRows) -> Playbook:
    """The reference catalogue, vendor directory and playbook (published, version 1), as ``load_reference_data``
    leaves them; rolled back with the test like anything else it writes (the rows themselves are shared by the
    module's tests when they can be: ``reference_layer``)."""
    if _layer.atomic is None:
        restore_reference_rows(reference_rows)
    playbook = Playbook.objects.current()
    assert playbook is not None
    return playbook


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Tests sign people in by the hundred: a fast hasher keeps the suite quick (never used outside tests)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings: Any) -> None:
    """Background tasks run inside ``enqueue`` (Django's immediate backend), so a test of a page sees the
    work done, as the person would once the worker had it. tests/tasks/ tests the database queue and the
    worker themselves (``database_tasks``)."""
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": settings.TASK_QUEUES}
    }


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory(name="Acme Procurement")


@pytest.fixture
def other_organisation(db: None) -> Organisation:
    return OrganisationFactory(name="Other Corp")


@pytest.fixture
def buyer(organisation: Organisation) -> User:
    return MembershipFactory(organisation=organisation, role=Membership.Role.OWNER, user__email="buyer@acme.test").user


@pytest.fixture
def colleague(organisation: Organisation) -> User:
    return MembershipFactory(
        organisation=organisation, role=Membership.Role.EDITOR, user__email="colleague@acme.test"
    ).user


@pytest.fixture
def viewer(organisation: Organisation) -> User:
    return MembershipFactory(
        organisation=organisation, role=Membership.Role.VIEWER, user__email="viewer@acme.test"
    ).user


@pytest.fixture
def outsider(other_organisation: Organisation) -> User:
    return MembershipFactory(
        organisation=other_organisation, role=Membership.Role.OWNER, user__email="outsider@other.test"
    ).user


@pytest.fixture
def curator(db: None) -> User:
    return UserFactory(email="curator@kpo.test", is_staff=True, is_superuser=True)


def _client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def buyer_client(buyer: User) -> Client:
    return _client_for(buyer)


@pytest.fixture
def colleague_client(colleague: User) -> Client:
    return _client_for(colleague)


@pytest.fixture
def viewer_client(viewer: User) -> Client:
    return _client_for(viewer)


@pytest.fixture
def outsider_client(outsider: User) -> Client:
    return _client_for(outsider)


@pytest.fixture
def curator_client(curator: User) -> Client:
    return _client_for(curator)


@pytest.fixture
def playbook(small_playbook_rows: ReferenceRows, db: None, request: pytest.FixtureRequest) -> Playbook:
    """The small test playbook, published (version 1): its rows as publishing it once per session wrote them.
    (``small_playbook_rows`` is a parameter, not looked up here, so it is captured before the test's transaction
    opens: inside it, the published definition would take in whatever catalogue rows the test had written.)"""
    if "reference" in request.fixturenames:
        # Published after the reference playbook, it would be version 2 and the current one: publish it for real.
        from apps.playbooks.services import import_playbook, publish_playbook
        from tests.playbook_data import small_playbook

        return publish_playbook(playbook=import_playbook(data=small_playbook()))
    restore_rows(small_playbook_rows)
    (pk,) = small_playbook_rows.playbook_ids
    return Playbook.objects.get(pk=pk)


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths whose multipart bodies Django's form parser read (the CSRF check, the hostile-input check, a
    form, anything): a body refused before it is parsed never shows up here."""
    seen: list[str] = []
    real = MultiPartParser.parse

    def spy(self: MultiPartParser) -> Any:
        seen.append(self._meta["PATH_INFO"])
        return real(self)

    monkeypatch.setattr(MultiPartParser, "parse", spy)
    return seen
