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


class CountedWithPagePaginator(CappedPaginator):
    """A search's pages: the query that reads a page also counts every match (COUNT(*) OVER (), annotated on each
    row as `matches`), so a search costs one query, not a count and then the page. Only for searches: a window
    over a whole list of 100,000 clients would count them all, which the capped count above avoids."""

    def get_page(self, number):
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        if number > self.cap // self.per_page + 1:  # past the cap's pages: as CappedPaginator answers it
            return super().get_page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page])
        if not rows:  # nothing matches, or past the last page: counted apart, as CappedPaginator does
            return super().get_page(number)
        self.__dict__["counted"] = rows[0].matches
        if number > self.num_pages:
            return super().get_page(number)
        return self._get_page(rows, number, self)
