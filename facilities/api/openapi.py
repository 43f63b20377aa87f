"""The residents' `near` search in the OpenAPI schema.

/api/v1/facilities/near/ is a plain Django view (facilities.api.views.facility_near), which
drf-spectacular does not see; this postprocessing hook (settings.SPECTACULAR_SETTINGS) describes it
with the components of the facility list: the same page of public rows and the same kind/need/page
parameters.
"""

from __future__ import annotations

import copy
from typing import Any

from django.utils.translation import gettext_lazy as _

from .. import near, standards

NEAR_PATH = "/api/v1/facilities/near/"
LIST_PATH = "/api/v1/facilities/"


def add_near_path(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    paths = result.setdefault("paths", {})
    listed = paths.get(LIST_PATH, {}).get("get")
    if listed is None:  # a schema for a subset of the API
        return result
    shared = [p for p in listed.get("parameters", []) if p.get("name") in ("kind", "need", "limit", "offset")]
    parameters = [
        {
            "in": "query",
            "name": "near",
            "required": True,
            "schema": {"type": "string"},
            "description": str(_("位置（经度,纬度）")),
        },
        {
            "in": "query",
            "name": "radius",
            "schema": {"type": "number", "minimum": 1, "maximum": standards.MAX_NEAR_RADIUS_M},
            "description": str(_("半径（米）")),
        },
        *shared,
    ]
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    # The list answers a staff record or a public row; a staff record has every public field, so
    # "any of" (a staff record matches both, which "one of" would refuse).
    if "oneOf" in schemas.get("FacilityRecord", {}):
        schemas["FacilityRecord"] = {"anyOf": schemas["FacilityRecord"].pop("oneOf")}
    # `near` answers public rows only: its page names them alone.
    page = schemas.get("PaginatedFacilityRecordList")
    if page is not None and "PaginatedFacilityPublicList" not in schemas:
        public_page = copy.deepcopy(page)
        public_page["properties"]["results"]["items"] = {"$ref": "#/components/schemas/FacilityPublic"}
        schemas["PaginatedFacilityPublicList"] = public_page
    paths[NEAR_PATH] = {
        "get": {
            "operationId": "facilities_near",
            "description": (
                "The residents' search, open to everyone: operating and suspended facilities within "
                f"`radius` metres (default {standards.DEFAULT_NEAR_RADIUS_M}) of `near` (LNG,LAT, WGS 84), "
                f"nearest first, public fields with `distance_m`; {near.DEFAULT_LIMIT} a page unless `limit` "
                f"(at most {near.MAX_LIMIT}) says otherwise."
            ),
            "parameters": parameters,
            "tags": ["facilities"],
            "security": [],  # no session or token is read
            "responses": {
                # Rate-limited per client (settings: API_THROTTLE_NEAR); the body is filled in by
                # accounts/openapi.py like every error answer's.
                "429": {"description": "请求过于频繁"},
                "200": {
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/PaginatedFacilityPublicList"}
                        }
                    },
                    "description": "",
                }
            },
        }
    }
    return result
