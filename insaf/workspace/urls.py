from django.urls import path

from insaf.workspace import views

app_name = "workspace"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("assign/", views.bulk_assign, name="bulk_assign"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/units.<str:extension>", views.dashboard_export, name="dashboard_export"),
    path("lexicon/", views.lexicon_page, name="lexicon"),
    path("lexicon/add/", views.lexicon_add, name="lexicon_add"),
    path(
        "lexicon/proposals/<int:proposal_id>/dismiss/",
        views.lexicon_proposal_dismiss,
        name="lexicon_proposal_dismiss",
    ),
    path("lexicon/concepts/add/", views.lexicon_concept_add, name="lexicon_concept_add"),
    path(
        "lexicon/concepts/<slug:code>/",
        views.lexicon_concept_change,
        name="lexicon_concept_change",
    ),
    path("lexicon/load/", views.lexicon_load_files, name="lexicon_load"),
    path("lexicon/export.csv", views.lexicon_export, name="lexicon_export"),
    path("lexicon/<int:term_id>/switch/", views.lexicon_switch, name="lexicon_switch"),
    path("cases/<str:reference>/", views.case_page, name="case"),
    path("cases/<str:reference>/do/<str:name>/", views.case_transition, name="transition"),
    path("cases/<str:reference>/assign/", views.case_assign, name="assign"),
    path("cases/<str:reference>/note/", views.case_note, name="note"),
    path("cases/<str:reference>/message/", views.case_message, name="message"),
    path("cases/<str:reference>/labels/", views.case_labels, name="labels"),
    path("cases/<str:reference>/identity/", views.case_reveal, name="reveal"),
    path("cases/<str:reference>/link/", views.case_link_add, name="link"),
    path("cases/<str:reference>/files/", views.case_file_add, name="file_add"),
    path("cases/<str:reference>/files/<int:file_id>/", views.case_file, name="file"),
]
