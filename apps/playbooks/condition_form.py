"""Admin's condition form: the value is chosen with a widget that fits the question and operator.

A condition's value is stored as JSON (an option code, a list of codes, true/false, a number or
[low, high]), but curators pick it: the question's options in a select (or checkboxes for the list
operators), yes/no, or typed numbers. The widget is decided on the server from the question and
operator the form was loaded or posted with, so without JavaScript a curator picks the question and
operator, saves (or presses "Update value boxes", which saves nothing), and gets the right widget with a
message asking for the value. With JavaScript, ``static/js/condition-refresh.js`` presses that button
whenever a question or operator changes. The operator menu offers only the operators that fit the
chosen question's kind.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib.admin.widgets import AdminIntegerFieldWidget
from django.core.exceptions import ValidationError
from django.utils.text import Truncator

from apps.common.admin import RowLabelledFormSet
from apps.common.formatting import number, plain_number
from apps.common.hostile import ascii_int
from apps.playbooks.engine.conditions import CHOICE_OPS, MULTI_ONLY_OPS, PRESENCE_OPS, RANGE_OPS
from apps.playbooks.lint import condition_problem
from apps.playbooks.models import Condition, Operator, Question

NO_VALUE_OPS = (Operator.ANSWERED, Operator.NOT_ANSWERED)
LIST_OPS = (Operator.ONE_OF, Operator.NONE_OF, Operator.NOT_ONE_OF, Operator.CONTAINS_ANY, Operator.CONTAINS_ALL)
NUMBER_LIMIT = Decimal("1e12")  # the engine's limit for answers: a larger bound can never matter
YES_NO_CHOICES = [("yes", "Yes"), ("no", "No")]
NUMERIC_KINDS = (Question.Kind.INTEGER, Question.Kind.MONEY, Question.Kind.PERCENT)
REFRESH = "_refresh_conditions"  # the name of the "Update value boxes" submit button
REFRESHED = (
    "Nothing is saved yet: the operators and value boxes now fit the chosen questions. Fill in the values, then save."
)


def operators_for(kind: str) -> list[str]:
    """The operators a condition on a question of this kind can use, in the menu's order. Built from
    the engine's groups of operators, the ones ``condition_problem`` judges by, so the menu never offers
    an operator that saving would refuse."""
    fits = {*CHOICE_OPS, *PRESENCE_OPS}
    if kind in NUMERIC_KINDS:
        fits.update(RANGE_OPS)
    if kind == Question.Kind.MULTI:
        fits.update(MULTI_ONLY_OPS)
    return [op for op in Operator.values if op in fits]


def _subjects(playbook_id: int | None) -> Any:
    """The questions a condition may test: its own playbook's (any draft's while the rule is new)."""
    questions = Question.objects.order_by("section__order", "order", "id")
    return questions.filter(playbook_id=playbook_id) if playbook_id else questions.filter(playbook__status="draft")


def _number(raw: Any, what: str) -> int | float:
    """A typed number as JSON stores it (whole numbers as int), or a ValidationError saying what is wrong."""
    text = str(raw).strip().replace(",", "")
    if len(text) > 30:  # a 5,000-digit number is a typo; Decimal would take it, JSON numbers should not
        raise forms.ValidationError(f"{what} needs a number of at most 30 characters.")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise forms.ValidationError(f"{what} needs a number, not “{raw}”.") from None
    if not value.is_finite() or abs(value) >= NUMBER_LIMIT:
        raise forms.ValidationError(f"{what} needs a number below 1,000,000,000,000.")
    return int(value) if value == value.to_integral_value() else float(value)


class NumberField(forms.CharField):
    widget = forms.NumberInput(attrs={"step": "any", "class": "vIntegerField"})

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        self.what = what
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        return None if value in (None, "") else _number(value, self.what)


class NumberListField(forms.CharField):
    """Several numbers, comma or space separated (``is one of`` on a number question)."""

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        parts = str(value or "").replace(",", " ").split()
        return [_number(p, "“is one of”") for p in parts] or None


class BetweenWidget(forms.MultiWidget):
    def __init__(self) -> None:
        attrs = {"step": "any", "class": "vIntegerField"}
        super().__init__([AdminIntegerFieldWidget(attrs=attrs), AdminIntegerFieldWidget(attrs=attrs)])

    def decompress(self, value: Any) -> list[Any]:
        return list(value) if isinstance(value, list | tuple) and len(value) == 2 else [None, None]


class BetweenField(forms.Field):
    """Two numbers, low and high, with low <= high."""

    widget = BetweenWidget

    def clean(self, value: Any) -> Any:
        low, high = (list(value) + [None, None])[:2] if isinstance(value, list | tuple) else (None, None)
        if low in (None, "") or high in (None, ""):
            raise forms.ValidationError("“is between” needs two numbers: low and high.")
        low, high = _number(low, "“is between”"), _number(high, "“is between”")
        if low > high:
            raise forms.ValidationError(f"“is between” needs low ≤ high; {number(low)} is above {number(high)}.")
        return [low, high]

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.clean(data) != list(initial or [])
        except forms.ValidationError:
            return True


class ConditionForm(forms.ModelForm):
    """``value`` is replaced by a field built from the chosen question and operator (see the module)."""

    playbook_id: int | None = None  # set by ``condition_form_for``
    subject_choices: list[tuple[Any, str]] | None = None

    class Meta:
        model = Condition
        fields = ("subject", "operator", "value")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        subject, operator = self.fields["subject"], self.fields["operator"]
        assert isinstance(subject, forms.ModelChoiceField) and isinstance(operator, forms.ChoiceField)
        # A plain select (no add/change-question icons: a condition picks one of this playbook's questions).
        subject.widget = getattr(subject.widget, "widget", subject.widget)
        subject.queryset = _subjects(self.playbook_id)
        if self.subject_choices is not None:
            subject.choices = self.subject_choices
        self.subject = self._chosen_subject()
        self.op = self._chosen("operator", self.instance.operator)
        operator.choices = self._operator_choices()
        self.fields["value"] = self._value_field()
        if not self.is_bound and self.instance.pk:
            self.initial["value"] = self._initial(self.instance.value)

    def _chosen(self, name: str, default: Any) -> Any:
        return self.data.get(self.add_prefix(name), "") if self.is_bound else default

    def _chosen_subject(self) -> Question | None:
        chosen = self._chosen("subject", self.instance.subject_id)
        pk = ascii_int(str(chosen or ""))
        if pk is None:
            return None
        if not self.is_bound and self.instance.subject_id:
            return self.instance.subject  # the inline's queryset loads subjects with their options
        return _subjects(self.playbook_id).prefetch_related("options").filter(pk=pk).first()

    def _fits(self) -> bool:
        return self.subject is None or self.op in operators_for(self.subject.kind)

    def _operator_choices(self) -> list[tuple[str, str]]:
        fitting = operators_for(self.subject.kind) if self.subject else Operator.values
        choices = [("", "---------"), *((op, Operator(op).label) for op in fitting)]
        if self.op in Operator.values and not self._fits():
            # Kept (marked) so the select shows what was chosen, next to the message refusing it.
            choices.append((self.op, f"{Operator(self.op).label} (does not fit this question)"))
        return choices

    def _value_field(self) -> forms.Field:
        q, op = self.subject, self.op
        if q is None or not op or not self._fits():
            hint = "choose an operator that fits the question" if q and op else "choose the question and operator"
            return forms.CharField(required=False, disabled=True, widget=forms.TextInput(attrs={"placeholder": hint}))
        if op in NO_VALUE_OPS:
            return forms.CharField(
                required=False, disabled=True, widget=forms.TextInput(attrs={"placeholder": "no value needed"})
            )
        missing = f"Choose the value to compare {q.code} with (its options are offered now)."
        if op == Operator.BETWEEN:
            return BetweenField(error_messages={"required": missing})
        if op in (Operator.AT_LEAST, Operator.AT_MOST) or (q.kind in NUMERIC_KINDS and op == Operator.EQUALS):
            return NumberField(what=f"“{Operator(op).label}”", error_messages={"required": missing})
        if q.kind in NUMERIC_KINDS:
            return NumberListField(help_text="Numbers separated by commas.", error_messages={"required": missing})
        choices = YES_NO_CHOICES if q.kind == Question.Kind.YES_NO else [(o.code, o.label) for o in q.options.all()]
        unknown = f"Unknown option code “%(value)s”: {q.code} has {', '.join(c for c, _ in choices) or 'no options'}."
        messages = {"required": missing, "invalid_choice": unknown}
        if op in LIST_OPS or (op == Operator.EQUALS and q.kind == Question.Kind.MULTI):
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, error_messages=messages
            )
        return forms.ChoiceField(choices=[("", "—"), *choices], error_messages=messages)

    def _initial(self, value: Any) -> Any:
        """The stored value as the widget shows it (yes/no for booleans)."""
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, list) and all(isinstance(v, bool) for v in value):
            return ["yes" if v else "no" for v in value]
        numbers = isinstance(value, list) and all(isinstance(v, int | float) for v in value)
        if isinstance(self.fields["value"], NumberListField) and numbers:
            return ", ".join(plain_number(v) for v in value)
        if isinstance(self.fields["value"], BetweenField) and numbers:
            return [plain_number(v) for v in value]
        return value

    def clean_value(self) -> Any:
        value = self.cleaned_data.get("value")
        if self.subject is None or self.op in NO_VALUE_OPS or value in ("", None, []):
            return None
        if self.subject.kind == Question.Kind.YES_NO:
            return [v == "yes" for v in value] if isinstance(value, list) else value == "yes"
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        q, op = self.subject, data.get("operator")
        if q is not None and op and not self.has_error("value"):
            options = [o.code for o in q.options.all()]
            problem = condition_problem(subject=q.code, kind=q.kind, options=options, op=op, value=data.get("value"))
            if problem:
                self.add_error("operator", problem[0].upper() + problem[1:] + ".")
        return data


class ConditionFormSet(RowLabelledFormSet):
    """New conditions belong to their rule's (or question's) playbook. The "Update value boxes" button
    posts the page like a save, and this refusal keeps anything from being saved: the page comes back
    with each row's operators and value box rebuilt for its chosen question and operator."""

    def clean(self) -> None:
        super().clean()
        if REFRESH in self.data:
            raise ValidationError(REFRESHED, code="refresh")

    noun = "condition"

    def add_fields(self, form: Any, index: int | None) -> None:
        # Called for every form the formset builds, before it is validated or saved.
        super().add_fields(form, index)
        form.instance.playbook_id = self.instance.playbook_id


def condition_form_for(playbook_id: int | None) -> type[ConditionForm]:
    """The condition form whose question select offers the questions of one playbook, listed once
    for all the rows of the inline (not one query per row)."""
    rows = _subjects(playbook_id).values_list("pk", "code", "prompt")
    choices = [("", "---------"), *((pk, f"{code}: {Truncator(prompt).chars(50)}") for pk, code, prompt in rows)]
    return type("PlaybookConditionForm", (ConditionForm,), {"playbook_id": playbook_id, "subject_choices": choices})
