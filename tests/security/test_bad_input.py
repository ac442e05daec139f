"""Bad input never gives a 500, and a refused request leaves stored data as it was.

Property tests (hypothesis) throw random and hostile values at every form, the autosave endpoint,
the import command and the recommend command: unicode, NUL bytes, markup, huge and non-finite
numbers, lists where one value is expected, missing and extra fields, other objects' ids. Each
example runs in a savepoint that is rolled back, so examples cannot see each other's writes.
Explicit tests follow for oversized bodies, a submitted assessment, skipped steps, htmx headers.
"""

from __future__ import annotations

import copy
import html
import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from apps.accounts.models import Membership, User
from apps.common.hostile import CONTROL
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


def attempt(send: Callable[[], Any], *, ignore: tuple[str, ...] = (), partial: bool = False) -> tuple[Any, bool]:
    """Send one request in a savepoint that is rolled back; returns (response, whether stored data changed).

    ``partial``: the request may store part of what it was sent and still answer 400 (a posted step saves
    its valid answers and refuses the others); the caller then checks that what was stored is valid."""
    with transaction.atomic():
        before = _rows(ignore)
        response = send()
        changed = _rows(ignore) != before
        transaction.set_rollback(True)
    assert response.status_code < 500, response.content[:2000]
    if response.status_code >= 400 and not (partial and response.status_code == 400):
        assert not changed, f"refused with {response.status_code} but stored data changed"
    return response, changed


def has_control_characters(data: Any) -> bool:
    """Whether a form's keys or values hold a character apps.common.hostile refuses (NUL and other C0). A line tab or
    a form feed in a value is read as a new line (``LINE_BREAK_CONTROL``), a password's excepted."""
    from apps.common.hostile import CONTROL, LINE_BREAK_CONTROL

    sent = {key: value if isinstance(value, list) else [value] for key, value in data.items()}
    sent = {key: values for key, values in sent.items() if values}  # a key with an empty list is not sent
    values = [
        str(v) if "password" in key.lower() else LINE_BREAK_CONTROL.sub("\n", str(v))
        for key, vs in sent.items()
        for v in vs
    ]
    # A multipart field name loses surrounding ASCII whitespace (vertical tab and form feed too) on parsing.
    return any(CONTROL.search(str(text)) for text in [*(k.strip(" \t\n\r\x0b\x0c") for k in sent), *values])


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
        if has_control_characters(data):
            assert response.status_code == 400  # refused before the view: nothing to look up
            return
        # A removal not confirmed (no confirm=yes) answers with the page asking to confirm, changing nothing.
        asked = which == "accounts:remove_member" and data.get("confirm") != "yes"
        # A role that is none of the three is a 400, a rule of the organisation's (its last owner) a 409: the members
        # page with the reason, not a redirect (review 80).
        assert response.status_code in ((200, 404, 409) if asked else (302, 400, 404, 409))
        if asked or response.status_code in (400, 409):
            assert not changed
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
        twice = isinstance(data.get("organisation"), list | tuple) and len(data["organisation"]) > 1
        expected = (400,) if has_control_characters(data) else (400,) if twice else (302, 404)
        assert response.status_code in expected
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

        # A step with a bad value saves the step's valid answers and answers 400 (nothing typed is lost);
        # assert_answers_are_valid checks that only valid answers were stored.
        response, changed = attempt(send, partial=pk == world.draft.pk)
        # A submitted assessment's step answers 409 with what was sent in its boxes (review 82).
        assert response.status_code in ((302, 400, 404) if pk != world.submitted.pk else (400, 404, 409))
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
        # The htmx headers are never echoed; a form's own values may be, as text, on a page listing what was sent
        # and not saved, never as an address.
        assert b"javascript:alert(document.cookie)" not in response.content
        assert b'href="javascript:' not in response.content and b'src="javascript:' not in response.content

    check()


def test_history_filters(world: World) -> None:
    owner = client_for(world.owner)
    fields = ["verdict", "function", "model", "regime", "since", "until", "page"]
    dates = st.one_of(TEXT, st.dates().map(str), st.sampled_from(EDGE_DATES), st.lists(st.dates().map(str), max_size=3))

    @EXAMPLES
    @given(data=form(fields), since=st.one_of(st.none(), dates), until=st.one_of(st.none(), dates), csv=st.booleans())
    def check(data: dict[str, Any], since: str | None, until: str | None, csv: bool) -> None:
        if since is not None:
            data["since"] = since
        if until is not None:
            data["until"] = until
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

    # Refused only once rows are written (a section's code is checked as the section is saved): the import
    # rolls its own savepoint back, and nothing stored changes.
    bad_section_code = {**base, "sections": [{**base["sections"][0], "code": "Not A Code"}, *base["sections"][1:]]}

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.one_of(_mutations(base), whole))
    @example(data=bad_section_code)
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


def test_an_oversized_body_is_refused_with_413_and_too_many_fields_with_400(world: World, settings: Any) -> None:
    owner = client_for(world.owner)
    url = reverse("questionnaire:answer", args=[world.draft.pk, "judgement"])
    before = snapshot(TABLES)
    huge = owner.post(
        url, {"judgement": "y" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}, headers={"HX-Request": "true"}
    )
    assert huge.status_code == 413  # refused from its declared length, before parsing (RequestBodyLimitMiddleware)
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
    # The step itself, with what was sent in its boxes and why it was not saved (review 82: a redirect showed it
    # nowhere).
    page = step.content.decode()
    assert step.status_code == 409 and "so what you sent was not saved" in page
    assert 'value="research" checked' in page
    plain = owner.post(reverse("questionnaire:answer", args=[pk, "judgement"]), {"judgement": "no"})
    assert plain.status_code == 409 and "has been submitted" in plain.content.decode()
    assert owner.post(reverse("recommendations:submit", args=[pk])).status_code == 302  # lands on the same result
    assert owner.post(reverse("questionnaire:delete", args=[pk])).status_code == 409  # stays with its result
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
    assert "Hours a year</a>" in submit.content.decode()
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
        Answer(organisation_id=started.organisation_id, assessment=started, question_code=c, value=v)
        for c, v in COMPLETE.items()
        if c != "function"
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


# One rule for hostile input (apps/common/hostile.py): control characters, wrong JSON types, huge
# numbers, dates at the edges and repeated parameters get a 400 listing every problem, in every parser.

EDGE_DATES = ["0001-01-01", "9999-12-31", "10000-01-01", "2026-02-30", "0000-00-00", "1899-12-31", "3000-01-01"]
HOSTILE_LEAVES = st.one_of(
    st.sampled_from(["\x00", "a\x00b", "tab\tand\nnewline\x1b[31m", "\x7f", *EDGE_DATES]),
    st.integers(min_value=10**15, max_value=10**60),
    st.integers(min_value=-(10**60), max_value=-(10**15)),
    st.sampled_from([float("inf"), float("-inf"), float("nan"), 1e300]),
    st.booleans(),
    st.none(),
    st.just([]),
    st.just({}),
    st.lists(st.sampled_from(["a", "\x00", 5]), max_size=3),
)
HOSTILE = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize(
    ("field", "value"),
    [("until", "9999-12-31"), ("since", "0001-01-01"), ("until", "10000-01-01"), ("since", "2026-02-30")],
)
def test_history_and_its_csv_refuse_dates_at_the_edges(world: World, field: str, value: str) -> None:
    owner = client_for(world.owner)
    page = owner.get(reverse("recommendations:history"), {field: value})
    assert page.status_code == 400
    assert "enter a date" in page.content.decode().lower() or "not a date" in page.content.decode()
    export = owner.get(reverse("recommendations:history_csv"), {field: value})
    assert export.status_code == 400  # the export refuses the filter too, naming it as its box is labelled
    assert {"since": b"From: ", "until": b"To: "}[
        field
    ] in export.content and f"{field}:".encode() not in export.content
    assert b"Legal review 2027" not in export.content  # a refused range selects nothing, not everything


def test_history_refuses_a_filter_given_twice(world: World) -> None:
    owner = client_for(world.owner)
    response = owner.get(reverse("recommendations:history"), {"verdict": ["wins", "conditional"]})
    assert response.status_code == 400
    assert "verdict: give one value, not 2." in response.content.decode()
    assert owner.get(reverse("recommendations:history"), {"verdict": "wins"}).status_code == 200


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("admin:recommendations_recommendation_changelist", {"verdict__exact": "\x00"}),
        ("admin:recommendations_recommendation_changelist", {"q": "legal\x00"}),
        ("admin:vendors_vendor_changelist", {"q": "\x00"}),
        ("recommendations:history", {"a\x00": "1"}),
    ],
)
def test_a_nul_byte_in_any_query_parameter_is_refused_with_400(
    world: World, curator: User, url: str, query: Any
) -> None:
    client = client_for(curator if url.startswith("admin:") else world.owner)
    response = client.get(reverse(url), query)
    assert response.status_code == 400
    assert "contains a control character" in response.content.decode()


def test_a_soft_line_break_or_page_break_in_a_form_is_read_as_a_new_line_not_refused(world: World) -> None:
    # What Word or PowerPoint pastes for Shift+Enter (U+000B), and a page break (U+000C): a whole form refused for a
    # character nobody sees lost what was typed with it.
    owner = client_for(world.owner)
    response = owner.post(reverse("questionnaire:start"), {"title": "Plan\x0bfor 2027\x0c", "function": "legal"})
    assert response.status_code == 302, response.content[:500]
    assessment = Assessment.objects.order_by("-pk").first()
    assert assessment is not None and assessment.title == "Plan for 2027"  # the title field keeps one line


@pytest.mark.parametrize("title", ["Plan \x1b[2J", "C1 \x85\x9b[31m red", "DEL \x7f"])
def test_a_control_character_in_a_form_field_is_refused_and_nothing_is_stored(world: World, title: str) -> None:
    # The C1 controls and DEL too (review 75: NEL and the CSI had been stored).
    owner = client_for(world.owner)
    before = snapshot(TABLES)
    response = owner.post(
        reverse("questionnaire:start"),
        {"title": title, "function": "legal", "start_once": "tok", "x__loaded": "stamp"},
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 400
    # Named as the page labels it, not by its code (review 135: "The form field 'title'").
    assert "The answer to “Title” contains a control character" in html.unescape(response.content.decode())
    assert snapshot(TABLES) == before
    # What was typed is given back, those characters taken out, to copy (review 119: it was shown nowhere).
    page = html.unescape(response.content.decode())
    assert "What you sent, with those characters taken out" in page
    assert CONTROL.sub("", title) in page and "csrfmiddlewaretoken" not in page
    assert "start_once" not in page and "x__loaded" not in page  # the form's machinery (review 123)
    # A question by its prompt and a choice by its label (review 135: "function / legal").
    from apps.playbooks.models import Playbook
    from apps.playbooks.runtime import compiled_playbook

    function = compiled_playbook(Playbook.objects.current()).questions["function"]
    label = {o.code: o.label for o in function.options}["legal"]
    assert f"<dt><strong>{function.prompt}</strong></dt><dd>{label}</dd>" in page
    # Past 30 fields, the rest are counted (review 129).
    many = {f"field{i}": f"text {i}\x01" for i in range(45)}
    listed = html.unescape(
        owner.post(reverse("questionnaire:start"), many, HTTP_ORIGIN="http://testserver").content.decode()
    )
    assert "text 29" in listed and "text 30" not in listed and "15 more fields with text, not listed here" in listed
    # Too long to give back whole, it says where it was cut (review 125).
    long = owner.post(reverse("questionnaire:start"), {"title": "a" * 25_000 + title}, HTTP_ORIGIN="http://testserver")
    shown = html.unescape(long.content.decode())
    assert "a" * 20_000 + "\n… (cut here" not in shown and "a" * 20_000 + "<br>… (cut here" in shown
    assert f"the first 20,000 of its {25_000 + len(CONTROL.sub('', title)):,} characters)" in shown
    # Sent from another site, nothing is echoed: it would put that site's words on this one's page (review 123).
    cross = owner.post(reverse("questionnaire:start"), {"title": title}, HTTP_ORIGIN="https://evil.example")
    assert cross.status_code == 400 and "What you sent" not in cross.content.decode()
    fetched = owner.post(reverse("questionnaire:start"), {"title": title}, HTTP_SEC_FETCH_SITE="cross-site")
    assert "What you sent" not in fetched.content.decode()
    # With a way back to the page it was sent from, on this site only (review 122: the home page alone).
    start = reverse("questionnaire:start")
    back = owner.post(start, {"title": title}, HTTP_REFERER=f"http://testserver{start}?function=legal")
    assert f'href="{start}?function=legal">Back to the page you came from' in back.content.decode()
    long = f"http://testserver{start}?q={'A' * 2100}"
    for referer in (
        "https://evil.example/x",
        "http://testserver//evil.example/x",
        "http://testserver/\\evil.example",
        long,
    ):
        elsewhere = owner.post(start, {"title": title}, HTTP_REFERER=referer)
        assert "Back to the page you came from" not in elsewhere.content.decode(), referer


def test_the_simulator_refuses_a_huge_number_answer_cleanly(playbook: Playbook, curator: User) -> None:
    client = client_for(curator)
    huge = "9" * 4000  # within the JSON parser's own limit for integers
    url = reverse("admin:playbooks_playbook_simulate", args=[playbook.pk])
    response = client.post(url, {"answers_json": f'{{"hours": {huge}, "judgement": true}}'})
    assert response.status_code < 500
    assert "That number is too large. Enter 1,000,000 or less." in response.content.decode()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["golden_cases"][0].update(regimes_present=5), "regimes_present must be a list, not a whole"),
        (lambda d: d["golden_cases"][0].update(regimes_absent=[1, 2]), "regimes_absent must be a list of codes"),
        (lambda d: d["golden_cases"][0].update(answers=[1]), "answers must be an object, not a list."),
        (lambda d: d["golden_cases"][0].update(fit_min="70"), "fit_min must be a whole number or empty, not text"),
        (lambda d: d["golden_cases"].append(7), "golden case #2 must be an object"),
        (lambda d: d["golden_cases"].append(dict(d["golden_cases"][0])), "the name is used twice"),
        (lambda d: d["playbook"].update(title="Evil\x00"), "playbook.title: contains a NUL byte; remove it."),
        (lambda d: d["sections"][0]["questions"][0].update(prompt="a\x00"), "contains a NUL byte"),
        (lambda d: d["sections"][0]["questions"][0]["options"][0].update(help=None, label=["x"]), "label must be"),
        (lambda d: d["rules"][0]["effects"][0].update(points=10**40), "the number is too large"),
        (lambda d: d["rules"][0]["effects"][0].update(points="5"), "points must be a whole number or empty"),
        (lambda d: d["playbook"].update(wins_threshold=True), "wins_threshold must be a whole number, not true"),
    ],
)
def test_a_playbook_import_with_wrong_types_is_refused_whole(db: None, change: Any, problem: str) -> None:
    data = small_playbook()
    data.setdefault("golden_cases", [])
    data["golden_cases"][:] = [{"name": "A case", "answers": {"function": "legal"}, "regimes_present": []}]
    change(data)
    before = snapshot(("playbooks",))
    with pytest.raises(PlaybookError) as info:
        import_playbook(data=data)
    assert any(problem in m for m in info.value.messages), info.value.messages
    assert snapshot(("playbooks",)) == before


def test_a_playbook_with_a_malformed_golden_case_is_refused_by_admin_and_the_command(
    curator: User, tmp_path: Path
) -> None:
    data = small_playbook()
    data["golden_cases"] = [{"name": "Broken", "answers": {}, "regimes_present": 5}]
    body = json.dumps(data).encode()
    before = snapshot(("playbooks",))
    upload = SimpleUploadedFile("p.json", body, content_type="application/json")
    response = client_for(curator).post(reverse("admin:playbooks_playbook_import"), {"file": upload})
    assert response.status_code == 400
    assert "golden case Broken: regimes_present must be a list" in response.content.decode()
    path = tmp_path / "p.json"
    path.write_bytes(body)
    with pytest.raises(CommandError) as info:
        call_command("import_playbook", str(path), stdout=StringIO())
    assert info.value.returncode == 2 and "regimes_present" in str(info.value)
    assert snapshot(("playbooks",)) == before


def test_answers_cleaning_never_fails_on_hostile_values(db: None) -> None:
    from apps.playbooks.engine import AnswerError
    from apps.playbooks.engine.types import Question

    questions = [
        Question("n", "s", "N?", "integer", True, min=0, max=2_000_000),
        Question("u", "s", "U?", "integer", True),
        Question("m", "s", "M?", "money", True, min=0),
        Question("p", "s", "P?", "percent", True),
    ]
    numbers_typed = st.one_of(
        st.integers(min_value=-(10**4000), max_value=10**4000),
        st.integers(min_value=0, max_value=10**6).map(lambda n: f"{n:,}".replace(",", "\u00a0")),
        st.floats(),
        st.from_regex(r"[+-]?[\d ,.'_]{0,30}(e[+-]?\d{1,4})?", fullmatch=True),
        st.sampled_from(["9" * 5000, "-" + "9" * 5000, "1e4", "nan", "inf", "\x00", "12\u202f000"]),
        TEXT,
        HOSTILE_LEAVES,
    )

    @settings(max_examples=50, deadline=None)
    @given(question=st.sampled_from(questions), raw=numbers_typed)
    def check(question: Question, raw: Any) -> None:
        try:
            value = clean_answer(question, raw)
        except AnswerError as exc:
            assert exc.message and "e+" not in exc.message
            return
        if value is not None:
            assert isinstance(value, int if question.kind == "integer" else float)
            assert abs(value) < 1e12
            assert question.min is None or value >= question.min
            assert question.max is None or value <= question.max
            assert clean_answer(question, value) == value  # the stored form cleans to itself

    check()


def _upload_attempt(client: Client, url: str, data: Any, then: Callable[[Any], None] | None = None) -> Any:
    """Upload ``data`` as a JSON file in a savepoint that is rolled back; a refusal must write nothing.
    ``then(response)`` runs before the rollback, to look at what an accepted upload wrote."""
    apps_watched = ("playbooks", "engagements", "compliance", "vendors")
    with transaction.atomic():
        before = snapshot(apps_watched)
        body = json.dumps(data).encode()
        response = client.post(url, {"file": SimpleUploadedFile("f.json", body, content_type="application/json")})
        changed = snapshot(apps_watched) != before
        assert response.status_code in (302, 400), response.content[:2000]
        if then is not None:
            then(response)
        transaction.set_rollback(True)
    if response.status_code == 400:
        assert not changed, "refused with 400 but stored data changed"
    return response


def _hostile_mutations(data: dict[str, Any]) -> Any:
    """``data`` with one node replaced by a hostile value (NUL, wrong type, huge number, edge date)."""
    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, path: tuple[Any, ...]) -> None:
        paths.append(path)
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
        for key, child in items:
            walk(child, (*path, key))

    walk(data, ())

    @st.composite
    def mutate(draw: st.DrawFn) -> dict[str, Any]:
        result = copy.deepcopy(data)
        path = draw(st.sampled_from(paths[1:]))
        parent = result
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = draw(HOSTILE_LEAVES)
        return result

    return mutate()


@pytest.fixture
def reference_catalogue(reference: Playbook) -> None:
    """The reference catalogue (loaded with the reference playbook)."""


def test_catalogue_upload_refuses_hostile_files_with_400(reference_catalogue: None, curator: User) -> None:
    from apps.playbooks.catalogue_io import export_catalogue

    client = client_for(curator)
    base = json.loads(json.dumps(export_catalogue()))
    url = reverse("admin:playbooks_catalogue_import")

    @HOSTILE
    @given(data=_hostile_mutations(base))
    def check(data: dict[str, Any]) -> None:
        _upload_attempt(client, url, data)

    check()


def test_vendor_directory_upload_refuses_hostile_files_with_400(reference_catalogue: None, curator: User) -> None:
    from apps.vendors.directory_io import export_directory

    client = client_for(curator)
    base = json.loads(json.dumps(export_directory()))
    base["items"] = base["items"][:3]  # enough of every field; a smaller file keeps each example quick
    url = reverse("admin:vendors_vendor_import")

    @HOSTILE
    @given(data=_hostile_mutations(base))
    def check(data: dict[str, Any]) -> None:
        _upload_attempt(client, url, data)

    check()


def test_playbook_upload_refuses_hostile_files_and_accepted_ones_stay_publishable(db: None, curator: User) -> None:
    from apps.playbooks.services import publish_playbook

    client = client_for(curator)
    base = small_playbook()
    base["golden_cases"] = [{"name": "Legal", "answers": {"function": "legal"}, "regimes_present": []}]
    url = reverse("admin:playbooks_playbook_import")

    def publishable_or_refused(response: Any) -> None:
        if response.status_code != 302:
            return
        draft = Playbook.objects.filter(status=Playbook.Status.DRAFT).order_by("-pk").first()
        assert draft is not None
        golden = client.get(reverse("admin:playbooks_playbook_golden", args=[draft.pk]))
        assert golden.status_code == 200
        try:
            publish_playbook(playbook=draft)
        except PlaybookError as exc:
            assert exc.messages

    @HOSTILE
    @given(data=_hostile_mutations(base))
    def check(data: dict[str, Any]) -> None:
        _upload_attempt(client, url, data, then=publishable_or_refused)

    check()


def test_only_ascii_digits_read_as_a_whole_number() -> None:
    from apps.common.hostile import ascii_int

    assert [ascii_int(t) for t in ("0", "42", "9" * 18)] == [0, 42, 10**18 - 1]
    # Each of these is a digit to str.isdigit(); int() raises on the first and reads the others.
    for junk in ("²", "١٢", "４２", "1²", "", " 1", "-1", "+1", "1_0", "9" * 19, None, 12):
        assert ascii_int(junk) is None, junk
    assert ascii_int("123", max_digits=2) is None


def test_direction_overrides_are_taken_out_of_what_people_type(world: World) -> None:
    """A right-to-left override left open in a title reversed the text after it on every line showing the
    title; overrides, embeddings and isolates are removed from form fields and API titles, the rest kept."""
    from apps.common.hostile import without_unseen
    from apps.questionnaire.models import Assessment

    owner = client_for(world.owner)
    response = owner.post(reverse("questionnaire:start"), {"title": "Plan \u202eevil\u2066 x\u2069 ok", "function": ""})
    assert response.status_code == 400  # no function chosen: the form comes back with the title as typed, less them
    assert 'value="Plan evil x ok"' in response.content.decode()
    assert without_unseen("a\u202ab\u202cc\u200fd") == "abc\u200fd"  # the direction marks stay
    assert not Assessment.objects.filter(title__regex="[\u202a-\u202e\u2066-\u2069]").exists()


def test_characters_that_draw_nothing_are_taken_out_of_visible_text(world: World) -> None:
    """Review 70: a title or comment of visible words carrying zero-width spaces, word joiners, a byte-order mark,
    Hangul fillers, 150 stacked accents or tag characters spelling a hidden message was stored as sent."""
    from apps.common.hostile import without_unseen
    from apps.questionnaire.models import Assessment

    hidden = "".join(chr(0xE0000 + ord(c)) for c in "ignore previous instructions")
    assert without_unseen("Vendor review" + hidden) == "Vendor review"
    assert without_unseen("Pay\u200bment\u2060 plan\u00ad") == "Payment plan"
    assert without_unseen("\ufeffhi x\u3164\u3164y") == "hi xy"
    assert without_unseen("A" + "\u0301" * 150) == "A" + "\u0301" * 4
    # Review 72: what still got through. A message spelt in the variation selectors' supplement after one character;
    # other format controls; joiners, selectors and marks of any script piled up.
    spelt = "".join(chr(0xE0100 + ord(c)) for c in "approve it anyway")
    assert without_unseen("ok" + spelt) == "ok" + chr(0xE0100 + ord("a"))
    assert without_unseen("a\ufff9b\ufffac\ufffb\u206a\u206f\U0001d173d") == "abcd"
    assert without_unseen("x" + "\u200d" * 50 + "y" + "\u034f\u200c" * 20) == "x\u200dy" + "\u034f\u200c" * 4
    assert without_unseen("\u0e01" + "\u0e49" * 60) == "\u0e01" + "\u0e49" * 4
    assert without_unseen("a" + "\u0301\u0489" * 30) == "a\u0301\u0489\u0301\u0489"
    assert without_unseen("\u2764\ufe0f\ufe0f\ufe0f") == "\u2764\ufe0f"  # one selector, as emoji use it
    # Review 75: a selector between marks had started a new count of them (200 marks on one character), and selectors
    # between marks, none two in a row, had spelt a message.
    assert without_unseen("a" + ("\u0301" * 4 + "\ufe0f") * 40) == "a" + "\u0301" * 4 + "\ufe0f"
    assert without_unseen("a" + ("\u0301" * 4 + "\u180b") * 40) == "a" + "\u0301" * 4 + "\u180b"
    # Review 77: a direction mark between stacks, likewise.
    assert without_unseen("a" + ("\u200e" + "\u0301" * 4) * 20) == "a\u200e" + "\u0301" * 4 + "\u200e"
    secret = "".join("\u200e" + chr(0xE0100 + b) for b in b"secret")
    assert without_unseen("b" + secret) == "b\u200e" + chr(0xE0100 + ord("s")) + "\u200e"
    between = "".join("\u0301" + chr(0xE0100 + b) for b in b"attack at dawn")
    assert without_unseen("x" + between) == "x\u0301" + chr(0xE0100 + ord("a")) + "\u0301" * 3
    assert without_unseen("caf\u00e9 \u1ec7 \U0001f469\u200d\U0001f4bb \u0645\u06cc\u200c\u062e") == (
        "caf\u00e9 \u1ec7 \U0001f469\u200d\U0001f4bb \u0645\u06cc\u200c\u062e"
    )  # accents, emoji joined by the zero-width joiner, and Persian's non-joiner stay
    owner = client_for(world.owner)
    response = owner.post(reverse("questionnaire:start"), {"title": "Vendor\u200b review" + hidden, "function": ""})
    assert response.status_code == 400
    assert 'value="Vendor review"' in response.content.decode()
    assert not Assessment.objects.filter(title__contains="\u200b").exists()


def test_a_form_or_query_not_in_utf8_is_refused_and_nothing_is_stored(buyer_client: Any) -> None:
    """Review 35: "Caf%E9" (Latin-1) in a url-encoded form was stored as "Caf\ufffd"; refused now, as a form that
    declares another encoding is, while UTF-8 ("Caf%C3%A9") goes through."""
    from apps.questionnaire.models import Assessment

    before = Assessment.objects.count()
    form = "application/x-www-form-urlencoded"
    refused = buyer_client.post(
        "/assessments/new/", "title=Caf%E9+r%E9view&function=equity-research", content_type=form
    )
    assert refused.status_code == 400 and "UTF-8" in refused.content.decode()
    assert Assessment.objects.count() == before
    assert buyer_client.get("/recommendations/?q=Caf%E9").status_code == 400
    assert buyer_client.get("/recommendations/?verdict=wins&x=Caf%C3%A9").status_code == 200
    # Review 37's ways round it: a raw byte beside an escape (Django reads raw bytes as Latin-1), a multipart form
    # (decoded by Django's own parser), and a raw byte in the query string.
    for body in (b"title=Caf\xc3%A9&function=equity-research", b"title=Caf%C3\xa9&function=equity-research"):
        assert buyer_client.post("/assessments/new/", body, content_type=form).status_code == 400
    boundary = "kpo-boundary"
    multipart = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\nCaf'.encode()
        + b"\xe9"
        + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="function"\r\n\r\nequity-research\r\n'
        f"--{boundary}--\r\n".encode()
    )
    refused = buyer_client.post(
        "/assessments/new/", multipart, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert refused.status_code == 400
    assert buyer_client.get("/recommendations/", QUERY_STRING="q=\xc3%A9").status_code == 400
    assert Assessment.objects.count() == before


@pytest.mark.parametrize("race", ["submitted", "deleted"])
def test_a_step_saved_as_its_draft_is_submitted_or_deleted_answers_409_with_what_was_sent(
    world: World, monkeypatch: pytest.MonkeyPatch, race: str
) -> None:
    """Review 85: submitted or deleted between the step's read of the draft and its lock, the save was a 500 and what
    was sent was lost. Now the step again, with what was sent and why nothing was saved; a deleted draft is not said
    to have been submitted."""
    from apps.questionnaire import services as questionnaire

    owner = client_for(world.owner)
    pk = world.draft.pk
    real = questionnaire.record_answers

    def after_the_race(**kwargs: Any) -> Any:
        rows = Assessment.objects.filter(pk=pk)
        if race == "submitted":
            rows.update(status=Assessment.Status.SUBMITTED, submitted_at=world.draft.created_at)
        else:
            Answer.objects.filter(assessment_id=pk).delete()
            rows.delete()
        return real(**kwargs)

    monkeypatch.setattr(questionnaire, "record_answers", after_the_race)
    step = owner.post(reverse("questionnaire:step", args=[pk, "work"]), {"judgement": "no", "function": "research"})
    page = step.content.decode()
    assert step.status_code == 409 and "so what you sent was not saved" in page
    assert 'value="research" checked' in page
    assert ("has been deleted" in page) == (race == "deleted") and ("has been submitted" in page) == (race != "deleted")
    monkeypatch.setattr(questionnaire, "record_answers", real)
    if race == "deleted":
        plain = owner.post(reverse("questionnaire:answer", args=[pk, "judgement"]), {"judgement": "no"})
        assert plain.status_code == 404  # the draft is gone: its address no longer answers


def test_a_step_or_answer_sent_to_a_draft_deleted_since_is_told_so_with_what_was_sent(world: World) -> None:
    """Review 87: a save arriving after the draft was deleted was a 404 ("can't find that page"), what was sent lost;
    an autosave got the whole 404 page as its status line. Another organisation's member still reads a 404."""
    owner = client_for(world.owner)
    pk = world.draft.pk
    assert owner.post(reverse("questionnaire:delete", args=[pk])).status_code == 302
    step = owner.post(reverse("questionnaire:step", args=[pk, "work"]), {"judgement": "no", "function": "research"})
    page = step.content.decode()
    assert step.status_code == 410 and "was deleted by " in page and "so what you sent was not saved" in page
    assert "What you sent" in page
    saved = owner.post(
        reverse("questionnaire:answer", args=[pk, "judgement"]), {"judgement": "no"}, HTTP_HX_REQUEST="true"
    )
    assert saved.status_code == 410 and "copy what you typed" in saved.content.decode()
    assert "<html" not in saved.content.decode()
    assert owner.get(reverse("questionnaire:step", args=[pk, "work"])).status_code == 410
    assert client_for(world.outsider).get(reverse("questionnaire:step", args=[pk, "work"])).status_code == 404


def test_every_page_of_a_draft_deleted_since_says_so_and_lists_what_was_sent(world: World) -> None:
    """Review 90: deleting a draft again (a double click) and opening its delete page were 500s; a second opinion, a
    comment and an API save sent to it were 404s ("can't find that page"), what was typed lost."""
    from tests.api.conftest import key_client

    owner, editor = client_for(world.owner), client_for(world.editor)
    pk = world.draft.pk
    delete = reverse("questionnaire:delete", args=[pk])
    assert owner.post(delete).status_code == 302
    again = owner.post(delete)
    assert again.status_code == 410 and "was deleted by " in again.content.decode()
    assert owner.get(reverse("questionnaire:delete_confirm", args=[pk])).status_code == 410
    opinion = editor.post(reverse("teamwork:opinion", args=[pk, "work"]), {"function": "research"})
    page = opinion.content.decode()
    assert opinion.status_code == 410 and "What you sent" in page
    comment = editor.post(
        reverse("discussion:question", args=[pk, "judgement"]), {"body": "The hours look high to me, check them."}
    )
    page = html.unescape(comment.content.decode())
    assert comment.status_code == 410 and "Your comment" in page and "The hours look high to me" in page
    settle = editor.post(
        reverse("teamwork:settle", args=[pk, "judgement"]), {"choice": "second", "reason": "The reviewer is right."}
    )
    page = html.unescape(settle.content.decode())
    assert settle.status_code == 410 and "Take the second opinion" in page and "The reviewer is right." in page
    for route in (reverse("teamwork:contributors", args=[pk]), reverse("discussion:assessment_activity", args=[pk])):
        assert editor.get(route).status_code == 410
    assert owner.post(reverse("recommendations:submit", args=[pk])).status_code == 410  # review 92: a 404
    keyed = key_client(world.organisation, world.owner)
    for api in (
        keyed.put(f"/assessments/{pk}/answers", {"answers": {"judgement": False}}),
        keyed.get(f"/assessments/{pk}"),
    ):
        assert api.status_code == 410 and "was deleted by" in api.json()["detail"]
    # Another organisation's member still reads a 404 everywhere.
    outsider = client_for(world.outsider)
    assert outsider.post(delete).status_code == 404
    assert outsider.post(reverse("teamwork:opinion", args=[pk, "work"]), {"function": "research"}).status_code == 404
    assert key_client(world.other_organisation, world.outsider).get(f"/assessments/{pk}").status_code == 404


def test_a_role_or_an_invitation_with_a_field_sent_twice_is_refused_not_taken_last(world: World) -> None:
    """Review 90: role=owner&role=viewer made the member a viewer; two emails and two roles invited the second."""
    from apps.accounts.models import Invitation, Membership

    owner = client_for(world.owner)
    member = world.editor_membership
    role = owner.post(reverse("accounts:change_role", args=[member.pk]), {"role": ["owner", "viewer"]})
    assert role.status_code == 400 and "Give one value, not 2." in role.content.decode()
    assert Membership.objects.get(pk=member.pk).role == member.role
    before = Invitation.objects.count()
    invite = owner.post(
        reverse("accounts:members"), {"email": ["one@x.test", "two@x.test"], "role": ["viewer", "owner"]}
    )
    assert invite.status_code == 400 and "Give one value, not 2." in invite.content.decode()
    assert Invitation.objects.count() == before


def test_switching_to_two_organisations_at_once_is_refused_as_such(world: World) -> None:
    # Review 92: organisation=1&organisation=2 said "We can't find that page".
    owner = client_for(world.owner)
    both = [str(world.organisation.pk), str(world.other_organisation.pk)]
    refused = owner.post(reverse("accounts:switch_organisation"), {"organisation": both})
    assert refused.status_code == 400 and "Choose one organisation to work in." in refused.content.decode()


def test_a_comment_or_the_contributors_sent_to_a_draft_deleted_since_is_told_so_with_what_was_sent(
    world: World,
) -> None:
    """Review 92: editing or deleting a comment of a deleted draft was a 404, and the 410 page after saving its
    contributors listed nothing of who was to answer what."""
    editor, owner = client_for(world.editor), client_for(world.owner)
    pk = world.draft.pk
    posted = editor.post(reverse("discussion:question", args=[pk, "judgement"]), {"body": "First thoughts."})
    assert posted.status_code == 302
    from apps.discussion.models import Comment

    comment = Comment.objects.get(assessment_id=pk, author=world.editor)
    assert owner.post(reverse("questionnaire:delete", args=[pk])).status_code == 302
    edit = reverse("discussion:comment_edit", args=[comment.pk])
    assert editor.get(edit).status_code == 410
    changed = editor.post(edit, {"body": "Second thoughts, kept."})
    page = html.unescape(changed.content.decode())
    assert changed.status_code == 410 and "was deleted by " in page and "Second thoughts, kept." in page
    assert editor.post(reverse("discussion:comment_delete", args=[comment.pk]), {"confirmed": "1"}).status_code == 410
    member = f"member-{world.editor_membership.pk}"
    sent = owner.post(
        reverse("teamwork:contributors", args=[pk]),
        {"section-work": member, "opinion-work": str(world.editor_membership.pk), "section-data": "role-legal"},
    )
    page = html.unescape(sent.content.decode())
    assert sent.status_code == 410
    assert "Who answers “" in page and world.editor.email in page and "Whoever is legal" in page
    assert "Second opinion on “" in page
    # Another organisation's member still reads a 404 for the comment.
    assert client_for(world.outsider).get(edit).status_code == 404


def test_a_second_opinion_or_a_settle_sent_after_the_opinion_was_withdrawn_says_so_with_what_was_sent(
    world: World,
) -> None:
    """Review 95: both were a 404 "may belong to another organisation", the answers and the reason typed lost."""
    from apps.teamwork.models import SecondOpinion

    owner, editor = client_for(world.owner), client_for(world.editor)
    pk = world.draft.pk
    SecondOpinion.objects.update_or_create(
        organisation=world.organisation,
        assessment=world.draft,
        section_code="work",
        defaults={"reviewer": world.editor_membership},
    )
    url = reverse("teamwork:opinion", args=[pk, "work"])
    assert editor.get(url).status_code == 200
    SecondOpinion.objects.filter(assessment=world.draft).delete()  # withdrawn by the owner meanwhile
    sent = editor.post(url, {"function": "research", "judgement": "no", "judgement__present": "1"})
    page = html.unescape(sent.content.decode())
    assert sent.status_code == 409 and "No second opinion on “" in page and "was not saved" in page
    assert "Equity research" in page  # the choice in its label, under the question's prompt
    settle = owner.post(
        reverse("teamwork:settle", args=[pk, "judgement"]), {"choice": "second", "reason": "The reviewer is right."}
    )
    page = html.unescape(settle.content.decode())
    assert settle.status_code == 409 and "Take the second opinion" in page and "The reviewer is right." in page
    # Another organisation's member still reads a 404.
    assert client_for(world.outsider).post(url, {"function": "research"}).status_code == 404


def test_a_form_sent_to_something_removed_since_lists_what_it_held_on_the_404(world: World) -> None:
    """Review 95: a checklist item's evidence typed for a provider taken off the list since was lost with the 404."""
    editor = client_for(world.editor)
    gone = editor.post(
        reverse("vendors:diligence_item", args=[987654]),
        {"evidence": "SOC 2 report dated March, seen by legal.", "review": "1", "nojs": "1"},
        HTTP_ORIGIN="http://testserver",  # a browser's form from this site says so
    )
    page = html.unescape(gone.content.decode())
    assert gone.status_code == 404 and "What you sent was not saved" in page
    listed = page.split('id="sent-title"')[1].split("</section>")[0]
    assert "SOC 2 report dated March, seen by legal." in listed and "csrfmiddlewaretoken" not in listed
    assert "Review" not in listed and "Nojs" not in listed  # a page's buttons and markers are not what was typed


def test_an_htmx_request_refused_for_its_role_gets_the_reason_in_its_status_line(world: World) -> None:
    """Review 95: an editor made a viewer with the step open: the autosave's 403 was a whole page, dropped, and the
    status line said the service could not be reached."""
    viewer = client_for(world.viewer)
    refused = viewer.post(
        reverse("questionnaire:answer", args=[world.draft.pk, "judgement"]),
        {"judgement": "no"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="status-judgement",
    )
    body = refused.content.decode()
    assert refused.status_code == 403 and "<html" not in body.lower()
    assert body.startswith('<p id="status-judgement" class="saved-indicator is-error field__error" role="alert"')
    assert "Not saved:" in body and "editor or owner role" in body


def test_a_deleted_draft_s_result_address_says_it_was_deleted(world: World) -> None:
    # Review 95: /recommendations/assessment/<id>/ was the one page of a deleted draft that answered 404.
    owner = client_for(world.owner)
    pk = world.draft.pk
    assert owner.post(reverse("questionnaire:delete", args=[pk])).status_code == 302
    assert owner.get(reverse("recommendations:for_assessment", args=[pk])).status_code == 410
    assert client_for(world.outsider).get(reverse("recommendations:for_assessment", args=[pk])).status_code == 404


@pytest.mark.parametrize("year", ["99999", "0", "-1", "10000", "", "２０２０"])
@pytest.mark.parametrize("lookup", ["created_at__year", "created_at__year__gte", "created_at__iso_year__exact"])
def test_an_admin_list_filtered_on_a_year_no_date_holds_is_refused_not_a_500(year: str, lookup: str) -> None:
    # Review 95: ?created_at__year=99999 was a 500 on the playbooks list; review 97: so was __year__gte=10000.
    from apps.accounts.models import User

    curator = User.objects.create_superuser(email="curator-year@kpo.test", password="x-curate-2026")
    client = Client()
    client.force_login(curator)
    refused = client.get(f"/admin/playbooks/playbook/?{lookup}={year}")
    assert refused.status_code == 400
    if year.isascii():  # full-width digits are refused earlier, as every query value beyond ASCII digits is
        last = "9998" if "iso_year" in lookup else "9999"
        assert f"takes a year from 1 to {last}" in html.unescape(refused.content.decode())
    assert client.get("/admin/playbooks/playbook/?created_at__year=2026").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "updated_at__iso_year=9999",  # review 100: its last day is found from the first week of 10000
        "updated_at__iso_year__lt=9999",
        "soc2_type2_report_date__iso_year__gte=9999",
        "code__regex=(",  # review 100: a pattern PostgreSQL cannot compile
        "name__iregex=%5B",
        "name__unaccent=x",  # review 100: functions of extensions the database does not have
        "name__trigram_similar=x",
    ],
)
def test_an_admin_list_filter_that_would_fail_in_the_database_is_refused_not_a_500(query: str) -> None:
    from apps.accounts.models import User

    curator = User.objects.create_superuser(email="curator-filter@kpo.test", password="x-curate-2026")
    client = Client()
    client.force_login(curator)
    refused = client.get(f"/admin/vendors/vendor/?{query}")
    assert refused.status_code == 400, query
    assert client.get("/admin/vendors/vendor/?updated_at__iso_year=9998").status_code == 200
    assert client.get("/admin/vendors/vendor/?name__icontains=a").status_code == 200


def test_a_curators_bad_night_premium_is_a_form_error_not_a_500(reference: Playbook) -> None:
    # Review 100: the constraint's message held "10%)", which its %-formatting read as a directive: a 500.
    from apps.accounts.models import User
    from apps.engagements.models import DeliveryLocation

    curator = User.objects.create_superuser(email="curator-night@kpo.test", password="x-curate-2026")
    client = Client()
    client.force_login(curator)
    location = DeliveryLocation.objects.get(code="philippines")
    url = reverse("admin:engagements_deliverylocation_change", args=[location.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, (list, dict))}
    data.update(night_premium="0", night_from_hour="22", night_to_hour="6")
    refused = client.post(url, data)
    assert refused.status_code in (200, 400)
    assert "A night premium is a share above 0 and at most 1 (0.10 for ten per cent)" in html.unescape(
        refused.content.decode()
    )
    location.refresh_from_db()
    assert str(location.night_premium) == "0.10"


def test_signing_out_says_nothing_of_a_form_not_saved(world: World) -> None:
    # Review 95: the sign-out's own redirect was read as a form sent after the session ended.
    owner = client_for(world.owner)
    out = owner.post(reverse("accounts:logout"), HTTP_REFERER="http://testserver/recommendations/")
    assert out.status_code == 302 and "sent=" not in out["Location"] and "next=" not in out["Location"]


def test_the_404_lists_a_form_only_for_a_signed_in_member_and_never_a_password(world: World) -> None:
    # Review 97: signed out, a post to an address that does not resolve had its fields, a password among them, listed.
    anonymous = Client().post("/nonexistent/", {"note": "<b>hi</b>", "Password": "secret"})
    assert anonymous.status_code == 404 and "secret" not in anonymous.content.decode()
    assert "What you sent" not in anonymous.content.decode()
    item = reverse("vendors:diligence_item", args=[987654])
    sent = {"evidence": "kept words", "new_password": "secret"}
    member = client_for(world.editor).post(item, sent, HTTP_ORIGIN="http://testserver")
    page = member.content.decode()
    assert "kept words" in page and "secret" not in page
    # Nor for a form from another site, as the 403s (review 132).
    for cross in ({"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_REFERER": "https://evil.example/x"}, {}):
        assert "kept words" not in client_for(world.editor).post(item, sent, **cross).content.decode()


def test_an_htmx_request_to_something_not_there_gets_its_status_line(world: World) -> None:
    # Review 97: a whole 404 page, dropped, and the save said the service could not be reached.
    missing = client_for(world.editor).post(
        reverse("questionnaire:answer", args=[999999, "judgement"]),
        {"judgement": "no"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="status-judgement",
    )
    body = missing.content.decode()
    assert missing.status_code == 404 and body.startswith('<p id="status-judgement"')
    assert "no longer here, or not in this organisation" in body


def test_settling_a_question_that_does_not_exist_or_on_a_submitted_assessment_says_so(world: World) -> None:
    owner = client_for(world.owner)
    sent = {"choice": "first", "reason": "Kept."}
    assert owner.post(reverse("teamwork:settle", args=[world.draft.pk, "no-such-q"]), sent).status_code == 404
    done = owner.post(reverse("teamwork:settle", args=[world.submitted.pk, "judgement"]), sent)
    assert done.status_code == 409 and "has been submitted, so nothing is left to settle" in done.content.decode()


def test_an_answer_saved_while_its_draft_is_deleted_is_a_410_naming_who(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Review 100: the owner's delete landing between an autosave's read and its write answered a 409 naming nobody.
    from apps.questionnaire import services as questionnaire

    original = questionnaire.record_answers

    def racing(*, assessment: Assessment, **kwargs: Any) -> Any:
        questionnaire.delete_draft(assessment=Assessment.objects.get(pk=assessment.pk), by=world.owner)
        return original(assessment=assessment, **kwargs)

    monkeypatch.setattr(questionnaire, "record_answers", racing)
    editor = client_for(world.editor)
    url = reverse("questionnaire:answer", args=[world.draft.pk, "hours"])
    saved = editor.post(url, {"hours": "1200"}, headers={"HX-Request": "true"})
    body = html.unescape(saved.content.decode())
    assert saved.status_code == 410 and f"deleted by {world.owner.email}" in body


def test_a_refused_form_never_lists_a_key_token_or_session_and_cleans_the_names_it_lists(world: World) -> None:
    """Review 134: a 403, a 404 and a removed member's page listed "Api key kpo_…", "Secret whsec_…" and
    "Sessionid …" back, which the 503 page never keeps, and a direction override in a field's name reversed its
    label; the control-character refusal lists what a form held the same way."""
    editor = client_for(world.editor)
    sent = {
        "evidence": "SOC 2 report dated March, seen by legal.",
        "api_key": "kpo_7ade00f3a498_SECRETKEY",
        "secret": "whsec_SHOULDNOTECHO",
        "sessionid": "SESSIONSECRET",
        "Authorization": "Bearer kpo_7ade00f3a498_X",
        "notes": "pasted kpo_7ade00f3a498_SECRETKEY2 by mistake",
        "\u202etoken": "reversed",
        "x\u202eevil": "kept text",
    }
    for response in (
        editor.post(reverse("vendors:diligence_item", args=[987654]), sent, HTTP_ORIGIN="http://testserver"),
        editor.post(
            reverse("vendors:diligence_item", args=[987654]),
            {**sent, "evidence": "A control character \x07 here"},
            HTTP_ORIGIN="http://testserver",
        ),
    ):
        page = html.unescape(response.content.decode())
        assert response.status_code in (400, 404)
        for secret in ("SECRETKEY", "SHOULDNOTECHO", "SESSIONSECRET", "Bearer", "reversed"):
            assert secret not in page, secret
        assert "\u202e" not in page
        assert "kept text" in page and "6 fields holding a password, key or token, never listed here" in page
    # Judged as it would be listed, too: a key split by a control character or a name by what draws nothing, a
    # camel-cased key, a passcode, a bearer token or an upper-cased key (review 137).
    tricky = {
        "evidence": "Kept evidence",
        "notes": "key kpo_ae75\x0137d73399_wG3B2opGhVCX end",
        "passw\u200bord": "VAL-password",
        "ses\u00adsion": "shy-session-value",
        "accessKey": "AKIA-SECRET",
        "passcode": "1234",
        "reason": "Bearer zzzzzzzz9zzzzzzzzzzz",
        "other": "KPO_AE7537D73399",
        # Review 139: joiners and marks that draw nothing, letters of other scripts, a joiner inside a key.
        "passw\u200dord": "VAL-joined",
        "p\u0430ssword": "VAL-cyrillic",
        "kept": "kpo_0123\u200d456789abcdef",
        "prose": "Covers bearer bonds and bearer shares in the credit book",
        # Review 142: words after "token" or "bearer" are words; a key as a field's name, a token after a colon, and a
        # blank braille cell inside a key are secrets.
        "words": "The vendor made a token contribution; the bearer responsibilities sit with it",
        "kpo_0a1b2c3d4e5f_AbCdEfGhIj": "as a name",
        "pasted": "Token: abcdef1234567890",
        "blank": "kpo\u2800_0a1b2c3d4e5f_AbCdEf",
    }
    for response in (
        editor.post(reverse("vendors:diligence_item", args=[987654]), tricky, HTTP_ORIGIN="http://testserver"),
    ):
        page = html.unescape(response.content.decode())
        for secret in (
            "wG3B2opGhVCX",
            "VAL-password",
            "shy-session-value",
            "AKIA-SECRET",
            "1234",
            "zzzzzz",
            "AE7537",
            "VAL-joined",
            "VAL-cyrillic",
            "456789abcdef",
            "0a1b2c3d4e5f",
            "abcdef1234567890",
        ):
            assert secret not in page, secret
        assert "Kept evidence" in page and "Covers bearer bonds and bearer shares" in page  # words, not a token
        assert "The vendor made a token contribution; the bearer responsibilities sit with it" in page


def test_a_refused_form_outside_the_questionnaire_names_its_fields_as_its_page_does(world: World) -> None:
    """Review 134: the listings read "Entry 10 status long_list", "Section volume role-legal", "Outcome approved"."""
    section = world.draft.playbook.sections.order_by("order").first()
    assert section is not None
    editor = client_for(world.editor)  # the contributors page is an owner's
    refused = editor.post(
        reverse("teamwork:contributors", args=[world.draft.pk]),
        {f"section-{section.code}": "role-legal"},
        HTTP_ORIGIN="http://testserver",
    )
    page = html.unescape(refused.content.decode())
    assert refused.status_code == 403
    assert f"<dt><strong>Who answers “{section.title}”</strong></dt><dd>Whoever is legal</dd>" in page
    viewer = client_for(world.viewer)
    decided = viewer.post(
        reverse("signoff:decide", args=[world.recommendation.pk]),
        {"outcome": "approved", "reason": "Fine by me"},
        HTTP_ORIGIN="http://testserver",
    )
    page = html.unescape(decided.content.decode())
    assert decided.status_code == 403
    assert "<dt><strong>Decision</strong></dt><dd>Approved</dd>" in page
    entry = editor.post(
        reverse("vendors:entry", args=[987654]),
        {"entry-987654-status": "long_list", "entry-987654-notes": "Call them Monday"},
        HTTP_ORIGIN="http://testserver",
    )
    page = html.unescape(entry.content.decode())
    assert entry.status_code == 404
    assert "<dt><strong>Provider: status</strong></dt><dd>Long list</dd>" in page
    assert "<dt><strong>Provider: notes</strong></dt><dd>Call them Monday</dd>" in page


def test_a_control_character_names_a_field_without_quoting_its_quotes_again(world: World) -> None:
    # Review 139: "The answer to “Who answers “The work”” contains a control character", and a field's name with a
    # direction override shown as a Python escape.
    section = world.draft.playbook.sections.order_by("order").first()
    assert section is not None
    owner = client_for(world.owner)
    sent = {f"section-{section.code}": "role-legal\x01", "a\u202eb": "x\x01"}
    page = html.unescape(
        owner.post(
            reverse("teamwork:contributors", args=[world.draft.pk]), sent, HTTP_ORIGIN="http://testserver"
        ).content.decode()
    )
    assert f"The answer to Who answers “{section.title}” contains a control character" in page
    assert "The form field “ab” contains a control character" in page and "\\u202e" not in page


def test_a_control_character_refusal_names_a_member_chosen_in_words(world: World) -> None:
    # Review 143: the refusal listed a contributor chosen as "member-12", the page's own code.
    section = world.draft.playbook.sections.order_by("order").first()
    assert section is not None
    member = world.editor_membership.pk
    sent = {f"section-{section.code}": f"member-{member}", "title": "Bad\x01"}
    page = html.unescape(
        client_for(world.owner)
        .post(reverse("teamwork:contributors", args=[world.draft.pk]), sent, HTTP_ORIGIN="http://testserver")
        .content.decode()
    )
    assert "contains a control character" in page
    assert f"a member (their id {member})" in page and f"member-{member}<" not in page
