"""Errors raised by the complaint services. Each carries a stable code, an HTTP status for the API
and a translated message; ``fields`` names the inputs at fault, when there are any."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class CaseError(Exception):
    code = "error"
    status = 400
    default_message: str | Promise = _("The request could not be completed.")

    def __init__(
        self, message: str | Promise | None = None, *, fields: dict[str, str] | None = None
    ) -> None:
        self.message = message or self.default_message
        self.fields = fields or {}
        super().__init__(str(self.message))


class InvalidInput(CaseError):
    code = "invalid"
    status = 422
    default_message = _("Some of the information given is not valid.")


class NotFound(CaseError):
    code = "not_found"
    status = 404
    default_message = _("No such case, or the code does not match.")


class Forbidden(CaseError):
    code = "forbidden"
    status = 403
    default_message = _("You may not do this on this case.")


class StaleVersion(CaseError):
    code = "stale_version"
    status = 409
    default_message = _("The case was changed by someone else. Reload it and try again.")


class TransitionNotAllowed(CaseError):
    code = "transition_not_allowed"
    status = 409
    default_message = _("This step is not possible in the case's current status.")
