"""The JSON API (/api/v1/): thin operations over the same services and validation as the pages.

Every operation but the schema and docs needs an API key (``Authorization: Bearer kpo_...``); the key
decides the organisation, so lookups go through ``get_for_member`` exactly as the pages' do and
another organisation's id is a 404. Scopes: read (GETs), answer (start, answer), submit.
"""

from __future__ import annotations

import base64
import inspect
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, cast

from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from ninja import Field, Header, NinjaAPI, Query, Schema, Status
from ninja.openapi.docs import DocsBase
from ninja.security import HttpBearer
from pydantic import BeforeValidator

from apps.accounts.models import Organisation
from apps.accounts.scoping import get_for_member
from apps.api import problems, services
from apps.api.models import ApiKey, Scope
from apps.api.problems import Problem, RateLimited, ScopeDenied, form_errors
from apps.api.schemas import (
    AnswerIn,
    AnswersIn,
    AnswersOut,
    AssessmentIn,
    AssessmentOut,
    AssessmentPage,
    RecommendationPage,
    RecommendationRow,
    Submitted,
    VendorMatching,
)
from apps.common.hostile import control_problem
from apps.playbooks.describe import answer_schema
from apps.playbooks.engine.types import MULTI
from apps.playbooks.engine.visibility import visibility
from apps.playbooks.models import Playbook
from apps.playbooks.runtime import compiled_playbook
from apps.questionnaire import extensions, save_rate
from apps.questionnaire import services as questionnaire
from apps.questionnaire.forms import StartAssessmentForm
from apps.questionnaire.gone import deleted_draft, deleted_words
from apps.questionnaire.models import Answer, Assessment, DeletedDraft
from apps.recommendations import services as recommending
from apps.recommendations import views as recommendation_views
from apps.recommendations.filters import HistoryFilter
from apps.recommendations.models import Recommendation
from apps.signoff.status import with_decision_status
from apps.vendors import queries as vendor_queries

PAGE_SIZE = 50


class ApiRequest(HttpRequest):
    """The request an endpoint gets once ``ApiKeyAuth`` let it in (a type only, like ``MemberRequest``): its
    organisation and key, which django-ninja also sets as ``auth``."""

    organisation: Organisation
    api_key: ApiKey
    auth: ApiKey


class ApiKeyAuth(HttpBearer):
    """The bearer token is an organisation's API key; each call counts against its per-minute limit."""

    def __call__(self, request: HttpRequest) -> ApiKey | None:
        """``Authorization: Bearer <key>``, read here rather than by django-ninja's own ``HttpBearer``, which under
        DEBUG logs a header with another scheme in full at ERROR: a key sent as ``Token kpo_…``, or a Basic
        header's credentials, went into the log (review 55). Any other scheme is no key, and is logged nowhere."""
        scheme, _, token = str(request.headers.get(self.header) or "").partition(" ")
        if scheme.lower() != self.openapi_scheme or not token:
            return None
        return self.authenticate(request, token)

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = services.find_key(token)
        if key is None:
            return None
        retry_after = services.count_call(api_key=key)
        if retry_after is not None:
            raise RateLimited(retry_after)
        # Django's request; ApiRequest only names what is set on it here (django-ninja sets auth).
        let_in = cast(ApiRequest, request)
        let_in.organisation = key.organisation
        let_in.api_key = key
        return key


class Docs(DocsBase):
    """Swagger UI from the project's own static files (Ninja ships them), its scripts carrying the CSP nonce."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        return render(request, "api/docs.html", {"openapi_url": self.get_openapi_url(api, kwargs)})


def _read_only(view: Any) -> Any:
    """The API documentation's views: GET and HEAD only, and no cross-site check (they write nothing)."""
    return csrf_exempt(require_safe(view))


class Api(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Ninja's document plus the problem-details responses every operation can give."""
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        schema["tags"] = [{"name": name, "description": text} for name, text in TAGS.values()]
        for path, operations in schema["paths"].items():
            for method, operation in operations.items():
                # Grouped by the resource the path starts with, so the reference is not one "default" list.
                operation["tags"] = [next(TAGS[part][0] for part in path.split("/") if part in TAGS)]
                codes = ["400", "401", "403", "422", "429", "503"]
                if "{" in path:
                    codes.append("404")
                if method in ("post", "put"):
                    codes += ["409", "413", "415"]
                # Ninja keys its own entries by int, openapi_extra by str: two "200" keys in the JSON, which
                # Swagger UI refuses to parse ("duplicated mapping key"). One str key each; the explicit one wins.
                given = operation.get("responses", {})
                responses = operation["responses"] = {str(c): r for c, r in given.items() if not isinstance(c, str)}
                responses.update({c: r for c, r in given.items() if isinstance(c, str)})
                for code in codes:
                    responses.setdefault(code, PROBLEM_RESPONSE)
                responses["422"] = PROBLEM_RESPONSE  # Ninja's own 422 entry is not problem+json
        return schema


TAGS = {
    "playbook": ("Playbook", "The questions of the current published playbook and the answers each accepts."),
    "assessments": ("Assessments", "Start an assessment, set its answers and submit it for a recommendation."),
    "recommendations": ("Recommendations", "Stored recommendations, their obligations and the matched vendors."),
}
PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}
PROBLEM_RESPONSE = {
    "description": "Problem details (RFC 9457)",
    "content": {problems.CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}

api = Api(
    title="KPO Advisor API",
    version="1",
    description="Assessments, answers, submissions and recommendations for one organisation. See docs/api.md.",
    auth=ApiKeyAuth(),
    urls_namespace="api",
    docs=Docs(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    # Read-only pages: any other method is a 405 naming GET and HEAD, as everywhere else (review 171: DELETE and
    # TRACE were answered with the documentation), before the cross-site check, which has nothing to guard on a page
    # that writes nothing (review 174: a POST with an API key was told to send an API key).
    docs_decorator=_read_only,
    parser=problems.StrictJsonParser(),
)
problems.register(api)


def need(request: ApiRequest, scope: str, query: type[Schema] | None = None) -> ApiKey:
    """The calling key, which must have ``scope``; and the query parameters, which must be ``query``'s (none, for an
    operation that takes none: review 70 found ``?x=1`` ignored everywhere but the lists), each given once."""
    key = request.auth
    if scope not in key.scopes:
        raise ScopeDenied(scope)
    _refuse_unknown_parameters(request, query)
    return key


# The playbook


@api.get("/playbook", response=dict[str, Any], summary="The current published playbook's answer schema")
def playbook_schema(request: ApiRequest) -> dict[str, Any]:
    need(request, Scope.READ)
    playbook = Playbook.objects.current()
    if playbook is None:
        raise Problem(503, "No published playbook yet: a curator must publish one first.")
    return answer_schema(compiled_playbook(playbook))


# Assessments


def _assessment(request: ApiRequest, pk: int) -> Assessment:
    qs = Assessment.objects.select_related("playbook", "organisation").defer("playbook__definition")
    try:
        return get_for_member(request, qs, pk=pk)
    except Http404:
        # A draft deleted since: said so, with who and when, as the pages say it (review 90: a 404 "not found").
        deleted = deleted_draft(request, pk)
        if deleted is None:
            raise
        raise _gone(request, deleted) from None


def _gone(request: ApiRequest, deleted: DeletedDraft) -> Problem:
    """The 410 of a deleted draft: who deleted it and when; for a write, that nothing was saved (review 100: a plain
    read was told "nothing was saved")."""
    said = deleted_words(deleted)
    return Problem(410, f"{said}." if request.method in ("GET", "HEAD") else f"{said}: nothing was saved.")


def _deleted_since(request: ApiRequest, pk: int) -> None:
    """A write refused because the draft was deleted after this call read it: the 410 naming who deleted it, as the
    same call gets once the deletion is done (review 100: a 404 "not found", or a 409 that named nobody)."""
    if (deleted := deleted_draft(request, pk)) is not None:
        raise _gone(request, deleted)


def _assessment_out(
    assessment: Assessment, answers: dict[str, Any], recommendation_id: int | None, owed: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """``answers``: all of them; those of the ``owed`` sections are left out, with their questions (``_shown``)."""
    shown = _shown(assessment, answers, owed)
    return {
        "id": assessment.pk,
        "title": assessment.title,
        "status": assessment.status,
        "playbook_version": assessment.playbook.version,
        "created_at": assessment.created_at,
        "updated_at": assessment.updated_at,
        "submitted_at": assessment.submitted_at,
        "answers": shown,
        "hidden": _hidden(assessment, shown),
        "missing": _missing(assessment, answers, owed) if assessment.is_draft else [],
        "recommendation_id": recommendation_id,
    }


def _hidden(assessment: Assessment, answers: dict[str, Any]) -> list[str]:
    """The codes of ``answers`` kept for questions the other answers hide now: not scored, and shown again if those
    answers change back (review 134: listed beside the others with nothing to tell them apart)."""
    if not answers:
        return []
    shown = set(visibility(compiled_playbook(assessment.playbook), answers).questions)
    return sorted(code for code in answers if code not in shown)


def _owed(request: ApiRequest, assessments: Sequence[Assessment]) -> dict[int, frozenset[str]]:
    """The sections of each assessment whose second opinion the key's maker owes (one query, none without a maker):
    the pages hide their first answers from the maker until the opinion is given, and so does the API. Review 60 had
    read them with the maker's own key while the pages hid them."""
    maker = request.auth.created_by_id
    if maker is None:
        return {}
    return extensions.team.owed_opinions(request.organisation.pk, maker, [a.pk for a in assessments])


def _shown(assessment: Assessment, answers: dict[str, Any], owed: frozenset[str]) -> dict[str, Any]:
    """``answers`` without those in the ``owed`` sections, and then only those the rest still show: an answer to a
    question only a hidden answer shows tells what it is (review 77: a follow-up of a hidden function)."""
    if not owed:
        return answers
    compiled = compiled_playbook(assessment.playbook)
    view = questionnaire.outside_sections(compiled, answers, owed)
    shown = set(visibility(compiled, view).questions)
    return {c: v for c, v in view.items() if c in shown}


def _missing(assessment: Assessment, answers: dict[str, Any], owed: frozenset[str]) -> list[str]:
    """The required answers missing; for a member owing ``owed`` opinions, worked out from the answers they may see,
    without the questions of those sections: listing them, or one a hidden answer shows, told what the hidden answers
    are (reviews 62 and 77)."""
    if not owed:
        return questionnaire.missing_answers(assessment, answers)
    compiled = compiled_playbook(assessment.playbook)
    missing = visibility(compiled, questionnaire.outside_sections(compiled, answers, owed)).missing
    return [c for c in missing if c not in compiled.questions or compiled.questions[c].section not in owed]


def _assessments_out(request: ApiRequest, assessments: list[Assessment]) -> list[dict[str, Any]]:
    """Assessments with their answers and recommendation ids, in three queries however many there are
    (the compiled playbooks come from the per-process cache); answers of a section whose second opinion the key's
    maker owes are left out (``_owed``)."""
    answers: dict[int, dict[str, Any]] = defaultdict(dict)
    # By organisation too (the distribution column on Citus, docs/scaling.md): the key's one organisation.
    own = {"organisation_id__in": {a.organisation_id for a in assessments}, "assessment__in": assessments}
    rows = Answer.objects.filter(**own).order_by().values_list("assessment_id", "question_code", "value")
    for assessment_id, code, value in rows:
        answers[assessment_id][code] = value
    recommendations = dict(Recommendation.objects.filter(**own).values_list("assessment_id", "pk"))
    owed = _owed(request, assessments)
    return [
        _assessment_out(a, answers[a.pk], recommendations.get(a.pk), owed.get(a.pk, frozenset())) for a in assessments
    ]


# Query text never holds control characters: HostileInputMiddleware refuses them (400) before the API runs.
TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
CURSOR = Field(None, pattern=TEXT, description="next_cursor from the previous page; leave out for the first page.")
LIMIT = Field(PAGE_SIZE, ge=1, le=200, description="Rows per page.")


def _whole_number(value: object) -> object:
    """A count in the query string is digits alone: "50.0" or "5e1" is refused (422), as the pages' filters do,
    where the lax integer reading took them (review 42)."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit()):
        raise ValueError("Give a whole number, like 50.")
    return value


Count = Annotated[int, BeforeValidator(_whole_number)]


class Page(Schema):
    cursor: str | None = CURSOR
    limit: Count = LIMIT


def _cursor_after(qs: Any, cursor: str | None, field: str) -> Any:
    """Keyset pagination on (``field``, id) descending: the cursor is the last row's pair, so a page never
    repeats or skips a row however many are added meanwhile."""
    if not cursor:
        return qs
    try:
        stamp, pk = base64.urlsafe_b64decode(cursor.encode() + b"==").decode().split("|")
        when, last = datetime.fromisoformat(stamp), int(pk)
        # The API gives out UTC stamps only; another offset is not one of them, and PostgreSQL refuses those beyond
        # ±15:59 (review 95: "+16:00" was a 500).
        if when.utcoffset() != timedelta(0):
            raise ValueError
    except (ValueError, UnicodeError, TypeError):
        raise Problem(422, "This cursor is not one the API gave out; start again without it.") from None
    return qs.filter(Q(**{f"{field}__lt": when}) | Q(**{field: when, "pk__lt": last}))


def _page(rows: list[Any], limit: int, field: str) -> str | None:
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    token = f"{getattr(last, field).isoformat()}|{last.pk}"
    return base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")


def _refuse_unknown_parameters(request: ApiRequest, schema: type[Schema] | None) -> None:
    """A query parameter the operation does not take is refused (422), not ignored: a misspelt filter
    (``?verdcit=wins``) would otherwise list everything. So is one given more than once (``?limit=1&limit=2``
    asks two things of a parameter that takes one), as the pages' filters refuse it."""
    if not request.GET:
        return
    unknown = sorted(set(request.GET) - set(schema.model_fields if schema is not None else ()))
    errors = [{"field": name, "message": "No such query parameter."} for name in unknown]
    for name in sorted(set(request.GET) - set(unknown)):
        if (count := len(request.GET.getlist(name))) > 1:
            errors.append({"field": name, "message": f"Give one value, not {count}."})
    if errors:
        raise Problem(422, "The query parameters are not valid.", errors=errors)


@api.get("/assessments", response=AssessmentPage, summary="The organisation's assessments, newest change first")
def assessment_list(request: ApiRequest, page: Query[Page]) -> dict[str, Any]:
    need(request, Scope.READ, query=Page)
    limit = page.limit
    qs = Assessment.objects.for_organisation(request.organisation)
    qs = _cursor_after(qs, page.cursor, "updated_at").select_related("playbook")
    rows = list(qs.defer("playbook__definition").order_by("-updated_at", "-pk")[: limit + 1])
    return {"items": _assessments_out(request, rows[:limit]), "next_cursor": _page(rows, limit, "updated_at")}


@api.post(
    "/assessments",
    response={201: AssessmentOut},
    summary="Start an assessment on the current playbook (honours Idempotency-Key for 24 hours)",
)
def assessment_create(
    request: ApiRequest, body: AssessmentIn, idempotency_key: Header[str | None] = None
) -> Status[Any]:
    need(request, Scope.ANSWER)
    # A retry with the same key starts no second draft (review 95: the header was read by submit alone).
    answered = _idempotently(request, idempotency_key, lambda: _create(request, body))
    started = answered.value.get("id") if isinstance(answered.value, dict) else None
    if idempotency_key is not None and isinstance(started, int) and (gone := deleted_draft(request, started)):
        # A replay of a start whose draft was deleted since: said so, not the draft as if it were live (review 97).
        raise Problem(410, f"{deleted_words(gone)}: this key started it; use a new key to start another.")
    return answered


def _create(request: ApiRequest, body: AssessmentIn) -> tuple[int, dict[str, Any]]:
    playbook = Playbook.objects.current()
    if playbook is None:
        raise Problem(503, "No published playbook yet: a curator must publish one first.")
    compiled = compiled_playbook(playbook)
    function_q = compiled.questions.get(compiled.roles.get("function", ""))
    functions = [(o.code, o.label) for o in function_q.options] if function_q else []
    # Control characters: refused as the pages refuse them (there by HostileInputMiddleware, which does
    # not read JSON bodies), with its message.
    refused = [{"field": f, "message": m} for f in ("title", "function") if (m := control_problem(getattr(body, f), f))]
    if refused:
        raise Problem(422, "The assessment could not be started.", errors=refused)
    # The start page's own form: the same checks and messages.
    form = StartAssessmentForm({"title": body.title, "function": body.function}, functions=functions)
    if not form.is_valid():
        raise Problem(422, "The assessment could not be started.", errors=form_errors(form))
    try:
        assessment = questionnaire.start_assessment(
            organisation=request.organisation,
            user=_acting_user(request),
            title=form.cleaned_data["title"],
            function=form.cleaned_data["function"],
        )
    except questionnaire.AssessmentError as exc:
        raise Problem(422, exc.messages[0]) from None
    return 201, _assessments_out(request, [_assessment(request, assessment.pk)])[0]


def _acting_user(request: ApiRequest) -> Any:
    """Who an API call acts as: the key's maker. A key whose maker is gone cannot write."""
    key = request.auth
    if key.created_by_id is None:
        raise Problem(403, "The owner who made this API key is no longer a user; make a new key.")
    return key.created_by


def version_tag(assessment: Assessment) -> str:
    """The assessment's version as an entity tag: its id and the microsecond of its last change. Every saved answer,
    cleared answer, title change and submission sets ``updated_at``, so the tag changes with what a GET shows."""
    return f'"{assessment.pk}-{int(assessment.updated_at.timestamp() * 1_000_000)}"'


def _unchanged_since_read(request: ApiRequest, assessment: Assessment) -> None:
    """An ``If-Match`` the assessment no longer matches is a 412 and nothing is written: a client that read it before
    a colleague (or another client) changed it does not overwrite their answers unknowingly. Without the header the
    write goes ahead, as before (the last save wins, as on the pages)."""
    wanted = request.headers.get("If-Match")
    if wanted is None:
        return
    # As HTTP reads it (RFC 9110 13.1.1): "*" alone matches any version; a list matches by strong comparison, so a
    # weak tag (W/"...") never does.
    if wanted.strip() == "*" or version_tag(assessment) in {tag.strip() for tag in wanted.split(",")}:
        return
    raise Problem(
        412,
        "This assessment has changed since you read it, so nothing was saved: read it again (GET "
        f"/api/v1/assessments/{assessment.pk}, its ETag is now {version_tag(assessment)}) and send your change again "
        "if it still stands.",
    )


@contextmanager
def _as_read(request: ApiRequest, assessment: Assessment) -> Iterator[None]:
    """The change made inside runs only on the version the client read (``If-Match``), checked under the draft's row
    lock and held to the commit: of several changes sent at once with the same tag, one is made and the others are
    refused with a 412 (the lock orders them, and each after the first finds a new version). Without the header
    the change goes ahead as before, with no lock taken here."""
    if request.headers.get("If-Match") is None:
        yield
        return
    with transaction.atomic():
        # FOR NO KEY UPDATE: the lock a save's own UPDATE of the row takes, so a page's autosave waits for it too.
        current = (
            Assessment.objects.filter(organisation_id=assessment.organisation_id, pk=assessment.pk)
            .select_for_update(no_key=True)
            .only("pk", "updated_at")
            .get()
        )
        _unchanged_since_read(request, current)
        yield


@api.get("/assessments/{int:assessment_id}", response=AssessmentOut, summary="One assessment with its answers")
def assessment_get(request: ApiRequest, assessment_id: int, response: HttpResponse) -> dict[str, Any]:
    """Its ``ETag`` is the version to send back in ``If-Match`` with a change, which is then refused (412) if anyone
    changed the assessment in between."""
    need(request, Scope.READ)
    assessment = _assessment(request, assessment_id)
    response["ETag"] = version_tag(assessment)
    return _assessments_out(request, [assessment])[0]


def _record(request: ApiRequest, assessment: Assessment, values: dict[str, Any]) -> dict[str, Any]:
    if not assessment.is_draft:
        raise Problem(409, "This assessment has been submitted; its answers can no longer change.")
    user = _acting_user(request)
    # The member's own rate, as on the pages (ANSWER_SAVES_PER_MINUTE): the keys of one owner share it (review 51).
    if wait := save_rate.take(user.pk):
        raise RateLimited(
            wait, "Answers are being saved for this member faster than a person types; nothing was saved."
        )
    hidden = _refuse_owed_opinion(assessment, values, user)
    # A list is a multiple-choice answer's value only: elsewhere an empty one read as "clear it" (review 75: {"value":
    # []} deleted a number, a choice or a yes/no), and only null or "" clears an answer.
    questions = compiled_playbook(assessment.playbook).questions
    listed = sorted(
        c for c, v in values.items() if isinstance(v, list) and c in questions and questions[c].kind != MULTI
    )
    if listed:
        errors = [
            {"field": c, "message": "Give one value, not a list: only a multiple-choice answer is a list."}
            for c in listed
        ]
        raise Problem(422, "Nothing was saved: correct these answers.", errors=errors)
    try:
        # Autosave's call: all or nothing, answers to hidden questions refused, the same messages.
        result = questionnaire.record_answers(assessment=assessment, values=values, user=user, hidden_sections=hidden)
    except questionnaire.AssessmentError as exc:
        if exc.messages[0] == questionnaire.DELETED:
            _deleted_since(request, assessment.pk)
        raise Problem(409, exc.messages[0]) from None
    if result.errors:
        errors = [{"field": code, "message": message} for code, message in result.errors.items()]
        raise Problem(422, "Nothing was saved: correct these answers.", errors=errors)
    return {
        "saved": sorted(result.saved),
        "cleared": sorted(result.cleared),
        "answers": _shown(assessment, result.answers, hidden),
        "missing": _missing(assessment, result.answers, hidden),
    }


def _refuse_owed_opinion(assessment: Assessment, values: dict[str, Any], user: Any) -> frozenset[str]:
    """A 409 for answers in a section whose second opinion the key's maker owes: its first answers are hidden from
    them until they give theirs, as on the pages (autosave's 409); their own key had overwritten them (review 57).
    Otherwise the sections owed (their answers are left out of the response)."""
    # The read ``_owed`` makes for any number of assessments: one query, where a membership and its whole team view
    # had been two.
    hidden = extensions.team.owed_opinions(assessment.organisation_id, user.pk, [assessment.pk]).get(
        assessment.pk, frozenset()
    )
    if not hidden:
        return hidden
    questions = compiled_playbook(assessment.playbook).questions
    owed = sorted(c for c in values if c in questions and questions[c].section in hidden)
    if owed:
        raise Problem(
            409,
            "Nothing was saved: the member who made this key is asked for a second opinion on the step of "
            f"{', '.join(owed)}, whose answers stay hidden from them, and cannot be changed, until they have given it.",
        )
    return hidden


@api.put(
    "/assessments/{int:assessment_id}/answers",
    response=AnswersOut,
    summary="Set several answers at once (all saved, or none)",
)
def answers_set(request: ApiRequest, assessment_id: int, body: AnswersIn) -> dict[str, Any]:
    need(request, Scope.ANSWER)
    if not body.answers:
        raise Problem(422, "Send at least one answer.", errors=[{"field": "answers", "message": "Empty."}])
    assessment = _assessment(request, assessment_id)
    with _as_read(request, assessment):
        return _record(request, assessment, body.answers)


@api.put(
    "/assessments/{int:assessment_id}/answers/{question}",
    response=AnswersOut,
    summary="Set one answer",
)
def answer_set(request: ApiRequest, assessment_id: int, question: str, body: AnswerIn) -> dict[str, Any]:
    need(request, Scope.ANSWER)
    assessment = _assessment(request, assessment_id)
    if question not in compiled_playbook(assessment.playbook).questions:
        raise Problem(404, "No such question in this assessment.")
    with _as_read(request, assessment):
        return _record(request, assessment, {question: body.value})


@api.post(
    "/assessments/{int:assessment_id}/submit",
    response={200: Submitted},
    summary="Submit for a recommendation (idempotent; honours Idempotency-Key for 24 hours)",
)
def assessment_submit(
    request: ApiRequest,
    assessment_id: int,
    idempotency_key: Header[str | None] = None,
) -> Status[Any]:
    need(request, Scope.SUBMIT)
    assessment = _assessment(request, assessment_id)
    user = _acting_user(request)

    def run() -> tuple[int, dict[str, Any]]:
        # Submitted already: the same recommendation again, whatever version was read.
        read = _as_read(request, assessment) if assessment.is_draft else nullcontext()
        try:
            with read:
                recommendation = recommending.submit_and_recommend(assessment=assessment, user=user)
        except Assessment.DoesNotExist:
            _deleted_since(request, assessment.pk)  # deleted after it was read above
            raise
        except questionnaire.AssessmentError as exc:
            if exc.messages[0] == questionnaire.DELETED:
                _deleted_since(request, assessment.pk)
            messages = exc.messages
            if owed := _owed(request, [assessment]).get(assessment.pk, frozenset()):
                # A question of a section whose opinion the caller owes is not named: which follow-ups are missing
                # tells what the hidden answers are (review 72); the refusal still says the opinion comes first.
                compiled = compiled_playbook(assessment.playbook)
                hidden = {
                    f"{questionnaire.NOT_ANSWERED}{q.prompt}" for q in compiled.questions.values() if q.section in owed
                }
                messages = [m for m in messages if m not in hidden]
            errors = [{"field": "", "message": m} for m in messages]
            raise Problem(422, "This assessment cannot be submitted yet.", errors=errors) from None
        return 200, {
            "assessment_id": assessment.pk,
            "recommendation_id": recommendation.pk,
            "verdict": recommendation.verdict,
            "fit_score": recommendation.fit_score,
            "top_model": recommendation.top_model,
        }

    return _idempotently(request, idempotency_key, run)


def _idempotently(request: ApiRequest, key: str | None, run: Callable[[], tuple[int, Any]]) -> Status[Any]:
    """``run`` once per Idempotency-Key (``key``) of the organisation for 24 hours: a retry with the same key and
    body gets the first answer again; without a key, ``run`` as it is."""
    if key is None:
        return Status(*run())
    if not key.strip() or len(key) > 255:
        raise Problem(422, "Idempotency-Key must be 1 to 255 characters.")
    if any(c >= "\x80" for c in key):  # read as Latin-1: UTF-8 bytes arrive as these (C1 among them)
        raise Problem(422, "Idempotency-Key must be ASCII: letters, digits, punctuation and spaces.")
    if any(unicodedata.category(c) == "Cc" for c in key):  # a control character (C0 or DEL)
        raise Problem(422, "Idempotency-Key may not contain control characters.")
    fingerprint = services.fingerprint(request.method or "POST", request.path, request.body)
    try:
        status, body = services.idempotent(organisation=request.organisation, key=key, fingerprint=fingerprint, run=run)
        return Status(status, body)
    except services.IdempotencyConflict:
        raise Problem(
            422, "This Idempotency-Key was used in the last 24 hours for a different request; use a new key."
        ) from None


# Recommendations


class HistoryQuery(Schema):
    """The history page's filters; its form checks them, with its messages (codes: see /playbook and the
    catalogue pages)."""

    verdict: Literal["wins", "conditional", "doesnt_win"] | None = None
    function: str | None = Field(None, pattern=TEXT, description="A knowledge function's code.")
    model: str | None = Field(None, pattern=TEXT, description="The top engagement model's code.")
    regime: str | None = Field(None, pattern=TEXT, description="A regime's code.")
    decision: Literal["not_required", "awaiting", "approved", "rejected"] | None = Field(
        None, description="Sign-off status."
    )
    since: str | None = Field(None, pattern=TEXT, description="From this day (YYYY-MM-DD), inclusive.")
    until: str | None = Field(None, pattern=TEXT, description="To this day (YYYY-MM-DD), inclusive.")
    cursor: str | None = CURSOR
    limit: Count = LIMIT


def _recommendation(request: ApiRequest, pk: int) -> Recommendation:
    return get_for_member(request, Recommendation, pk=pk)


@api.get(
    "/recommendations",
    response=RecommendationPage,
    summary="The organisation's recommendations, newest first, with the history page's filters",
)
def recommendation_list(request: ApiRequest, filters: Query[HistoryQuery]) -> dict[str, Any]:
    need(request, Scope.READ, query=HistoryQuery)
    limit = filters.limit
    query = QueryDict(mutable=True)
    for name in ("verdict", "function", "model", "regime", "decision", "since", "until"):
        value = getattr(filters, name)
        if value:
            query[name] = value
    form = HistoryFilter(query)  # the history page's filter: the same choices, ranges and messages
    if not form.is_valid():
        raise Problem(422, "The filters are not valid.", errors=form_errors(form))
    qs = form.apply(Recommendation.objects.for_organisation(request.organisation))
    qs = _cursor_after(qs, filters.cursor, "created_at").only(*HistoryFilter.COLUMNS)
    rows = list(qs.order_by("-created_at", "-id")[: limit + 1])
    return {"items": rows[:limit], "next_cursor": _page(rows, limit, "created_at")}


@api.get(
    "/recommendations/{int:recommendation_id}",
    response=dict[str, Any],
    summary="One recommendation in the stored snapshot format (as the JSON download)",
)
def recommendation_get(request: ApiRequest, recommendation_id: int) -> dict[str, Any]:
    need(request, Scope.READ)
    recommendation = get_for_member(request, with_decision_status(Recommendation.objects.all()), pk=recommendation_id)
    return {"id": recommendation.pk, "verdict": recommendation.verdict, "fit_score": recommendation.fit_score,
            # django-stubs cannot see a column added by annotate() (with_decision_status) on the model type.
            "decision_status": recommendation.decision_status,  # type: ignore[attr-defined]
            **recommendation.snapshot}  # fmt: skip


# The result page's own CSV writer, without its session decorators: one home for the export's columns.
_obligations_csv = inspect.unwrap(recommendation_views.obligations_csv)


@api.get(
    "/recommendations/{int:recommendation_id}/obligations.csv",
    summary="The recommendation's obligations as CSV (the result page's export)",
    openapi_extra={
        "responses": {"200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}}
    },
)
def recommendation_obligations_csv(request: ApiRequest, recommendation_id: int) -> HttpResponse:
    need(request, Scope.READ)
    _recommendation(request, recommendation_id)  # 404 outside the organisation, before the writer runs
    response: HttpResponse = _obligations_csv(request, recommendation_id)
    return response


@api.get(
    "/recommendations/{int:recommendation_id}/vendors",
    response=VendorMatching,
    summary="The vendor directory matched against the recommendation (as the matching page)",
)
def recommendation_vendors(request: ApiRequest, recommendation_id: int) -> dict[str, Any]:
    need(request, Scope.READ)
    result = vendor_queries.match_recommendation(
        _recommendation(request, recommendation_id), today=timezone.localdate()
    )

    def row(m: Any) -> dict[str, Any]:
        return {
            "code": m.vendor.code,
            "name": m.vendor.name,
            "score": m.score,
            "reasons": [{"text": r.text, "points": r.points} for r in m.reasons],
            "cautions": list(m.cautions),
            "usable_locations": [loc.code for loc in m.usable_locations],
            "failures": [{"requirement": f.requirement.code, "detail": f.detail} for f in m.failures],
        }

    requirements = [{"code": r.code, "label": r.label, "because": r.because} for r in result.needs.requirements]
    return {"requirements": requirements, "ranked": [row(m) for m in result.ranked],
            "excluded": [row(m) for m in result.excluded]}  # fmt: skip


__all__ = ["RecommendationRow", "api"]
