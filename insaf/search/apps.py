from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "insaf.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from insaf.search import checks  # noqa: F401 (registers the lexicon files' check)
