"""Page numbers for listings: parse ?page= safely and compute what a pager shows."""

from __future__ import annotations

from dataclasses import dataclass

PER_PAGE = 30


@dataclass(frozen=True)
class Page:
    number: int
    per_page: int
    has_next: bool

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_number(request) -> int:
    """The requested page, 1 for anything missing or malformed."""
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    return max(1, min(number, 100_000))


def paginate(query, request, dbsession, per_page: int = PER_PAGE) -> tuple[list, Page]:
    """Run ``query`` (a select) for one page; fetch one extra row to know if more follow."""
    number = page_number(request)
    rows = list(dbsession.scalars(query.limit(per_page + 1).offset((number - 1) * per_page)))
    return rows[:per_page], Page(number=number, per_page=per_page, has_next=len(rows) > per_page)
