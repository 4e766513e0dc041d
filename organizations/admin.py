from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from organizations.models import Area, Enterprise, Park, Union, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("角色与范围"), {"fields": ("role", "area", "union", "can_view_personal_data")}),
    )
    list_display = ("username", "last_name", "first_name", "role", "area", "union", "is_active")
    list_filter = ("role", "is_active")
    raw_id_fields = ("union",)
    autocomplete_fields = ("area",)


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "level")
    list_filter = ("level",)
    search_fields = ("code", "name_zh", "name_en")


admin.site.register([Park, Enterprise, Union])
