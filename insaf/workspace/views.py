"""The staff workspace: the queues, a case with everything an officer does on it, and bulk
assignment.

Reads go through the selectors (insaf/complaints/selectors.py) and writes through the services,
exactly as the staff API does: scoping is a WHERE clause, every change carries the version the
officer saw (a stale one is refused with 409 and changes nothing), and the timeline and the audit
trail are written by the services. Identities are shown only on the answer to a reasoned reveal,
never stored in the session or put in a link.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

import openpyxl
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from insaf.accounts.access import memberships_of, roles_of, staff_for
from insaf.accounts.models import User
from insaf.accounts.roles import DASHBOARD_ROLES, LEXICON_ROLES, Role
from insaf.api.public import download
from insaf.complaints import transitions
from insaf.complaints.enums import EventType, Status
from insaf.complaints.errors import CaseError, InvalidInput, NotFound
from insaf.complaints.models import CaseEvent, Complaint
from insaf.complaints.selectors import (
    can_see_identity,
    case_for,
    cases_for,
    oversight_queue_for,
    queue_for,
)
from insaf.complaints.services import (
    LabelChanges,
    complaint_assign,
    complaint_correct_labels,
    complaint_message,
    complaint_note,
    complaint_transition,
    identity_reveal,
)
from insaf.complaints.services.attachments import (
    Upload,
    attachment_add,
    attachment_open,
    attachments_of,
)
from insaf.complaints.services.workflow import transitions_for
from insaf.core.models import Country
from insaf.search import lexicon
from insaf.search.concepts import (
    CONTEXT_CONCEPTS,
    LABEL_FACETS,
    UNREADABLE,
    Concept,
    label_name,
)
from insaf.search.models import ConceptTerm
from insaf.search.query import QueryError
from insaf.search.services import Filters, search
from insaf.search.similar import case_link, case_merge, links_of, similar_cases
from insaf.text.concepts import LexiconError, read_terms
from insaf.triage.labels import Vulnerable, vulnerable_mask
from insaf.workspace import charts, dashboard
from insaf.workspace.evidence import marked
from insaf.workspace.forms import (
    LANGUAGE_CHOICES,
    MERGE,
    AssignForm,
    BulkAssignForm,
    ConceptForm,
    ConceptTermForm,
    FileForm,
    LabelsForm,
    LinkForm,
    MessageForm,
    NoteForm,
    QueueFilters,
    RevealForm,
    TransitionForm,
)

View = Callable[..., HttpResponse]
PAGE = 50

# What the officer sees on each transition's button.
TRANSITION_LABELS: dict[str, Any] = {
    "start": gettext_lazy("Start work"),
    "request_info": gettext_lazy("Ask the filer"),
    "receive_info": gettext_lazy("Information received"),
    "resolve": gettext_lazy("Resolve"),
    "not_uphold": gettext_lazy("Not upheld"),
    "refer": gettext_lazy("Refer to a partner institution"),
    "withdraw": gettext_lazy("Withdraw for the filer"),
    "merge": gettext_lazy("Close as duplicate"),
    "close": gettext_lazy("Close"),
    "uphold": gettext_lazy("Uphold the decision"),
    "overturn": gettext_lazy("Overturn the decision"),
}
# Transitions that need a message to the filer (the decision's reasons, the question).
NEEDS_MESSAGE = frozenset({"request_info", "resolve", "not_uphold", "refer", "uphold", "overturn"})


def _supervises(user: User) -> bool:
    return bool(roles_of(user) & transitions.SUPERVISORS)


def _officers(user: User) -> QuerySet[User]:
    """The staff this user may assign cases to (the service checks each case again)."""
    workers = transitions.WORKERS | transitions.SUPERVISORS
    return (
        staff_for(user)
        .filter(is_active=True, memberships__role__in=[str(r) for r in workers])
        .distinct()
        .order_by("username")
    )


# --- Queues --------------------------------------------------------------------------------------


def _queue(user: User, view: str) -> QuerySet[Complaint]:
    cases = queue_for(user)
    if view == "mine":
        return cases.filter(handling_officer=user)
    if view == "unit":
        units = [m.unit_id for m in memberships_of(user) if m.unit_id is not None]
        return (
            cases.filter(Q(handling_unit_id__in=units) | Q(reviewing_unit_id__in=units))
            if (units)
            else cases
        )
    if view == "oversight":
        return oversight_queue_for(user)
    if view == "overdue":
        now = timezone.now()
        return cases.filter(
            Q(resolve_due_at__lt=now) | Q(acknowledged_at__isnull=True, ack_due_at__lt=now)
        )
    return cases


def _ordered(cases: QuerySet[Complaint], sort: str) -> QuerySet[Complaint]:
    if sort == "deadline":
        return cases.order_by("resolve_due_at", "id")
    if sort == "newest":
        return cases.order_by("-received_at", "-id")
    if sort == "oldest":
        return cases.order_by("received_at", "id")
    return cases  # queue_for's urgency order


@dataclass(frozen=True)
class Row:
    case: Complaint
    snippet: str = ""
    overdue: bool = False
    reason: str = ""  # why a case found by meaning matched


def _node_timezone() -> str:
    """A national node's cases are all of its country: the queue shows their local time."""
    country = Country.objects.filter(pk=settings.INSAF_COUNTRY).only("timezone").first()
    return country.timezone if country else "UTC"


def _default_view(user: User) -> str:
    roles = roles_of(user)
    if Role.OVERSIGHT_OFFICER in roles:
        return "oversight"
    if roles == {Role.INVESTIGATOR}:
        return "mine"
    return "unit"


@never_cache
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    filters = QueueFilters(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    view = data.get("view") or _default_view(user)
    page = data.get("page") or 1
    now = timezone.now()
    rows: list[Row] = []
    more = False
    query = (data.get("q") or "").strip()
    if query:
        found_filters = Filters(
            status=(data["status"],) if data.get("status") else tuple(transitions.OPEN),
            priority=(data["priority"],) if data.get("priority") else (),
            category=(data["category"],) if data.get("category") else (),
            vulnerable=(data["vulnerable"],) if data.get("vulnerable") else (),
        )
        try:
            results = search(
                query, user=user, filters=found_filters, limit=PAGE + 1, offset=(page - 1) * PAGE
            )
        except QueryError:
            filters.add_error(
                "q", _("The query has no word to look for (only common words or exclusions).")
            )
        else:
            hits = results.hits
            more = len(hits) > PAGE
            rows = [Row(hit.complaint, hit.snippet, reason=hit.reason) for hit in hits[:PAGE]]
    else:
        cases = _queue(user, view)
        for name in ("status", "priority", "category"):
            if data.get(name):
                cases = cases.filter(**{name: data[name]})
        if data.get("vulnerable"):
            bit = vulnerable_mask([data["vulnerable"]])
            cases = cases.alias(group=F("vulnerable_mask").bitand(bit)).filter(group__gt=0)
        cases = _ordered(cases, data.get("sort") or "urgency")
        found = list(cases[(page - 1) * PAGE : page * PAGE + 1])
        more = len(found) > PAGE
        rows = [Row(case) for case in found[:PAGE]]
    rows = [
        Row(
            row.case,
            row.snippet,
            overdue=bool(row.case.resolve_due_at and row.case.resolve_due_at < now),
            reason=row.reason,
        )
        for row in rows
    ]
    supervisor = _supervises(user)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "workspace/queue.html",
        {
            "filters": filters,
            "view": view,
            "views": [(key, label) for key, label in filters.fields["view"].choices],  # type: ignore[attr-defined]
            "rows": rows,
            "query": query,
            "page": page,
            "more": more,
            "params": params.urlencode(),
            "supervisor": supervisor,
            "officers": _officers(user) if supervisor else [],
            "now": now,
            "tz": _node_timezone(),
        },
    )


@require_POST
@login_required
def bulk_assign(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    references = request.POST.getlist("cases")
    form = BulkAssignForm(request.POST, officers=_officers(user), references=references)
    back = request.POST.get("next") or reverse("workspace:queue")
    if not back.startswith("/work/"):
        back = reverse("workspace:queue")
    if not form.is_valid():
        messages.error(request, _("Choose at least one case and an officer."))
        return redirect(back)
    officer = form.cleaned_data["officer"]
    done, refused = [], []
    for reference in form.cleaned_data["cases"]:
        try:
            case = case_for(user, reference)
            version = int(request.POST.get(f"version-{reference}") or 0)
            complaint_assign(actor=user, complaint_id=case.pk, version=version, officer=officer)
        except (CaseError, ValueError) as error:
            message = error.message if isinstance(error, CaseError) else error
            refused.append(f"{reference}: {message}")
        else:
            done.append(reference)
    if done:
        messages.success(
            request,
            _("Assigned to %(officer)s: %(cases)s.")
            % {"officer": officer.get_username(), "cases": ", ".join(done)},
        )
    for line in refused:
        messages.error(request, line)
    return redirect(back)


# --- A case --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    form: TransitionForm
    needs_message: bool


@dataclass(frozen=True)
class Entry:
    event: CaseEvent
    title: str


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


def _timeline(case: Complaint) -> list[Entry]:
    entries = []
    events = CaseEvent.objects.filter(complaint=case).select_related("actor")
    for event in events.order_by("created_at", "id"):
        title = str(EventType(event.type).label) if event.type in EventType.values else event.type
        if event.to_status:
            title = f"{title}: {_status_label(event.to_status)}"
        entries.append(Entry(event, title))
    return entries


SOURCES: dict[str, Any] = {
    "triage": gettext_lazy("Triage"),
    "officer": gettext_lazy("Officer"),
    "filer": gettext_lazy("Filer"),
}


def _evidence_label(key: str) -> str:
    """``category`` → Category; ``vulnerable.child`` → Vulnerable group: Child (under 18)."""
    if key.startswith("vulnerable."):
        group = key.split(".", 1)[1]
        name = Vulnerable(group).label if group in Vulnerable.values else group
        return _("Vulnerable group: %(group)s") % {"group": name}
    names = {"kind": _("Kind"), "category": _("Category"), "grave": _("Grave")}
    return names.get(key, key)


def _case_page(
    request: HttpRequest,
    reference: str,
    *,
    status: int = 200,
    identities: list[Any] | None = None,
    bound: dict[str, forms.Form] | None = None,
) -> HttpResponse:
    bound = bound or {}
    user: User = request.user  # type: ignore[assignment]
    # One read, in the user's scope (as case_for), with what the page shows of the case.
    case = (
        cases_for(user)
        .select_related(
            "country",
            "handling_unit",
            "handling_officer",
            "reviewing_unit",
            "unit_complained_about",
        )
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise Http404()
    version = {"version": case.version}
    details = case.triage_details or {}
    evidence: dict[str, list[str]] = details.get("evidence") or {}
    allowed = transitions_for(user, case)
    actions = [
        Action(
            name=name,
            label=str(TRANSITION_LABELS.get(name, name)),
            form=TransitionForm(initial={**version, "name": name}, prefix=f"t-{name}"),
            needs_message=name in NEEDS_MESSAGE,
        )
        for name in allowed
        if name not in {"merge", "request_info"}
    ]
    can_assign = _supervises(user) and case.status in (transitions.OPEN - {Status.RECEIVED})
    can_work = bool(roles_of(user) & (transitions.WORKERS | transitions.SUPERVISORS))
    similar = similar_cases(user, case)
    context = {
        "case": case,
        "tz": case.country.timezone,
        "now": timezone.now(),
        "pieces": marked(case.text, evidence),
        "evidence": [(_evidence_label(key), words) for key, words in sorted(evidence.items())],
        "confidence": details.get("confidence") or {},
        "sources": {
            key: SOURCES.get(str(value), value) for key, value in (case.label_sources or {}).items()
        },
        "vulnerable_labels": [Vulnerable(v).label for v in case.vulnerable],
        "timeline": _timeline(case),
        "files": attachments_of(case, public_only=False),
        "actions": actions,
        "ask_allowed": "request_info" in allowed,
        "can_assign": can_assign,
        "can_work": can_work,
        "can_reply": can_work and case.status in transitions.OPEN | transitions.DECIDED,
        "can_see_identity": can_see_identity(user, case),
        "identities": identities,
        "similar": similar,
        "links": links_of(user, case),
        "assign_form": bound.get("assign_form")
        or (AssignForm(initial=version, officers=_officers(user)) if can_assign else None),
        "note_form": bound.get("note_form") or NoteForm(),
        "message_form": bound.get("message_form") or MessageForm(initial=version),
        "labels_form": bound.get("labels_form")
        or LabelsForm(
            initial={
                **version,
                "kind": case.kind,
                "category": case.category,
                "grave": case.grave,
                "vulnerable": case.vulnerable,
            }
        ),
        "reveal_form": bound.get("reveal_form") or RevealForm(),
        "link_form": bound.get("link_form") or LinkForm(),
        "file_form": bound.get("file_form") or FileForm(),
        "error_form": next((f for f in bound.values() if f.errors), None),
    }
    return render(request, "workspace/case.html", context, status=status)


@never_cache
@login_required
def case_page(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_page(request, reference.upper())


def _refused(
    request: HttpRequest, reference: str, form: forms.Form, error: CaseError, key: str
) -> HttpResponse:
    """A service's refusal, on the form that asked (stale versions say to reload)."""
    if error.fields:
        for field, message in error.fields.items():
            form.add_error(field if field in form.fields else None, str(message))
    else:
        form.add_error(None, str(error.message))
    return _case_page(request, reference, status=error.status, bound={key: form})


def _visible(request: HttpRequest, reference: str) -> Complaint:
    try:
        return case_for(request.user, reference.upper())
    except NotFound:
        raise Http404() from None


def _done(request: HttpRequest, case: Complaint, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("workspace:case", reference=case.reference)


# Does one change to the case (a service call) and says what was done.
Act = Callable[[User, Complaint, dict[str, Any]], str]


def _act(
    request: HttpRequest, reference: str, form: forms.Form, key: str, act: Act
) -> HttpResponse:
    """One change an officer makes: the form, the service, then back to the case with a message;
    a refusal (a stale version: 409) is shown on the form that asked, and changes nothing."""
    case = _visible(request, reference)
    if not form.is_valid():
        return _case_page(request, case.reference, status=422, bound={key: form})
    try:
        done = act(request.user, case, form.cleaned_data)  # type: ignore[arg-type]
    except CaseError as error:
        return _refused(request, case.reference, form, error, key)
    return _done(request, case, done)


@require_POST
@login_required
def case_transition(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    def act(actor: User, case: Complaint, data: dict[str, Any]) -> str:
        if data["name"] != name:
            raise InvalidInput(_("Reload the case and try again."))
        message = data["message"].strip()
        if name in NEEDS_MESSAGE and not message:
            raise InvalidInput(fields={"message": _("Write the message the filer will read.")})
        complaint_transition(
            actor=actor, complaint_id=case.pk, version=data["version"], name=name, message=message
        )
        return _("Done: %(step)s.") % {"step": TRANSITION_LABELS.get(name, name)}

    form = TransitionForm(request.POST, prefix=f"t-{name}")
    return _act(request, reference, form, "transition_form", act)


@require_POST
@login_required
def case_assign(request: HttpRequest, reference: str) -> HttpResponse:
    def act(actor: User, case: Complaint, data: dict[str, Any]) -> str:
        officer = data["officer"]
        complaint_assign(
            actor=actor, complaint_id=case.pk, version=data["version"], officer=officer
        )
        return _("Assigned to %(officer)s.") % {"officer": officer.get_username()}

    form = AssignForm(request.POST, officers=_officers(request.user))  # type: ignore[arg-type]
    return _act(request, reference, form, "assign_form", act)


@require_POST
@login_required
def case_note(request: HttpRequest, reference: str) -> HttpResponse:
    def act(actor: User, case: Complaint, data: dict[str, Any]) -> str:
        complaint_note(actor=actor, complaint_id=case.pk, body=data["body"])
        return _("Note added.")

    return _act(request, reference, NoteForm(request.POST), "note_form", act)


@require_POST
@login_required
def case_message(request: HttpRequest, reference: str) -> HttpResponse:
    def act(actor: User, case: Complaint, data: dict[str, Any]) -> str:
        complaint_message(
            actor=actor,
            complaint_id=case.pk,
            version=data["version"],
            body=data["body"],
            question=data["question"],
        )
        if data["question"]:
            return _("Your question was sent; the case awaits the filer's answer.")
        return _("Your message was sent to the filer.")

    return _act(request, reference, MessageForm(request.POST), "message_form", act)


@require_POST
@login_required
def case_labels(request: HttpRequest, reference: str) -> HttpResponse:
    def act(actor: User, case: Complaint, data: dict[str, Any]) -> str:
        vulnerable = list(data["vulnerable"])
        complaint_correct_labels(
            actor=actor,
            complaint_id=case.pk,
            version=data["version"],
            changes=LabelChanges(
                kind=data["kind"] if data["kind"] != case.kind else None,
                category=data["category"] if data["category"] != case.category else None,
                grave=data["grave"] if data["grave"] != case.grave else None,
                vulnerable=vulnerable if set(vulnerable) != set(case.vulnerable) else None,
            ),
        )
        return _("Labels corrected; priority and deadlines follow them.")

    return _act(request, reference, LabelsForm(request.POST), "labels_form", act)


@require_POST
@login_required
def case_link_add(request: HttpRequest, reference: str) -> HttpResponse:
    def act(actor: User, case: Complaint, data: dict[str, Any]) -> str:
        other = data["other"].strip().upper()
        if data["kind"] == MERGE:
            case_merge(
                actor=actor,
                complaint_id=case.pk,
                version=data["version"] or 0,
                into_reference=other,
                note=data["note"],
            )
            return _("Closed into %(other)s.") % {"other": other}
        case_link(
            actor=actor,
            complaint_id=case.pk,
            other_reference=other,
            kind=data["kind"],
            note=data["note"],
        )
        return _("Cases linked.")

    return _act(request, reference, LinkForm(request.POST), "link_form", act)


@require_POST
@login_required
def case_file_add(request: HttpRequest, reference: str) -> HttpResponse:
    def act(actor: User, case: Complaint, data: dict[str, Any]) -> str:
        upload = data["file"]
        attachment_add(
            complaint_id=case.pk, upload=Upload(stream=upload, name=upload.name or ""), actor=actor
        )
        return _("File attached.")

    return _act(request, reference, FileForm(request.POST, request.FILES), "file_form", act)


@never_cache
@require_POST
@login_required
def case_reveal(request: HttpRequest, reference: str) -> HttpResponse:
    case = _visible(request, reference)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case.reference, status=422, bound={"reveal_form": form})
    try:
        people = identity_reveal(
            actor=request.user,  # type: ignore[arg-type]
            complaint_id=case.pk,
            reason=form.cleaned_data["reason"],
        )
    except CaseError as error:
        return _refused(request, case.reference, form, error, "reveal_form")
    # Shown on this answer only: a reload does not show them again without a new reason.
    return _case_page(request, case.reference, identities=people)


@never_cache
@login_required
def case_file(request: HttpRequest, reference: str, file_id: int) -> FileResponse:
    case = _visible(request, reference)
    try:
        attachment, stream = attachment_open(
            attachment_id=file_id,
            actor=request.user,  # type: ignore[arg-type]
        )
    except NotFound:
        raise Http404() from None
    if attachment.complaint_id != case.pk:
        stream.close()
        raise Http404()
    return download(attachment, stream)


# --- Dashboard -----------------------------------------------------------------------------------

UNIT_COLUMNS: list[tuple[str, Any]] = [
    ("unit", gettext_lazy("Unit")),
    ("received", gettext_lazy("Received")),
    ("acknowledged", gettext_lazy("Acknowledged")),
    ("acknowledged_on_time", gettext_lazy("Acknowledged on time")),
    ("hours_to_acknowledge", gettext_lazy("Average hours to acknowledge")),
    ("decided", gettext_lazy("Decided")),
    ("decided_on_time", gettext_lazy("Decided on time")),
    ("days_to_decide", gettext_lazy("Average days to decide")),
    ("open_overdue", gettext_lazy("Open and overdue")),
]


def _for_roles(roles: frozenset[Role]) -> Callable[[View], View]:
    """A page for signed-in staff holding one of ``roles``; the others get the forbidden page
    (before the view reads anything)."""

    def decorate(view: View) -> View:
        @wraps(view)
        @login_required
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not roles_of(request.user) & roles:
                return render(request, "workspace/forbidden.html", status=403)
            return view(request, *args, **kwargs)

        return checked

    return decorate


def _weeks(request: HttpRequest) -> int:
    try:
        return min(52, max(4, int(request.GET.get("weeks", dashboard.WEEKS))))
    except ValueError:
        return dashboard.WEEKS


@never_cache
@_for_roles(DASHBOARD_ROLES)
def dashboard_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    weeks = _weeks(request)
    found = dashboard.figures(user, weeks=weeks)
    rtl = translation.get_language_bidi()
    week_label = _("Week of %(day)s")
    return render(
        request,
        "workspace/dashboard.html",
        {
            "figures": found,
            "weeks": weeks,
            "week_chart": charts.columns([(t.label[5:], t.value) for t in found.per_week], rtl=rtl),
            "week_rows": [(week_label % {"day": t.label}, t.value) for t in found.per_week],
            "vulnerable_chart": charts.rows(
                [(t.label, t.value) for t in found.vulnerable], rtl=rtl
            ),
            "columns": UNIT_COLUMNS,
        },
    )


def _unit_table(user: User, weeks: int) -> tuple[list[str], list[list[Any]]]:
    header = [str(label) for _key, label in UNIT_COLUMNS]
    body = [
        [
            round(value, 1) if isinstance(value, float) else value
            for value in (getattr(row, key) for key, _label in UNIT_COLUMNS)
        ]
        for row in dashboard.units_of(user, weeks=weeks)
    ]
    return header, body


@never_cache
@_for_roles(DASHBOARD_ROLES)
def dashboard_export(request: HttpRequest, extension: str) -> HttpResponse:
    """The per-unit table as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the
    Arabic) or XLSX (right to left when the page is)."""
    user: User = request.user  # type: ignore[assignment]
    if extension not in {"csv", "xlsx"}:
        raise Http404()
    header, body = _unit_table(user, _weeks(request))
    stamp = timezone.now().strftime("%Y%m%d")
    if extension == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(["" if v is None else v for v in row] for row in body)
        response = HttpResponse(
            "\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8"
        )
    else:
        workbook = openpyxl.Workbook()
        sheet = workbook.active or workbook.create_sheet()
        sheet.title = str(_("Units"))[:31]
        sheet.sheet_view.rightToLeft = translation.get_language_bidi()
        sheet.append(header)
        for row in body:
            sheet.append(row)
        output = io.BytesIO()
        workbook.save(output)
        response = HttpResponse(
            output.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="insaf-units-{stamp}.{extension}"'
    return response


# --- The concept lexicon -------------------------------------------------------------------------


def _concept_choices(concepts: dict[str, Concept]) -> list[tuple[str, str]]:
    """The concepts an administrator can choose, by name."""
    return sorted(((code, c.name()) for code, c in concepts.items()), key=lambda pair: pair[1])


def _concepts(request: HttpRequest) -> dict[str, Concept]:
    """The concepts with their names and labels; none, with the problem shown, when the names
    file does not follow the format."""
    try:
        return lexicon.concept_names()
    except UNREADABLE as error:
        messages.error(request, _files_problem(error))
        return {}


def _files_problem(error: LexiconError | OSError | csv.Error) -> str:
    """What an administrator is told when the lexicon files on the server do not follow the
    format (data/concepts edited by hand): the file, the line, and what is wrong there."""
    return _("The lexicon files cannot be read: %(problem)s. Nothing was changed.") % {
        "problem": lexicon.file_problem(error)
    }


def _lexicon_page(
    request: HttpRequest,
    concept: str,
    form: ConceptTermForm | None = None,
    status: int = 200,
    concepts: dict[str, Concept] | None = None,
    concept_form: ConceptForm | None = None,
    new_concept_form: ConceptForm | None = None,
    proposed: dict[str, str] | None = None,
) -> HttpResponse:
    if concepts is None:
        concepts = _concepts(request)
    choices = _concept_choices(concepts)
    concept = concept if concept in concepts else (choices[0][0] if choices else "")
    shown = concepts.get(concept)

    def named(spec: str) -> str:  # "category:corruption" → its name
        kind, _colon, value = spec.partition(":")
        return label_name(LABEL_FACETS.get(kind, ""), value)

    stored = lexicon.in_database()
    languages = dict(LANGUAGE_CHOICES)
    terms: list[dict[str, Any]]
    if stored:
        terms = [
            {
                "pk": t.pk,
                "text": t.text,
                "lang": languages.get(t.lang, t.lang),
                "note": t.note,
                "active": t.active,
            }
            for t in ConceptTerm.objects.filter(concept=concept)
        ]
    else:
        try:
            from_files = read_terms(lexicon.folder())
        except UNREADABLE as error:
            messages.error(request, _files_problem(error))
            from_files = []
        terms = [
            {
                "pk": None,
                "text": t.text,
                "lang": languages.get(t.lang, t.lang),
                "note": "",
                "active": True,
            }
            for t in from_files
            if t.concept == concept
        ]
    return render(
        request,
        "workspace/lexicon.html",
        {
            "concepts": choices,
            "concept": concept,
            "terms": terms,
            "stored": stored,
            "revision": lexicon.revision(),
            "form": form
            or ConceptTermForm(
                initial={"concept": concept, "lang": "ar", **(proposed or {})}, concepts=choices
            ),
            "proposals": [
                {
                    "pk": p.pk,
                    "text": p.text,
                    "label": named(p.label),
                    "cases": p.cases,
                    "share": round(100 * p.share),
                }
                for p in (lexicon.proposals_for(shown) if shown else [])
            ],
            "shown": shown,
            "context": bool(shown and shown.code in CONTEXT_CONCEPTS),
            "shown_labels": [label_name(*label) for label in shown.labels] if shown else [],
            "concept_form": concept_form
            or (ConceptForm(initial=ConceptForm.initial_for(shown), new=False) if shown else None),
            "new_concept_form": new_concept_form or ConceptForm(new=True, prefix="new"),
        },
        status=status,
    )


@never_cache
@_for_roles(LEXICON_ROLES)
def lexicon_page(request: HttpRequest) -> HttpResponse:
    # "Use" on a proposed term: the form to add it, filled in.
    term = request.GET.get("term", "").strip()[:200]
    proposed = (
        {"text": term, "note": _("Proposed from the labels officers accepted")} if term else None
    )
    return _lexicon_page(request, request.GET.get("concept", ""), proposed=proposed)


@require_POST
@_for_roles(LEXICON_ROLES)
def lexicon_proposal_dismiss(request: HttpRequest, proposal_id: int) -> HttpResponse:
    try:
        lexicon.proposal_dismiss(actor=request.user, proposal_id=proposal_id)  # type: ignore[arg-type]
    except CaseError:
        raise Http404() from None
    messages.success(request, _("Proposal dismissed: it will not be proposed again."))
    concept = request.POST.get("concept", "")
    return redirect(f"{reverse('workspace:lexicon')}?{urlencode({'concept': concept})}")


@require_POST
@_for_roles(LEXICON_ROLES)
def lexicon_add(request: HttpRequest) -> HttpResponse:
    concepts = _concepts(request)  # read once: a problem with them is shown once
    choices = _concept_choices(concepts)
    form = ConceptTermForm(request.POST, concepts=choices)
    concept = request.POST.get("concept", "")
    if not form.is_valid():
        return _lexicon_page(request, concept, form, status=422, concepts=concepts)
    try:
        lexicon.concept_term_add(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
    except CaseError as error:
        for field, message in error.fields.items():
            form.add_error(field if field in form.fields else None, str(message))
        return _lexicon_page(request, concept, form, status=422, concepts=concepts)
    except UNREADABLE as error:  # the first term added loads the files
        form.add_error(None, _files_problem(error))
        return _lexicon_page(request, concept, form, status=422, concepts=concepts)
    messages.success(
        request,
        _(
            "Term added. Searches use it at once, and older cases within minutes, as their "
            "index entries are rewritten in the background."
        ),
    )
    return redirect(f"{reverse('workspace:lexicon')}?concept={concept}")


@require_POST
@_for_roles(LEXICON_ROLES)
def lexicon_switch(request: HttpRequest, term_id: int) -> HttpResponse:
    active = request.POST.get("active") == "1"
    try:
        term = lexicon.concept_term_switch(
            actor=request.user,  # type: ignore[arg-type]
            term_id=term_id,
            active=active,
        )
    except CaseError:
        raise Http404() from None
    messages.success(request, _("Term switched on.") if active else _("Term switched off."))
    return redirect(f"{reverse('workspace:lexicon')}?concept={term.concept}")


@require_POST
@_for_roles(LEXICON_ROLES)
def lexicon_concept_add(request: HttpRequest) -> HttpResponse:
    concepts = _concepts(request)
    form = ConceptForm(request.POST, new=True, prefix="new")
    added = _concept_saved(
        form,
        lambda: lexicon.concept_add(actor=request.user, **form.service_arguments()),  # type: ignore[arg-type]
    )
    if added is None:
        shown = request.POST.get("shown", "")
        return _lexicon_page(request, shown, status=422, concepts=concepts, new_concept_form=form)
    messages.success(request, _("Concept added. Add its terms below: it finds cases through them."))
    return redirect(f"{reverse('workspace:lexicon')}?concept={added.code}")


@require_POST
@_for_roles(LEXICON_ROLES)
def lexicon_concept_change(request: HttpRequest, code: str) -> HttpResponse:
    concepts = _concepts(request)
    if code not in concepts:
        raise Http404()
    form = ConceptForm(request.POST, new=False)
    changed = _concept_saved(
        form,
        lambda: lexicon.concept_change(
            actor=request.user,  # type: ignore[arg-type]
            code=code,
            **form.service_arguments(),
        ),
    )
    if changed is None:
        return _lexicon_page(request, code, status=422, concepts=concepts, concept_form=form)
    messages.success(request, _("Concept changed. Searches use its names and labels at once."))
    return redirect(f"{reverse('workspace:lexicon')}?concept={code}")


def _concept_saved(form: ConceptForm, save: Callable[[], Any]) -> Any | None:
    """What ``save`` (a lexicon service call) returns for a valid ``form``; None when the form
    or the service refused it, with the service's errors on the form ("labels" on the
    categories), or the files' problem when the lexicon files cannot be read (the first change
    loads them)."""
    if not form.is_valid():
        return None
    try:
        return save()
    except CaseError as error:
        for field, message in error.fields.items():
            field = "categories" if field == "labels" else field
            form.add_error(field if field in form.fields else None, str(message))
    except UNREADABLE as error:
        form.add_error(None, _files_problem(error))
    return None


@require_POST
@_for_roles(LEXICON_ROLES)
def lexicon_load_files(request: HttpRequest) -> HttpResponse:
    try:
        added, kept = lexicon.lexicon_load(actor=request.user)  # type: ignore[arg-type]
    except UNREADABLE as error:
        messages.error(request, _files_problem(error))
        return redirect("workspace:lexicon")
    messages.success(
        request,
        _("Loaded %(added)d terms from the files (%(kept)d were already there).")
        % {"added": added, "kept": kept},
    )
    return redirect("workspace:lexicon")


@never_cache
@_for_roles(LEXICON_ROLES)
def lexicon_export(request: HttpRequest) -> HttpResponse:
    concept = request.GET.get("concept") or None
    try:
        exported = lexicon.export_csv(concept)
    except UNREADABLE as error:
        messages.error(request, _files_problem(error))
        return redirect("workspace:lexicon")
    response = HttpResponse(exported, content_type="text/csv; charset=utf-8")
    name = f"concepts-{concept}.csv" if concept else "concepts.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
