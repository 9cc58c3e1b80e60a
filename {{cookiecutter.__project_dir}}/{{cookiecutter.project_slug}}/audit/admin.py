from django.contrib import admin

from .models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """Read-only: the record of what happened cannot be edited or deleted from the admin."""

    list_display = ("timestamp", "event", "outcome", "user_id", "client_ip", "path")
    list_filter = ("event", "outcome")
    search_fields = ("request_id", "client_ip", "path")
    date_hierarchy = "timestamp"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
