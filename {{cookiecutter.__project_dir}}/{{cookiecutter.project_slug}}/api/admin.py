from django.contrib import admin

from ..accounts.admin import PasswordAgainToChange
from ..audit.events import Event, Outcome, record
from .models import Token


@admin.register(Token)
class TokenAdmin(PasswordAgainToChange, admin.ModelAdmin):
    """Staff with api.delete_token revoke any token; nobody creates or changes one here: a token is
    made by its owner, in a session that passed a second factor (api/tokens.py)."""

    list_display = ("name", "user", "scope", "created", "expiry", "first_used")
    list_select_related = ("user",)
    list_filter = ("scope",)
    search_fields = ("name", "user__email")
    fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        revoked(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        revoked(request, queryset)
        super().delete_queryset(request, queryset)


def revoked(request, tokens):
    for token in tokens:
        record(Event.API_TOKEN_REVOKED, Outcome.SUCCESS, request, owner_id=token.user_id, name=token.name, by="staff")
