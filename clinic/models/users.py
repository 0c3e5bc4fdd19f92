"""Staff: a member of staff and their roles (groups), kept on their row."""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from clinic import roles


class User(AbstractUser):
    """A member of staff. What they may do comes from their roles (groups)."""

    # What `display_name` reads: a page that only names people loads these, not password hashes and the rest.
    NAME_FIELDS = ("id", "username", "first_name", "last_name")

    # The names of the roles (groups) the user holds, kept by `clinic.roles` whenever their groups change: loading
    # the signed-in user on every request reads this one row, not their groups.
    held_roles = models.JSONField(default=list, blank=True, editable=False)

    def save(self, *args, **kwargs):
        # `set_password` (a reset in /admin/, `changepassword`) leaves the new password in `_password` until saved;
        # a hash upgraded at sign-in does not (Django clears it first). A new account's password is its creation.
        password_set = not self._state.adding and (self._password is not None or self._made_unusable())
        super().save(*args, **kwargs)
        self._password_when_loaded = self.password
        if password_set:
            from clinic.security_events import record_password_set  # it imports the audit log: asked when needed

            record_password_set(self)

    def _made_unusable(self) -> bool:
        loaded = getattr(self, "_password_when_loaded", None)  # None: not loaded (a deferred field)
        return loaded is not None and loaded != self.password and self.password.startswith(UNUSABLE_PASSWORD_PREFIX)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The password as loaded (None when the field is deferred): save() tells a password made unusable by it.
        self._password_when_loaded = self.__dict__.get("password")

    @classmethod
    def name_fields(cls, relation: str) -> tuple[str, ...]:
        """NAME_FIELDS through a relation, for `.only()` with `select_related(relation)`."""
        return tuple(f"{relation}__{name}" for name in cls.NAME_FIELDS if name != "id")

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(self.held_roles) if self.is_active else frozenset()

    def has_role(self, *names: str) -> bool:
        return not self.role_names.isdisjoint(names)

    @property
    def is_front_desk(self) -> bool:
        return self.has_role(roles.FRONT_DESK)

    @property
    def is_therapist(self) -> bool:
        return self.has_role(roles.THERAPIST)

    @property
    def is_clinic_admin(self) -> bool:
        # A superuser is an emergency account: it acts as a clinic admin, nothing more.
        return self.has_role(roles.CLINIC_ADMIN) or (self.is_active and self.is_superuser)

    @property
    def display_name(self) -> str:
        return self.name_from(self.first_name, self.last_name, self.username)

    @staticmethod
    def name_from(first_name: str, last_name: str, username: str) -> str:
        """The name a user is shown by: their full name (get_full_name), else their username."""
        return f"{first_name} {last_name}".strip() or username

    def __str__(self):
        return self.display_name


class RoleGrant(models.Model):
    """Since when a user holds a role (a group): kept by `clinic.roles` whenever their groups change, from either
    side. The two-person rule of record disposal reads it: a role granted after a request cannot approve it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    group = models.ForeignKey("auth.Group", on_delete=models.CASCADE, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "group"], name="one_grant_per_role")]

    def __str__(self):
        return f"{self.group_id} → {self.user_id} ({self.granted_at})"
