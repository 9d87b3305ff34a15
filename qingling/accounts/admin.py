"""Staff management in Django's admin, for administrators only; saves go through services."""

from typing import Any

from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qingling.accounts.models import OrgUnit, User
from qingling.accounts.permissions import Perm, can
from qingling.accounts.services import (
    STAFF_AUDIT_FIELDS,
    account_unlock,
    org_unit_save,
    staff_save,
)
from qingling.core.exceptions import ApplicationError
from qingling.core.services import audit_snapshot

admin.site.site_header = _("Qingling administration")
admin.site.site_title = _("Qingling")


def _admin_only(request: HttpRequest) -> bool:
    return bool(request.user.is_active and can(request.user, Perm.STAFF_MANAGE))


# The admin site opens to administrators by role, not by Django's own permission flags.
admin.site.has_permission = _admin_only  # type: ignore[method-assign]


class AdministratorOnly:
    def has_module_permission(self, request: HttpRequest) -> bool:
        return _admin_only(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _admin_only(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _admin_only(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _admin_only(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # staff are deactivated, never deleted: the audit log refers to them


def _unlock(request: HttpRequest, usernames: list[str]) -> None:
    for username in sorted(set(usernames)):
        try:
            account_unlock(username=username, actor=request.user)
        except ApplicationError as error:
            messages.error(request, f"{username}: {error.message}")
        else:
            messages.success(request, _("%(username)s may sign in again.") % {"username": username})


@admin.register(User)
class StaffAdmin(AdministratorOnly, UserAdmin[User]):
    actions = ("unlock_sign_in",)
    list_display = ("username", "full_name", "role", "org_unit", "is_active", "last_login")
    list_filter = ("role", "org_unit", "is_active")
    search_fields = ("username", "full_name")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Staff"),
            {"fields": ("full_name", "enforcement_card_number", "role", "org_unit", "is_active")},
        ),
    )
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "username",
                    "full_name",
                    "enforcement_card_number",
                    "role",
                    "org_unit",
                    "password1",
                    "password2",
                )
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        before = audit_snapshot(User.objects.get(pk=obj.pk), STAFF_AUDIT_FIELDS) if change else None
        staff_save(user=obj, before=before, actor=request.user)

    @admin.action(description=_("Unlock sign-in of the selected staff"))
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        _unlock(request, [user.username for user in queryset])


@admin.register(OrgUnit)
class OrgUnitAdmin(AdministratorOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "division")

    def save_model(self, request: HttpRequest, obj: OrgUnit, form: Any, change: bool) -> None:
        before = (
            audit_snapshot(OrgUnit.objects.get(pk=obj.pk), ("name", "division")) if change else None
        )
        org_unit_save(unit=obj, before=before, actor=request.user)


@admin.register(AccessAttempt)
class LockedSignInAdmin(AdministratorOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    """Failed sign-ins (django-axes), read-only; unlocking goes through the audited service."""

    list_display = ("username", "ip_address", "failures_since_start", "attempt_time")
    search_fields = ("username", "ip_address")
    ordering = ("-attempt_time",)
    actions = ("unlock_sign_in",)
    fields = list_display

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("Unlock sign-in of these user names"))
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[AccessAttempt]) -> None:
        _unlock(request, [attempt.username for attempt in queryset if attempt.username])
