"""A paginator that does not count what the first page already shows.

Django's ``Paginator`` counts the rows (``SELECT COUNT(*)``) before it reads a page, to know the number of
pages. When the first page is asked for and the rows read for it are all there are, that count is their
number: :class:`Paginator` reads one row more than a page and counts only when that row exists. Most
lists a member or a department sees (their own applications, today's tasks) fit on one page, so this is one
query fewer on those pages (docs/performance.md, "Pages near the limit, third pass"). The pages are the
same as Django's.
"""

from django.core import paginator


class Paginator(paginator.Paginator):
    def validate_number(self, number):
        # Django's asks for the number of pages (the count) before it looks at the number; the first page
        # always exists, so it is answered without. Anything not a whole number fails as in Django.
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            first = int(number) == 1
        except (TypeError, ValueError):
            raise paginator.PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if first and self.allow_empty_first_page:
            return 1
        return super().validate_number(number)

    def page(self, number):
        number = self.validate_number(number)
        if number != 1 or "count" in self.__dict__:
            return super().page(number)
        wanted = self.per_page + self.orphans
        rows = list(self.object_list[: wanted + 1])
        if len(rows) <= wanted:  # every row: no count needed
            self.count = len(rows)
            return self._get_page(rows, 1, self)
        return self._get_page(rows[: self.per_page], 1, self)
