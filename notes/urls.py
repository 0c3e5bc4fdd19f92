from django.urls import path

from notes import (
    adverse_effect_views,
    consent_views,
    disposal_views,
    export_views,
    history_views,
    plan_views,
    session_views,
    visit_consent_views,
)

app_name = "notes"

urlpatterns = [
    path("clients/<uuid:public_id>/consents/new/", consent_views.consent_new, name="consent-new"),
    path("clients/<uuid:public_id>/consents/handover/", consent_views.handover_start, name="handover-start"),
    path("handover/", consent_views.handover, name="handover"),
    path("consents/<uuid:public_id>/", consent_views.consent_detail, name="consent-detail"),
    path("consents/<uuid:public_id>/signature.png", consent_views.consent_signature, name="consent-signature"),
    path("consents/<uuid:public_id>/withdraw/", consent_views.consent_withdraw, name="consent-withdraw"),
    path("clients/<uuid:public_id>/history/", history_views.client_history, name="client-history"),
    path("clients/<uuid:public_id>/export.pdf", export_views.client_export_pdf, name="client-export-pdf"),
    path("exports/<uuid:public_id>/", export_views.record_export_status, name="record-export"),
    path("clients/<uuid:public_id>/export.fhir.json", history_views.client_export_fhir, name="client-export-fhir"),
    path("clients/<uuid:public_id>/export.csv.zip", history_views.client_export_csv, name="client-export-csv"),
    path("clients/<uuid:public_id>/disposal/new/", disposal_views.disposal_new, name="disposal-new"),
    path("disposals/<uuid:public_id>/", disposal_views.disposal_detail, name="disposal-detail"),
    path("disposals/<uuid:public_id>/approve/", disposal_views.disposal_approve, name="disposal-approve"),
    path("disposals/<uuid:public_id>/cancel/", disposal_views.disposal_cancel, name="disposal-cancel"),
    path("clients/<uuid:public_id>/sessions/new/", session_views.session_new, name="session-new"),
    path("sessions/<uuid:public_id>/", session_views.session_detail, name="session-detail"),
    path("sessions/<uuid:public_id>/edit/", session_views.session_edit, name="session-edit"),
    path("sessions/<uuid:public_id>/abdominal/", session_views.session_abdominal, name="session-abdominal"),
    path("sessions/<uuid:public_id>/feedback/", session_views.session_feedback, name="session-feedback"),
    path("sessions/<uuid:public_id>/pulse/", session_views.session_pulse, name="session-pulse"),
    path("sessions/<uuid:public_id>/stretch/", session_views.session_stretch, name="session-stretch"),
    path(
        "sessions/<uuid:public_id>/adverse-effects/new/",
        adverse_effect_views.adverse_effect_new,
        name="adverse-effect-new",
    ),
    path("clients/<uuid:public_id>/plan/", plan_views.treatment_plan, name="treatment-plan"),
    path(
        "sessions/<uuid:public_id>/areas/handover/",
        visit_consent_views.areas_handover_start,
        name="areas-handover-start",
    ),
    path("areas/handover/", visit_consent_views.areas_handover, name="areas-handover"),
    path("sessions/<uuid:public_id>/areas/verbal/", visit_consent_views.areas_verbal, name="areas-verbal"),
    path("sessions/<uuid:public_id>/sign/", session_views.session_sign, name="session-sign"),
    path("sessions/<uuid:public_id>/addenda/new/", session_views.addendum_new, name="addendum-new"),
]
