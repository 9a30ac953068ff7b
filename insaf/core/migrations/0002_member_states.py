"""Load the 22 member states from data/member-states.csv (and update them when the file changes)."""

from django.db import migrations


def load(apps, schema_editor):
    from insaf.core.member_states import member_states

    Country = apps.get_model("core", "Country")
    for state in member_states():
        Country.objects.update_or_create(
            iso2=state.iso2,
            defaults={
                "iso3": state.iso3,
                "name_ar": state.name_ar,
                "short_ar": state.short_ar,
                "name_en": state.name_en,
                "name_fr": state.name_fr,
                "timezone": state.timezone,
                "weekend": ",".join(str(day) for day in state.weekend),
                "calling_code": state.calling_code,
                "currency": state.currency,
                "languages_official": state.languages_official,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
