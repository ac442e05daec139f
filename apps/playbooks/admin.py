"""Curating playbooks in admin. Published and retired versions are read-only; curators copy them
into a new draft, edit it, and publish it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import path

from apps.common.admin import AuditedAdmin
from apps.playbooks import curation, services
from apps.playbooks.models import Condition, Effect, GoldenCase, Option, Playbook, Question, Rule, Section


def _playbook_of(obj: Any) -> Playbook | None:
    if obj is None:
        return None
    if isinstance(obj, Playbook):
        return obj
    if isinstance(obj, Option):
        return obj.question.playbook
    if isinstance(obj, Effect):
        return obj.rule.playbook
    return getattr(obj, "playbook", None)


def _locked(obj: Any) -> bool:
    playbook = _playbook_of(obj)
    return playbook is not None and not playbook.is_draft


class DraftOnlyMixin:
    """Rows of a published or retired playbook are read-only; new rows may only join drafts."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "playbook":
            kwargs["queryset"] = Playbook.objects.filter(status=Playbook.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class DraftOnlyInline(DraftOnlyMixin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _locked(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]


class SectionInline(DraftOnlyInline, admin.TabularInline):
    model = Section
    extra = 0
    fields = ("order", "code", "title", "visible_when")


class GoldenCaseInline(DraftOnlyInline, admin.StackedInline):
    model = GoldenCase
    extra = 0


@admin.register(Playbook)
class PlaybookAdmin(DraftOnlyMixin, AuditedAdmin):
    audit_related = True  # the playbook's History shows changes to its sections, questions and rules too
    list_display = ["title", "version", "status", "published_at", "published_by", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "notes"]
    readonly_fields = ["version", "status", "based_on", "published_at", "published_by", "created_at", "updated_at"]
    inlines = [SectionInline, GoldenCaseInline]
    actions = ["start_new_draft", "publish", "retire"]
    change_form_template = "admin/playbooks/playbook/change_form.html"
    change_list_template = "admin/playbooks/playbook/change_list.html"

    def get_urls(self) -> list[Any]:
        def page(view: Any) -> Any:
            return self.admin_site.admin_view(lambda request, *args, **kwargs: view(request, self, *args, **kwargs))

        return [
            path("import/", page(curation.import_view), name="playbooks_playbook_import"),
            path("catalogue/export/", page(curation.export_catalogue_view), name="playbooks_catalogue_export"),
            path("catalogue/import/", page(curation.import_catalogue_view), name="playbooks_catalogue_import"),
            path("<int:pk>/lint/", page(curation.lint_report), name="playbooks_playbook_lint"),
            path("<int:pk>/golden/", page(curation.golden_report), name="playbooks_playbook_golden"),
            path("<int:pk>/simulate/", page(curation.simulator), name="playbooks_playbook_simulate"),
            path("<int:pk>/export/", page(curation.export), name="playbooks_playbook_export"),
            *super().get_urls(),
        ]

    @admin.action(description="Start a new draft from the selected playbook")
    def start_new_draft(self, request: HttpRequest, queryset: QuerySet[Playbook]) -> None:
        for playbook in queryset:
            draft = services.start_draft(playbook=playbook)
            self.message_user(request, f"Started draft #{draft.pk} from {playbook}.", messages.SUCCESS)

    @admin.action(description="Publish the selected drafts")
    def publish(self, request: HttpRequest, queryset: QuerySet[Playbook]) -> None:
        for playbook in queryset:
            try:
                published = services.publish_playbook(playbook=playbook, user=request.user)
            except services.PlaybookError as exc:
                for message in exc.messages:
                    self.message_user(request, f"{playbook}: {message}", messages.ERROR)
            else:
                self.message_user(request, f"Published {published}.", messages.SUCCESS)

    @admin.action(description="Retire the selected published playbooks")
    def retire(self, request: HttpRequest, queryset: QuerySet[Playbook]) -> None:
        for playbook in queryset:
            try:
                services.retire_playbook(playbook=playbook)
            except services.PlaybookError as exc:
                self.message_user(request, f"{playbook}: {exc.messages[0]}", messages.ERROR)
            else:
                self.message_user(request, f"Retired {playbook}.", messages.SUCCESS)


class OptionInline(DraftOnlyInline, admin.TabularInline):
    model = Option
    extra = 0


class QuestionConditionInline(DraftOnlyInline, admin.TabularInline):
    model = Condition
    fk_name = "question"
    extra = 0
    fields = ("subject", "operator", "value")
    autocomplete_fields = ["subject"]
    verbose_name = "visibility condition"


@admin.register(Question)
class QuestionAdmin(DraftOnlyMixin, AuditedAdmin):
    audit_related = True  # its options and conditions too
    list_display = ["code", "prompt", "kind", "required", "role", "section", "playbook"]
    list_filter = ["playbook", "kind", "required"]
    search_fields = ["code", "prompt"]
    list_select_related = ["section", "playbook"]
    inlines = [OptionInline, QuestionConditionInline]


@admin.register(Section)
class SectionAdmin(DraftOnlyMixin, AuditedAdmin):
    list_display = ["code", "title", "order", "playbook"]
    list_filter = ["playbook"]
    search_fields = ["code", "title"]


class RuleConditionInline(DraftOnlyInline, admin.TabularInline):
    model = Condition
    fk_name = "rule"
    extra = 0
    fields = ("subject", "operator", "value")
    autocomplete_fields = ["subject"]


class EffectInline(DraftOnlyInline, admin.StackedInline):
    model = Effect
    extra = 0
    autocomplete_fields = ["engagement_model", "regime", "location"]
    fields = (("kind", "points"), ("engagement_model", "regime", "location"), "text", ("severity", "mitigation"))


@admin.register(Rule)
class RuleAdmin(DraftOnlyMixin, AuditedAdmin):
    audit_related = True  # its conditions and effects (the weights) too
    list_display = ["code", "name", "match", "enabled", "order", "playbook"]
    list_filter = ["playbook", "enabled"]
    search_fields = ["code", "name", "rationale"]
    inlines = [RuleConditionInline, EffectInline]
