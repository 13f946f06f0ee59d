"""Read-only admin: reference data is written only by the import commands."""

from django.contrib import admin

from trajectoire.referentials.models import (
    EmploymentArea,
    JobTitle,
    Knowledge,
    Occupation,
    ReferentialVersion,
    Skill,
    WorkContext,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReferentialVersion)
class ReferentialVersionAdmin(ReadOnlyAdmin):
    list_display = ["source", "version", "published_on", "imported_at"]
    list_filter = ["source"]


@admin.register(Occupation)
class OccupationAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "parent_code", "domain", "is_active"]
    list_filter = ["is_active", "domain__major_domain"]
    search_fields = ["code", "label"]


@admin.register(JobTitle)
class JobTitleAdmin(ReadOnlyAdmin):
    list_display = ["ogr_code", "label", "occupation", "is_main", "rarely_used", "is_active"]
    list_filter = ["is_active", "is_main", "rarely_used"]
    search_fields = ["label", "occupation__code"]
    list_select_related = ["occupation"]


@admin.register(Skill)
class SkillAdmin(ReadOnlyAdmin):
    list_display = ["ogr_code", "label", "nature", "category", "sub_category", "is_active"]
    list_filter = ["is_active", "nature", "category", "sub_category"]
    search_fields = ["label", "=ogr_code"]


@admin.register(Knowledge)
class KnowledgeAdmin(ReadOnlyAdmin):
    list_display = ["ogr_code", "label", "category", "is_active"]
    list_filter = ["is_active", "category"]
    search_fields = ["label"]


@admin.register(WorkContext)
class WorkContextAdmin(ReadOnlyAdmin):
    list_display = ["ogr_code", "label", "type_label", "is_active"]
    list_filter = ["type_label"]


@admin.register(EmploymentArea)
class EmploymentAreaAdmin(ReadOnlyAdmin):
    list_display = ["code", "label", "department", "region", "is_active"]
    search_fields = ["code", "label"]
