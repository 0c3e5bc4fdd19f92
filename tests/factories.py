from datetime import date

import factory
from django.contrib.auth.models import Group

from clinic import roles
from clinic.models import Client, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@clinic.example")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set(Group.objects.filter(name__in=extracted))


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_between", start_date=date(1940, 1, 1), end_date=date(2010, 1, 1))
    phone = factory.Sequence(lambda n: f"416-555-{n:04d}")

    @factory.post_generation
    def care_team(self, create, extracted, **kwargs):
        if create and extracted:
            self.care_team.set(extracted)


def front_desk_user(**kwargs) -> User:
    return UserFactory(roles=[roles.FRONT_DESK], **kwargs)


def therapist_user(**kwargs) -> User:
    return UserFactory(roles=[roles.THERAPIST], **kwargs)


def clinic_admin_user(**kwargs) -> User:
    return UserFactory(roles=[roles.CLINIC_ADMIN], **kwargs)
