from django.urls import path

from insaf.portal import views

app_name = "portal"

urlpatterns = [
    path("file/", views.file, name="file"),
    path("track/", views.track, name="track"),
    path("track/code/", views.track_code, name="track_code"),
    path("track/case/", views.case, name="case"),
    path("track/case/message/", views.case_message, name="case_message"),
    path("track/case/appeal/", views.case_appeal, name="case_appeal"),
    path("track/case/withdraw/", views.case_withdraw, name="case_withdraw"),
    path("track/case/feedback/", views.case_feedback, name="case_feedback"),
    path("track/case/files/<int:file_id>/", views.case_file, name="case_file"),
    path("track/case/leave/", views.case_leave, name="case_leave"),
]
