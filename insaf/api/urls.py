"""The API at /api/v1/: OpenAPI description at /api/v1/openapi.json, interactive documentation at
/api/v1/docs (served from this node, no third-party host: nodes may run offline).

Every view is wrapped by ``errors.guard`` (body size limit, JSON errors, no caching), and any other
address under /api/v1/ is a JSON 404.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path
from typing import Any

import ninja
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path, re_path
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.types import DictStrAny

from insaf.api import errors, public, search, staff

DESCRIPTION = """\
Complaints and petitions for interior ministries.

- Public endpoints (no sign-in): file a case, then follow it with its reference and receipt code.
  Rate-limited per client address; send `Idempotency-Key` when filing so that a retry never
  files twice.
- Staff endpoints: `Authorization: Bearer <token>` (`insaf api token create USERNAME`), or a
  signed-in session that passed the second factor (with `X-CSRFToken` on POST).

Every error is `{"error": {"code", "message", "fields"}}`, the message in the language asked for
with `Accept-Language` (ar, en, fr; Arabic by default).
"""

_NINJA_STATIC = Path(ninja.__file__).resolve().parent / "static" / "ninja"
DOCS_ASSETS = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-init.js"})


class Renderer(JSONRenderer):
    json_dumps_params = errors.JSON_DUMPS_PARAMS


class StrictJsonParser(Parser):
    """JSON bodies whose strings can all be stored: no NUL character (PostgreSQL text refuses
    it) and no unpaired surrogate (not encodable as UTF-8)."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        data = json.loads(request.body)
        pending = [data]
        while pending:
            value = pending.pop()
            if isinstance(value, str):
                if "\x00" in value or not _encodable(value):
                    raise errors.BadCharacters()
            elif isinstance(value, dict):
                pending.extend(value.keys())
                pending.extend(value.values())
            elif isinstance(value, list):
                pending.extend(value)
        return data  # type: ignore[no-any-return]


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class OfflineSwagger(DocsBase):
    """Swagger UI from the copy shipped with django-ninja, without inline scripts (the pages'
    Content-Security-Policy allows neither those nor other hosts)."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
        }
        response = render(request, "api/docs.html", {"api": api, "swagger_settings": settings})
        response["Cache-Control"] = "no-cache"
        return response


def docs_asset(request: HttpRequest, name: str) -> FileResponse:
    if name not in DOCS_ASSETS:
        raise Http404(name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse((_NINJA_STATIC / name).open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


api = NinjaAPI(
    title="Insaf API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    renderer=Renderer(),
    parser=StrictJsonParser(),
    docs=OfflineSwagger(),
)
api.add_router("", public.router)
api.add_router("", staff.router)
api.add_router("", search.router)
errors.install(api)


def _guarded(
    patterns: list[URLPattern | URLResolver],
) -> list[URLPattern | URLResolver]:
    return [
        URLPattern(p.pattern, errors.guard(p.callback), p.default_args, p.name)
        if isinstance(p, URLPattern)
        else p
        for p in patterns
    ]


_patterns, _app_name, _namespace = api.urls

urlpatterns = [
    path(
        "",
        (
            [
                path("docs/assets/<str:name>", errors.guard(docs_asset), name="docs-asset"),
                *_guarded(_patterns),
            ],
            _app_name,
            _namespace,
        ),
    ),
    re_path(r"", errors.not_found),
]
