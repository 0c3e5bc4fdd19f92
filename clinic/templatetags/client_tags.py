"""The client list's rows, written in Python: 25 rows through template tags took 5 ms of the list and search pages."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from intake.templatetags.intake_tags import screening_badges

register = template.Library()


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
                client.date_of_birth.isoformat() if client.date_of_birth else "",
                client.phone,
                members,
            )
        )
    return mark_safe("\n    ".join(rows))  # noqa: S308  # nosec B308 B703 (each row built by format_html)
