from django.urls import path

from intake import client_form_views, questionnaire_views, views

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
    # The client's own forms: the public page (no sign-in), the staff's link and tablet, the review.
    path("f/sent/", client_form_views.client_form_sent, name="client-form-sent"),
    path("f/<str:token>/", client_form_views.client_form, name="client-form"),
    path("clients/<uuid:public_id>/forms/link/", client_form_views.link_new, name="link-new"),
    path(
        "clients/<uuid:public_id>/forms/handover/", client_form_views.forms_handover_start, name="forms-handover-start"
    ),
    path("handover/forms/", client_form_views.forms_handover, name="forms-handover"),
    path("submissions/<uuid:public_id>/", client_form_views.submission_review, name="submission-review"),
    path("submissions/<uuid:public_id>/accept/", client_form_views.submission_accept, name="submission-accept"),
    path("submissions/<uuid:public_id>/decline/", client_form_views.submission_decline, name="submission-decline"),
]
