from django.urls import path

from intake import questionnaire_views, views

app_name = "intake"

urlpatterns = [
    path("clients/<uuid:public_id>/intakes/new/", views.intake_new, name="intake-new"),
    path("clients/<uuid:public_id>/health-check/", views.health_check_new, name="health-check-new"),
    path("intakes/<uuid:public_id>/", views.intake_detail, name="intake-detail"),
    path("intakes/<uuid:public_id>/edit/", views.intake_edit, name="intake-edit"),
    path("intakes/<uuid:public_id>/assessment/", views.intake_assess, name="intake-assess"),
    path("intakes/<uuid:public_id>/clearances/new/", views.clearance_new, name="clearance-new"),
    path("screenings/<uuid:public_id>/judgement/", views.judgement_new, name="judgement-new"),
    path("clearances/<uuid:public_id>/letter/", views.clearance_letter, name="clearance-letter"),
    path(
        "clients/<uuid:public_id>/questionnaires/new/",
        questionnaire_views.questionnaire_new,
        name="questionnaire-new",
    ),
    path("questionnaires/<uuid:public_id>/", questionnaire_views.questionnaire_detail, name="questionnaire-detail"),
]
