from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, partial
from typing import Any, ClassVar

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Sum, Window
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import SafeString

from apps.accounts.models import Organisation
from apps.common.hostile import DayField, ascii_int, single_param
from apps.common.widgets import DateInput, Select
from apps.compliance.models import Regime
from apps.engagements.models import EngagementModel, function_names
from apps.recommendations.models import PortfolioCount, Recommendation, Verdict
from apps.recommendations.templatetags.verdict_badge import verdict_badge
from apps.signoff.models import DecisionStatus
from apps.signoff.status import having_decision_status, with_decision_status
from apps.signoff.templatetags.signoff import decision_badge


@dataclass(frozen=True)
class HistoryRow:
    """One line of the history table: the recommendation, the names of its codes, and what the table shows of
    it made ready here (its link, its verdict and sign-off badges, the day it was scored), where a page of rows
    costs a fraction of the same work done cell by cell in the template."""

    recommendation: Recommendation
    function_name: str
    top_model_name: str
    regime_names: list[str]
    decision_label: str
    url: str
    verdict_badge: SafeString
    decision_badge: SafeString
    scored: str  # the day, as the template's ``date:"j M Y"`` shows it in the current time zone


# The days the history's date filter takes (DayField's ``first`` and ``last``).
HISTORY_DAYS = {"first": date(2000, 1, 1), "last": date(2100, 12, 31)}


class HistoryFilter(forms.Form):
    COLUMNS: ClassVar[tuple[str, ...]] = (
        "id", "title", "created_at", "verdict", "fit_score", "top_model", "function", "regimes", "cost_note",
    )  # fmt: skip

    verdict = forms.ChoiceField(choices=[("", "Any verdict"), *Verdict.choices], required=False, widget=Select)
    function = forms.ChoiceField(required=False, label="Knowledge function", widget=Select)
    # The column it filters on is the model with the most points, a result where KPO doesn't win included: said so,
    # and the list names it beside "None" (review 86: a doesn't-win row listed under a model it said was "None").
    model = forms.ChoiceField(
        required=False,
        label="Engagement model with the most points",
        help_text="Results where KPO doesn't win count the model that would have fitted best.",
        widget=Select,
    )
    regime = forms.ChoiceField(required=False, label="Regime", widget=Select)
    decision = forms.ChoiceField(
        choices=[("", "Any decision status"), *DecisionStatus.choices], required=False, label="Sign-off", widget=Select
    )
    # Days from 2000 to 2100: no recommendation is older, and a year typed with a digit missing or over (0202,
    # 20266) is a slip to point out rather than a filter matching everything or nothing. (A day is added to 'To',
    # which overflowed at 9999-12-31.)
    since = DayField(required=False, label="From", widget=DateInput(attrs={"type": "date"}), **HISTORY_DAYS)
    until = DayField(required=False, label="To", widget=DateInput(attrs={"type": "date"}), **HISTORY_DAYS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Names for codes (one query per catalogue kind): the filter choices and the table's labels.
        self.names: dict[str, dict[str, str]] = {
            "function": function_names(ordered=True),
            "model": dict(
                EngagementModel.objects.filter(is_kpo=True).order_by("display_order").values_list("code", "name")
            ),
            "regime": dict(Regime.objects.order_by("name").values_list("code", "name")),
        }
        for field, anything in (("function", "Any function"), ("model", "Any model"), ("regime", "Any regime")):
            choice_field = self.fields[field]
            assert isinstance(choice_field, forms.ChoiceField)
            choice_field.choices = [("", anything), *self.names[field].items()]
        # A code in the address that is no choice (an old bookmark, a typed URL): say which filter and how to fix it.
        for name, field_ in self.fields.items():
            if isinstance(field_, forms.ChoiceField):
                label = str(field_.label or name.replace("_", " ")).lower()
                field_.error_messages["invalid_choice"] = (
                    f"“%(value)s” is not a {label} this filter knows: choose one from the list."
                )

    def labelled(self, recommendations: Iterable[Recommendation]) -> list[HistoryRow]:
        """The page's recommendations (from ``apply``) with the names of their codes, for the table."""
        # A page's rows share a few verdicts, statuses and days: each badge and day is made once a page.
        verdict, decision = cache(verdict_badge), cache(decision_badge)
        day = cache(partial(formats.date_format, format="j M Y"))
        return [
            HistoryRow(
                recommendation=r,
                function_name=self.names["function"].get(r.function, r.function),
                top_model_name=self.names["model"].get(r.top_model, r.top_model),
                regime_names=[self.names["regime"].get(code, code) for code in r.regimes],
                # django-stubs cannot see a column added by annotate() (apply) on the model type.
                decision_label=DecisionStatus(r.decision_status).label,  # type: ignore[attr-defined]
                url=reverse("recommendations:detail", args=[r.pk]),
                verdict_badge=verdict(r.verdict),
                # The same annotate() column, unseen by django-stubs.
                decision_badge=decision(r.decision_status),  # type: ignore[attr-defined]
                scored=day(timezone.localdate(r.created_at)),
            )
            for r in recommendations
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A form reads the last of repeated values; ?verdict=a&verdict=b asks two things of one filter.
        for name in (*self.fields, "page"):
            try:
                single_param(self.data, name)
            except forms.ValidationError as exc:
                self.add_error(name if name in self.fields else None, exc.messages)
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            # Beside the From box, where the summary's link lands (review 45: it pointed at the first filter).
            self.add_error("since", "Enter a “From” date on or before the “To” date.")
        return data

    # The filters the portfolio's counts answer, each by its dimension: one of them alone, or none at all.
    COUNTED: ClassVar[dict[str, str]] = {
        "verdict": PortfolioCount.Dimension.VERDICT,
        "model": PortfolioCount.Dimension.MODEL,
        "function": PortfolioCount.Dimension.FUNCTION,
        "regime": PortfolioCount.Dimension.REGIME,
    }

    def stored_months(self, organisation: Organisation) -> list[tuple[date, int]] | None:
        """How many recommendations ``apply`` selects in each month (UTC), newest first, read from the portfolio's
        counts when they can say: with no filter, or with only one of verdict, model, function or regime.
        Database triggers keep those counts in the same transaction as every insert and delete, so they are
        exact, and a few hundred rows replace counting an organisation's recommendations (150,000 in the
        largest: docs/performance.md); the months also let a deep page start in its own month
        (``HistoryPaginator``). None when the filters need the recommendations themselves (dates, sign-off,
        two at once): count them."""
        if self.is_bound and not self.is_valid():
            return None
        chosen = {name: value for name, value in (self.cleaned_data if self.is_bound else {}).items() if value}
        if len(chosen) > 1 or not set(chosen) <= set(self.COUNTED):
            return None
        # Every recommendation has exactly one verdict: with no filter, the verdict counts sum to all of them.
        name, key = next(iter(chosen.items()), ("verdict", None))
        counts = PortfolioCount.objects.filter(organisation=organisation, dimension=self.COUNTED[name])
        if key is not None:
            counts = counts.filter(key=key)
        return list(counts.values("month").annotate(n=Sum("count")).order_by("-month").values_list("month", "n"))

    def stored_count(self, organisation: Organisation) -> int | None:
        """How many recommendations ``apply`` selects, when the portfolio's counts can say (``stored_months``)."""
        months = self.stored_months(organisation)
        return None if months is None else sum(n for _, n in months)

    def apply(self, qs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
        """The filtered recommendations, newest first, each with its ``decision_status`` (apps/signoff)."""
        qs = with_decision_status(qs)
        if not self.is_bound:
            return qs.order_by("-created_at", "-id")
        if not self.is_valid():
            # Refused filters select nothing: a CSV export must not answer a bad range with every row.
            return qs.none()
        d = self.cleaned_data
        if d.get("verdict"):
            qs = qs.filter(verdict=d["verdict"])
        if d.get("function"):
            qs = qs.filter(function=d["function"])
        if d.get("model"):
            qs = qs.filter(top_model=d["model"])
        if d.get("regime"):
            qs = qs.filter(regimes__contains=[d["regime"]])
        if d.get("decision"):
            qs = having_decision_status(qs, d["decision"])
        # A range on created_at itself (days in the current time zone), which the organisation's
        # (organisation, created_at) index can serve; created_at__date could not use it.
        if d.get("since"):
            qs = qs.filter(created_at__gte=_day_start(d["since"]))
        if d.get("until"):
            qs = qs.filter(created_at__lt=_day_start(d["until"] + timedelta(days=1)))
        return qs.order_by("-created_at", "-id")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class HistoryPaginator(Paginator):
    """Pages by id first, then fetches the page's rows, in one query (``id IN (ids of the page)``).

    The ids come from an index-only scan of the organisation's index, so a deep page skips index entries
    instead of reading every skipped row. Given the recommendations per month (``HistoryFilter.stored_months``),
    a page also starts its scan in the month it begins in: the rows of the newer months are known by their
    count and left out by their date (``created_at`` before the start of the month after), so page 5,000 of a
    150,000-row history skips at most a month's index entries, not 125,000 (docs/performance.md). Same rows,
    same order: the newest first, by ``created_at`` then ``id``.

    Without the months (filters the portfolio's counts cannot answer), the page's ids and the count of every
    row the filters select come from one query (``COUNT(*) OVER ()`` beside the ids), so the filters' index scans
    run once instead of once for ``COUNT(*)`` and again for the ids; the rows are then read by those ids."""

    def __init__(self, object_list: Any, per_page: int, *, months: list[tuple[date, int]] | None = None) -> None:
        super().__init__(object_list, per_page)
        self.months = months or []
        if months is not None:  # known already: the paginator does not count again
            self.__dict__["count"] = sum(n for _, n in months)

    def get_page(self, number: Any) -> Page:
        # The number read as Django's get_page reads it (not a whole number: page 1), except that below 1 is the
        # first page too, not the last as Django gives it (review 34: ?page=0 showed "Page 11 of 11").
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        if wanted < 1:
            number = wanted = 1
        # No count yet, the page's own query gives it; a page past the last needs the count first, and beyond a
        # bigint's OFFSET it can only be past the last page: counted alone.
        if (
            "count" not in self.__dict__
            and not self.orphans
            and wanted < 2**62 // self.per_page
            and (found := self._page_with_count(wanted)) is not None
        ):
            return found
        return super().get_page(number)

    def _page_with_count(self, number: int) -> Page | None:
        """Page ``number`` with the count learnt from its own query; None when the page is past the last (no row to
        carry the count), and the count is then asked for alone."""
        rows = self.object_list
        assert isinstance(rows, QuerySet)
        bottom = (number - 1) * self.per_page
        found = list(
            rows.annotate(matching=Window(Count("*"))).values_list("pk", "matching")[bottom : bottom + self.per_page]
        )
        if not found:
            if number > 1:
                return None
            self.__dict__["count"] = 0
            return Page(rows.none(), 1, self)
        self.__dict__["count"] = found[0][1]
        return Page(rows.filter(pk__in=[pk for pk, _ in found]), number, self)

    def page(self, number: Any) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        assert isinstance(rows, QuerySet)  # the history view pages a queryset, never a list
        ids = rows
        newer = 0  # rows in the months newer than the one the page starts in
        for month, n in self.months:
            if bottom < newer + n:
                if newer:  # the newest month starts at the top: no date bound needed
                    ids = rows.filter(created_at__lt=_month_after(month))
                break
            newer += n
        else:
            newer = 0  # an empty history: page 1, no rows
        return Page(rows.filter(pk__in=ids.values("pk")[bottom - newer : top - newer]), number, self)


def _month_after(month: date) -> datetime:
    """The start of the month after ``month`` in UTC, the time zone the portfolio's counts are kept in."""
    return datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=UTC)


def compare_ids(query: Any) -> list[int]:
    """The two to four recommendation ids asked for (?ids=1&ids=2), in order, or a ValidationError."""
    given = query.getlist("ids")
    # Only plain ASCII digits: int() also reads "1_2" as 12 and Arabic-Indic digits, opening a record not the one asked.
    if not all(ascii_int(i) is not None for i in given):
        raise forms.ValidationError("Choose recommendations from the list.")
    ids = list(dict.fromkeys(int(i) for i in given))
    if not 2 <= len(ids) <= 4:
        raise forms.ValidationError("Choose two to four recommendations to compare.")
    return ids
