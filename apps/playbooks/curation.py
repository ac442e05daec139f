"""Curation pages in admin: lint report, golden cases, simulator, export and import.

Each view takes the admin site's request (staff, checked by ``admin_view``) and the playbook; the
playbook admin wires them into its URLs. Nothing here stores anything except import (a new draft).
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify

from apps.common.uploads import upload_page
from apps.playbooks import services
from apps.playbooks.definition import build_definition
from apps.playbooks.engine import DefinitionError, clean_answers, compile_playbook, evaluate
from apps.playbooks.engine.answers import AnswerError, clean_answer
from apps.playbooks.engine.weights import weight_sensitivity
from apps.playbooks.golden import run_golden_cases
from apps.playbooks.lint import WARNING, Finding, lint
from apps.playbooks.models import Playbook, Question, Rule, Section
from apps.playbooks.runtime import compiled_playbook


def _definition(playbook: Playbook) -> dict[str, Any]:
    return playbook.definition if playbook.definition and not playbook.is_draft else build_definition(playbook)


def _object_links(playbook: Playbook) -> dict[tuple[str, str], str]:
    """Admin change URLs of the playbook's parts, keyed by (kind, code)."""
    links: dict[tuple[str, str], str] = {
        ("playbook", ""): reverse("admin:playbooks_playbook_change", args=[playbook.pk])
    }
    for kind, model in (("section", Section), ("question", Question), ("rule", Rule)):
        for pk, code in model.objects.filter(playbook=playbook).values_list("pk", "code"):
            links[(kind, code)] = reverse(f"admin:playbooks_{kind}_change", args=[pk])
    return links


def _context(request: HttpRequest, admin: Any, playbook: Playbook, title: str) -> dict[str, Any]:
    return {
        **admin.admin_site.each_context(request),
        "opts": Playbook._meta,
        "original": playbook,
        "playbook": playbook,
        "title": title,
    }


def lint_report(request: HttpRequest, admin: Any, pk: int) -> HttpResponse:
    playbook = get_object_or_404(Playbook, pk=pk)
    links = _object_links(playbook)
    found = [*lint(_definition(playbook)), *switched_off(playbook)]  # a published version's too (review 132)
    findings = [(f, links.get((f.kind, f.code))) for f in found]
    context = _context(request, admin, playbook, f"Lint report: {playbook}")
    context.update(
        findings=findings,
        errors=sum(1 for f, _ in findings if f.is_error),
        warnings=sum(1 for f, _ in findings if not f.is_error),
    )
    return render(request, "admin/playbooks/lint.html", context)


def golden_report(request: HttpRequest, admin: Any, pk: int) -> HttpResponse:
    playbook = get_object_or_404(Playbook, pk=pk)
    context = _context(request, admin, playbook, f"Golden cases: {playbook}")
    try:
        compiled = compiled_playbook(playbook)
    except DefinitionError as exc:
        context["problems"] = exc.problems
        return render(request, "admin/playbooks/golden.html", context)
    results = sorted(run_golden_cases(compiled, playbook.golden_cases.order_by("name")), key=lambda r: r.passed)
    context.update(results=results, failed=sum(1 for r in results if not r.passed))
    return render(request, "admin/playbooks/golden.html", context)


class SimulatorForm(forms.Form):
    answers_json = forms.CharField(
        label="Or paste an answers file (JSON)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text='Question code to an option code, list of codes, number or true/false: {"function": "legal-review"}',
    )

    def __init__(self, *args: Any, questions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions.values():
            label = f"{q.prompt} ({q.code})"
            if q.kind == "single":
                field: forms.Field = forms.ChoiceField(
                    label=label, required=False, choices=[("", "—"), *((o.code, o.label) for o in q.options)]
                )
            elif q.kind == "multi":
                field = forms.MultipleChoiceField(
                    label=label,
                    required=False,
                    choices=[(o.code, o.label) for o in q.options],
                    widget=forms.CheckboxSelectMultiple,
                )
            elif q.kind == "yes_no":
                field = forms.ChoiceField(
                    label=label, required=False, choices=[("", "—"), ("yes", "Yes"), ("no", "No")]
                )
            else:
                field = forms.CharField(label=label, required=False, max_length=40, strip=True)
            self.fields[f"q__{q.code}"] = field

    def clean(self) -> dict[str, Any]:
        # Typed answers get the engine's own checks and messages (the ones buyers see), on their field.
        data = super().clean() or {}
        for name, value in list(data.items()):
            if name.startswith("q__") and value:
                try:
                    clean_answer(self.questions[name[3:]], value)
                except AnswerError as exc:
                    self.add_error(name, exc.message)
        return data

    def raw_answers(self) -> dict[str, Any]:
        pasted = self.cleaned_data.get("answers_json", "").strip()
        if pasted:
            try:
                data = json.loads(pasted)
            except (ValueError, RecursionError) as exc:  # bad JSON, a 5,000-digit number, absurd nesting
                raise forms.ValidationError(f"The answers file is not valid JSON: {exc}") from None
            if not isinstance(data, dict):
                raise forms.ValidationError("The answers file must be a JSON object of question code to answer.")
            return data
        return {name[3:]: value for name, value in self.cleaned_data.items() if name.startswith("q__") and value}


def simulator(request: HttpRequest, admin: Any, pk: int) -> HttpResponse:
    playbook = get_object_or_404(Playbook, pk=pk)
    context = _context(request, admin, playbook, f"Simulator: {playbook}")
    try:
        compiled = compiled_playbook(playbook)
    except DefinitionError as exc:
        context["problems"] = exc.problems
        return render(request, "admin/playbooks/simulator.html", context, status=400)
    form = SimulatorForm(request.POST or None, questions=compiled.questions)
    context["form"] = form
    if request.method == "POST" and not form.is_valid():
        return render(request, "admin/playbooks/simulator.html", context, status=400)
    if request.method == "POST":
        try:
            raw = form.raw_answers()
        except forms.ValidationError as exc:
            form.add_error("answers_json", exc)
            return render(request, "admin/playbooks/simulator.html", context, status=400)
        answers, problems = clean_answers(compiled.questions, raw)
        context["answer_problems"] = problems
        evaluation = evaluate(compiled, answers)
        context["ev"] = evaluation
        context["questions"] = compiled.questions
        links = _object_links(playbook)
        context["weights"] = [(w, links.get(("rule", w.rule))) for w in weight_sensitivity(compiled, answers)]
    return render(request, "admin/playbooks/simulator.html", context)


def export(request: HttpRequest, admin: Any, pk: int) -> HttpResponse:
    playbook = get_object_or_404(Playbook, pk=pk)
    body = json.dumps(services.export_playbook_data(playbook), indent=2, ensure_ascii=False) + "\n"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = slugify(
        f"{playbook.title}-{'v' + str(playbook.version) if playbook.version else 'draft-' + str(playbook.pk)}"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


def import_view(request: HttpRequest, admin: Any) -> HttpResponse:
    if not admin.has_add_permission(request):
        raise PermissionDenied

    def accept(data: Any) -> HttpResponse:
        draft = services.import_playbook(data=data)
        messages.success(request, f"Imported “{draft.title}” as draft #{draft.pk}. Lint it, test it, then publish.")
        return redirect("admin:playbooks_playbook_change", draft.pk)

    help_text = "A playbook JSON file exported from KPO Advisor. It becomes a new draft."
    return _upload_page(request, admin, "Import a playbook", help_text, accept)


def _upload_page(
    request: HttpRequest, admin: Any, title: str, help_text: str, accept: Any, *, decimals: bool = False
) -> HttpResponse:
    return upload_page(
        request,
        admin,
        template="admin/playbooks/import.html",
        opts=Playbook._meta,
        title=title,
        help_text=help_text,
        accept=accept,
        decimals=decimals,
    )


def compile_or_problems(playbook: Playbook) -> list[str]:
    try:
        compile_playbook(_definition(playbook))
    except DefinitionError as exc:
        return exc.problems
    return []


def export_catalogue_view(request: HttpRequest, admin: Any) -> HttpResponse:
    from apps.playbooks.catalogue_io import export_catalogue

    body = json.dumps(export_catalogue(), indent=2, ensure_ascii=False) + "\n"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kpo-catalogue.json"'
    return response


def import_catalogue_view(request: HttpRequest, admin: Any) -> HttpResponse:
    from apps.playbooks.catalogue_io import import_catalogue

    if not request.user.has_perms(["engagements.change_knowledgefunction", "compliance.change_regime"]):
        raise PermissionDenied

    def accept(data: Any) -> HttpResponse:
        for line in import_catalogue(data).lines():
            messages.success(request, line)
        return redirect("admin:playbooks_playbook_changelist")

    help_text = "A catalogue JSON file exported from KPO Advisor. Entries are matched by code."
    return _upload_page(request, admin, "Import the catalogue", help_text, accept, decimals=True)


def switched_off(playbook: Playbook) -> list[Finding]:
    """Rules of ``playbook`` switched off that block or gate when they fire, as lint warnings (review 126: a legal
    blocker switched off passed lint, the golden cases and publishing without a word). Read from its rows: the
    definition built for the engine leaves a switched-off rule out, so lint itself never sees it."""
    off = Rule.objects.filter(playbook=playbook, enabled=False, effects__kind__in=("blocker", "gate")).distinct()
    out = []
    for rule in off.prefetch_related("effects").order_by("code"):
        what = "blocks KPO" if any(e.kind == "blocker" for e in rule.effects.all()) else "holds the verdict at a gate"
        check = "check the impact preview before publishing" if playbook.is_draft else "its impact preview shows whom"
        message = (
            f"it is switched off, and it {what} when it fires: buyers it would stop are scored as if it did not "
            f"exist; {check}"
        )
        out.append(Finding(WARNING, "rule", rule.code, message))
    return out


def switched_off_warnings(playbook: Playbook) -> list[str]:
    """``switched_off`` in words, as the publish action repeats them."""
    return [f"rule {f.code}: {f.message}" for f in switched_off(playbook)]
