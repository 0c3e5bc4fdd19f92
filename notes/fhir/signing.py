"""What was signed, and who signed it: a DocumentReference per signed note and per addendum (its text, its seal),
a Provenance per signing (the seal as the signature's data); each Consent with its text and a Provenance of its
signature (the drawn signature as an image, or the typed name) and of its withdrawal; the client's word at each
visit on each sensitive area as a Consent of its own (permit or deny) that confirms the signed one, with the
Provenance of the initials drawn."""

import base64
import hashlib

from notes.exports import SIGNATURE_PREFIX
from notes.fhir.codes import LOINC, derived_uuid, ref, when
from notes.models import AreaConfirmation, Consent, TreatmentSession

PROGRESS_NOTE = {"system": LOINC, "code": "11506-3", "display": "Progress note"}
AUTHORS_SIGNATURE = {
    "system": "urn:iso-astm:E1762-95:2013",
    "code": "1.2.840.10065.1.12.1.1",
    "display": "Author's Signature",
}
CONSENT_SIGNATURE = {
    "system": "urn:iso-astm:E1762-95:2013",
    "code": "1.2.840.10065.1.12.1.7",
    "display": "Consent Signature",
}
PARTICIPANT = "http://terminology.hl7.org/CodeSystem/provenance-participant-type"
SEAL_SYSTEM = "urn:massage-clinic:seal"


def _attachment(text: str, title: str, created) -> dict:
    data = text.encode("utf-8")
    return {
        "contentType": "text/plain; charset=utf-8",
        "data": base64.b64encode(data).decode(),
        "hash": base64.b64encode(hashlib.sha1(data, usedforsecurity=False).digest()).decode(),
        "title": title,
        "creation": when(created),
    }


def _seal_words(content_hash: str, key_id: str) -> str:
    return f"sealed (HMAC-SHA256, key {key_id}) {content_hash}" if key_id else f"SHA-256 {content_hash}"


def note_text(session: TreatmentSession) -> str:
    """The signed note's words, as the PDF shows them."""
    lines = [
        f"S: {session.subjective or '-'}",
        f"O: {session.objective or '-'}",
        f"A: {session.assessment or '-'}",
        f"P: {session.plan or '-'}",
        f"Home care: {session.home_care or '-'}",
    ]
    lines += [f"Test: {name}: {result}" for name, result in getattr(session, "test_results", [])]
    if session.screening_shown:
        lines.append(f"Screening when signed: {session.screening_shown['line']}")
    return "\n".join(lines)


def note_id(session: TreatmentSession):
    return derived_uuid(session.public_id, "note")


def signed_note(session: TreatmentSession, patient_ref: dict) -> list[dict]:
    """The signed note as a document, and the Provenance of its signing."""
    document = {
        "resourceType": "DocumentReference",
        "id": str(note_id(session)),
        "identifier": [{"system": f"{SEAL_SYSTEM}:{session.hash_key_id or 'sha256'}", "value": session.content_hash}],
        "status": "current",
        "docStatus": "final",
        "type": {"coding": [PROGRESS_NOTE], "text": "Massage therapy treatment note (SOAP)"},
        "subject": patient_ref,
        "date": when(session.signed_at),
        "author": [{"display": session.therapist_name_shown}],
        "authenticator": {"display": session.therapist_name_shown},
        "description": f"Signed by {session.therapist_name_shown}; "
        + _seal_words(session.content_hash, session.hash_key_id),
        "content": [{"attachment": _attachment(note_text(session), "Treatment note", session.signed_at)}],
        "context": {
            "encounter": [ref("Encounter", session.public_id)],
            "period": {"start": when(session.started_at), "end": when(session.ended_at or session.signed_at)},
        },
    }
    return [
        document,
        _signing(
            note_id(session),
            session.signed_at,
            session.therapist_name_shown,
            session,
            session.content_hash,
            session.hash_key_id,
        ),
    ]


def addendum(found, session: TreatmentSession, patient_ref: dict) -> list[dict]:
    """An addendum: a document that appends to the signed note, and the Provenance of its signing."""
    document = {
        "resourceType": "DocumentReference",
        "id": str(found.public_id),
        "status": "current",
        "docStatus": "amended",
        "type": {"coding": [PROGRESS_NOTE], "text": "Addendum to a signed treatment note"},
        "subject": patient_ref,
        "date": when(found.at),
        "author": [{"display": found.author_name_shown}],
        "description": f"Reason: {found.reason}",
        "relatesTo": [{"code": "appends", "target": ref("DocumentReference", note_id(session))}],
        "content": [{"attachment": _attachment(found.text, "Addendum", found.at)}],
        "context": {"encounter": [ref("Encounter", session.public_id)]},
    }
    if found.content_hash:
        document["identifier"] = [
            {"system": f"{SEAL_SYSTEM}:{found.hash_key_id or 'sha256'}", "value": found.content_hash}
        ]
    return [
        document,
        _signing(found.public_id, found.at, found.author_name_shown, session, found.content_hash, found.hash_key_id),
    ]


def _signing(document_id, at, by: str, session: TreatmentSession, content_hash: str, key_id: str) -> dict:
    signature = {"type": [AUTHORS_SIGNATURE], "when": when(at), "who": {"display": by}}
    if content_hash:
        signature["sigFormat"] = "application/octet-stream"
        signature["data"] = base64.b64encode(bytes.fromhex(content_hash)).decode()
    return {
        "resourceType": "Provenance",
        "id": str(derived_uuid(document_id, "signing")),
        "target": [ref("DocumentReference", document_id), ref("Encounter", session.public_id)],
        "occurredDateTime": when(at),
        "recorded": when(at),
        "activity": {"text": "Signed; " + _seal_words(content_hash, key_id) if content_hash else "Signed"},
        "agent": [{"type": {"coding": [{"system": PARTICIPANT, "code": "author"}]}, "who": {"display": by}}],
        "signature": [signature],
    }


SENSITIVE_AREA_SYSTEM = "urn:massage-clinic:sensitive-area"
CONSENT_EXTENSION = "urn:massage-clinic:consent"


def _sdm_display(found: Consent) -> str:
    """The substitute decision-maker, as a RelatedPerson would name them: name, relationship, authority."""
    return f"{found.sdm_name} ({found.sdm_relationship}; {found.get_sdm_authority_display()})"


def _area_provisions(found: Consent) -> list[dict]:
    """One nested provision per sensitive area: permit if agreed, deny if not. A consent signed before areas were
    asked one by one permits the areas its text named, and says nothing of the others."""
    return [
        {
            "type": "permit" if agreed else "deny",
            "code": [{"coding": [{"system": SENSITIVE_AREA_SYSTEM, "code": code, "display": str(label)}]}],
        }
        for code, label, agreed in found.area_choices()
        if agreed or found.asks_areas
    ]


def _consent_extensions(found: Consent) -> list[dict]:
    extensions = [{"url": f"{CONSENT_EXTENSION}#support-person-present", "valueBoolean": found.support_person_present}]
    if found.support_person_offered is not None:
        extensions.append(
            {"url": f"{CONSENT_EXTENSION}#support-person-offered", "valueBoolean": found.support_person_offered}
        )
    if found.signed_by_sdm and found.client_assent:
        assent = f"{found.get_client_assent_display()}" + (
            f" ({found.client_assent_note})" if found.client_assent_note else ""
        )
        extensions.append({"url": f"{CONSENT_EXTENSION}#client-assent", "valueString": assent})
    return extensions


def consent(found: Consent, patient_ref: dict) -> list[dict]:
    """A consent with its exact text and version, the Provenance of its signature (the drawn image, or the typed
    name) and, when withdrawn, of its withdrawal."""
    resource = {
        "resourceType": "Consent",
        "id": str(found.public_id),
        "status": "active" if found.is_active else "inactive",
        "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "treatment"}]},
        "category": [
            {"coding": [{"system": LOINC, "code": "59284-0", "display": "Patient Consent"}]},
            {
                "coding": [
                    {
                        "system": "urn:massage-clinic:consent-kind",
                        "code": found.kind,
                        "display": str(found.get_kind_display()),
                    }
                ]
            },
        ],
        "patient": patient_ref,
        "dateTime": when(found.signed_at),
        "performer": [{"display": found.signed_name}],
        "policyRule": {"text": f"{found.text.title} (version {found.text.version})"},
        "sourceAttachment": _attachment(
            found.text.text, f"{found.text.title} (version {found.text.version})", found.text.published_at
        ),
        "provision": {"type": "permit", "period": {"start": when(found.signed_at)}},
    }
    if found.withdrawn_at:
        resource["provision"]["period"]["end"] = when(found.withdrawn_at)
    if found.signed_by_sdm:
        resource["performer"] = [{"display": _sdm_display(found)}]
    if areas := _area_provisions(found):
        resource["provision"]["provision"] = areas
    resource["extension"] = _consent_extensions(found)
    drawn = getattr(found, "signature_image", "")
    signature = {"type": [CONSENT_SIGNATURE], "when": when(found.signed_at), "who": {"display": found.signed_name}}
    if drawn:
        signature |= {"sigFormat": "image/png", "data": drawn.removeprefix(SIGNATURE_PREFIX)}
    else:
        signature |= {"sigFormat": "text/plain", "data": base64.b64encode(found.signed_name.encode()).decode()}
    found_resources = [
        resource,
        {
            "resourceType": "Provenance",
            "id": str(derived_uuid(found.public_id, "signed")),
            "target": [ref("Consent", found.public_id)],
            "recorded": when(found.signed_at),
            "activity": {"text": "Consent signed" + (" (drawn signature)" if drawn else " (typed name)")},
            "agent": [
                {
                    "type": {"coding": [{"system": PARTICIPANT, "code": "informant"}]},
                    "who": {"display": _sdm_display(found) if found.signed_by_sdm else found.signed_name},
                },
                {
                    "type": {"coding": [{"system": PARTICIPANT, "code": "enterer"}]},
                    "who": {"display": found.collected_by.display_name},
                },
            ],
            "signature": [signature],
        },
    ]
    if found.withdrawn_at:
        withdrawal = {
            "resourceType": "Provenance",
            "id": str(derived_uuid(found.public_id, "withdrawn")),
            "target": [ref("Consent", found.public_id)],
            "recorded": when(found.withdrawn_at),
            "activity": {"text": "Consent withdrawn"},
            "agent": [
                {
                    "type": {"coding": [{"system": PARTICIPANT, "code": "enterer"}]},
                    "who": {"display": found.withdrawn_by.display_name if found.withdrawn_by else "unknown"},
                }
            ],
        }
        if found.withdrawal_reason:
            withdrawal["reason"] = [{"text": found.withdrawal_reason}]
        found_resources.append(withdrawal)
    return found_resources


VISIT_CONFIRMATION = "urn:massage-clinic:visit-confirmation"


def visit_confirmation(row: AreaConfirmation, session: TreatmentSession, patient_ref: dict) -> list[dict]:
    """The client's word at this visit on one sensitive area, before it is treated: a Consent, active when agreed
    (permit) and rejected when "not today" (deny), naming the area with the code system the signed consents use,
    confirming the signed consent it rests on (`sourceReference`), for the visit's Encounter (`provision.data`,
    meaning "related": the visit and what was done in it), with how it was given and the initials (extensions);
    initials drawn on the tablet as the signature of a Provenance."""
    label = str(row.get_area_display())
    how = str(row.get_method_display())
    extensions = [
        {
            "url": f"{VISIT_CONFIRMATION}#method",
            "valueCoding": {"system": f"{VISIT_CONFIRMATION}-method", "code": row.method, "display": how},
        },
        {"url": f"{VISIT_CONFIRMATION}#shown", "valueString": row.shown},
        {"url": f"{VISIT_CONFIRMATION}#recorded-by", "valueString": row.recorded_by.display_name},
    ]
    if row.initials:
        extensions.append({"url": f"{VISIT_CONFIRMATION}#initials", "valueString": row.initials})
    resource = {
        "resourceType": "Consent",
        "id": str(row.public_id),
        "status": "active" if row.agreed else "rejected",
        "scope": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "treatment"}]},
        "category": [
            {"coding": [{"system": LOINC, "code": "59284-0", "display": "Patient Consent"}]},
            {
                "coding": [
                    {"system": VISIT_CONFIRMATION, "code": "area-at-visit", "display": "Area confirmed at the visit"}
                ]
            },
        ],
        "patient": patient_ref,
        "dateTime": when(row.confirmed_at),
        "performer": [{"display": _sdm_display(row.consent) if row.consent.signed_by_sdm else row.consent.signed_name}],
        "policyRule": {"text": f"Confirmed at the visit: {label}, {'agreed' if row.agreed else 'not today'}"},
        "sourceReference": ref("Consent", row.consent.public_id),
        "provision": {
            "type": "permit" if row.agreed else "deny",
            "period": {"start": when(row.confirmed_at), "end": when(session.ended_at or session.signed_at)},
            "code": [{"coding": [{"system": SENSITIVE_AREA_SYSTEM, "code": row.area, "display": label}]}],
            "data": [{"meaning": "related", "reference": ref("Encounter", session.public_id)}],
        },
        "extension": extensions,
    }
    found = [resource]
    drawn = getattr(row, "initials_image", "")
    if drawn:
        found.append(
            {
                "resourceType": "Provenance",
                "id": str(derived_uuid(row.public_id, "initialled")),
                "target": [ref("Consent", row.public_id), ref("Encounter", session.public_id)],
                "occurredDateTime": when(row.confirmed_at),
                "recorded": when(row.confirmed_at),
                "activity": {"text": f"Initials drawn on the tablet for {label}"},
                "agent": [
                    {
                        "type": {"coding": [{"system": PARTICIPANT, "code": "informant"}]},
                        "who": {"display": row.consent.signed_name},
                    },
                    {
                        "type": {"coding": [{"system": PARTICIPANT, "code": "enterer"}]},
                        "who": {"display": row.recorded_by.display_name},
                    },
                ],
                "signature": [
                    {
                        "type": [CONSENT_SIGNATURE],
                        "when": when(row.confirmed_at),
                        "who": {"display": row.consent.signed_name},
                        "sigFormat": "image/png",
                        "data": drawn.removeprefix(SIGNATURE_PREFIX),
                    }
                ],
            }
        )
    return found
