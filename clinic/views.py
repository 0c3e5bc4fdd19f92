from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from clinic import roles, services
from clinic.access import (
    STAFF_ROLES,
    can_archive_client,
    can_manage_care_team,
    get_client_for,
    role_required,
)
from clinic.audit import record_view
from clinic.audit_views import with_clients
from clinic.forms import ArchiveClientForm, ClientForm
from clinic.models import SCREENING_FLAGS, Client, User

CLIENTS_PER_PAGE = 25
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
    return Prefetch("care_team", queryset=User.objects.order_by("first_name", "last_name"))


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
        context["counts"] = {
            "active": Client.objects.active().count(),
            "archived": Client.objects.archived().count(),
            "audit_today": LogEntry.objects.filter(timestamp__date=timezone.localdate()).count(),
        }
        context["staff_by_role"] = (
            User.objects.filter(is_active=True, groups__name__in=roles.ALL_ROLES)
            .values("groups__name")
            .annotate(n=Count("id"))
            .order_by("groups__name")
        )
        context["recent_events"] = with_clients(
            LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")[:15]
        )
    return render(request, "clinic/home.html", context)


@role_required(*STAFF_ROLES)
def client_list(request):
    q = request.GET.get("q", "")[:100]
    show_archived = request.GET.get("archived") == "1"
    flag = request.GET.get("flag", "")
    clients = Client.objects.archived() if show_archived else Client.objects.active()
    clients = clients.search(q).prefetch_related(care_team_prefetch())
    if flag in SCREENING_FLAGS:
        clients = flag_filter(request.user, clients, flag)
    else:
        flag = ""
    page = Paginator(clients, CLIENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "clinic/client_list.html",
        {
            "page": page,
            "q": q,
            "flag": flag,
            "flag_choices": FLAG_LABELS.items(),
            "show_archived": show_archived,
            "query": query.urlencode(),
        },
    )


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
            "can_archive": can_archive_client(request.user),
            "archive_form": ArchiveClientForm(),
        },
    )


def client_edit(request, public_id):
    client = get_client_for(request.user, public_id)
    can_set_care_team = can_manage_care_team(request.user)
    form = ClientForm(request.POST or None, instance=client, can_set_care_team=can_set_care_team)
    if request.method == "POST" and form.is_valid():
        services.update_client(
            client=client,
            care_team=form.cleaned_data["care_team"] if can_set_care_team else None,
            **form.demographic_data(),
        )
        messages.success(request, _("Changes to %(name)s saved.") % {"name": client.display_name})
        return redirect(client)
    return render(request, "clinic/client_form.html", {"form": form, "client": client})


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
    if client.is_archived:
        services.restore_client(client=client)
        messages.success(request, _("%(name)s restored to the active list.") % {"name": client.display_name})
    return redirect(client)


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
