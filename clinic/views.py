from datetime import timedelta

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Window
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clinic import panels, roles, services, two_factor
from clinic.access import (
    STAFF_ROLES,
    can_archive_client,
    can_manage_care_team,
    get_client_for,
    role_required,
)
from clinic.audit import reads_audited_together, record_view
from clinic.audit_views import with_clients
from clinic.emergency_views import emergency_access_offer
from clinic.forms import ArchiveClientForm, CareTeamAddForm, ClientForm, therapists
from clinic.guards import refuse_if_archived, refuse_unless
from clinic.models import SCREENING_FLAGS, Client, ClientDisposed, EmergencyAccess, User
from clinic.pagination import CappedPaginator, CountedWithPagePaginator
from clinic.searches import recalled_search, remember_search

CLIENTS_PER_PAGE = 25
# The clinic admin's home page lists every emergency access of this period.
EMERGENCY_ACCESS_REVIEW_PERIOD = timedelta(days=30)
FLAG_LABELS = {
    "consider": _l("consider iliopsoas"),
    "caution": _l("abdominal caution"),
    "contraindicated": _l("abdominal contraindicated"),
    "refer": _l("refer"),
}


def flag_filter(user, clients, flag: str):
    """Filter by a screening flag, within what the user may know: the front desk knows only of referrals,
    a therapist only of their care team's flags."""
    if user.is_clinic_admin or (flag == "refer" and user.is_front_desk):
        return clients.flagged(flag)
    if user.is_therapist:
        return clients.in_care_of(user).flagged(flag)
    return clients.none()


def care_team_prefetch():
    """Each listed client's care team, by name: the names only (not password hashes and the rest of the row)."""
    return Prefetch("care_team", queryset=User.objects.order_by("first_name", "last_name").only(*User.NAME_FIELDS))


# What a row of the client list shows (clinic/templatetags/client_tags.py): name, pronouns, date of birth,
# phone, the screening summary.
CLIENT_ROW_FIELDS = ("public_id", "first_name", "last_name", "preferred_name", "pronouns", "date_of_birth", "phone")
CLIENT_ROW_FIELDS += ("screened_at", "screening_iliopsoas", "screening_abdominal_work", "screening_refer")
CLIENT_ROW_FIELDS += ("referral_cleared", "iliopsoas_judgement", "archived_at")


@require_safe
def home(request):
    user = request.user
    context = {"has_any_role": user.has_role(*STAFF_ROLES) or user.is_clinic_admin}
    if user.is_front_desk:
        context["added_today"] = Client.objects.active().filter(created_at__date=timezone.localdate())[:10]
    if user.is_therapist:
        care_clients = Client.objects.active().in_care_of(user)
        context["care_clients"] = care_clients[:50]
        context["care_client_count"] = care_clients.count()
        context["needing_review"] = care_clients.needing_review().order_by("-screened_at")[:20]
    if user.is_clinic_admin:
        # Audit entries (and their count) only as /audit/ shows them: after the second factor, when it is required.
        context["audit_verify_url"] = audit_verify_url = two_factor.audit_verify_url(request)
        context["counts"] = {
            "active": Client.objects.active().count(),
            "archived": Client.objects.archived().count(),
        }
        if audit_verify_url is None:
            context["counts"]["audit_today"] = LogEntry.objects.filter(timestamp__date=timezone.localdate()).count()
            context["recent_events"] = with_clients(
                LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")[:15]
            )
        context["staff_by_role"] = (
            User.objects.filter(is_active=True, groups__name__in=roles.ALL_ROLES)
            .values("groups__name")
            .annotate(n=Count("id"))
            .order_by("groups__name")
        )
        context["emergency_accesses"] = (
            EmergencyAccess.objects.granted_since(timezone.now() - EMERGENCY_ACCESS_REVIEW_PERIOD)
            .select_related("user", "client")
            .order_by("-granted_at", "-id")[:50]
        )
    context["panels"] = panels.gather("home_panels", request)
    return render(request, "clinic/home.html", context)


def client_list_url(*, search: str = "", flag: str = "", archived: bool = False) -> str:
    """The list's address: an opaque search token and the filters, never the searched text itself."""
    params = {"search": search, "flag": flag, "archived": "1" if archived else ""}
    query = urlencode({name: value for name, value in params.items() if value})
    return reverse("clinic:client-list") + (f"?{query}" if query else "")


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(*STAFF_ROLES)
def client_list(request):
    """GET lists and filters; the search form POSTs its text, which is kept in the session and named by a token."""
    params = request.POST if request.method == "POST" else request.GET
    flag = params.get("flag", "")
    flag = flag if flag in SCREENING_FLAGS else ""
    show_archived = params.get("archived") == "1"
    if request.method == "POST":
        text = params.get("q", "")
        search = remember_search(request, text) if text.strip() else ""
        return redirect(client_list_url(search=search, flag=flag, archived=show_archived))
    search = params.get("search", "")
    q = recalled_search(request, search)[:100]
    search = search if q else ""
    clients = Client.objects.archived() if show_archived else Client.objects.active()
    clients = clients.search(q).only(*CLIENT_ROW_FIELDS).prefetch_related(care_team_prefetch())
    if flag:
        clients = flag_filter(request.user, clients, flag)
    if q:  # a search counts its matches in the query that reads the page
        paginator = CountedWithPagePaginator(clients.annotate(matches=Window(Count("id"))), CLIENTS_PER_PAGE)
    else:
        paginator = CappedPaginator(clients, CLIENTS_PER_PAGE)
    page = paginator.get_page(params.get("page"))
    return render(
        request,
        "clinic/client_list.html",
        {
            "page": page,
            "q": q,
            "search": search,
            "flag": flag,
            "flag_choices": FLAG_LABELS.items(),
            "show_archived": show_archived,
            "query": client_list_url(search=search, flag=flag, archived=show_archived).partition("?")[2],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@role_required(*STAFF_ROLES)
def client_create(request):
    form = ClientForm(request.POST or None, can_set_care_team=can_manage_care_team(request.user))
    if request.method == "POST" and form.is_valid():
        client = services.create_client(
            created_by=request.user,
            care_team=form.cleaned_data.get("care_team", ()),
            **form.demographic_data(),
        )
        messages.success(request, _("Client %(name)s added.") % {"name": client.display_name})
        return redirect(client)
    return render(request, "clinic/client_form.html", {"form": form, "client": None})


def therapists_to_add(user, client) -> list[User]:
    """The active therapists not yet on the client's care team, for the front desk's and admins' "add a therapist"
    form (none for anyone else, or for an archived client): one query, names only."""
    if not can_manage_care_team(user) or client.is_archived:
        return []
    on_team = {member.pk for member in client.care_team_members}
    return [therapist for therapist in therapists().only(*User.NAME_FIELDS) if therapist.pk not in on_team]


@require_safe
@reads_audited_together
def client_detail(request, public_id):
    client = get_client_for(request.user, public_id)
    record_view(client)
    return render(
        request,
        "clinic/client_detail.html",
        {
            "client": client,
            "age": client.age_on(timezone.localdate()),
            "care_team": client.care_team_members,
            "therapists_to_add": therapists_to_add(request.user, client),
            "can_archive": can_archive_client(request.user),
            "archive_form": ArchiveClientForm(),
            **emergency_access_offer(request.user, client),
            "panels": panels.gather("client_panels", request, client=client),
        },
    )


def refuse_if_disposed(request, client):
    """None unless the client's record was disposed of; then the redirect to their page, saying it is final."""
    return refuse_unless(
        request,
        client,
        allowed=not client.is_disposed,
        message=_(
            "This client's record was disposed of after its retention date: disposal is final, so the client "
            "cannot be restored or edited. Nothing was changed."
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def client_edit(request, public_id):
    client = get_client_for(request.user, public_id)
    if refused := refuse_if_disposed(request, client):
        return refused
    can_set_care_team = can_manage_care_team(request.user)
    form = ClientForm(request.POST or None, instance=client, can_set_care_team=can_set_care_team)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_client(
                client=client,
                care_team=form.cleaned_data["care_team"] if can_set_care_team else None,
                **form.demographic_data(),
            )
        except ClientDisposed:  # disposed of since the page was loaded
            return refuse_if_disposed(request, client)
        messages.success(request, _("Changes to %(name)s saved.") % {"name": client.display_name})
        return redirect(client)
    return render(request, "clinic/client_form.html", {"form": form, "client": client})


@require_POST
def care_team_add(request, public_id):
    """The front desk or a clinic admin adds a therapist to a client's care team; therapists may not (403)."""
    if not can_manage_care_team(request.user):
        raise PermissionDenied
    client = get_client_for(request.user, public_id)
    if refused := refuse_if_archived(request, client, doing=_("adding a therapist to their care team")):
        return refused
    form = CareTeamAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["therapist"][0])
        return redirect(client)
    therapist = form.cleaned_data["therapist"]
    names = {"therapist": therapist.display_name, "client": client.display_name}
    try:
        added = services.add_to_care_team(client=client, therapist=therapist)
    except services.NotATherapist:
        messages.error(request, CareTeamAddForm.base_fields["therapist"].error_messages["invalid_choice"])
        return redirect(client)
    if added:
        messages.success(request, _("%(therapist)s added to the care team of %(client)s.") % names)
    else:
        messages.info(request, _("%(therapist)s is already on the care team of %(client)s.") % names)
    return redirect(client)


@require_POST
def client_archive(request, public_id):
    client = get_client_for(request.user, public_id)
    if not can_archive_client(request.user):
        raise PermissionDenied
    form = ArchiveClientForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The reason is too long (200 characters at most)."))
    elif client.is_archived:
        messages.info(request, _("This client was already archived."))
    else:
        services.archive_client(client=client, archived_by=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request, _("%(name)s archived. Their record is kept and can be restored.") % {"name": client.display_name}
        )
    return redirect(client)


@require_POST
def client_restore(request, public_id):
    client = get_client_for(request.user, public_id)
    if not can_archive_client(request.user):
        raise PermissionDenied
    if refused := refuse_if_disposed(request, client):
        return refused
    if client.is_archived:
        try:
            services.restore_client(client=client)
        except ClientDisposed:  # disposed of since the page was loaded
            return refuse_if_disposed(request, client)
        messages.success(request, _("%(name)s restored to the active list.") % {"name": client.display_name})
    return redirect(client)


@require_http_methods(["GET", "HEAD", "POST"])
@login_not_required
def logout_view(request):
    """GET asks to confirm; POST signs out (a link alone must not sign anyone out)."""
    if request.method == "POST":
        logout(request)
        messages.info(request, _("You have been signed out."))
        return redirect("login")
    if not request.user.is_authenticated:
        return redirect("login")
    return render(request, "registration/logout_confirm.html")
