"""Domain errors: a stable code for machines, a Chinese message for people.

Every refusal in a service raises one of these. The API answers with `{"code", "message"}` (and
`field` when one input caused it); the web UI shows the message beside the field or button.
Codes are dotted and stable (`review.gate.not_passed`); messages may be reworded.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused the request; nothing was changed."""

    status = 409

    def __init__(self, code: str, message: str, *, field: str | None = None, **details: Any):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = str(message)
        self.field = field
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        if self.details:
            body["details"] = self.details
        return body


class InvalidInput(DomainError):
    """The input itself is malformed (a bad date, a forged ID number): HTTP 422."""

    status = 422


class Forbidden(DomainError):
    """The actor may not do this at all (role or scope): HTTP 403."""

    status = 403


class NotFound(DomainError):
    """Missing, or not visible to the actor — deliberately indistinguishable: HTTP 404."""

    status = 404

    def __init__(self, code: str = "not_found", message: str = _("对象不存在或无权访问。"), **kw: Any):
        super().__init__(code, message, **kw)


class InsufficientStorage(DomainError):
    """The file store is full: nothing was stored or recorded; retry once space is freed: HTTP 507."""

    status = 507
