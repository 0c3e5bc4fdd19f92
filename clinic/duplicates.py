"""The duplicate-client warning's question: is the client being registered already on file?

Candidates share the date of birth (the database narrows to them by its index), then their names are compared in
Python (`clinic/name_matching.py`), on SQLite and PostgreSQL alike.
"""

from datetime import date

from clinic import name_matching
from clinic.models import Client

# Same-day clients whose names are compared. Few share a birthday, but a clinic may enter a placeholder date for
# clients who do not give theirs; past this many, PostgreSQL keeps the surnames most alike (trigram similarity).
CANDIDATES_COMPARED = 200
DUPLICATES_SHOWN = 5


def possible_duplicates(
    *, first_name: str, last_name: str, date_of_birth: date, preferred_name: str = ""
) -> list[Client]:
    """Clients born on `date_of_birth` whose names may be this person's ("Dan Smith" for "Daniel Smith", "Jon" for
    "John", "Catherine" for "Katherine"), archived ones included; at most five, the closest surname first on
    PostgreSQL."""
    candidates = (
        Client.objects.born_on(date_of_birth)
        .closest_surnames_first(last_name)
        .only("public_id", "first_name", "last_name", "preferred_name")[:CANDIDATES_COMPARED]
    )
    ours = (first_name, preferred_name)
    found = [
        candidate
        for candidate in candidates
        if name_matching.may_be_same_person(
            first_names=ours,
            last_name=last_name,
            other_first_names=(candidate.first_name, candidate.preferred_name),
            other_last_name=candidate.last_name,
        )
    ]
    return found[:DUPLICATES_SHOWN]
