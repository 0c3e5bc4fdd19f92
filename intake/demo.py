"""Demo intakes for `manage.py seed_demo`: clients across every screening outcome."""

from datetime import timedelta

from django.utils import timezone

from clinic.models import Client, User
from intake import services
from intake.models import ClearanceScope

NO_RED_FLAGS: dict = {}

# last name -> (complaints, aggravating, history, red flags, tests or None for "not assessed yet", clearance)
DEMO_INTAKES = {
    # Dancer: consider / ok (the screening specification's worked example).
    "Chen": (
        [{"region": "anterior_hip_groin", "side": "right", "pain_now": 6, "pain_worst": 8, "onset": "subacute"}],
        ["hip_extension", "stairs_leg_lift"],
        {"athlete_repetitive_hip_flexion": True},
        NO_RED_FLAGS,
        {
            "resisted_hip_flexion": "positive_pain",
            "hip_flexor_stretch_thomas": "positive_pain",
            "internal_snapping": "painful",
        },
        None,
    ),
    # Spin instructor, central low back: score 4 but not indicated.
    "Okonkwo": (
        [{"region": "low_back", "side": "central", "pain_now": 5, "pain_worst": 7, "onset": "chronic"}],
        ["standing_upright_hips_forward"],
        {"athlete_repetitive_hip_flexion": True},
        NO_RED_FLAGS,
        {"hip_flexor_stretch_thomas": "tight_no_pain", "iliopsoas_palpation": "negative"},
        None,
    ),
    # On blood thinners: consider, with caution.
    "Fitzgerald": (
        [
            {"region": "anterior_thigh", "side": "left", "pain_now": 5, "onset": "chronic"},
            {"region": "low_back", "side": "central", "pain_now": 3, "onset": "chronic"},
        ],
        ["stairs_leg_lift", "rising_from_sitting"],
        {"anticoagulant_or_bleeding_disorder": True},
        NO_RED_FLAGS,
        {"iliopsoas_palpation": "positive_pain", "anterior_hip_trigger_points": "present"},
        None,
    ),
    # New low back pain after 50: refer, not yet cleared.
    "Haddad": (
        [{"region": "low_back", "side": "bilateral", "pain_now": 7, "onset": "acute"}],
        ["prolonged_sitting", "rising_from_sitting"],
        {},
        {"new_onset_lbp_age_over_50": True},
        None,
        None,
    ),
    # Past cancer: refer, cleared by the family physician.
    "Nakamura": (
        [{"region": "deep_hip", "side": "right", "pain_now": 4, "onset": "chronic"}],
        ["walking", "stairs_leg_lift"],
        {"abdominal_pelvic_cancer": "history_remission"},
        {"history_of_cancer": True},
        {"resisted_hip_flexion": "positive_pain", "iliopsoas_palpation": "positive_pain"},
        (
            "Dr. Anita Sharma (family physician)",
            "Cleared for gentle massage including the hip flexors and the abdomen; prostate cancer in remission "
            "since 2019.",
            ClearanceScope.INCLUDING_ABDOMINAL,
        ),
    ),
    # Pregnant: consider, abdominal work contraindicated (therapist2's client).
    "Raman": (
        [{"region": "anterior_hip_groin", "side": "left", "pain_now": 5, "onset": "subacute"}],
        ["hip_extension", "rising_from_sitting"],
        {"pregnant": True},
        NO_RED_FLAGS,
        {"resisted_hip_flexion": "positive_pain", "hip_flexor_stretch_thomas": "positive_pain"},
        None,
    ),
    # Taken at the desk, not assessed yet: needs therapist review.
    "Beaulieu": (
        [
            {"region": "anterior_hip_groin", "side": "right", "pain_now": 4, "onset": "acute"},
            {"region": "buttock", "side": "right", "pain_now": 2, "onset": "acute"},
        ],
        ["running_kicking", "hip_extension"],
        {"athlete_repetitive_hip_flexion": True},
        NO_RED_FLAGS,
        None,
        None,
    ),
    # Soccer player with an IUD: consider, caution.
    "Mensah": (
        [{"region": "anterior_hip_groin", "side": "left", "pain_now": 6, "onset": "acute"}],
        ["running_kicking", "stairs_leg_lift"],
        {"athlete_repetitive_hip_flexion": True, "iud": True},
        NO_RED_FLAGS,
        {"resisted_hip_flexion": "positive_pain", "internal_snapping": "painful"},
        None,
    ),
    # Symptomatic hernia: abdominal work contraindicated.
    "Larsen": (
        [
            {"region": "lower_abdomen", "side": "right", "pain_now": 3, "onset": "chronic"},
            {"region": "anterior_hip_groin", "side": "right", "pain_now": 4, "onset": "chronic"},
        ],
        ["cough_sneeze", "stairs_leg_lift"],
        {"hernia": "symptomatic"},
        NO_RED_FLAGS,
        {"iliopsoas_palpation": "negative", "resisted_hip_flexion": "negative"},
        None,
    ),
}


def seed_demo_intakes(*, users: dict[str, User]) -> int:
    """Create the demo intakes that are missing; return how many were created."""
    desk = users["frontdesk"]
    created = 0
    for last_name, (complaints, aggravating, history, red_flags, tests, clearance) in DEMO_INTAKES.items():
        client = Client.objects.filter(last_name=last_name).first()
        if client is None or client.intakes.exists():
            continue
        intake = services.record_intake(
            client=client,
            taken_by=desk,
            complaints=complaints,
            aggravating=aggravating,
            history=history,
            red_flags=red_flags,
        )
        therapist = client.care_team.order_by("username").first()
        if tests is not None and therapist is not None:
            services.record_assessment(intake=intake, by=therapist, tests=tests)
        if clearance is not None:
            clinician, what, scope = clearance
            services.record_clearance(
                scope=scope,
                intake=intake,
                by=therapist or users["admin"],
                cleared_on=timezone.localdate() - timedelta(days=3),
                clinician_name=clinician,
                what_was_cleared=what,
            )
        created += 1
    return created


# The client's own forms: one client filled them in before the first visit (accepted at the desk: her intake came
# from them), with two questionnaires, and answered them twice since; another's wait for the front desk to review.
FORMS_DAYS_AGO = 21
# (days ago, {instrument: its answers: an RMDQ's ticked statements, an NPRS rating}), oldest first.
DEMO_QUESTIONNAIRES = {
    "Tremblay": [
        (FORMS_DAYS_AGO, {"rmdq": [2, 5, 8, 11, 15, 18, 21], "nprs": 5}),  # with the forms, before the first visit
        (7, {"rmdq": [2, 5, 11, 15], "nprs": 3}),
        (0, {"rmdq": [5, 11], "nprs": 2}),
    ],
}


def _questionnaire_answers(instrument: str, given) -> dict:
    if instrument == "rmdq":
        return {str(n): n in given for n in range(1, 25)}
    return {"rating": given}


DEMO_FORMS = {
    "Tremblay": (
        {"phone": "514-555-0111", "emergency_contact_name": "Marc Tremblay", "emergency_contact_phone": "514-555-0112"},
        [{"region": "low_back", "side": "left", "pain_now": 4, "pain_worst": 6, "onset": "subacute"}],
        ["prolonged_sitting", "rising_from_sitting"],
        "accept",
    ),
    "O'Sullivan": (
        {"address": "48 Harbord Street\nToronto ON M5S 1G2", "emergency_contact_name": "Sean O'Sullivan"},
        [{"region": "buttock", "side": "right", "pain_now": 5, "onset": "chronic"}],
        ["walking", "stairs_leg_lift"],
        "",
    ),
}


def demo_answers(complaints, aggravating) -> dict:
    """A client's answers as the form keeps them: every question answered, "no" or "none" but what is given."""
    from intake import health_history, labels

    history = {name: False for name in labels.HISTORY_FLAGS} | {name: "none" for name in labels.HISTORY_CHOICES}
    history |= {name: None for name in labels.HISTORY_WEEKS}
    return {
        "complaints": [{"complaint": None, "pain_worst": None, "onset": ""} | c for c in complaints],
        "sex": "",
        "aggravating": aggravating,
        "history": history,
        "red_flags": {name: False for name in labels.RED_FLAGS},
        "health_history": health_history.empty(),
        "notes": "",
    }


def seed_demo_client_forms(*, users: dict[str, User]) -> int:
    """Forms sent by demo clients who have none yet; return how many were sent."""
    from intake import client_form_services
    from intake.client_form_services import CONTACT_FIELDS

    desk = users["frontdesk"]
    sent = 0
    for last_name, (contact, complaints, aggravating, review) in DEMO_FORMS.items():
        client = Client.objects.filter(last_name=last_name).first()
        if client is None or client.form_submissions.exists() or client.intakes.exists():
            continue
        answered = DEMO_QUESTIONNAIRES.get(last_name, [])
        first = answered[0][1] if answered else {}
        link, _token = client_form_services.create_link(client=client, by=desk, instruments=list(first))
        data = {
            "contact": {name: contact.get(name, "") for name in CONTACT_FIELDS},
            "intake": demo_answers(complaints, aggravating),
            "implied": [],
            "questionnaires": {code: _questionnaire_answers(code, given) for code, given in first.items()},
        }
        submission = client_form_services.submit(link=link, data=data)
        if answered:  # sent three weeks ago, before the first visit
            submission.submitted_at = timezone.now() - timedelta(days=FORMS_DAYS_AGO)
            submission.save(update_fields=["submitted_at"])
        if review == "accept":
            client_form_services.accept_submission(submission=submission, by=desk)
        for days_ago, later in answered[1:]:
            for code, given in later.items():
                services.record_questionnaire(
                    client=client,
                    by=desk,
                    instrument=code,
                    answers=_questionnaire_answers(code, given),
                    taken_at=timezone.now() - timedelta(days=days_ago),
                )
        sent += 1
    return sent
