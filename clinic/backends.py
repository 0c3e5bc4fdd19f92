"""Sign-in backend: Django's ModelBackend, reading the signed-in user and their roles in one query a request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

from clinic import roles


def role_flags():
    """One EXISTS per role, to annotate users with: `User.role_names` reads them instead of querying groups."""
    User = get_user_model()
    memberships = User.groups.through.objects.filter(user_id=OuterRef("pk"))
    return {flag: Exists(memberships.filter(group__name=name)) for name, flag in roles.FLAGS.items()}


class ClinicBackend(ModelBackend):
    def get_user(self, user_id):
        User = get_user_model()
        user = User._default_manager.annotate(**role_flags()).filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
