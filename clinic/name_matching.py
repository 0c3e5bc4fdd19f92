"""Could two registrations name the same person? Plain Python, no Django: the duplicate-client warning asks it of
each client born on the same day as the one being registered.

Two names may be one person's when their surnames are the same or differ by a slip of the keyboard, and their
given names (legal or preferred) are the same, differ by such a slip ("Katherine" and "Catherine"), or one is a
nickname of the other ("Dan" and "Daniel", "Bill" and "William"). The nicknames come from the `nicknames` package
(a hand-curated list of English given names, Apache-2.0); the slips are measured by `rapidfuzz` (MIT). A false
alarm costs the front desk one tick; a missed duplicate splits a client's record in two, so the rule leans towards
warning.
"""

import unicodedata
from collections.abc import Iterable

from nicknames import NickNamer
from rapidfuzz.distance import OSA

# The package's own list (about 2,700 lines of its CSV), read once at import: data shipped with the package, the
# same in every process, never anything of the clinic's.
NICKNAMES = NickNamer()


def normalised(name: str) -> str:
    """Lower case, without accents, spaces, hyphens or apostrophes: "O'Brien" and "obrien" are the same."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(char for char in decomposed if char.isalpha())


def slips_allowed(a: str, b: str) -> int:
    """Typing slips (a letter added, dropped, changed, or two swapped) tolerated between two names: none in a name
    of three letters or fewer ("Dan" is not "Don"), one up to seven letters, two from eight."""
    longest = max(len(a), len(b))
    if longest <= 3:
        return 0
    return 1 if longest <= 7 else 2


def spelled_alike(a: str, b: str) -> bool:
    a, b = normalised(a), normalised(b)
    if not a or not b:
        return False
    allowed = slips_allowed(a, b)
    return OSA.distance(a, b, score_cutoff=allowed) <= allowed


def nicknamed_alike(a: str, b: str) -> bool:
    """One is a nickname of the other. Not two nicknames of one name: the list's looser links would make "Robert"
    and "William" alike (both said to be nicknamed "Bill"), and twins are born on the same day."""
    names = NICKNAMES
    a, b = a.strip().casefold(), b.strip().casefold()
    if not a or not b:
        return False
    return b in names.nicknames_of(a) or a in names.nicknames_of(b)


def given_names_alike(ours: Iterable[str], theirs: Iterable[str]) -> bool:
    """Any of one person's given names (legal, preferred) alike any of the other's."""
    ours = [name for name in ours if name and name.strip()]
    theirs = [name for name in theirs if name and name.strip()]
    return any(spelled_alike(a, b) or nicknamed_alike(a, b) for a in ours for b in theirs)


def may_be_same_person(
    *, first_names: Iterable[str], last_name: str, other_first_names: Iterable[str], other_last_name: str
) -> bool:
    """Whether two people born on the same day may be one: surnames spelled alike, given names alike."""
    return spelled_alike(last_name, other_last_name) and given_names_alike(first_names, other_first_names)
