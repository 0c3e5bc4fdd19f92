"""The client list's rows and the screening badges, written in Python: 25 rows through template tags took 5 ms of
the list and search pages."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from clinic import local_time
from clinic.access import may_read_clinical_record

register = template.Library()

BADGE_LABELS = {
    "consider": _("consider iliopsoas"),
    "judged_consider": _("therapist: consider iliopsoas"),
    "judged_not_indicated": _("therapist: iliopsoas not indicated"),
    "caution": _("abdominal caution"),
    "contraindicated": _("abdominal contraindicated"),
}


@register.simple_tag
def screening_badges(client, user, care_team=None, full=None):
    """Badges from the client's summary flags (no query): full flags for those who see the full screening (those
    who may read the client's clinical record), the front desk's summary for the front desk, none for a therapist
    outside the care team (their demographics only). Pass `care_team` when it is already loaded (lists), or `full`
    when the caller already knows."""
    if full is not None:
        pass
    elif user.is_clinic_admin:
        full = True
    elif care_team is not None:
        full = user.is_therapist and any(member.pk == user.pk for member in care_team)
    else:
        full = may_read_clinical_record(user, client)
    if not client.screened_at or not (full or user.is_front_desk):
        return ""
    flags = client.screening_flags
    if full and client.iliopsoas_judgement:
        # The therapist's judgement stands beside the screening's flag, never in its place.
        position = 1 if "consider" in flags else 0
        flags = [*flags[:position], f"judged_{client.iliopsoas_judgement}", *flags[position:]]
    if full:
        return format_html_join(
            "",
            '<span class="badge flag-{} me-1">{}</span>',
            ((flag, _badge_label(flag, client)) for flag in flags),
        )
    if client.screening_refer and not client.referral_cleared:
        return format_html('<span class="badge flag-refer">{}</span>', _("refer to a physician before treatment"))
    if flags:
        return format_html('<span class="badge flag-review">{}</span>', _("needs therapist review"))
    return ""


def _badge_label(flag: str, client) -> str:
    if flag == "refer":
        return _("refer · clearance on file") if client.referral_cleared else _("refer")
    return BADGE_LABELS.get(flag, "")


@register.simple_tag
def client_rows(clients, user):
    """One <tr class="client-row"> per client: name (and pronouns), screening badges, date of birth, phone, care
    team. Each client's care team must be prefetched (`care_team`)."""
    rows = []
    for client in clients:
        team = list(client.care_team.all())
        pronouns = (
            format_html(' <small class="text-body-secondary">({})</small>', client.pronouns) if client.pronouns else ""
        )
        members = (
            format_html_join(", ", "{}", ((member.display_name,) for member in team))
            if team
            else format_html('<span class="text-body-secondary">{}</span>', "—")
        )
        rows.append(
            format_html(
                '<tr class="client-row">\n'
                '      <td><a href="{}">{}</a>{}\n'
                "        <div>{}</div></td>\n"
                "      <td>{}</td>\n"
                "      <td>{}</td>\n"
                "      <td>{}</td>\n"
                "    </tr>",
                client.get_absolute_url(),
                client.display_name,
                pronouns,
                screening_badges(client, user, team),
                local_time.day(client.date_of_birth),
                client.phone,
                members,
            )
        )
    return mark_safe("\n    ".join(rows))  # noqa: S308  # nosec B308 B703 (each row built by format_html)
