"""One shape for every error the API returns, in the language of the request:

    {"error": {"code": "stale_version", "message": "…", "fields": {"version": "…"}}}

``code`` is stable (programs branch on it), ``message`` is translated (Accept-Language: ar, en or
fr; Arabic by default), ``fields`` names the inputs at fault (dotted paths such as
``complainant.phone``), empty when the error is not about one input.

The complaint services' errors (insaf/complaints/errors.py) keep their own code and status;
ninja's validation errors become 422 ``invalid`` with one translated message per field; anything
unexpected is logged and becomes a JSON 500, never an HTML page.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from insaf.complaints.errors import CaseError

logger = logging.getLogger("insaf.api")

JSON_DUMPS_PARAMS: dict[str, Any] = {"ensure_ascii": False}
# Request bodies larger than this are refused with 413 before they are read (256 KiB; a complaint
# is at most 20,000 characters). Tests may lower it with the INSAF_API_MAX_BODY setting.
MAX_BODY_BYTES = 256 * 1024
BODY_FIELD = "body"

Message = str | Promise


class ApiError(Exception):
    """An error raised by the API layer itself (the services raise CaseError)."""

    code = "error"
    status = 400
    default_message: Message = _("The request could not be completed.")

    def __init__(
        self,
        message: Message | None = None,
        *,
        fields: Mapping[str, Message] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})
        super().__init__(str(self.message))


class Malformed(ApiError):
    code = "malformed"
    status = 400
    default_message = _("The request body is not valid JSON.")


class BadCharacters(ApiError):
    code = "malformed"
    status = 400
    default_message = _(
        "The request contains characters that cannot be accepted (NUL, or invalid Unicode)."
    )


class Unauthenticated(ApiError):
    code = "unauthenticated"
    status = 401
    default_message = _(
        "Authentication required: send a valid API token (Authorization: Bearer …), or use a "
        "signed-in session that passed the second factor."
    )


class CsrfFailed(ApiError):
    code = "csrf_failed"
    status = 403
    default_message = _("The CSRF check failed: send the X-CSRFToken header with the session.")


class RouteNotFound(ApiError):
    code = "not_found"
    status = 404
    default_message = _("There is no such address in the API.")


class MethodNotAllowed(ApiError):
    code = "method_not_allowed"
    status = 405
    default_message = _("This method is not allowed at this address.")


class TooLarge(ApiError):
    code = "too_large"
    status = 413
    default_message = _("The request body is too large.")


class IdempotencyKeyReused(ApiError):
    code = "idempotency_key_reused"
    status = 422
    default_message = _("This Idempotency-Key was already used for a different request.")


class RateLimited(ApiError):
    code = "rate_limited"
    status = 429
    default_message = _("Too many requests from this address. Try again later.")


class ServerError(ApiError):
    code = "server_error"
    status = 500
    default_message = _("Something went wrong on our side. Nothing was saved; try again later.")


def error_body(
    code: str, message: Message, fields: Mapping[str, Message] | None = None
) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": str(message),
            "fields": {name: str(text) for name, text in (fields or {}).items()},
        }
    }


def error_response(
    status: int,
    code: str,
    message: Message,
    fields: Mapping[str, Message] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JsonResponse:
    response = JsonResponse(
        error_body(code, message, fields), status=status, json_dumps_params=JSON_DUMPS_PARAMS
    )
    for name, value in (headers or {}).items():
        response[name] = value
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="insaf"'
    patch_cache_control(response, no_store=True, private=True)
    return response


def api_error_response(error: ApiError | CaseError) -> JsonResponse:
    headers = error.headers if isinstance(error, ApiError) else {}
    return error_response(error.status, error.code, error.message, error.fields, headers)


# --- Validation errors ---------------------------------------------------------------------------

_VALIDATION_MESSAGES: dict[str, Message] = {
    "missing": _("This field is required."),
    "extra_forbidden": _("Unknown field."),
    "string_type": _("Give a text value."),
    "string_too_short": _("Too short: give at least %(min_length)s characters."),
    "string_too_long": _("Too long: give at most %(max_length)s characters."),
    "string_pattern_mismatch": _("This value does not have the expected format."),
    "bool_type": _("Give true or false."),
    "bool_parsing": _("Give true or false."),
    "int_type": _("Give a whole number."),
    "int_parsing": _("Give a whole number."),
    "int_from_float": _("Give a whole number."),
    "greater_than": _("Give a number greater than %(gt)s."),
    "greater_than_equal": _("Give a number of at least %(ge)s."),
    "less_than": _("Give a number less than %(lt)s."),
    "less_than_equal": _("Give a number of at most %(le)s."),
    "literal_error": _("Choose one of: %(choices)s."),
    "enum": _("Choose one of: %(choices)s."),
    "datetime_type": _("Give a date and time in ISO 8601 format."),
    "datetime_parsing": _("Give a date and time in ISO 8601 format."),
    "datetime_from_date_parsing": _("Give a date and time in ISO 8601 format."),
    "timezone_aware": _("Give the time zone too, for example 2025-03-01T10:30:00+03:00."),
    "list_type": _("Give a list."),
    "too_long": _("Too many items: at most %(max_length)s."),
    "model_type": _("Give a JSON object."),
    "model_attributes_type": _("Give a JSON object."),
    "dict_type": _("Give a JSON object."),
    "json_invalid": _("The request body is not valid JSON."),
}
_INVALID_VALUE = _("This value is not valid.")
_BODY_NOT_OBJECT = _("Send a JSON object.")
_QUOTED = re.compile(r"'([^']*)'")
# Where ninja says a value came from; not part of the field name a client sees.
_SOURCES = frozenset({"body", "query", "path", "header", "cookie", "form", "file"})


def field_name(loc: Iterable[Any], body_params: Iterable[str] = ("payload",)) -> str:
    """``("body", "payload", "complainant", "phone")`` → ``complainant.phone``."""
    parts = [str(part) for part in loc]
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if source == "body" and parts and parts[0] in set(body_params):
            parts.pop(0)
    return ".".join(parts)


def field_message(error: Mapping[str, Any]) -> str:
    template = _VALIDATION_MESSAGES.get(str(error.get("type", "")), _INVALID_VALUE)
    context = dict(error.get("ctx") or {})
    if "expected" in context:
        context["choices"] = ", ".join(_QUOTED.findall(str(context["expected"]))) or str(
            context["expected"]
        )
    try:
        return str(template) % context if "%(" in str(template) else str(template)
    except (KeyError, TypeError, ValueError):
        return str(_INVALID_VALUE)


def validation_fields(errors: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """One message per field (the first pydantic reported for it)."""
    fields: dict[str, str] = {}
    for error in errors:
        name = field_name(error.get("loc", ()))
        if name:
            fields.setdefault(name, field_message(error))
        else:
            # The body as a whole: missing, or not a JSON object.
            fields.setdefault(BODY_FIELD, str(_BODY_NOT_OBJECT))
    return fields


# --- Ninja exception handlers --------------------------------------------------------------------


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        return api_error_response(Unauthenticated())
    if isinstance(exc, Throttled):
        headers = {"Retry-After": str(int(exc.wait))} if exc.wait else {}
        return api_error_response(RateLimited(headers=headers))
    if exc.status_code == 400:
        # ninja raises this for a body it cannot parse (the parser's own error is the cause); an
        # oversized body shows up here too when it slipped past the Content-Length check.
        if isinstance(exc.__cause__, ApiError):
            return api_error_response(exc.__cause__)
        if _body_too_large(request):
            return api_error_response(TooLarge())
        return api_error_response(Malformed())
    known: dict[int, type[ApiError]] = {
        403: CsrfFailed,
        404: RouteNotFound,
        405: MethodNotAllowed,
        413: TooLarge,
        429: RateLimited,
    }
    error_class = known.get(exc.status_code)
    if error_class is not None:
        return api_error_response(error_class())
    return error_response(exc.status_code, "error", ApiError.default_message)


def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return error_response(
        422,
        "invalid",
        _("Some of the information given is not valid."),
        validation_fields(exc.errors),
    )


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.error(
        "Unexpected error answering %s %s",
        request.method,
        request.path,
        exc_info=(type(exc), exc, exc.__traceback__),
    )
    # Lets Django's error reporting (and the test client) see the exception.
    got_request_exception.send(sender=None, request=request)
    return api_error_response(ServerError())


def _handle(request: HttpRequest, exc: Any) -> HttpResponse:
    if isinstance(exc, ApiError | CaseError):
        return api_error_response(exc)
    if isinstance(exc, ValidationError):
        return _validation_error(request, exc)
    if isinstance(exc, HttpError):
        return _http_error(request, exc)
    if isinstance(exc, Http404):
        return api_error_response(RouteNotFound())
    return _unexpected(request, exc)


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers with the shape above."""
    for exception_class in (ApiError, CaseError, ValidationError, HttpError, Http404, Exception):
        api.add_exception_handler(exception_class, _handle)


# --- Around every API view -----------------------------------------------------------------------


def max_body_bytes() -> int:
    return int(getattr(settings, "INSAF_API_MAX_BODY", MAX_BODY_BYTES))


def _declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


# Uploads (addresses ending in /files) may carry a file as large as a case accepts, plus the form.
UPLOAD_OVERHEAD_BYTES = 64 * 1024


def _body_too_large(request: HttpRequest) -> bool:
    limit = max_body_bytes()
    if request.method == "POST" and request.path.rstrip("/").endswith("/files"):
        limit = int(settings.INSAF_ATTACHMENT_MAX_BYTES) + UPLOAD_OVERHEAD_BYTES
    return _declared_length(request) > limit


def guard(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap a view of the API: refuse oversized bodies before reading them (413), turn ninja's
    plain-text 405 into the JSON shape, and keep answers out of shared caches (they may carry
    a receipt code or personal data)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if _body_too_large(request):
            response: HttpResponseBase = api_error_response(TooLarge())
        else:
            try:
                response = view(request, *args, **kwargs)
            except Http404:
                # Raised by views outside ninja's handlers (the API root, a docs asset).
                response = api_error_response(RouteNotFound())
            if response.status_code == 405 and not _is_json(response):
                allowed = response.get("Allow", "")
                response = api_error_response(MethodNotAllowed())
                if allowed:
                    response["Allow"] = allowed
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response

    wrapper.csrf_exempt = True  # type: ignore[attr-defined]
    return wrapper


def _is_json(response: HttpResponseBase) -> bool:
    return str(response.get("Content-Type", "")).startswith("application/json")


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any address under /api/v1/ that no endpoint answers."""
    return api_error_response(RouteNotFound())


not_found.csrf_exempt = True  # type: ignore[attr-defined]

__all__ = ["ApiError", "error_response", "guard", "install", "not_found"]
