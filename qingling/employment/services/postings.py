"""Writes of job postings (用工信息): the content rules, bulk import, publish and expire.

The rules are those of the January-2026 five-department notice on job information
(人社部等《关于规范网络平台招聘类信息发布的通知》): a posting names the employer and
what it is, the headcount, the requirements, the work, the place, the basic pay and an
expiry; it may not discriminate by ethnicity, race, sex or religion, nor limit by
household registration (户籍), region or identity, nor promise "high pay" or "guaranteed
hiring"; a reposted posting names its source. ``posting_problems`` says every breach by
field, so a form and an import line show them all at once.
"""

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qingling.accounts.models import User
from qingling.core import clock
from qingling.core.exceptions import Conflict, InvalidInput
from qingling.core.models import AuditEvent, Division
from qingling.core.services import (
    Actor,
    audit_event_record,
    audit_snapshot,
    status_compare_and_swap,
)
from qingling.core.validators import normalize_credit_code, validate_credit_code
from qingling.core.workbooks import (
    RowErrors,
    RowFailure,
    SheetImportResult,
    add_error,
    cell_amount,
    cell_count,
    cell_date,
    cell_text,
    sheet_rows,
)
from qingling.employment.models import Occupation, Posting
from qingling.employment.selectors.postings import employer_flags
from qingling.parties.models import Organization
from qingling.parties.services import organization_register

POSTING_AUDIT_FIELDS = (
    "employer",
    "title",
    "occupation",
    "headcount",
    "place",
    "pay_min",
    "pay_max",
    "scope",
    "expires_on",
    "status",
)
# The notice asks for an expiry or timely updates, without a number; six months is our
# choice (a season's postings stay fresh, and staff renew what is still open).
LONGEST_VALIDITY = dt.timedelta(days=183)

# Words that breach the notice, by the kind of breach. Matching is on the text with
# spaces removed ("限 男 性" is caught too), after the phrases that say there is no
# limit ("男女不限", "不限户籍", "本省户籍、外省户籍均可") are taken out.
_NO_LIMIT = re.compile(
    r"(男女|性别|户籍|户口|民族|地域|籍贯|信仰)(均可|不限|无要求|无限制)"
    r"|不限(男女|性别|户籍|户口|民族|地域|籍贯)"
    r"|(本地|外地|本省|外省|城镇|农村)(户籍|户口)不限"
    r"|[^，。；,;、]*[、和与及][^，。；,;]*均可"
)
_PLACE = r"(本地|本市|本省|城镇|农村|外地|外省)"
_BANNED: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "sex",
        re.compile(
            r"(限|仅限|只招|仅招|只要|要求)(男|女)(性|士|生|工)?"
            r"|(男|女)(性|士|生|工)?(优先|勿扰|不要|免谈)|不招(男|女)"
        ),
    ),
    (
        "ethnicity",
        re.compile(
            r"(限|仅限|只招|不招|不要|要求)(汉族|少数民族|回族|维族|维吾尔族|藏族|蒙古族)"
            r"|(汉族|少数民族)(优先|勿扰)"
        ),
    ),
    (
        "religion",
        re.compile(
            r"(不招|不要|限)(信教|穆斯林|基督徒|佛教徒)"
            r"|(信教|穆斯林|基督徒|佛教徒|有宗教信仰)(者|人员)?(勿扰|免谈|不要)|无宗教信仰"
        ),
    ),
    (
        "origin",
        re.compile(
            rf"(限|仅限|只招|要求|只要){_PLACE}?(户籍|户口)|(限|仅限|只招|要求|只要){_PLACE}人"
            rf"|{_PLACE}(户籍|户口)|(本地|本市|本省)人优先"
            r"|[\u4e00-\u9fff]{1,3}(人|籍)(勿扰|免谈|不要|不招)|不招(外地|农村|外省)"
        ),
    ),
    ("hype", re.compile(r"高薪|保录|包录取|稳赚|保证录用|百分百录用|月入过万")),
)
TEXT_FIELDS = ("title", "requirements", "work_content", "employer_profile", "address")


def _banned_messages() -> dict[str, str]:
    return {
        "sex": _("Postings may not choose or refuse workers by sex."),
        "ethnicity": _("Postings may not choose or refuse workers by ethnicity."),
        "religion": _("Postings may not choose or refuse workers by religion."),
        "origin": _(
            "Postings may not limit workers by household registration (户籍), region or identity."
        ),
        "hype": _("Postings may not promise high pay or guaranteed hiring."),
    }


@dataclasses.dataclass
class PostingInput:
    """One posting as typed in or read from a workbook line."""

    employer_name: str
    employer_credit_code: str
    employer_profile: str
    title: str
    occupation_code: str
    headcount: int | None
    requirements: str
    work_content: str
    place_code: str
    address: str
    pay_min: Decimal | None
    pay_max: Decimal | None
    contact: str
    expires_on: dt.date | None
    starts_on: dt.date | None = None
    partner_region: str = ""
    source: str = Posting.Source.EMPLOYER
    source_name: str = ""
    reference: str = ""


def scope_of(place_code: str) -> str:
    """Inside (域内) when the place is in the bureau's city, else outside (域外)."""
    inside = place_code.startswith(settings.QINGLING_CITY_DIVISION[:4])
    return Posting.Scope.INSIDE if inside else Posting.Scope.OUTSIDE


def posting_problems(
    data: PostingInput,
    *,
    today: dt.date,
    occupations: set[str],
    places: set[str],
) -> RowErrors:
    """Every breach of the posting rules, by field; empty when the posting may be kept."""
    errors: RowErrors = {}
    required = {
        "employer_name": (data.employer_name, _("Name the employer.")),
        "employer_profile": (
            data.employer_profile,
            _("Say what the employer is (用人单位基本情况)."),
        ),
        "title": (data.title, _("Give the job a title.")),
        "requirements": (data.requirements, _("State the requirements (招聘条件).")),
        "work_content": (data.work_content, _("Describe the work (工作内容).")),
        "contact": (data.contact, _("Say how to apply.")),
    }
    for field, (value, message) in required.items():
        if not value.strip():
            add_error(errors, field, message)
    if not data.employer_credit_code.strip():
        # The notice asks platforms to verify who posts; the code is also how an employer
        # under an open wage case is recognised under any spelling of its name.
        add_error(
            errors,
            "employer_credit_code",
            _("Give the employer's unified social credit code (统一社会信用代码)."),
        )
    else:
        try:
            validate_credit_code(data.employer_credit_code)
        except ValidationError as error:
            add_error(errors, "employer_credit_code", " ".join(error.messages))
    if data.occupation_code not in occupations:
        add_error(errors, "occupation", _("Choose an occupation group of the classification."))
    elif "-" not in data.occupation_code:
        add_error(errors, "occupation", _("Choose a medium group (e.g. 6-29), not a major group."))
    if data.headcount is None or data.headcount < 1:
        add_error(errors, "headcount", _("The headcount must be at least 1."))
    if data.place_code not in places:
        add_error(errors, "place", _("Choose the division where the work is."))
    elif scope_of(data.place_code) == Posting.Scope.OUTSIDE and not data.partner_region.strip():
        add_error(errors, "partner_region", _("Name the partner region of a job outside the city."))
    if data.pay_min is None or data.pay_min <= 0:
        add_error(errors, "pay_min", _("State the basic pay (基本劳动报酬) in yuan per month."))
    elif data.pay_max is None or data.pay_max < data.pay_min:
        add_error(errors, "pay_max", _("The highest pay cannot be below the lowest."))
    if data.expires_on is None:
        add_error(errors, "expires_on", _("Give the date until which the posting is valid."))
    elif data.expires_on < today:
        add_error(errors, "expires_on", _("The posting would already have expired."))
    elif data.expires_on > today + LONGEST_VALIDITY:
        add_error(
            errors, "expires_on", _("A posting is valid for six months at most; renew it later.")
        )
    if data.starts_on and data.expires_on and data.starts_on > data.expires_on:
        add_error(errors, "starts_on", _("Workers cannot be wanted after the posting expires."))
    if data.source not in Posting.Source.values:
        add_error(errors, "source", _("Unknown source."))
    elif data.source == Posting.Source.REPOST and not data.source_name.strip():
        add_error(errors, "source_name", _("A reposted posting must name its source."))
    messages = _banned_messages()
    for field in TEXT_FIELDS:
        text = _NO_LIMIT.sub("", "".join(str(getattr(data, field)).split()))
        for kind, pattern in _BANNED:
            if pattern.search(text):
                add_error(errors, field, messages[kind])
    return errors


def _reference_sets() -> tuple[set[str], set[str]]:
    occupations = set(Occupation.objects.values_list("code", flat=True))
    places = set(Division.objects.values_list("code", flat=True))
    return occupations, places


def _invalid(errors: RowErrors) -> InvalidInput:
    return InvalidInput(_("Some fields are not valid."), extra={"fields": errors})


def _employer(data: PostingInput, *, cache: dict[str, Organization], actor: Actor) -> Organization:
    """The employer by its credit code (checked already), registered when new."""
    code = normalize_credit_code(data.employer_credit_code)
    if code not in cache:
        found = Organization.objects.filter(credit_code=code).first()
        cache[code] = found or organization_register(
            name=data.employer_name, credit_code=code, actor=actor
        )
    return cache[code]


def _build(data: PostingInput, employer: Organization, actor: Actor) -> Posting:
    assert data.headcount and data.pay_min and data.pay_max and data.expires_on
    return Posting(
        reference=data.reference.strip(),
        employer=employer,
        employer_profile=data.employer_profile.strip(),
        title=data.title.strip(),
        occupation_id=data.occupation_code,
        headcount=data.headcount,
        requirements=data.requirements.strip(),
        work_content=data.work_content.strip(),
        place_id=data.place_code,
        address=data.address.strip(),
        pay_min=data.pay_min,
        pay_max=data.pay_max,
        scope=scope_of(data.place_code),
        partner_region=data.partner_region.strip(),
        source=data.source,
        source_name=data.source_name.strip(),
        contact=data.contact.strip(),
        starts_on=data.starts_on,
        expires_on=data.expires_on,
        created_at=clock.now(),  # collected now: postings_collected counts by this date
        created_by=actor if isinstance(actor, User) else None,
    )


@transaction.atomic
def posting_create(*, data: PostingInput, actor: Actor) -> Posting:
    """Collect one posting as a draft, after checking every rule."""
    occupations, places = _reference_sets()
    errors = posting_problems(
        data, today=clock.local_today(), occupations=occupations, places=places
    )
    if errors:
        raise _invalid(errors)
    if data.reference.strip() and Posting.objects.filter(reference=data.reference.strip()).exists():
        raise InvalidInput(
            _("A posting with this reference exists."),
            extra={"fields": {"reference": [_("Already imported.")]}},
        )
    posting = _build(data, _employer(data, cache={}, actor=actor), actor)
    try:
        with transaction.atomic():  # a savepoint: the same reference may arrive twice at once
            posting.save()
    except IntegrityError:
        raise InvalidInput(
            _("A posting with this reference exists."),
            extra={"fields": {"reference": [_("Already imported.")]}},
        ) from None
    audit_event_record(
        actor=actor,
        action="posting.create",
        obj=posting,
        after=audit_snapshot(posting, POSTING_AUDIT_FIELDS),
    )
    return posting


# The posting lifecycle.
S = Posting.Status
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.DRAFT, S.PUBLISHED): "posting.publish",
    (S.DRAFT, S.WITHDRAWN): "posting.withdraw",
    (S.PUBLISHED, S.WITHDRAWN): "posting.withdraw",
    (S.PUBLISHED, S.EXPIRED): "posting.expire",
}


@transaction.atomic
def posting_transition(*, posting: Posting, to: str, actor: Actor, reason: str = "") -> Posting:
    """Move a posting along ``TRANSITIONS``; publishing re-checks the employer's flags."""
    flags = employer_flags([posting.employer_id]) if to == S.PUBLISHED else {}
    return _posting_move(posting=posting, to=to, actor=actor, reason=reason, flags=flags)


@transaction.atomic
def postings_publish(*, postings: Sequence[Posting], actor: Actor) -> list[Posting]:
    """Publish these drafts together (e.g. what one import brought), with the checks of
    `posting_transition` (a draft, an unflagged employer, not expired) for each, the
    employers' flags read once for all, one compare-and-swap UPDATE for the lot and one
    ``posting.publish`` audit row each. One refused, or one changed meanwhile, stops
    them all: nothing is published."""
    flags = employer_flags({posting.employer_id for posting in postings})
    today = clock.local_today()
    for posting in postings:
        _publish_check(posting, flags=flags, today=today)
    if not postings:
        return []
    now = clock.now()
    befores = [audit_snapshot(posting, PUBLISH_AUDIT_FIELDS) for posting in postings]
    moved = Posting.objects.filter(pk__in=[p.pk for p in postings], status=S.DRAFT).update(
        status=S.PUBLISHED, published_at=now
    )
    if moved != len({p.pk for p in postings}):
        raise Conflict(
            _("Someone else changed this posting first; reload the page."), code="posting_conflict"
        )
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    events = []
    for posting, before in zip(postings, befores, strict=True):
        posting.status, posting.published_at = S.PUBLISHED, now
        events.append(
            AuditEvent(
                actor_id=actor_id,
                action=TRANSITIONS[(S.DRAFT, S.PUBLISHED)],
                object_type=Posting._meta.label_lower,
                object_id=str(posting.pk),
                object_label=str(posting)[:200],
                before=before,
                after=audit_snapshot(posting, PUBLISH_AUDIT_FIELDS),
                at=now,
            )
        )
    AuditEvent.objects.bulk_create(events)
    return list(postings)


PUBLISH_AUDIT_FIELDS = ("status", "published_at")


def _publish_check(posting: Posting, *, flags: dict[int, list[str]], today: dt.date) -> None:
    if (posting.status, S.PUBLISHED) not in TRANSITIONS:
        raise Conflict(
            _("A %(status)s posting cannot become %(to)s.")
            % {"status": posting.get_status_display(), "to": S.PUBLISHED.label},
            code="posting_transition",
        )
    if reasons := flags.get(posting.employer_id):
        raise Conflict(
            _("This employer's jobs may not be offered to workers: %(why)s")
            % {"why": " ".join(reasons)},
            code="employer_flagged",
        )
    if posting.expires_on < today:
        raise Conflict(
            _("The posting has expired; give it a new date first."), code="posting_expired"
        )


def _posting_move(
    *, posting: Posting, to: str, actor: Actor, reason: str, flags: dict[int, list[str]]
) -> Posting:
    action = TRANSITIONS.get((posting.status, to))
    if action is None:
        raise Conflict(
            _("A %(status)s posting cannot become %(to)s.")
            % {"status": posting.get_status_display(), "to": S(to).label},
            code="posting_transition",
        )
    values: dict[str, Any] = {"status": to}
    if to == S.PUBLISHED:
        _publish_check(posting, flags=flags, today=clock.local_today())
        values["published_at"] = clock.now()
    status_compare_and_swap(
        obj=posting,
        values=values,
        conflict=Conflict(
            _("Someone else changed this posting first; reload the page."), code="posting_conflict"
        ),
        actor=actor,
        action=action,
        audit_fields=PUBLISH_AUDIT_FIELDS,
        reason=reason,
    )
    return posting


@transaction.atomic
def posting_renew(*, posting: Posting, expires_on: dt.date, actor: Actor) -> Posting:
    """Give a posting a new validity date (at most six months ahead). An expired one goes
    back to draft, so that publishing it again checks the employer's flags again."""
    today = clock.local_today()
    if posting.status == S.WITHDRAWN:
        raise Conflict(_("A withdrawn posting cannot be renewed."), code="posting_withdrawn")
    if not today <= expires_on <= today + LONGEST_VALIDITY:
        message = _("Give a date from today to six months ahead.")
        raise InvalidInput(message, extra={"fields": {"expires_on": [message]}})
    before = audit_snapshot(posting, ("expires_on", "status"))
    status = S.DRAFT if posting.status == S.EXPIRED else posting.status
    updated = Posting.objects.filter(pk=posting.pk, status=posting.status).update(
        expires_on=expires_on, status=status
    )
    if updated != 1:
        raise Conflict(
            _("Someone else changed this posting first; reload the page."), code="posting_conflict"
        )
    posting.refresh_from_db()
    audit_event_record(
        actor=actor,
        action="posting.renew",
        obj=posting,
        before=before,
        after=audit_snapshot(posting, ("expires_on", "status")),
    )
    return posting


def postings_expire_due(*, today: dt.date) -> int:
    """Expire the published postings past their date (the worker runs this daily)."""
    expired = 0
    for posting in Posting.objects.filter(status=S.PUBLISHED, expires_on__lt=today):
        try:
            posting_transition(posting=posting, to=S.EXPIRED, actor=None)
        except Conflict:
            continue  # withdrawn by someone meanwhile
        expired += 1
    return expired


# Bulk import: thousands of postings from partner regions and enterprises.

POSTING_COLUMNS = {
    "编号": "reference",
    "用人单位": "employer_name",
    "单位名称": "employer_name",
    "统一社会信用代码": "employer_credit_code",
    "单位简介": "employer_profile",
    "用人单位基本情况": "employer_profile",
    "岗位名称": "title",
    "职业": "occupation",
    "职业分类": "occupation",
    "招聘人数": "headcount",
    "招聘条件": "requirements",
    "工作内容": "work_content",
    "工作地点": "place",
    "详细地址": "address",
    "最低月薪": "pay_min",
    "最高月薪": "pay_max",
    "协作地区": "partner_region",
    "信息来源": "source_name",
    "应聘方式": "contact",
    "联系方式": "contact",
    "用工时间": "starts_on",
    "有效期至": "expires_on",
}
POSTING_FIELDS = frozenset(POSTING_COLUMNS.values())
POSTING_REQUIRED = (
    "employer_name",
    "employer_profile",
    "title",
    "occupation",
    "headcount",
    "requirements",
    "work_content",
    "place",
    "pay_min",
    "contact",
    "expires_on",
)


def _row_input(
    values: dict[str, Any], names: dict[str, str], occupations: dict[str, str], errors: RowErrors
) -> PostingInput:
    place = cell_text(values.get("place"))
    occupation = cell_text(values.get("occupation"))
    source_name = cell_text(values.get("source_name"))
    pay_min = cell_amount(values.get("pay_min"), errors, field="pay_min")
    return PostingInput(
        reference=cell_text(values.get("reference")),
        employer_name=cell_text(values.get("employer_name")),
        employer_credit_code=cell_text(values.get("employer_credit_code")),
        employer_profile=cell_text(values.get("employer_profile")),
        title=cell_text(values.get("title")),
        occupation_code=occupations.get(occupation, occupation),
        headcount=cell_count(values.get("headcount"), errors, field="headcount"),
        requirements=cell_text(values.get("requirements")),
        work_content=cell_text(values.get("work_content")),
        place_code=names.get(place, place),
        address=cell_text(values.get("address")),
        pay_min=pay_min,
        pay_max=cell_amount(values.get("pay_max"), errors, field="pay_max") or pay_min,
        partner_region=cell_text(values.get("partner_region")),
        source=Posting.Source.REPOST if source_name else Posting.Source.EMPLOYER,
        source_name=source_name,
        contact=cell_text(values.get("contact")),
        starts_on=cell_date(values.get("starts_on"), errors, field="starts_on"),
        expires_on=cell_date(values.get("expires_on"), errors, field="expires_on"),
    )


def postings_import_rows(
    *,
    rows: list[PostingInput],
    lines: list[int],
    actor: Actor,
    row_errors: list[RowErrors] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SheetImportResult:
    """Check and store many postings: good rows kept, each bad row reported by line.

    Postings are independent of each other (one employer's typo must not hold back
    another's jobs), so a file is not refused whole. Rows are written in batches of 500,
    each batch in one transaction with one audit row per posting; a reference already on
    file is reported, not imported twice.
    """
    occupations, places = _reference_sets()
    today = clock.local_today()
    result = SheetImportResult()
    references = {r.reference.strip() for r in rows if r.reference.strip()}
    known = set(
        Posting.objects.filter(reference__in=references).values_list("reference", flat=True)
    )
    seen: dict[str, int] = {}
    good: list[PostingInput] = []
    for index, (data, line) in enumerate(zip(rows, lines, strict=True)):
        errors = dict(row_errors[index]) if row_errors else {}
        for field, messages in posting_problems(
            data, today=today, occupations=occupations, places=places
        ).items():
            errors.setdefault(field, []).extend(messages)
        reference = data.reference.strip()
        if reference and (reference in known or reference in seen):
            add_error(errors, "reference", _("This reference is already imported."))
        if errors:
            result.failed += 1
            result.failures.extend(
                RowFailure(line, field, message)
                for field, messages in errors.items()
                for message in messages
            )
            continue
        if reference:
            seen[reference] = line
        good.append(data)
    employers: dict[str, Organization] = {}
    for start in range(0, len(good), 500):
        batch = good[start : start + 500]
        with transaction.atomic():
            postings = [
                _build(data, _employer(data, cache=employers, actor=actor), actor) for data in batch
            ]
            Posting.objects.bulk_create(postings)
            created = Posting.objects.filter(
                public_id__in=[p.public_id for p in postings]
            ).order_by("id")
            AuditEvent.objects.bulk_create(
                AuditEvent(
                    actor_id=actor.pk if actor is not None and actor.is_authenticated else None,
                    action="posting.import",
                    object_type=Posting._meta.label_lower,
                    object_id=str(posting.pk),
                    object_label=str(posting)[:200],
                    after=audit_snapshot(posting, POSTING_AUDIT_FIELDS),
                    at=clock.now(),
                )
                for posting in created
            )
        result.created += len(batch)
        if progress is not None:
            progress(start + len(batch), len(good))
    return result


def posting_import(
    *, content: bytes, actor: Actor, progress: Callable[[int, int], None] | None = None
) -> SheetImportResult:
    """Import a workbook of postings (see ``POSTING_COLUMNS`` for the column names)."""
    sheet = sheet_rows(
        content,
        aliases=POSTING_COLUMNS,
        fields=POSTING_FIELDS,
        required=POSTING_REQUIRED,
        missing_message=lambda missing: (
            _("The sheet has no column for: %(columns)s.") % {"columns": ", ".join(missing)}
        ),
    )
    names = dict(Division.objects.values_list("name", "code"))
    occupations = {name: code for code, name in Occupation.objects.values_list("code", "name")}
    inputs, lines, errors = [], [], []
    for row in sheet:
        row_errors: RowErrors = {}
        inputs.append(_row_input(dict(row.values), names, occupations, row_errors))
        lines.append(row.line)
        errors.append(row_errors)
    return postings_import_rows(
        rows=inputs, lines=lines, actor=actor, row_errors=errors, progress=progress
    )
