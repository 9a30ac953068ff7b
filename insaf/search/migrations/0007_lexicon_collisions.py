"""Data: four terms of "disability" switched off, as they are gone from data/concepts: each met
common words that say nothing of a disability. "أبكم" (mute) and its Arabizi "abkam" are cut by
the light stemmer to "اب", which "ابي" (my father; "I want" in the Gulf) also gives; the Maghrebi
"عمى" (blind) is "عمي" (my uncle) once ى and ي are folded together, and meets "3am" in Arabizi;
the Iraqi "عربانة" (a wheelchair, also a handcart) met the carts of street vendors.

A database whose lexicon was loaded (``insaf concepts load``) gets the same change: the terms are
switched off (an administrator may switch them on again at /work/lexicon/), and the lexicon's
revision is raised so that running processes reload it. ``insaf search reindex`` then writes the
cases' entries without them (``insaf search status`` counts the entries still to do), and
``insaf triage train`` retrains without them. Going back switches them on."""

from django.db import migrations
from django.utils import timezone

SWITCHED_OFF = [
    ("disability", "ar", "أبكم"),
    ("disability", "arabizi", "abkam"),
    ("disability", "ar-ma", "عمى"),
    ("disability", "ar-iq", "عربانة"),
]


def _apply(apps, *, forwards):
    term = apps.get_model("search", "ConceptTerm")
    if not term.objects.exists():
        return  # the lexicon is still read from the files
    now = timezone.now()
    for concept, lang, text in SWITCHED_OFF:
        term.objects.filter(concept=concept, lang=lang, text=text).update(
            active=not forwards, changed_at=now
        )
    revision = apps.get_model("search", "LexiconRevision")
    row, _created = revision.objects.get_or_create(pk=1)
    row.number += 1
    row.changed_at = now
    row.save()


def forwards(apps, schema_editor):
    _apply(apps, forwards=True)


def backwards(apps, schema_editor):
    _apply(apps, forwards=False)


class Migration(migrations.Migration):
    dependencies = [("search", "0006_kinds_of_documents")]

    operations = [migrations.RunPython(forwards, backwards)]
