"""Bad input never gives a 500, and a refused request leaves stored data as it was.

Property tests (hypothesis) throw random and hostile values at every form, the autosave endpoint,
the import command and the recommend command: unicode, NUL bytes, markup, huge and non-finite
numbers, lists where one value is expected, missing and extra fields, other objects' ids. Each
example runs in a savepoint that is rolled back, so examples cannot see each other's writes.
Explicit tests follow for oversized bodies, a submitted assessment, skipped steps, htmx headers.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.accounts.models import Membership, User
from apps.playbooks.engine import clean_answer
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.playbooks.services import PlaybookError, import_playbook
from apps.questionnaire.models import Answer, Assessment
from apps.recommendations.models import Recommendation
from tests.playbook_data import small_playbook
from tests.security.conftest import COMPLETE, World, client_for, snapshot

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

NASTY = [
    "",
    " ",
    "\x00",
    "abc\x00def",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1",
    "'; DROP TABLE accounts_user; --",
    "{{ 7|add:7 }}",
    "{% debug %}",
    "${jndi:ldap://127.0.0.1/a}",
    "../../../../etc/passwd",
    "javascript:alert(1)",
    "\u202egnp.exe",
    "\ufeff",
    "9" * 400,
    "-1",
    "1e309",
    "-1e309",
    "1e-400",
    "nan",
    "Infinity",
    "-0",
    "0x1F",
    "1_000",
    "١٢٣",
    "true",
    "on",
    "null",
    "[]",
    "{}",
    "😀" * 60,
    "a" * 5000,
    str(2**63),
    str(-(2**63) - 1),
]
TEXT = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=120),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats().map(str),
)
VALUE = st.one_of(TEXT, st.lists(TEXT, max_size=4))
HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80)
TABLES = ("accounts", "questionnaire", "recommendations")


EXTRA_FIELD = st.text(min_size=1, max_size=12)


def form(fields: list[str]) -> Any:
    """Any subset of ``fields`` (missing ones left out), maybe extra unknown fields, each with a hostile value."""
    return st.dictionaries(st.one_of(st.sampled_from(fields), EXTRA_FIELD), VALUE, max_size=len(fields) + 3)


def json_like(leaves: Any, max_leaves: int) -> Any:
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
        ),
        max_leaves=max_leaves,
    )


def attempt(send: Callable[[], Any], *, ignore: tuple[str, ...] = ()) -> tuple[Any, bool]:
    """Send one request in a savepoint that is rolled back; returns (response, whether stored data changed)."""
    with transaction.atomic():
        before = _rows(ignore)
        response = send()
        changed = _rows(ignore) != before
        transaction.set_rollback(True)
    assert response.status_code < 500, response.content[:2000]
    if response.status_code >= 400:
        assert not changed, f"refused with {response.status_code} but stored data changed"
    return response, changed


def _rows(ignore: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in snapshot(TABLES).items() if k not in ignore}


def assert_answers_are_valid(assessment: Assessment) -> None:
    compiled = compiled_playbook(assessment.playbook)
    for answer in Answer.objects.filter(assessment=assessment):
        assert clean_answer(compiled.questions[answer.question_code], answer.value) == answer.value


def test_sign_in_form(world: World) -> None:
    @EXAMPLES
    @given(data=form(["username", "password", "next", "csrfmiddlewaretoken"]))
    def check(data: dict[str, Any]) -> None:
        client = Client(raise_request_exception=False)
        # Counting failed sign-ins is the throttle's job: that table may change.
        response, _ = attempt(lambda: client.post(reverse("accounts:login"), data), ignore=("accounts.LoginThrottle",))
        assert response.status_code in (200, 400, 429)
        assert "_auth_user_id" not in client.session

    check()


def test_add_member_form(world: World) -> None:
    owner = client_for(world.owner)
    emails = st.one_of(TEXT, st.emails(), st.sampled_from(["outsider@other.test", "colleague@acme.test"]))
    roles = st.one_of(VALUE, st.sampled_from(["owner", "editor", "viewer", "OWNER", "emperor"]))

    @EXAMPLES
    @given(data=st.fixed_dictionaries({}, optional={"email": emails, "role": roles, "extra": VALUE}))
    def check(data: dict[str, Any]) -> None:
        def send() -> Any:
            response = owner.post(reverse("accounts:members"), data)
            for m in Membership.objects.select_related("user"):
                validate_email(m.user.email)
                assert m.user.email == m.user.email.lower() and m.role in Membership.Role.values
            return response

        response, changed = attempt(send)
        assert response.status_code in (302, 400)
        assert changed == (response.status_code == 302)

    check()


def test_change_role_and_remove_member_with_any_id(world: World) -> None:
    owner = client_for(world.owner)
    ids = st.one_of(
        st.integers(min_value=0, max_value=2**70),
        st.sampled_from([world.viewer_membership.pk, world.editor_membership.pk, world.outsider.memberships.get().pk]),
    )

    @EXAMPLES
    @given(pk=ids, data=form(["role"]), which=st.sampled_from(["accounts:change_role", "accounts:remove_member"]))
    def check(pk: int, data: dict[str, Any], which: str) -> None:
        response, changed = attempt(lambda: owner.post(reverse(which, args=[pk]), data))
        assert response.status_code in (302, 404)
        if pk == world.outsider.memberships.get().pk or pk not in {
            m.pk for m in Membership.objects.filter(organisation=world.organisation)
        }:
            assert response.status_code == 404

    check()


def test_switch_organisation_form(world: World) -> None:
    owner = client_for(world.owner)
    orgs = st.one_of(VALUE, st.sampled_from([str(world.organisation.pk), str(world.other_organisation.pk)]))
    nexts = st.one_of(
        TEXT, st.sampled_from(["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"])
    )

    @EXAMPLES
    @given(data=st.fixed_dictionaries({}, optional={"organisation": orgs, "next": nexts}))
    def check(data: dict[str, Any]) -> None:
        response, _ = attempt(lambda: owner.post(reverse("accounts:switch_organisation"), data))
        assert response.status_code in (302, 404)
        if response.status_code == 302:
            location = response["Location"]
            assert location.startswith("/") and not location.startswith(("//", "/\\")), location

    check()


def test_start_assessment_form(world: World) -> None:
    owner = client_for(world.owner)
    functions = st.one_of(VALUE, st.sampled_from(["legal", "research", "astrology"]))

    @EXAMPLES
    @given(data=st.fixed_dictionaries({}, optional={"title": TEXT, "function": functions, "playbook": VALUE}))
    def check(data: dict[str, Any]) -> None:
        def send() -> Any:
            response = owner.post(reverse("questionnaire:start"), data)
            for a in Assessment.objects.filter(organisation=world.organisation):
                assert a.title.strip() and "\x00" not in a.title and len(a.title) <= 200
                assert_answers_are_valid(a)
            return response

        response, changed = attempt(send)
        assert response.status_code in (200, 302, 400)  # 200: an empty post shows the form again
        assert changed == (response.status_code == 302)

    check()


def test_step_form(world: World, playbook: Playbook) -> None:
    owner = client_for(world.owner)
    codes = list(compiled_playbook(playbook).questions)
    sections = st.one_of(st.sampled_from(["work", "volume", "data"]), st.from_regex(r"[a-z0-9-]{1,20}", fullmatch=True))
    fields = codes + [f"{c}__present" for c in codes] + ["back", "next"]
    targets = st.sampled_from([world.draft.pk, world.submitted.pk, world.outsider_recommendation.assessment_id])

    @EXAMPLES
    @given(section=sections, data=form(fields), pk=targets)
    def check(section: str, data: dict[str, Any], pk: int) -> None:
        def send() -> Any:
            response = owner.post(reverse("questionnaire:step", args=[pk, section]), data)
            assert_answers_are_valid(world.draft)
            return response

        response, changed = attempt(send)
        assert response.status_code in (302, 400, 404)
        if pk != world.draft.pk:
            assert not changed  # a submitted assessment, or another organisation's

    check()


def test_autosave_endpoint(world: World, playbook: Playbook) -> None:
    owner = client_for(world.owner)
    codes = list(compiled_playbook(playbook).questions)
    questions = st.one_of(st.sampled_from(codes), st.from_regex(r"[A-Za-z0-9_-]{1,30}", fullmatch=True))
    headers = st.fixed_dictionaries(
        {},
        optional={
            "HX-Request": st.one_of(st.just("true"), HEADER_TEXT),
            "HX-Current-URL": st.one_of(st.just("javascript:alert(document.cookie)"), HEADER_TEXT),
            "HX-Target": HEADER_TEXT,
            "HX-Trigger": HEADER_TEXT,
            "HX-Boosted": HEADER_TEXT,
        },
    )
    targets = st.sampled_from([world.draft.pk, world.submitted.pk, world.outsider_recommendation.assessment_id])

    @EXAMPLES
    @given(question=questions, data=form(codes), hx=headers, pk=targets)
    def check(question: str, data: dict[str, Any], hx: dict[str, str], pk: int) -> None:
        def send() -> Any:
            response = owner.post(reverse("questionnaire:answer", args=[pk, question]), data, headers=hx)
            assert_answers_are_valid(world.draft)
            return response

        response, changed = attempt(send)
        assert response.status_code in (200, 302, 400, 404, 409)
        if pk != world.draft.pk:
            assert not changed
        assert b"javascript:alert" not in response.content

    check()


def test_history_filters(world: World) -> None:
    owner = client_for(world.owner)
    fields = ["verdict", "function", "model", "regime", "since", "until", "page"]
    dates = st.one_of(TEXT, st.dates().map(str), st.sampled_from(["0000-00-00", "9999-12-31", "2026-02-30"]))

    @EXAMPLES
    @given(data=form(fields), since=st.one_of(st.none(), dates), csv=st.booleans())
    def check(data: dict[str, Any], since: str | None, csv: bool) -> None:
        if since is not None:
            data["since"] = since
        url = reverse("recommendations:history_csv" if csv else "recommendations:history")
        response, changed = attempt(lambda: owner.get(url, data))
        assert response.status_code in (200, 400)
        assert not changed
        if csv:
            assert b"Their secret plan" not in response.content  # another organisation's rows never leak

    check()


def test_compare_with_any_ids(world: World) -> None:
    owner = client_for(world.owner)
    own = [world.recommendation.pk, world.second_recommendation.pk]
    ids = st.one_of(
        TEXT,
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.sampled_from([str(pk) for pk in [*own, world.outsider_recommendation.pk]]),
    )

    @EXAMPLES
    @given(query=st.fixed_dictionaries({}, optional={"ids": st.lists(ids, max_size=6), "extra": VALUE}))
    def check(query: dict[str, Any]) -> None:
        response, changed = attempt(lambda: owner.get(reverse("recommendations:compare"), query))
        assert response.status_code in (200, 400, 404)
        assert not changed
        assert b"Their secret plan" not in response.content

    check()


# The command line


def _mutations(data: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """The valid playbook with one node replaced by a hostile value, deleted, or given an extra key."""
    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        paths.append(path)
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
        for key, child in items:
            walk(child, (*path, key))

    walk(data, ())
    junk = st.one_of(
        VALUE,
        st.integers(),
        st.floats(),
        st.booleans(),
        st.none(),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    )

    @st.composite
    def mutate(draw: st.DrawFn) -> dict[str, Any]:
        result = copy.deepcopy(data)
        path = draw(st.sampled_from(paths[1:]))
        parent = result
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "extra"]))
        if action == "replace":
            parent[path[-1]] = draw(junk)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(junk)
        return result

    return mutate()


def test_import_playbook_refuses_hostile_files_cleanly(db: None) -> None:
    base = small_playbook()
    whole = json_like(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT), 20)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.one_of(_mutations(base), whole))
    def check(data: Any) -> None:
        with transaction.atomic():
            before = snapshot(("playbooks",))
            try:
                draft = import_playbook(data=data)
            except PlaybookError as exc:
                assert exc.messages
                assert snapshot(("playbooks",)) == before, "a refused import wrote something"
            else:
                assert draft.is_draft  # accepted: a valid playbook that only differs harmlessly
            transaction.set_rollback(True)

    check()


@pytest.mark.parametrize("where", ["section intro", "question help"])
def test_import_reads_null_text_fields_as_empty(db: None, where: str) -> None:
    data = small_playbook()
    owner, key = {
        "section intro": (data["sections"][0], "intro"),
        "question help": (data["sections"][0]["questions"][0], "help"),
    }[where]
    owner[key] = None
    draft = import_playbook(data=data)  # null text reads as empty text, never a database error
    assert draft.is_draft


UNREADABLE = {
    "empty": b"",
    "binary": b"\x00\xff\xfe",
    "truncated": b"{",
    "a list": b"[1, 2]",
    "a string": b'"a string"',
    "bom": b"\xef\xbb\xbf{}",
    "just the format": b'{"format": "kpo-playbook"}',
    "a 5000-digit number": b"9" * 5000,
    "nesting 100000 deep": b"[" * 100_000 + b"]" * 100_000,
}


@pytest.mark.parametrize("command", ["import_playbook", "recommend"])
@pytest.mark.parametrize("content", list(UNREADABLE))
def test_commands_exit_2_on_unreadable_files(playbook: Playbook, tmp_path: Path, command: str, content: str) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(UNREADABLE[content])
    args = [str(path)] if command == "import_playbook" else ["--answers", str(path)]
    before = snapshot()
    with pytest.raises(CommandError) as info:
        call_command(command, *args, stdout=StringIO())
    assert info.value.returncode == 2
    assert snapshot() == before


def test_recommend_command_refuses_hostile_answers_with_exit_2(playbook: Playbook, tmp_path: Path) -> None:
    codes = list(compiled_playbook(playbook).questions)
    json_values = json_like(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT), 8)
    answers = st.dictionaries(st.one_of(st.sampled_from(codes), st.text(max_size=10)), json_values, max_size=8)
    path = tmp_path / "answers.json"

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.one_of(answers, json_values))
    def check(data: Any) -> None:
        path.write_text(json.dumps(data))
        before = snapshot(TABLES)
        try:
            call_command("recommend", "--answers", str(path), "--format", "json", stdout=StringIO())
        except CommandError as exc:
            assert exc.returncode == 2, exc
        assert snapshot(TABLES) == before  # the command stores nothing, ever

    check()


# Explicit cases


def test_an_oversized_body_is_refused_with_400(world: World, settings: Any) -> None:
    owner = client_for(world.owner)
    url = reverse("questionnaire:answer", args=[world.draft.pk, "judgement"])
    before = snapshot(TABLES)
    huge = owner.post(
        url, {"judgement": "y" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}, headers={"HX-Request": "true"}
    )
    assert huge.status_code == 400
    many = owner.post(url, {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)})
    assert many.status_code == 400
    assert snapshot(TABLES) == before
    assert 256 * 1024 <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 2 * 1024 * 1024


def test_a_submitted_assessment_cannot_be_answered_any_way(world: World) -> None:
    """(Autosave with htmx: tests/questionnaire test_answer_to_a_submitted_assessment_is_refused.)"""
    owner = client_for(world.owner)
    pk = world.submitted.pk
    before = snapshot(TABLES)
    step = owner.post(reverse("questionnaire:step", args=[pk, "work"]), {"judgement": "no", "function": "research"})
    assert step.status_code == 302 and step["Location"] == reverse("recommendations:for_assessment", args=[pk])
    plain = owner.post(reverse("questionnaire:answer", args=[pk, "judgement"]), {"judgement": "no"})
    assert plain.status_code == 409 and "has been submitted" in plain.content.decode()
    assert owner.post(reverse("recommendations:submit", args=[pk])).status_code == 302  # lands on the same result
    assert owner.post(reverse("questionnaire:delete", args=[pk])).status_code == 302
    assert snapshot(TABLES) == before


def test_skipping_steps_then_submitting_stores_nothing(world: World) -> None:
    """(The 400 itself: tests/questionnaire test_skipping_steps_then_submitting_is_refused.)"""
    owner = client_for(world.owner)
    pk = world.draft.pk
    # Jump straight to the last step and answer it, never visiting the middle one.
    response = owner.post(reverse("questionnaire:step", args=[pk, "data"]), {"data": "none"})
    assert response.status_code == 302
    before = snapshot(TABLES)
    submit = owner.post(reverse("recommendations:submit", args=[pk]))
    assert submit.status_code == 400
    assert "Not answered yet: Hours a year" in submit.content.decode()
    assert snapshot(TABLES) == before
    assert Assessment.objects.get(pk=pk).is_draft
    assert not Recommendation.objects.filter(assessment_id=pk).exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HX-Request": "garbage"},
        {"HX-Request": "true", "HX-Current-URL": "javascript:alert(document.cookie)"},
        {"HX-Request": "true", "HX-Current-URL": "https://evil.example/phish", "HX-Target": "<script>x</script>"},
        {"HX-Request": "TRUE", "HX-Trigger": "\"'><svg onload=alert(1)>", "HX-Boosted": "maybe"},
        {"HX-Request": "", "HX-History-Restore-Request": "true"},
    ],
)
def test_malformed_htmx_headers_are_harmless(world: World, headers: dict[str, str]) -> None:
    owner = client_for(world.owner)
    url = reverse("questionnaire:answer", args=[world.draft.pk, "judgement"])
    response = owner.post(url, {"judgement": "no"}, headers=headers)
    is_htmx = headers.get("HX-Request") == "true"
    # Only a real htmx request gets fragments; anything else is treated as a plain form post.
    assert response.status_code == (200 if is_htmx else 302)
    body = response.content.decode()
    for value in headers.values():
        if len(value) > 5 and value not in ("true", "TRUE"):
            assert value not in body
    assert Answer.objects.get(assessment=world.draft, question_code="judgement").value is False
    page = owner.get(reverse("questionnaire:step", args=[world.draft.pk, "work"]), headers=headers)
    assert page.status_code == 200


SCRIPT = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


def test_a_script_in_every_text_field_is_escaped_everywhere(world: World) -> None:
    owner = client_for(world.owner)
    # Buyers type titles; curators (admin) name organisations and users: all of it is shown to members.
    world.organisation.name = f"Acme {SCRIPT}"
    world.organisation.save()
    User.objects.filter(pk=world.editor.pk).update(first_name=SCRIPT, last_name=SCRIPT)
    response = owner.post(reverse("questionnaire:start"), {"title": f"Plan {SCRIPT}", "function": "legal"})
    assert response.status_code == 302
    started = Assessment.objects.get(title=f"Plan {SCRIPT}")
    Answer.objects.bulk_create(
        Answer(assessment=started, question_code=c, value=v) for c, v in COMPLETE.items() if c != "function"
    )
    rec_url = owner.post(reverse("recommendations:submit", args=[started.pk]))["Location"]
    rec = Recommendation.objects.get(assessment=started)
    pages = [
        reverse("home"),
        reverse("questionnaire:list"),
        reverse("questionnaire:step", args=[world.draft.pk, "work"]),
        reverse("questionnaire:review", args=[world.draft.pk]),
        rec_url,
        reverse("recommendations:history"),
        reverse("recommendations:compare_pair", args=[rec.pk, world.recommendation.pk]),
        reverse("accounts:members"),
    ]
    for url in pages:
        body = owner.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body, url
    assert "&lt;script&gt;alert" in owner.get(rec_url).content.decode()  # shown, as text
    # (Formulas in CSV exports: tests/recommendations test_history_filters_and_csv_injection_is_neutralised.)
