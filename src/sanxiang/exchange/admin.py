"""Admin: endpoints and inbound sources are edited here (model-configured exchange); messages,
deliveries, received messages, tokens and import runs are read-only — their changes go through
the services (retry/skip/replay in the exchange pages, tokens with `sanxiang manage exchange_token`)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sanxiang.exchange.models import (
    Delivery,
    Endpoint,
    ImportRun,
    InboundSource,
    OutboxMessage,
    ReceivedMessage,
    SystemToken,
)


class SecretForm(forms.ModelForm):
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), min_length=16)


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = SecretForm
    list_display = ["name", "kind", "url", "active", "batch_size", "max_attempts"]
    list_filter = ["kind", "active"]
    readonly_fields = ["lease_owner", "lease_until"]


@admin.register(InboundSource)
class InboundSourceAdmin(admin.ModelAdmin):
    form = SecretForm
    list_display = ["name", "active", "note"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PayloadHiddenAdmin(ReadOnlyAdmin):
    """Message payloads can hold personal data (parties' names, ID numbers, addresses), and the
    admin site is not a logged, scoped door: it shows the payload's shape, never its values
    (security review finding F4). The scoped, logged doors are the exchange pages and API."""

    exclude = ["payload"]
    readonly_fields = ["payload_shape"]

    @admin.display(description=gettext_lazy("内容（已隐藏）"))
    def payload_shape(self, obj):
        payload = obj.payload
        if isinstance(payload, dict):
            return _("字段：%(keys)s（内容不在管理后台显示）") % {
                "keys": "、".join(sorted(map(str, payload)))
            }
        return _("内容不在管理后台显示")


@admin.register(OutboxMessage)
class OutboxMessageAdmin(PayloadHiddenAdmin):
    list_display = ["id", "topic", "key", "key_seq", "agency", "created_at"]
    list_filter = ["topic"]
    search_fields = ["key"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["message", "endpoint", "status", "attempts", "next_attempt_at", "delivered_at"]
    list_filter = ["status", "endpoint"]


@admin.register(ReceivedMessage)
class ReceivedMessageAdmin(PayloadHiddenAdmin):
    list_display = ["received_at", "source", "topic", "key", "key_seq"]
    list_filter = ["source", "topic"]
    search_fields = ["key"]


@admin.register(SystemToken)
class SystemTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "prefix", "user", "active", "expires_at", "last_used_at"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "kind", "filename", "status", "rows", "error_count", "actor"]
    list_filter = ["kind", "status", "dry_run"]
