"""The blacklist's sharing feed (联合惩戒) for the credit-information platform
(信用信息共享平台): listings and removals, oldest first, after a cursor.

Read by a registered feed reader with its own read-only API key (``Authorization:
Bearer <key>`` or ``X-API-Key``; ``qingling source-system add NAME --feed``, scope
``blacklist_feed``) or by signed-in staff who may see cases. A complaint-filing key is
refused here (403), and a feed key is refused where complaints are filed. Each line is
the payload written when the event happened (docs/sanctions.md, "The feed");
``next_cursor`` is given back as ``after`` to get the next lines, so a removal appears
in the next read after it happened.
"""

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.params.functions import Query

from qingling.accounts.permissions import Perm, can
from qingling.api.complaints import SystemKeyBearer, SystemKeyHeader, no_valid_key
from qingling.core.exceptions import Forbidden
from qingling.intake.models import SourceSystem
from qingling.sanctions.selectors import FEED_LIMIT, feed_events, feed_line


class FeedPerson(Schema):
    name: str
    role: str
    id_number_masked: str


class FeedLine(Schema):
    cursor: int
    occurred_on: str
    event: str
    listing_id: str
    credit_code: str
    name: str
    persons: list[FeedPerson]
    decision_number: str
    ground: str
    listed_on: str | None
    ends_on: str | None
    removed_on: str | None
    reason: str
    removal_document: str | None
    authority: str


class FeedOut(Schema):
    lines: list[FeedLine]
    next_cursor: int


AFTER = Query(0, ge=0, description="The cursor of the last line read (0: from the start)")
LIMIT = Query(FEED_LIMIT, ge=1, le=FEED_LIMIT)


def blacklist_router(errors: Mapping[HTTPStatus, type[Schema]], staff_auth: Any) -> Router:
    router = Router(
        tags=["blacklist"],
        auth=[
            SystemKeyBearer(scope=SourceSystem.Scope.BLACKLIST_FEED),
            SystemKeyHeader(scope=SourceSystem.Scope.BLACKLIST_FEED),
            staff_auth,
            no_valid_key,
        ],
    )

    @router.get(
        "/feed",
        response={
            HTTPStatus.OK: FeedOut,
            **{HTTPStatus(s): errors[HTTPStatus(s)] for s in (401, 403, 422)},
        },
        operation_id="get_blacklist_feed",
        summary="Listings and removals after a cursor",
        description=(
            "The blacklist's events (listed, removed) in the order they happened, at most "
            f"{FEED_LIMIT} at a time, after the cursor ``after`` (0 for all). Persons carry "
            "masked ID numbers only. Read with a feed reader's key (scope blacklist_feed; "
            "a complaint-filing key gets 403) or a staff session. docs/sanctions.md."
        ),
    )
    def get_blacklist_feed(
        request: HttpRequest,
        after: int = AFTER,
        limit: int = LIMIT,
    ) -> object:
        if not isinstance(request.auth, SourceSystem) and not can(  # type: ignore[attr-defined]
            request.user, Perm.CASE_VIEW
        ):
            raise Forbidden(_("Your role does not allow this."))
        lines = [feed_line(event) for event in feed_events(after=after, limit=limit)]
        return {"lines": lines, "next_cursor": lines[-1]["cursor"] if lines else after}

    return router
