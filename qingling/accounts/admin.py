"""Staff management in Django's admin, for administrators only; saves go through services."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qingling.accounts.models import OrgUnit, User
from qingling.accounts.permissions import Perm, can
from qingling.accounts.services import STAFF_AUDIT_FIELDS, org_unit_save, staff_save
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


@admin.register(User)
class StaffAdmin(AdministratorOnly, UserAdmin[User]):
    list_display = ("username", "full_name", "role", "org_unit", "is_active", "last_login")
    list_filter = ("role", "org_unit", "is_active")
    search_fields = ("username", "full_name")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Staff"), {"fields": ("full_name", "role", "org_unit", "is_active")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "full_name", "role", "org_unit", "password1", "password2")}),
    )

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        before = audit_snapshot(User.objects.get(pk=obj.pk), STAFF_AUDIT_FIELDS) if change else None
        staff_save(user=obj, before=before, actor=request.user)


@admin.register(OrgUnit)
class OrgUnitAdmin(AdministratorOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "division")

    def save_model(self, request: HttpRequest, obj: OrgUnit, form: Any, change: bool) -> None:
        before = (
            audit_snapshot(OrgUnit.objects.get(pk=obj.pk), ("name", "division")) if change else None
        )
        org_unit_save(unit=obj, before=before, actor=request.user)
