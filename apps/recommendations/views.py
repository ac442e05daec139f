"""Results, history, exports and re-scoring. Every view is scoped to the member's organisation."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.query import MAX_GET_RESULTS
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST, require_safe

from apps.accounts.models import Membership
from apps.accounts.scoping import HtmxMemberRequest, MemberRequest, get_for_member, member_required, pin_to_organisation
from apps.common.hostile import ascii_int
from apps.common.prepared import PreparedQuery
from apps.common.refusals import refused_on
from apps.common.spreadsheet import csv_writer
from apps.common.spreadsheet import safe_cell as _safe
from apps.compliance.templatetags.compliance_dates import change_in
from apps.playbooks.models import Playbook
from apps.questionnaire.gone import answers_gone
from apps.questionnaire.models import Assessment
from apps.questionnaire.services import NOT_ANSWERED, AssessmentError
from apps.questionnaire.views import review_context
from apps.recommendations import exports, services
from apps.recommendations.charts import cost_chart, score_chart, sensitivity_chart
from apps.recommendations.checks import result_checks
from apps.recommendations.diff import answer_changes, comparison_rows, differences, figure_changes, rule_changes
from apps.recommendations.filters import HistoryFilter, HistoryPaginator, compare_ids
from apps.recommendations.insight import insight
from apps.recommendations.models import Recommendation
from apps.recommendations.portfolio import portfolio
from apps.recommendations.snapshot import exported
from apps.signoff.panel import result_panel
from apps.teamwork.models import SecondOpinion
from apps.teamwork.on_record import answered_with_opinions, recorded_opinions
from kpo_advisor.routers import reads_from_replica

EDITOR = Membership.Role.EDITOR


def _recommendation(request: MemberRequest, pk: int, **annotations: Exists) -> Recommendation:
    rows = Recommendation.objects.select_related("assessment", "created_by")
    return get_for_member(request, rows.annotate(**annotations) if annotations else rows, pk=pk)


def _locked_draft(organisation: int, pk: int) -> QuerySet[Assessment]:
    # The playbook and the organisation come with it: the service reads both, so neither is a query of its own.
    own = (
        Assessment.objects.select_related("playbook", "organisation")
        .defer("playbook__definition")
        .select_for_update(of=("self",))
    )
    # As get_for_member's get() would ask: pinned to the organisation, unordered, at most MAX_GET_RESULTS.
    return pin_to_organisation(own, organisation).filter(pk=pk).order_by()[:MAX_GET_RESULTS]


# Compiled once per process (apps/common/prepared.py): composing it cost about a millisecond of every submit.
_LOCKED_DRAFT = PreparedQuery(_locked_draft)


@require_POST
@member_required(EDITOR, header=False, of=Assessment)
@answers_gone
def submit(request: HtmxMemberRequest, pk: int) -> HttpResponse:
    # Read with its row locked, in the submit's transaction: a second submit (a double click, another tab) waits
    # here and then finds it submitted; the service does not read it again.
    try:
        with transaction.atomic():
            found = _LOCKED_DRAFT(organisation=request.organisation.pk, pk=pk)
            if not found:
                raise Http404("No Assessment matches the given query.")
            assessment = found[0]  # one at most: by primary key
            # The role read when the request began may have dropped while this submit waited for the draft's lock:
            # read again, locked, so a role change waits for the submit or the submit sees it (review 103: a submit
            # begun before its author was made a viewer went through).
            may = Membership.objects.select_for_update(no_key=True).filter(
                organisation_id=request.organisation.pk,
                pk=request.membership.pk,
                role__in=(Membership.Role.EDITOR, Membership.Role.OWNER),
            )
            if not may.exists():
                raise PermissionDenied("Your role in this organisation changed: a viewer cannot submit.")
            recommendation = services.submit_and_recommend(assessment=assessment, user=request.user, locked=True)
    except AssessmentError as exc:
        # The review page's own context, so what the member may not see yet stays hidden (review 70).
        context = review_context(request, assessment.pk)
        # The required answers missing are listed once, as links to their questions (review 61: each was named twice
        # in one alert, once as a message and once as a link).
        others = [m for m in exc.messages if not m.startswith(NOT_ANSWERED)]
        # Hours no one can work are listed once, among the answers to check, with links to their questions.
        checks = {text for text, _questions, impossible in context["answer_checks"] if impossible}
        context.update(submit_errors=[m for m in others if m not in checks], submit_refused=True)
        # The page's address in the browser's history is the review page's, so Back to it loads that page, not the
        # address that only takes a form (review 63).
        context["page_address"] = reverse("questionnaire:review", args=[assessment.pk])
        return render(request, "questionnaire/review.html", context, status=400)
    return redirect("recommendations:detail", pk=recommendation.pk)


@require_safe
@member_required()
@answers_gone
def for_assessment(request: HtmxMemberRequest, pk: int) -> HttpResponse:
    assessment = get_for_member(request, Assessment, pk=pk)
    own = Recommendation.objects.filter(organisation=request.organisation, assessment=assessment)
    recommendation = own.only("pk").first()
    if recommendation is None:
        return redirect("questionnaire:resume", pk=pk)
    return redirect("recommendations:detail", pk=recommendation.pk)


@dataclass(frozen=True)
class _OtherRule:
    name: str
    effects: tuple[str, ...]
    rationale: str


def _merged(rules: list[Any]) -> list[_OtherRule]:
    """The rules that matched with no fit points, one entry for those doing the same with the same reason, their names
    joined (review 161: two rules triggering one regime, one on where the firm is regulated and one on where it is,
    printed the same 80-word reason twice in a row)."""
    grouped: dict[tuple[tuple[str, ...], str], list[str]] = {}
    for rule in rules:
        grouped.setdefault((tuple(rule.effects), rule.rationale), []).append(rule.name)
    return [_OtherRule("; ".join(names), effects, rationale) for (effects, rationale), names in grouped.items()]


@require_safe
@member_required()
def detail(request: HtmxMemberRequest, pk: int) -> HttpResponse:
    # Whether a second opinion was given on it, in the same statement: most have none, and then none is read.
    given = SecondOpinion.objects.filter(
        organisation_id=OuterRef("organisation_id"), assessment_id=OuterRef("assessment_id"), given_at__isnull=False
    )
    recommendation = _recommendation(request, pk, opinions_given=Exists(given))
    snap = recommendation.record
    ev = snap.evaluation
    reasons = ev.reasons
    context = {
        "rec": recommendation,
        "snap": snap,
        "ev": ev,
        "score_chart": score_chart(ev.models),
        "cost_chart": cost_chart(ev.cost),
        "cost_checks": result_checks(recommendation),
        "fired_fit": [r for r in reasons if r.fit_points],
        "fired_other": _merged([r for r in reasons if not r.fit_points]),
        "reasons_left_out": len(ev.fired) - len(reasons),
        "top_models": ev.models[:3],
        "top_locations": ev.top_locations,
        "location_columns": snap.location_columns,
        **result_panel(recommendation, request.membership),
    }
    # The second opinions it was submitted with, beside the answers they differed on (one query when none was given).
    context["opinions"] = recorded_opinions(recommendation)
    context["answered"] = answered_with_opinions(snap.answered, context["opinions"])
    # Both tables by the organisation (the distribution column on Citus, docs/scaling.md). A copy on another playbook
    # version is a re-score; one on this version is a what-if saved from it (review 66 read what-ifs as re-scores).
    copies = Recommendation.objects.filter(
        organisation=request.organisation,
        assessment__organisation=request.organisation,
        assessment__based_on=recommendation.assessment,
    ).only("pk", "title", "playbook_id")
    context["rescores"] = [r for r in copies if r.playbook_id != recommendation.playbook_id]
    context["what_ifs"] = [r for r in copies if r.playbook_id == recommendation.playbook_id]
    current = Playbook.objects.current()
    # Re-scoring is offered only when a newer playbook is published: on the current one it would say so and stop, and
    # on an older one (the newest retired) it would go back to older rules (review 95).
    scored_on = recommendation.record.playbook.version
    newer = (
        current is not None
        and current.pk != recommendation.playbook_id
        and (scored_on is None or current.version is None or current.version > scored_on)
    )
    context["newer_playbook"] = current if newer else None
    # Re-scored on it already: the copy is offered instead of the button, which would only open it (review 68).
    done = [r for r in context["rescores"] if current is not None and r.playbook_id == current.pk]
    context["rescored_current"] = done[0] if done else None
    return render(request, "recommendations/detail.html", context)


@require_safe
@member_required()
@reads_from_replica
def history(request: HtmxMemberRequest) -> HttpResponse:
    # Bound (and its panel open) only by filters: a page number or the boxes ticked before a refused compare are not
    # filters (review 71: the refused compare opened the panel and pushed its message a screen down).
    filters = _without(request.GET, "ticked", "compare", "page")
    form = HistoryFilter(QueryDict(filters) if filters else None)
    recommendations = form.apply(Recommendation.objects.for_organisation(request.organisation))
    rows = recommendations.only(*HistoryFilter.COLUMNS)
    months = form.stored_months(request.organisation)
    page = HistoryPaginator(rows, 25, months=months).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("compare", None)
    return render(
        request,
        "recommendations/history.html",
        {
            "form": form,
            "page": page,
            "rows": form.labelled(page.object_list),
            "query": query.urlencode(),
            "total": page.paginator.count,
            # Boxes ticked before a refused compare (two to four are needed), ticked again.
            "ticked": {n for i in request.GET.getlist("ticked") if (n := ascii_int(i)) is not None},
            "back": _without(request.GET, "ticked", "compare"),
            "compare_refused": request.GET.get("compare") == "few",
        },
        status=400 if form.errors else 200,
    )


def _without(query: QueryDict, *names: str) -> str:
    kept = query.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()


@require_safe
@member_required()
@reads_from_replica
def history_csv(request: HtmxMemberRequest) -> HttpResponse:
    form = HistoryFilter(request.GET or None)
    if form.errors:
        # A refused filter is a 400 with every problem, not an export that silently leaves rows out.
        # Named by the boxes' labels, as the page names them ("From", not "since"; review 88).
        labels = {name: str(field.label or name) for name, field in form.fields.items()}
        problems = "; ".join(
            said if said.startswith(f"{labels.get(name, name)}:") else f"{labels.get(name, name)}: {said}"
            for name, errors in form.errors.items()
            if (said := " ".join(str(e) for e in errors))
        )
        return HttpResponse(
            f"The filters were refused: {problems}\n", status=400, content_type="text/plain; charset=utf-8"
        )
    rows = exports.history_rows(organisation=request.organisation, form=form)
    if rows.count() > exports.INLINE_ROWS:
        # Too many to write while the request waits: the worker makes the file, the exports page offers it.
        try:
            exports.request_export(organisation=request.organisation, form=form, user=request.user)
        except exports.ExportBusy:
            messages.info(
                request,
                "Another export of your organisation's history is being written: it is below when ready. Export "
                "these filters once it is done.",
            )
        return redirect("recommendations:exports")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{exports.filename()}"'
    exports.write_history_csv(rows.iterator(chunk_size=2000), response)
    return response


def _filename(recommendation: Recommendation, suffix: str) -> str:
    slug = slugify(recommendation.title)[:60].strip("-") or "recommendation"
    return f"{slug}-{recommendation.created_at:%Y-%m-%d}.{suffix}"


@require_safe
@member_required()
def export_json(request: HtmxMemberRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    body = json.dumps(
        exported(
            recommendation.snapshot,
            id=recommendation.pk,
            verdict=recommendation.verdict,
            fit_score=recommendation.fit_score,
        ),
        indent=2,
        ensure_ascii=False,
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(recommendation, "json")}"'
    return response


# The obligations CSV's "regime" for the verdict's own conditions (docs/exports.md).
CONDITIONS_OF_THE_VERDICT = "Conditions of this verdict"
# A condition settled before signing: said so, or terms to sign or put in the contract, or a budget's agreement (review
# 138: "Sign UK GDPR processor terms…" and "…put it in the contract" were filed "Before the work moves").
# "signs off" a deliverable is a duty while the work runs, not a step before signing (review 141).
SIGNING = re.compile(r"before signing|\bcontract\b|\bterms\b|\bsigns?\b(?![\s-]*off)", re.IGNORECASE)
WHAT_BLOCKS_IT = "What blocks this verdict"


@require_safe
@member_required()
def obligations_csv(request: HtmxMemberRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(recommendation, "obligations.csv")}"'
    writer = csv_writer(response)
    writer.writerow(
        ["regime", "phase", "obligation", "what to do", "citation", "source", "confidence", "status", "known change"]
    )
    ev = recommendation.record.evaluation
    for regime in ev.regimes:
        for _phase, label, items in regime.obligations:
            for o in items:
                # Every cell a curator wrote goes through the formula guard, not only the ones a buyer sees first.
                cells = (regime.name, label, o.title, o.action, o.citation, o.source_url, o.confidence)
                writer.writerow([*(_safe(cell) for cell in cells), "open", change_in(o, regime)])
    if ev.verdict != "doesnt_win":
        # The verdict's conditions, as the result page's checklist lists them (review 127: the HDS hosting, the
        # province's health-information law and the § 6(7) notice were on the page and missing here); one resting on
        # law cites it in its own words, and the rule that asks for it is the row's obligation. One that says it is
        # settled before signing is filed so (review 136: filed "Before the work moves").
        checklist = [("Before signing", g.name, f"Settled before signing: {g.text}") for g in ev.gates_to_check]
        # A condition standing for a gate settles something before signing (review 141: a programme's approval, said
        # to come before signing, was filed after).
        gated = {g.rule for g in ev.gates}
        checklist += [
            ("Before signing" if c.rule in gated or SIGNING.search(c.text) else "Before the work moves", c.name, c.text)
            for c in ev.conditions
        ]
        for label, why, what in checklist:
            cells = (CONDITIONS_OF_THE_VERDICT, label, why, what, "", "", "")
            writer.writerow([*(_safe(cell) for cell in cells), "open", ""])
    else:
        # What blocks a verdict of "doesn't win", first to settle before anything else here applies (review 136).
        for b in ev.blockers:
            cells = (WHAT_BLOCKS_IT, "Before anything else", b.name, b.reason, "", "", "")
            writer.writerow([*(_safe(cell) for cell in cells), "open", ""])
    return response


@require_safe
@member_required()
@reads_from_replica
def portfolio_view(request: HtmxMemberRequest) -> HttpResponse:
    context = portfolio(request.organisation)
    context["charts"] = [
        ("Verdicts", context["verdicts"]),
        ("Engagement models with the most points (on every verdict, doesn't win included)", context["models"]),
        ("Knowledge functions", context["functions"]),
        ("Regimes triggered", context["regimes"]),
    ]
    return render(request, "recommendations/portfolio.html", context)


@require_safe
@member_required()
def compare(request: HtmxMemberRequest) -> HttpResponse:
    """Two to four of the organisation's recommendations side by side, differences marked."""
    try:
        ids = compare_ids(request.GET)
    except ValidationError as exc:
        back = _history_with_ticks(request)
        if back is not None:
            # From the history's boxes: back to them, still ticked, with the message beside the button (review 61: it
            # had been a notice at the top of the page).
            return redirect(f"{back}&compare=few#compare-error")
        # Opened with nothing chosen (a link, a bookmark) it is the page's own guidance, not a refusal (review 117).
        status = 200 if not request.GET.getlist("ids") else 400
        return render(request, "recommendations/compare.html", {"errors": exc.messages}, status=status)
    found = {r.pk: r for r in Recommendation.objects.for_organisation(request.organisation).filter(pk__in=ids)}
    if len(found) != len(ids):
        raise Http404("No such recommendation in your organisation.")
    recommendations = [found[i] for i in ids]
    context = {
        "recs": recommendations,
        "rows": comparison_rows(recommendations),
        # Back to the history as it was chosen from: its filters and page, these boxes ticked.
        "back_url": _history_with_ticks(request) or reverse("recommendations:history"),
    }
    return render(request, "recommendations/compare.html", context)


def _history_with_ticks(request: HtmxMemberRequest) -> str | None:
    """The history page the compare form was sent from (its filters and page, from the form's ``back``), with the
    ids ticked as ``ticked``; None when the request did not come from that form or its ids are not all numbers."""
    if "back" not in request.GET:
        return None
    ticked = [i for i in request.GET.getlist("ids") if ascii_int(i) is not None]
    if len(ticked) != len(request.GET.getlist("ids")):
        return None
    kept = QueryDict(request.GET.get("back", ""), mutable=True)
    query = QueryDict(mutable=True)
    for name in (*HistoryFilter.base_fields, "page"):  # only the history's own parameters come back
        if name in kept:
            query.setlist(name, kept.getlist(name)[:1])
    query.setlist("ticked", ticked)
    return f"{reverse('recommendations:history')}?{query.urlencode()}"


@require_safe
@member_required()
def flips(request: HtmxMemberRequest, pk: int) -> HttpResponse:
    """What would flip it, and the tornado of answers: an htmx fragment on the result page, a page without JS."""
    recommendation = _recommendation(request, pk)
    found = insight(recommendation)
    context = {
        "rec": recommendation,
        "insight": found,
        "sensitivity_chart": sensitivity_chart([b.row for b in found.rows]),
    }
    fragment = bool(request.htmx)
    context["standalone"] = not fragment  # its own page: h2 under the page's h1; on the result page, h3
    template = "recommendations/flips.html#insight" if fragment else "recommendations/flips.html"
    return render(request, template, context)


@require_POST
@member_required(EDITOR, of=Recommendation)
def rescore(request: HtmxMemberRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    try:
        result = services.rescore(recommendation=recommendation, user=request.user)
    except AssessmentError as exc:
        return refused_on(request, exc.messages[0], detail, address=reverse("recommendations:detail", args=[pk]), pk=pk)
    if result.reused:
        # Re-scored already (a colleague, another tab): that copy, not another one.
        messages.info(request, "This result was already re-scored on the current playbook: this is that copy.")
    else:
        for code, reason in result.unmapped.items():
            messages.warning(request, f"Answer “{code}” was not carried over: {reason}.")
    if result.recommendation is None:
        messages.info(
            request, "The current playbook asks more than the original did: answer the new questions, then submit."
        )
        return redirect("questionnaire:resume", pk=result.assessment.pk)
    return redirect("recommendations:compare_pair", pk=result.recommendation.pk, other=pk)


@require_safe
@member_required()
def compare_pair(request: HtmxMemberRequest, pk: int, other: int) -> HttpResponse:
    after = _recommendation(request, pk)
    try:
        # The compare form's rule and words for the same pair: one recommendation is not two (review 154: it was drawn
        # as "Two assessments compared", its columns the same record).
        compare_ids(QueryDict(f"ids={pk}&ids={other}"))
    except ValidationError as exc:
        return render(request, "recommendations/compare.html", {"errors": exc.messages}, status=400)
    before = _recommendation(request, other)
    answers = answer_changes(before, after)
    context = {
        "before": before,
        "after": after,
        "changes": differences(before, after),
        "answer_changes": answers,
        "rule_changes": rule_changes(before, after),
        "figure_changes": figure_changes(before, after),
        "new_version": before.record.playbook.version != after.record.playbook.version,
        # A re-score of ``before`` (its assessment's answers carried over), or two separate assessments compared.
        "rescored": after.assessment.based_on_id == before.assessment_id,
        # Two separate assessments' columns are headed by their titles (and numbers, as titles may repeat).
        "before_label": f"{before.title} (#{before.pk})",
        "after_label": f"{after.title} (#{after.pk})",
    }
    return render(request, "recommendations/diff.html", context)
