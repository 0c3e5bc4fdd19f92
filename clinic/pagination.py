"""Pages of long lists that never count more rows than a person would page through.

The client list of a chain holds a hundred thousand clients and the audit log millions of entries: an exact
COUNT(*) of them on every page costs more than the page itself and tells nobody anything. Past `cap` rows the list
says "more than 1,000" and asks for a search or a filter instead.
"""

from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, cap: int = COUNT_CAP):
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def counted(self) -> int:
        # COUNT(*) over at most cap + 1 rows, without the ORDER BY the page itself needs.
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def capped(self) -> bool:
        """More rows than the pages show: the last page is the cap's."""
        return self.counted > self.cap
