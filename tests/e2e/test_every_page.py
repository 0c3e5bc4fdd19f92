"""Every page, as each role sees it, on a 768 x 1024 tablet and a 390 x 844 phone: no horizontal scrolling, no word
broken across two lines, no chart text too small to read, no Content-Security-Policy error in the console, and no
serious or critical axe-core violation.

One test per role walks all of that role's pages over one client's whole course of care (an intake that referred
and was cleared, consents, a signed session with abdominal work and an addendum, a draft whose stretch of
abdominal work the client stopped, and one described, with a pulse felt, areas treated, an adverse effect
reported later and a treatment plan due), and reports every problem it met at once."""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic import roles
from intake import client_form_services as client_forms
from intake import health_history
from intake import services as intake_services
from intake.demo import demo_answers
from notes import export_jobs
from notes import services as notes_services
from tests import history_helpers as h
from tests.factories import ClientFactory, UserFactory, screened_intake
from tests.history_helpers import (
    add_addendum,
    draft_session,
    feedback_entry,
    full_course,
    open_abdominal_work,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SIZES = {"tablet": {"width": 768, "height": 1024}, "phone": {"width": 390, "height": 844}}
SERIOUS = {"serious", "critical"}
axe = Axe()


@dataclass
class Record:
    """One client's whole course of care, and the people who gave it."""

    desk: object
    therapist: object
    admin: object
    client: object
    records: dict = field(default_factory=dict)


@pytest.fixture
def record(settings) -> Record:
    desk = UserFactory(username="desk", first_name="Fran", last_name="Desk", roles=[roles.FRONT_DESK])
    therapist = UserFactory(username="theo", first_name="Theo", last_name="Moreau", roles=[roles.THERAPIST])
    admin = UserFactory(username="ada", first_name="Ada", last_name="Admin", roles=[roles.CLINIC_ADMIN])
    client = ClientFactory(first_name="Maya", last_name="Chen", care_team=[therapist])
    records = full_course(client, therapist=therapist, desk=desk)
    # The latest intake, assessed: its page shows every test with its result, and its side when one was recorded.
    tests = {
        "resisted_hip_flexion": {"result": "weak_no_pain", "side": "both"},
        "hip_flexor_stretch_thomas": "tight_no_pain",
    }
    history = health_history.empty() | {
        "conditions": ["diabetes", "hip_replacement"],
        "conditions_other": "Migraine with aura, twice a month",
        "surgeries": [{"what": "Laparoscopic appendectomy", "when": "2019-05"}],
        "medications": [{"name": "Apixaban", "dose": "5 mg twice a day", "anticoagulant": True}],
        "allergies": ["latex"],
        "devices": ["iud"],
    }
    records["assessed"] = screened_intake(client, by=desk, tests=tests, assessed_by=therapist, health_history=history)
    # A clinical judgement beside the assessed intake's flag: every page that shows the flag shows it.
    records["judged"] = records["assessed"].screenings.newest_first().first()
    intake_services.record_clinical_judgement(
        screening_result=records["judged"],
        by=therapist,
        judgement="not_indicated" if records["judged"].iliopsoas == "consider" else "consider",
        reason="Adductor testing reproduced the pain; the hip flexors are not the source here.",
    )
    add_addendum(records["signed"], by=therapist, text="Second call: " + "slept well, no bruising. " * 20)
    # Today's draft: a stretch of abdominal work the client stopped, so the live panel shows its closed state.
    live = draft_session(client, therapist=therapist, before=5)
    open_abdominal_work(live, by=therapist)
    feedback_entry(live, pain=3, response="tender", note="Breathing slow, soft belly")
    feedback_entry(live, pain=7, response="stop")
    records["live"] = live
    # The older draft's stretch is open: the panel shows its open state and live controls.
    open_abdominal_work(records["draft"], by=therapist)
    feedback_entry(records["draft"], pain=2, response="comfortable")
    # The whole chart: a stretch described, a pulse felt, areas treated, an adverse effect reported later, a plan due.
    notes_services.describe_stretch(
        session=records["draft"],
        position="supine_knees_bent",
        approach="psoas_abdominal_wall",
        landmark="lateral_rectus",
    )
    h.pulse_felt(records["draft"])
    h.areas_treated(records["draft"])
    h.adverse_effect(records["signed"], by=therapist, kind="soreness_48h", note="Sore for three days")
    h.write_plan(client, by=therapist, reassess_on=timezone.localdate())
    # Questionnaires over the course: each instrument's page, and a trend on the history page.
    before = timezone.now() - timedelta(days=28)
    answers = {"rmdq": {str(n): n < 12 for n in range(1, 25)}, "hoos12": {str(n): n % 5 for n in range(1, 13)}}
    answers["startback"] = {str(n): n % 2 for n in range(1, 9)} | {"9": 3}
    answers["psfs"] = {"activities": [{"name": "Climbing the stairs to the flat", "rating": 3}] * 3}
    for code, given in answers.items():
        intake_services.record_questionnaire(client=client, by=desk, instrument=code, answers=given, taken_at=before)
    records["questionnaire"] = intake_services.record_questionnaire(
        client=client, by=therapist, instrument="rmdq", answers={"1": True, "2": True}
    )
    records["planless"] = ClientFactory(first_name="Noor", last_name="Haddad", care_team=[therapist])
    # The client's own forms: a link not used yet, and forms the client sent, waiting for review.
    records["form_link"], records["form_token"] = client_forms.create_link(client=client, by=desk)
    sent_through, _token = client_forms.create_link(client=client, by=desk)
    answers = demo_answers([{"region": "low_back", "side": "central", "pain_now": 4}], ["walking"])
    contact = {"phone": "647-555-0199", "address": "12 Elm Street\nToronto", "emergency_contact_name": "Lin Chen"}
    records["submission"] = client_forms.submit(
        link=sent_through, data={"contact": contact, "intake": answers, "implied": []}
    )
    # A long record's export, left to a worker: its page says it is being prepared.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # no worker runs here
    records["export"] = export_jobs.request_export(client=client, by=admin, base_url="http://testserver/")
    return Record(desk=desk, therapist=therapist, admin=admin, client=client, records=records)


def desk_pages(r: Record) -> list[str]:
    c, rec = r.client.public_id, r.records
    intake = rec["clearance"].intake.public_id
    consent = rec["abdominal_consent"].public_id
    return [
        "/",
        "/clients/",
        "/clients/?q=Chen",
        "/clients/new/",
        f"/clients/{c}/",
        f"/clients/{c}/edit/",
        f"/clients/{c}/intakes/new/",
        f"/clients/{c}/health-check/",
        f"/intakes/{intake}/",
        f"/intakes/{rec['assessed'].public_id}/",
        f"/intakes/{intake}/edit/",
        f"/clients/{c}/consents/new/",
        f"/consents/{consent}/",
        f"/consents/{consent}/withdraw/",
        f"/clients/{c}/forms/link/",
        f"/submissions/{rec['submission'].public_id}/",
        f"/f/{rec['form_token']}/",
        "/f/sent/",
        ("/f/no-such-link-at-all/", 404),
        *questionnaire_pages(r),
    ]


def questionnaire_pages(r: Record) -> list[str]:
    c = r.client.public_id
    return [
        f"/clients/{c}/questionnaires/new/",
        *[f"/clients/{c}/questionnaires/new/?instrument={code}" for code in ("nprs", "psfs", "rmdq", "hoos12")],
        f"/clients/{c}/questionnaires/new/?instrument=startback",
        f"/questionnaires/{r.records['questionnaire'].public_id}/",
    ]


def therapist_pages(r: Record) -> list[str]:
    c, rec = r.client.public_id, r.records
    intake = rec["clearance"].intake.public_id
    return [
        "/",
        "/clients/",
        f"/clients/{c}/",
        f"/intakes/{intake}/",
        f"/intakes/{rec['assessed'].public_id}/",
        f"/intakes/{intake}/clearances/new/",
        f"/screenings/{rec['judged'].public_id}/judgement/",
        f"/clients/{c}/sessions/new/",
        f"/sessions/{rec['live'].public_id}/",
        f"/sessions/{rec['draft'].public_id}/",
        f"/sessions/{rec['draft'].public_id}/edit/",
        f"/sessions/{rec['live'].public_id}/sign/",
        f"/sessions/{rec['signed'].public_id}/",
        f"/sessions/{rec['signed'].public_id}/addenda/new/",
        f"/sessions/{rec['signed'].public_id}/adverse-effects/new/",
        f"/clients/{c}/plan/",
        f"/clients/{c}/history/",
        f"/consents/{rec['abdominal_consent'].public_id}/",
        *questionnaire_pages(r),
        f"/submissions/{rec['submission'].public_id}/",
    ]


def admin_pages(r: Record) -> list:
    c = r.client.public_id
    return [
        "/",
        "/clients/",
        f"/clients/{c}/",
        f"/clients/{c}/history/",
        (f"/exports/{r.records['export'].public_id}/", 202),
        f"/clients/{c}/disposal/new/",
        "/audit/",
        "/account/two-factor/",
        "/admin/",
    ]


# Words of 4 to 20 letters that the browser wrapped in the middle ("Comfortabl" / "e"): each word's rectangles on
# more than one line. Longer runs (a pasted code) may be cut where they must.
BROKEN_WORDS = """() => {
  const broken = new Set();
  const range = document.createRange();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, template, svg') || !parent.getClientRects().length) continue;
    for (const match of node.data.matchAll(/(?<![\\p{L}\\p{N}_-])\\p{L}{4,20}(?![\\p{L}\\p{N}_-])/gu)) {
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.bottom)));
      if (lines.size > 1) broken.add(match[0]);
    }
  }
  return [...broken].slice(0, 5);
}"""


# Text in a chart shrunk with its drawing until it cannot be read (a 720-unit-wide chart on a 390 px phone).
TINY_CHART_TEXT = """() => [...document.querySelectorAll('svg text')]
  .filter((t) => t.getClientRects().length && t.getBoundingClientRect().height < 9)
  .slice(0, 3).map((t) => t.textContent.trim())"""


def problems_on(page, url: str, csp_errors: list[str], status: int = 200) -> list[str]:
    """What is wrong with the page at `url` (which answers `status`), at every size."""
    found = []
    for size_name, size in SIZES.items():
        page.set_viewport_size(size)
        csp_errors.clear()
        response = page.goto(url)
        where = f"{url} ({size_name})"
        if response is None or response.status != status:
            found.append(f"{where}: HTTP {response.status if response else 'no response'}")
            continue
        found += [f"{where}: {problem}" for problem in page_problems(page, csp_errors)]
    return found


def page_problems(page, csp_errors: list[str]) -> list[str]:
    """What is wrong with the page as it is now."""
    found = []
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 0:
        wide = page.evaluate(
            """() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                .slice(0, 3).map(e => e.tagName + '.' + [...e.classList].join('.'))"""
        )
        found.append(f"{overflow}px of horizontal scroll ({', '.join(wide)})")
    tiny = page.evaluate(TINY_CHART_TEXT)
    if tiny:
        found.append(f"chart text drawn smaller than 9 px: {', '.join(tiny)}")
    if broken := page.evaluate(BROKEN_WORDS):
        found.append(f"words broken across lines: {', '.join(broken)}")
    found.extend(csp_errors)
    result = axe.run(page)
    for violation in result.response["violations"]:
        if violation["impact"] in SERIOUS:
            targets = [str(node["target"]) for node in violation["nodes"][:3]]
            found.append(f"axe {violation['impact']} {violation['id']} at {', '.join(targets)}")
    return found


# A field marked invalid must name its message (aria-describedby), so a screen reader reads it with the field; and
# every visible field message must be named by a field.
UNTIED_ERRORS = """() => {
  const untied = [];
  for (const field of document.querySelectorAll('[aria-invalid=true]')) {
    const ids = (field.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
    if (!ids.some((id) => document.getElementById(id)?.textContent.trim())) untied.push(field.name || field.id);
  }
  for (const message of document.querySelectorAll('.invalid-feedback')) {
    if (!message.getClientRects().length || !message.textContent.trim()) continue;
    const named = message.id && document.querySelector(`[aria-describedby~="${message.id}"]`);
    if (!named) untied.push(message.id || message.textContent.trim().slice(0, 40));
  }
  return untied;
}"""


def refused(page, live_server, csp_errors: list[str], url: str, button: str) -> list[str]:
    """The problems of the page at `url` once its form is sent empty: the form again, with its messages."""
    problems = []
    for size_name, size in SIZES.items():
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}{url}")
        csp_errors.clear()
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_load_state()
        if not page.locator(".invalid-feedback, .alert-danger").count():
            problems.append(f"{url} ({size_name}): no message after sending it empty")
        if untied := page.evaluate(UNTIED_ERRORS):
            problems.append(f"{url} ({size_name}): errors not tied to their fields: {', '.join(untied)}")
        problems += [f"{url} sent empty ({size_name}): {p}" for p in page_problems(page, csp_errors)]
    return problems


def walk(page, live_server, csp_errors: list[str], urls: list) -> list[str]:
    """Every problem of every page in `urls` (each a path, or a path and the status it answers)."""
    problems = []
    for url in urls:
        url, status = url if isinstance(url, tuple) else (url, 200)
        problems.extend(problems_on(page, f"{live_server.url}{url}", csp_errors, status))
    return problems


def test_the_sign_in_and_error_pages(page, live_server, csp_errors):
    problems = walk(page, live_server, csp_errors, ["/accounts/login/"])
    problems += problems_on(page, f"{live_server.url}/no-such-page/", csp_errors, status=404)
    assert not problems, "\n".join(problems)


def test_every_front_desk_page(signed_in_page, live_server, record, csp_errors, demo_password):
    page = signed_in_page(record.desk)
    problems = walk(page, live_server, csp_errors, desk_pages(record))
    c = record.client.public_id
    problems += refused(page, live_server, csp_errors, "/clients/new/", "Add client")
    problems += refused(page, live_server, csp_errors, f"/clients/{c}/intakes/new/", "Save intake")
    problems += refused(page, live_server, csp_errors, f"/clients/{c}/consents/new/?kind=treatment", "Sign consent")
    # The tablet handed to the client: only the consent text and the signing form.
    page.goto(f"{live_server.url}/clients/{c}/consents/new/?kind=treatment")
    csp_errors.clear()
    page.get_by_role("button", name="Hand the tablet to the client").click()
    page.wait_for_url("**/handover/")
    problems += [f"handover: {problem}" for problem in page_problems(page, csp_errors)]
    page.get_by_text("Staff: return to the app").click()
    page.get_by_label("Staff password").fill(demo_password)
    page.get_by_role("button", name="Return to the app").click()
    # The client's own forms sent empty (errors beside their fields), the link made, the tablet handed over.
    problems += refused(page, live_server, csp_errors, f"/f/{record.records['form_token']}/", "Send to the clinic")
    problems += refused(
        page, live_server, csp_errors, f"/submissions/{record.records['submission'].public_id}/", "Decline"
    )
    for size_name, size in SIZES.items():
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/clients/{c}/forms/link/")
        csp_errors.clear()
        page.get_by_role("button", name="Make the link").click()
        page.wait_for_load_state()
        problems += [f"link made ({size_name}): {problem}" for problem in page_problems(page, csp_errors)]
    page.goto(f"{live_server.url}/clients/{c}/forms/link/")
    page.get_by_role("button", name="Hand the tablet to the client").click()
    page.wait_for_url("**/handover/forms/")
    for size_name, size in SIZES.items():
        page.set_viewport_size(size)
        page.reload()
        csp_errors.clear()
        problems += [f"forms handover ({size_name}): {problem}" for problem in page_problems(page, csp_errors)]
    assert not problems, "\n".join(problems)


def test_every_therapist_page(signed_in_page, live_server, record, csp_errors):
    page = signed_in_page(record.therapist)
    problems = walk(page, live_server, csp_errors, therapist_pages(record))
    signed = record.records["signed"].public_id
    problems += refused(page, live_server, csp_errors, f"/sessions/{signed}/addenda/new/", "Add addendum")
    judged = record.records["judged"].public_id
    problems += refused(page, live_server, csp_errors, f"/screenings/{judged}/judgement/", "Record this judgement")
    problems += refused(
        page, live_server, csp_errors, f"/sessions/{signed}/adverse-effects/new/", "Save adverse effect"
    )
    planless = record.records["planless"].public_id  # a first plan: its form starts empty
    problems += refused(page, live_server, csp_errors, f"/clients/{planless}/plan/", "Save plan")
    assert not problems, "\n".join(problems)


def test_what_a_therapist_outside_the_care_team_sees(signed_in_page, live_server, record, csp_errors):
    outsider = UserFactory(username="otto", first_name="Otto", last_name="Out", roles=[roles.THERAPIST])
    c = record.client.public_id
    page = signed_in_page(outsider)
    problems = walk(page, live_server, csp_errors, ["/", f"/clients/{c}/", f"/clients/{c}/emergency-access/"])
    problems += refused(page, live_server, csp_errors, f"/clients/{c}/emergency-access/", "Open the record")
    assert not problems, "\n".join(problems)


def test_every_clinic_admin_page(signed_in_page, live_server, record, csp_errors):
    device = TOTPDevice.objects.create(user=record.admin, name="phone", confirmed=True)
    page = signed_in_page(record.admin)
    problems = walk(page, live_server, csp_errors, ["/account/two-factor/verify/"])
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Verify").click()
    problems += walk(page, live_server, csp_errors, admin_pages(record))
    assert not problems, "\n".join(problems)
