"""The API's one pagination: `limit`/`offset`, as DRF's LimitOffsetPagination reads them, within
PostgreSQL's bigint.

A value the database cannot hold (2^63 or more) is a 400 with the shared error body on the parameter,
not a database error; a value that is not a positive integer is the default, as DRF (and the
residents' `near` search) read it. The schema documents the bounds.
"""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

from .errors import CommonCode, PortalError

# The largest LIMIT/OFFSET PostgreSQL takes (bigint).
MAX_PAGE_PARAM = 2**63 - 1


def _check_bound(request: Request, name: str) -> None:
    raw = request.query_params.get(name, "")
    try:
        value = int(raw)
    except ValueError:
        return
    if value > MAX_PAGE_PARAM:
        raise PortalError(CommonCode.INVALID, field=name)


class PortalPagination(LimitOffsetPagination):
    def get_limit(self, request: Request) -> int | None:
        _check_bound(request, self.limit_query_param)
        return super().get_limit(request)

    def get_offset(self, request: Request) -> int:
        _check_bound(request, self.offset_query_param)
        return super().get_offset(request)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            minimum = 1 if parameter["name"] == self.limit_query_param else 0
            parameter["schema"].update(minimum=minimum, maximum=MAX_PAGE_PARAM)
        return parameters
