"""The workspace's forms: queue filters, and the changes an officer makes to a case."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from insaf.accounts.models import User
from insaf.complaints.enums import Status
from insaf.complaints.services.workflow import MESSAGE_MAX
from insaf.search.concepts import Concept, label_spec
from insaf.triage.labels import Category, Kind, Priority, Vulnerable

ANY = [("", _("Any"))]

VIEWS = [
    ("mine", _("Mine")),
    ("unit", _("My unit")),
    ("oversight", _("Oversight (grave)")),
    ("overdue", _("Overdue")),
]
SORTS = [
    ("urgency", _("Most urgent first")),
    ("deadline", _("Nearest deadline")),
    ("newest", _("Newest")),
    ("oldest", _("Oldest")),
]


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        elif not isinstance(widget, forms.HiddenInput):
            widget.attrs.setdefault("class", "form-control")


class QueueFilters(forms.Form):
    view = forms.ChoiceField(label=_("Queue"), choices=VIEWS, required=False)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=500,
        widget=forms.SearchInput(attrs={"dir": "auto", "class": "form-control form-control-sm"}),
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=ANY + list(Status.choices), required=False
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=ANY + list(Priority.choices), required=False
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=ANY + list(Category.choices), required=False
    )
    vulnerable = forms.ChoiceField(
        label=_("Vulnerable group"), choices=ANY + list(Vulnerable.choices), required=False
    )
    sort = forms.ChoiceField(label=_("Order"), choices=SORTS, required=False)
    page = forms.IntegerField(min_value=1, max_value=10_000, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class VersionedForm(forms.Form):
    """Every change carries the version of the case the officer saw: a stale one changes nothing."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class TransitionForm(VersionedForm):
    name = forms.CharField(widget=forms.HiddenInput, max_length=40)
    message = forms.CharField(
        label=_("Message to the filer (optional)"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "auto", "class": "form-control"}),
    )


class AssignForm(VersionedForm):
    officer = forms.ModelChoiceField(
        label=_("Officer"), queryset=User.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["officer"]
        field.queryset = officers  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.get_username()  # type: ignore[attr-defined]
        _styled(self)


class BulkAssignForm(AssignForm):
    version = None  # type: ignore[assignment]  # each row carries its own
    cases = forms.MultipleChoiceField(label=_("Cases"), choices=[])

    def __init__(self, *args: Any, references: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cases"].choices = [(r, r) for r in references]  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Internal note (never shown to the filer)"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto", "class": "form-control"}),
    )


class MessageForm(VersionedForm):
    body = forms.CharField(
        label=_("Message to the filer"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto", "class": "form-control"}),
    )
    question = forms.BooleanField(required=False, widget=forms.HiddenInput)


class LabelsForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    grave = forms.BooleanField(label=_("Grave human-rights allegation"), required=False)
    vulnerable = forms.MultipleChoiceField(
        label=_("Vulnerable groups"),
        choices=Vulnerable.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to see who filed?"),
        help_text=_("Recorded on the case's timeline and in the audit trail."),
        min_length=10,
        max_length=500,
        widget=forms.TextInput(attrs={"dir": "auto", "class": "form-control"}),
    )


MERGE = "merge"


class LinkForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    other = forms.CharField(
        label=_("Other case's reference"),
        max_length=32,
        widget=forms.TextInput(attrs={"dir": "ltr", "class": "form-control"}),
    )
    kind = forms.ChoiceField(
        label=_("Link as"),
        choices=[
            ("duplicate", _("Duplicate")),
            ("related", _("Related")),
            (MERGE, _("Duplicate: close this case into the other")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"dir": "auto", "class": "form-control"}),
    )


class FileForm(forms.Form):
    file = forms.FileField(
        label=_("Attach a file (internal)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control"}),
    )


class ConceptTermForm(forms.Form):
    concept = forms.ChoiceField(label=_("Concept"), choices=[])
    lang = forms.ChoiceField(label=_("Language or dialect"), choices=[])
    text = forms.CharField(
        label=_("Term"),
        help_text=_("A word or a short phrase, as people write it (no patterns)."),
        max_length=200,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )
    note = forms.CharField(
        label=_("Note for reviewers (optional)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )

    def __init__(self, *args: Any, concepts: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["concept"].choices = concepts  # type: ignore[attr-defined]
        self.fields["lang"].choices = LANGUAGE_CHOICES  # type: ignore[attr-defined]
        _styled(self)


class ConceptForm(forms.Form):
    """A concept's names in the three languages of the interface and the labels a query that
    names it also stands for; the code only when the concept is new."""

    code = forms.CharField(
        label=_("Code"),
        help_text=_("Lower-case Latin letters, words joined by _ (for example: night_raid)."),
        max_length=40,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    name_ar = forms.CharField(
        label=_("Name in Arabic"), max_length=80, widget=forms.TextInput(attrs={"dir": "rtl"})
    )
    name_en = forms.CharField(
        label=_("Name in English"), max_length=80, widget=forms.TextInput(attrs={"dir": "ltr"})
    )
    name_fr = forms.CharField(
        label=_("Name in French"), max_length=80, widget=forms.TextInput(attrs={"dir": "ltr"})
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories"),
        help_text=_("A query that names this concept also finds cases with these labels."),
        choices=[(f"category:{v}", label) for v, label in Category.choices],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    groups = forms.MultipleChoiceField(
        label=_("Vulnerable groups"),
        choices=[(f"vulnerable:{v}", label) for v, label in Vulnerable.choices],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    grave = forms.MultipleChoiceField(
        label=_("Grave"),
        choices=[("grave:1", _("Grave human-rights allegation"))],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, new: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.new = new
        if not new:
            del self.fields["code"]
        _styled(self)

    @staticmethod
    def initial_for(concept: Concept) -> dict[str, Any]:
        """The form's values for a concept of the lexicon."""

        specs = [label_spec(label) for label in concept.labels]
        return {
            **{f"name_{lang}": concept.names.get(lang, "") for lang in ("ar", "en", "fr")},
            "categories": [s for s in specs if s.startswith("category:")],
            "groups": [s for s in specs if s.startswith("vulnerable:")],
            "grave": [s for s in specs if s.startswith("grave:")],
        }

    def service_arguments(self) -> dict[str, Any]:
        """What ``insaf.search.lexicon.concept_add`` or ``concept_change`` takes."""
        data = self.cleaned_data
        arguments: dict[str, Any] = {
            "names": {lang: data[f"name_{lang}"] for lang in ("ar", "en", "fr")},
            "labels": [*data["categories"], *data["groups"], *data["grave"]],
        }
        if self.new:
            arguments["code"] = data["code"]
        return arguments


LANGUAGE_CHOICES = [
    ("ar", _("Arabic (Modern Standard)")),
    ("ar-eg", _("Egyptian Arabic")),
    ("ar-gulf", _("Gulf Arabic")),
    ("ar-lev", _("Levantine Arabic")),
    ("ar-iq", _("Iraqi Arabic")),
    ("ar-ma", _("Maghrebi Arabic")),
    ("ar-ye", _("Yemeni Arabic")),
    ("arabizi", _("Arabizi (Arabic in Latin letters)")),
    ("en", _("English")),
    ("fr", _("French")),
]
