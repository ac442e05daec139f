from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from apps.accounts.forms import AdminLoginForm
from apps.accounts.models import Invitation, LoginThrottle, Membership, Organisation, RateLimit, User
from apps.common.admin import BlankLabelledAutocompleteMixin


class MembershipInline(BlankLabelledAutocompleteMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(BlankLabelledAutocompleteMixin, admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at", "added_by", "last_chosen_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation", "added_by"]
    readonly_fields = ["added_by", "last_chosen_at"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are made by owners and answered by the invited person; admin only reads them."""

    list_display = ["email", "organisation", "role", "invited_by", "created_at", "accepted_at", "declined_at"]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    list_select_related = ["organisation", "invited_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(LoginThrottle)
class LoginThrottleAdmin(admin.ModelAdmin):
    """Failed sign-ins by email and client address. Deleting a row lifts its lock."""

    list_display = ["email", "ip", "failures", "last_failure_at", "locked_until"]
    search_fields = ["email", "ip"]
    readonly_fields = ["email", "ip", "failures", "first_failure_at", "last_failure_at", "locked_until"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(RateLimit)
class RateLimitAdmin(admin.ModelAdmin):
    """Uses counted per key and window (password-reset mails). Deleting a row resets its count."""

    list_display = ["scope", "key", "count", "window_started_at"]
    list_filter = ["scope"]
    search_fields = ["key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# The admin login goes through the same throttled backend; its form says so when a pair is locked.
admin.site.login_form = AdminLoginForm
