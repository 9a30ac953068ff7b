"""Staff search and the related and duplicate cases of a case (insaf/search/).

Searching runs inside the user's scope (the same selectors as the pages); a case the user cannot
see is never counted, ranked or shown.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from insaf.api.auth import STAFF_AUTH, acting_user
from insaf.api.schemas import LinkIn, MergeIn, SearchFilters, SearchOut, SimilarCasesOut
from insaf.api.staff import CASE, ERRORS, _detail, _reference, _summary
from insaf.complaints.errors import InvalidInput
from insaf.complaints.models import Complaint
from insaf.complaints.selectors import case_for
from insaf.search.query import QueryError
from insaf.search.services import Filters, search
from insaf.search.similar import Suggestion, case_link, case_merge, links_of, similar_cases

router = Router(tags=["search"], auth=STAFF_AUTH)


@router.get("/search", response={200: SearchOut, **ERRORS}, summary="Search cases")
def search_cases(request: HttpRequest, params: Query[SearchFilters]) -> dict[str, Any]:
    """Cases matching the query in the user's scope, best first, each with a highlighted snippet.
    Every word matches in any of its forms: with or without hamza, ة or ه, the article and other
    clitics, Arabic-Indic digits, Arabizi."""
    user = acting_user(request)
    filters = Filters(
        status=tuple(params.status),
        kind=tuple(params.kind),
        category=tuple(params.category),
        priority=tuple(params.priority),
        grave=params.grave,
        vulnerable=tuple(params.vulnerable),
        country=params.country.upper() if params.country else None,
        unit=params.unit,
        received_from=params.received_from,
        received_to=params.received_to,
    )
    try:
        results = search(
            params.q, user=user, filters=filters, limit=params.limit, offset=params.offset
        )
    except QueryError:
        raise InvalidInput(
            fields={"q": _("The query has no word to look for (only common words or exclusions).")}
        ) from None
    items = []
    for hit in results.hits:
        case = hit.complaint
        items.append(
            {
                **_summary(case),
                "external_id": case.external_id,
                "score": hit.score,
                "snippet": hit.snippet,
                "exact": hit.exact,
                "matched": hit.reason or None,
            }
        )
    return {"items": items, "limit": params.limit, "offset": params.offset}


def _suggestion(item: Suggestion) -> dict[str, Any]:
    case = item.complaint
    return {
        "reference": case.reference,
        "subject": case.subject,
        "status": case.status,
        "received_at": case.received_at,
        "reason": item.reason,
        "score": round(item.score, 3),
    }


@router.get(
    "/cases/{reference}/similar",
    response={200: SimilarCasesOut, **ERRORS},
    summary="Likely duplicates, related cases and links",
)
def similar(request: HttpRequest, reference: str) -> dict[str, Any]:
    user = acting_user(request)
    case = case_for(user, _reference(reference))
    found = similar_cases(user, case)
    links = []
    for link, other in links_of(user, case):
        links.append(
            {
                "reference": other.reference,
                "kind": link.kind,
                "direction": "to" if link.complaint_id == case.pk else "from",
                "note": link.note,
                "created_by": link.created_by.get_username(),
                "created_at": link.created_at,
            }
        )
    return {
        "duplicates": [_suggestion(s) for s in found.duplicates],
        "related": [_suggestion(s) for s in found.related],
        "links": links,
    }


@router.post("/cases/{reference}/links", response=CASE, summary="Link to another case")
def link(request: HttpRequest, reference: str, payload: LinkIn) -> dict[str, Any]:
    user = acting_user(request)
    case: Complaint = case_for(user, _reference(reference))
    case_link(
        actor=user,
        complaint_id=case.pk,
        other_reference=_reference(payload.other),
        kind=payload.kind,
        note=payload.note,
    )
    return _detail(user, case.reference)


@router.post("/cases/{reference}/merge", response=CASE, summary="Merge a duplicate into a case")
def merge(request: HttpRequest, reference: str, payload: MergeIn) -> dict[str, Any]:
    """Close this case as a duplicate of ``into`` (which stays open and continues the handling);
    the two are linked. ``version`` must be the one last seen (409 otherwise)."""
    user = acting_user(request)
    case = case_for(user, _reference(reference))
    case_merge(
        actor=user,
        complaint_id=case.pk,
        version=payload.version,
        into_reference=_reference(payload.into),
        note=payload.note,
    )
    return _detail(user, case.reference)
