"""The search index of cases, and the links officers make between cases.

``SearchEntry`` holds, for each case, the text the analyser (insaf.text) produced: ``body`` is the
token stream of the case as written (subject, place and text), ``alt`` the second stream (the
Arabic-script forms of Arabizi words and the like); ``facets`` holds one token per filterable
label (status, kind, category, priority, grave, vulnerable groups), kept current by every change
of those labels, so that a filter narrows the full-text match itself instead of being checked
case by case afterwards. Both databases index exactly these tokens, so they agree on what matches
(see README.md):

- SQLite: the FTS5 table ``search_fts`` (external content over ``search_entry``, kept in step by
  triggers in the same transaction), queried with MATCH and ranked by bm25;
- PostgreSQL: the generated column ``search_entry.document``
  (``to_tsvector('simple', body) || to_tsvector('simple', alt)``) with a GIN index, queried with
  ``@@`` and ranked by ts_rank_cd.

Both are created by the migrations, outside the model, because Django has no field for either.

``signature`` is the case's MinHash signature (near-duplicate text) and ``band0..band7`` its
locality-sensitive bands: two cases whose texts share most of their word shingles very probably
share a band, so candidates are found with an index look-up, never by comparing every case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from insaf.complaints.models import Complaint

BANDS = 8


class SearchEntry(models.Model):
    complaint = models.OneToOneField(
        Complaint, on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    body = models.TextField(blank=True)
    alt = models.TextField(blank=True)
    facets = models.TextField(blank=True)
    signature = models.BinaryField(blank=True)
    band0 = models.BigIntegerField(null=True, db_index=True)
    band1 = models.BigIntegerField(null=True, db_index=True)
    band2 = models.BigIntegerField(null=True, db_index=True)
    band3 = models.BigIntegerField(null=True, db_index=True)
    band4 = models.BigIntegerField(null=True, db_index=True)
    band5 = models.BigIntegerField(null=True, db_index=True)
    band6 = models.BigIntegerField(null=True, db_index=True)
    band7 = models.BigIntegerField(null=True, db_index=True)
    # What wrote the entry (indexing.entry_version: the entry format and the lexicon's digest);
    # null for entries written before it was recorded (a nullable column is also what SQLite adds
    # in place, without rebuilding the table under its FTS5 triggers). ``insaf search status``
    # counts the entries of another version, which ``insaf search reindex`` rewrites.
    version = models.CharField(max_length=32, null=True, blank=True)  # noqa: DJ001
    # A copy of the case's received_at (which never changes once the case is written): on
    # PostgreSQL a received-date filter is asked of this column's index, which the planner can
    # intersect with the GIN index's matches (a bitmap AND) before any row is read; asked of
    # the case, it cost a visit to every match's case. Nullable for the same reason as version;
    # the migration that added it filled it in, then indexed it (Meta.indexes: an AddIndex,
    # where an altered field would make SQLite rebuild the table and drop its FTS5 triggers).
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "search_entry"
        indexes = [models.Index(fields=["received_at"], name="search_entry_received")]

    def __str__(self) -> str:
        return f"search entry of case {self.complaint_id}"


class SearchTerm(models.Model):
    """A spelling found in the cases (a word folded, without an Arabic article) and the index
    token it gave, for fuzzy matching (fuzzy.py). PostgreSQL indexes ``term`` with pg_trgm (GIN,
    gin_trgm_ops); SQLite keeps its trigrams in ``search_trigram``. Both are created by the
    migration, outside the model."""

    term = models.CharField(max_length=32)
    token = models.CharField(max_length=64)

    class Meta:
        db_table = "search_term"
        constraints = [models.UniqueConstraint(fields=["term", "token"], name="search_term_once")]

    def __str__(self) -> str:
        return self.term


class LinkKind(models.TextChoices):
    DUPLICATE = "duplicate", _("Duplicate")
    RELATED = "related", _("Related")
    MERGED = "merged", _("Merged into")


class CaseLink(models.Model):
    """An officer's link from one case to another. A merge is a link of kind ``merged`` from the
    duplicate to the case it was merged into (the duplicate is closed by the same call)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="links")
    other = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="linked_from")
    kind = models.CharField(_("kind"), max_length=16, choices=LinkKind.choices)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["complaint", "other"], name="case_link_once"),
            models.CheckConstraint(
                condition=~models.Q(complaint=models.F("other")), name="case_link_not_self"
            ),
        ]
        verbose_name = _("case link")
        verbose_name_plural = _("case links")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind} {self.other_id}"


class ConceptTerm(models.Model):
    """A term of the concept lexicon, once loaded into the database (``insaf concepts load``):
    from then on the national administrators keep it on the lexicon page, and search and triage
    training read it from here instead of data/concepts. Terms are switched off, never deleted,
    so the lexicon's history stays in the audit log."""

    concept = models.SlugField(_("concept"), max_length=40)
    lang = models.CharField(_("language or dialect"), max_length=10)
    text = models.CharField(_("term"), max_length=200)
    note = models.CharField(_("note"), max_length=300, blank=True)
    active = models.BooleanField(_("in use"), default=True)
    changed_at = models.DateTimeField(_("changed"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["concept", "lang", "text"]
        verbose_name = _("concept term")
        verbose_name_plural = _("concept terms")
        constraints = [
            models.UniqueConstraint(fields=["concept", "lang", "text"], name="concept_term_unique")
        ]

    def __str__(self) -> str:
        return f"{self.concept}/{self.lang}: {self.text}"


class LexiconConcept(models.Model):
    """A concept's names (Arabic, English, French) and the labels a query that names it also
    stands for, once loaded into the database with the terms (``insaf concepts load``, or the
    first concept changed on the lexicon page): from then on national administrators rename
    concepts, change their labels and add concepts there, and search reads them from here instead
    of data/concepts/meta/names.csv. A concept is never deleted: its terms are switched off."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_ar = models.CharField(_("name in Arabic"), max_length=80)
    name_en = models.CharField(_("name in English"), max_length=80)
    name_fr = models.CharField(_("name in French"), max_length=80)
    # As in names.csv: space-separated labels of the contract ("category:corruption
    # vulnerable:child grave:1").
    labels = models.CharField(_("labels"), max_length=400, blank=True)
    changed_at = models.DateTimeField(_("changed"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("concept")
        verbose_name_plural = _("concepts")

    def __str__(self) -> str:
        return self.code


class TermProposal(models.Model):
    """A word or pair of words proposed as a lexicon term from the labels officers accepted
    (insaf/search/proposals.py): recurring in cases of ``label`` whose text the lexicon does not
    tie to that label's concepts. Shown on the lexicon page beside those concepts, until an
    administrator adds it as a term or dismisses it (a dismissed one is not proposed again)."""

    OPEN, DISMISSED = "open", "dismissed"

    label = models.CharField(_("label"), max_length=60)
    key = models.CharField(max_length=200)  # the stems of its words
    text = models.CharField(_("words"), max_length=200)
    cases = models.PositiveIntegerField(_("cases"))
    share = models.FloatField(_("share of the cases with these words"))
    status = models.CharField(
        max_length=10, choices=[(OPEN, _("open")), (DISMISSED, _("dismissed"))], default=OPEN
    )
    updated_at = models.DateTimeField(_("changed"))
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-cases", "text"]
        verbose_name = _("proposed term")
        verbose_name_plural = _("proposed terms")
        constraints = [
            models.UniqueConstraint(fields=["label", "key"], name="term_proposal_unique")
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.text}"


class LexiconRevision(models.Model):
    """One row: the lexicon's revision number, raised by every change in the same transaction,
    so that every process notices a change and reloads."""

    number = models.PositiveIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"lexicon revision {self.number}"
