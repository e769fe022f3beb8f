from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from santelocale.accounts.models import Membership, Organisation, User
from santelocale.accounts.privacy import erase_person


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        ("Droits", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    actions = ["erase_personal_data"]

    @admin.action(description="Effacer les données personnelles (droit à l’effacement)")
    def erase_personal_data(self, request, queryset):
        for user in list(queryset):
            erasure = erase_person(email=user.email)
            self.message_user(request, erasure.summary, messages.SUCCESS)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "department", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "siren"]
    autocomplete_fields = ["region", "department", "commune", "epci"]
    inlines = [MembershipInline]
