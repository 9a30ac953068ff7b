"""Data: the concept "documents" split into the kinds of documents (passport, residence,
identity_card, driving_licence, civil_records, visas_travel), as in data/concepts; and two terms
that met place names switched off ("ادهن السير" met "وادي السير", "الواد" met every "وادي").

A database whose lexicon was loaded (``insaf concepts load``) gets the same change as the files:
each loaded term of "documents" that the files now give to a kind of document moves to it (terms
an administrator added stay under "documents"), and the lexicon's revision is raised so that
running processes reload it. ``insaf concepts load`` then adds the files' new terms, and
``insaf search reindex`` writes the cases' entries with the new concepts (``insaf search status``
counts the entries still to do). Going back moves the terms back."""

from django.db import migrations
from django.utils import timezone

KINDS = {
    "civil_records": [
        ("ar", "شهادة"),
        ("ar", "دفتر عائلة"),
        ("ar", "السجل العدلي"),
        ("ar-eg", "فيش وتشبيه"),
        ("ar-eg", "قيد عائلي"),
        ("ar-lev", "إخراج قيد"),
        ("ar-lev", "لا حكم عليه"),
        ("ar-lev", "عدم محكومية"),
        ("ar-iq", "شهادة الجنسية"),
        ("ar-ma", "عقد الازدياد"),
        ("ar-ye", "البطاقة العائلية"),
        ("en", "birth certificate"),
        ("en", "criminal record"),
        ("fr", "acte de naissance"),
        ("fr", "extrait de naissance"),
        ("fr", "casier judiciaire"),
        ("ar-iq", "الجنسية العراقية"),
        ("ar", "صحيفة الحالة الجنائية"),
        ("ar", "بيان قيد"),
        ("ar-lev", "دفتر العيلة"),
    ],
    "driving_licence": [
        ("ar", "رخصة"),
        ("ar-iq", "إجازة سوق"),
        ("ar-ma", "البيرمي"),
        ("arabizi", "rokhsa"),
        ("arabizi", "ro5sa"),
        ("en", "driving license"),
        ("en", "driving licence"),
        ("fr", "permis de conduire"),
        ("fr", "carte grise"),
    ],
    "identity_card": [
        ("ar", "بطاقة"),
        ("ar", "البطاقة الوطنية"),
        ("ar", "بطاقة الهوية"),
        ("ar", "الهوية الوطنية"),
        ("ar-eg", "الرقم القومي"),
        ("ar-iq", "البطاقة الموحدة"),
        ("ar-ma", "لاكارط"),
        ("ar-ma", "بطاقة التعريف"),
        ("arabizi", "bita2a"),
        ("en", "ID card"),
        ("en", "identity card"),
        ("fr", "carte d'identité"),
        ("ar-lev", "هويتي"),
        ("ar-ma", "الكارت ناسيونال"),
        ("en", "ID renewal"),
        ("en", "national ID"),
        ("fr", "carte nationale"),
        ("ar", "الرقم الوطني"),
    ],
    "passport": [
        ("ar", "جواز"),
        ("ar", "الجوازات"),
        ("ar", "باسبور"),
        ("arabizi", "basbor"),
        ("arabizi", "gawaz safar"),
        ("arabizi", "el jawaz"),
        ("en", "passport"),
        ("en", "pasport"),
        ("fr", "passeport"),
    ],
    "residence": [
        ("ar", "إقامة"),
        ("ar-gulf", "نقل كفالة"),
        ("ar-gulf", "هوية مقيم"),
        ("arabizi", "iqama"),
        ("arabizi", "e2ama"),
        ("en", "residence permit"),
        ("en", "residency"),
        ("fr", "titre de séjour"),
        ("fr", "carte de séjour"),
        ("fr", "récépissé"),
    ],
    "visas_travel": [
        ("ar", "تأشيرة"),
        ("ar", "فيزا"),
        ("ar", "إذن خروج"),
        ("ar", "منع سفر"),
        ("ar-gulf", "خروج وعودة"),
        ("ar-gulf", "خروج نهائي"),
        ("en", "exit permit"),
        ("en", "final exit"),
        ("en", "my visa"),
        ("en", "work visa"),
        ("fr", "le visa"),
        ("en", "exit visa"),
    ],
}
SWITCHED_OFF = [("bribery", "ar", "ادهن السير"), ("child", "ar-eg", "الواد")]


def _apply(apps, *, forwards):
    """Move the terms between "documents" and their kinds, switch the two terms off (or on
    again), and raise the revision; nothing while the lexicon is still read from the files."""
    term = apps.get_model("search", "ConceptTerm")
    if not term.objects.exists():
        return
    now = timezone.now()
    for kind, terms in KINDS.items():
        source, target = ("documents", kind) if forwards else (kind, "documents")
        for lang, text in terms:
            found = term.objects.filter(concept=source, lang=lang, text=text)
            if term.objects.filter(concept=target, lang=lang, text=text).exists():
                found.update(active=False, changed_at=now)
            else:
                found.update(concept=target, changed_at=now)
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
    dependencies = [("search", "0005_entry_version")]

    operations = [migrations.RunPython(forwards, backwards)]
