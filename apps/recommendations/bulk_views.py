"""The owners' bulk re-score page: choose recommendations (or all) to re-score onto the current playbook;
the worker does it, and the page shows its progress (htmx polling, or a refresh without JavaScript) and
then what was made."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.tasks import TaskResultStatus
from django.views.decorators.http import require_http_methods

from apps.accounts.models import Membership
from apps.accounts.scoping import HtmxMemberRequest, MemberRequest, member_required
from apps.playbooks.models import Playbook
from apps.recommendations import bulk
from apps.tasks.worker import worker_alive

LISTED = 200  # candidates offered one by one; "all" takes every one


class BulkRescoreForm(forms.Form):
    ids: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    scope = forms.ChoiceField(choices=[("selected", "The ones ticked"), (bulk.ALL, "All of them")])

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = self.fields["ids"]
        assert isinstance(ids, forms.ModelMultipleChoiceField)
        ids.queryset = candidates

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("scope") == "selected" and not data.get("ids"):
            raise forms.ValidationError("Tick the recommendations to re-score, or choose all of them.")
        return data


def _context(request: MemberRequest, playbook: Playbook | None, form: BulkRescoreForm | None) -> dict[str, Any]:
    run = bulk.last_run(organisation=request.organisation)
    context: dict[str, Any] = {"playbook": playbook, "form": form, "run": run}
    if run is not None:
        context["progress"] = bulk.progress(organisation=request.organisation, run=run)
        context["finished"] = run.is_finished
        if run.status == TaskResultStatus.SUCCESSFUL:
            context["made"] = run.return_value
        context["no_worker"] = run.status == TaskResultStatus.READY and not worker_alive()
    return context


@require_http_methods(["GET", "HEAD", "POST"])
@member_required(Membership.Role.OWNER)
def rescore_many(request: HtmxMemberRequest) -> HttpResponse:
    playbook = Playbook.objects.current()
    # Listed by title, date and verdict, and chosen by id: never their snapshots (hundreds of kilobytes each).
    candidates = (
        bulk.candidates(organisation=request.organisation, playbook=playbook).defer("snapshot") if playbook else None
    )
    data = request.POST if request.method == "POST" else None  # an empty post is bound too (and refused)
    form = BulkRescoreForm(data, candidates=candidates) if candidates is not None else None
    if request.method == "POST":
        if form is None or not form.is_valid():
            context = _context(request, playbook, form)
            context["candidates"] = candidates[:LISTED] if candidates is not None else []
            return render(request, "recommendations/bulk_rescore.html", context, status=400)
        assert playbook is not None
        ids = None if form.cleaned_data["scope"] == bulk.ALL else [r.pk for r in form.cleaned_data["ids"]]
        run = bulk.request_rescore(organisation=request.organisation, playbook=playbook, user=request.user, ids=ids)
        if run.is_finished and bulk.last_run(organisation=request.organisation) is None:
            # A backend that keeps no results (the immediate one, in tests) has done the work already.
            context = {**_context(request, playbook, form), "run": run, "made": run.return_value, "finished": True}
            return render(request, "recommendations/bulk_rescore.html", context)
        return redirect("recommendations:rescore_many")
    context = _context(request, playbook, form)
    if request.htmx:
        return render(request, "recommendations/bulk_rescore.html#status", context)
    context["candidates"] = candidates[:LISTED] if candidates is not None else []
    return render(request, "recommendations/bulk_rescore.html", context)
