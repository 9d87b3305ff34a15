"""Every write of the project compliance registry (issue 15, docs/compliance.md).

Each service takes ``actor`` and, when the employer portal calls it for one of its users,
``organization``: the organization that user acts for. The access rule is then that the
organization is a party to the project (``ProjectParty``); another employer's project is
"not found" (404) and the attempt is audited. Without ``organization`` the actor is a
member of staff who may edit parties or work inspections, and the project lies in their
jurisdiction. ``actor=None`` is the system (a file pushed with a source system's key,
after the API checked the key; the scenarios).
"""

import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from qingling.accounts.permissions import Perm, can, covers
from qingling.cases.models import Claim, Payment
from qingling.cases.services import case_writable_check, payment_record
from qingling.core import clock
from qingling.core.exceptions import ApplicationError, Conflict, Forbidden, InvalidInput, NotFound
from qingling.core.personal_data import blind_index, seal
from qingling.core.services import Actor, audit_event_record
from qingling.core.uploads import EXTENSIONS, upload_type
from qingling.core.workbooks import RowFailure, SheetImportResult, SheetRow
from qingling.intake.models import Channel, SourceSystem
from qingling.parties.models import Organization, Person, Project, ProjectParty, RosterEntry
from qingling.parties.selectors import id_number_filter
from qingling.parties.services import roster_add
from qingling.prevention.compliance import BoardContent
from qingling.prevention.models import (
    Attendance,
    DepositForm,
    DepositMovement,
    LabourCostTransfer,
    PayrollEntry,
    ProjectRegistry,
    ProjectType,
    RateBasis,
    RegistryMonth,
    RightsBoard,
    WageAccount,
    WageDeposit,
)
from qingling.prevention.registry_files import FileKind, RegistryRow, read_row, read_rows

CENT = Decimal("0.01")


# --- access ---------------------------------------------------------------------------------


def registry_access_check(
    *, project: Project, actor: Actor, organization: Organization | None = None
) -> None:
    """Refuse a write on the project's registry by someone who may not make it.

    An organization that is not a party to the project gets "not found" (it must not learn
    the project exists), and the attempt is audited (``registry.access_refused``).
    """
    if organization is not None:
        if not ProjectParty.objects.filter(project=project, organization=organization).exists():
            audit_event_record(
                actor=actor,
                action="registry.access_refused",
                obj=project,
                after={"organization": organization.pk},
            )
            raise NotFound(_("Not found."))
        return
    if actor is None:
        return
    if not (can(actor, Perm.PARTY_EDIT) or can(actor, Perm.INSPECTION_WORK)):
        raise Forbidden(_("You may not change the compliance registry."))
    if not covers(actor, project.division.code):
        raise NotFound(_("Not found."))


P = ParamSpec("P")
R = TypeVar("R")


def registry_write(function: Callable[P, R]) -> Callable[P, R]:
    """Check access (``registry_access_check``, whose refusal is audited and so must not be
    rolled back), then run the write in one transaction."""

    @functools.wraps(function)
    def write(*args: P.args, **kwargs: P.kwargs) -> R:
        registry_access_check(
            project=kwargs["project"],  # type: ignore[arg-type]
            actor=kwargs.get("actor"),  # type: ignore[arg-type]
            organization=kwargs.get("organization"),  # type: ignore[arg-type]
        )
        with transaction.atomic():
            return function(*args, **kwargs)

    return write


def _audit(
    action: str,
    project: Project,
    actor: Actor,
    organization: Organization | None,
    after: dict[str, Any],
) -> None:
    if organization is not None:
        after = {**after, "organization": organization.pk}
    audit_event_record(actor=actor, action=action, obj=project, after=after)


def _field(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, extra={"fields": {field: [message]}})


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _file_check(upload: UploadedFile, field: str) -> str:
    kind = upload_type(upload)
    if kind is None:
        raise _field(field, _("The file is not a photo (JPEG, PNG, HEIC) or a PDF."))
    if upload.size is not None and upload.size > settings.QINGLING_UPLOAD_MAX_BYTES:
        raise _field(
            field,
            _("The file is larger than %(mb)d MB.")
            % {"mb": settings.QINGLING_UPLOAD_MAX_BYTES // (1024 * 1024)},
        )
    return kind


def _not_future(day: dt.date, field: str) -> None:
    if day > clock.local_today():
        raise _field(field, _("The date is in the future."))


def _registry(project: Project) -> ProjectRegistry:
    registry, _created = ProjectRegistry.objects.get_or_create(project=project)
    return registry


# --- the project's type, completion ---------------------------------------------------------


@registry_write
def project_type_set(
    *, project: Project, project_type: str, actor: Actor, organization: Organization | None = None
) -> ProjectRegistry:
    """The type of works, which sets the least labour-cost share."""
    if project_type not in ProjectType.values:
        raise _field("project_type", _("Choose the type of works."))
    registry = _registry(project)
    before = registry.project_type
    registry.project_type = project_type
    registry.save(update_fields=["project_type", "updated_at"])
    _audit(
        "registry.project_type",
        project,
        actor,
        organization,
        {"from": before, "to": project_type},
    )
    return registry


@registry_write
def project_completion_record(
    *,
    project: Project,
    completed_on: dt.date,
    actor: Actor,
    organization: Organization | None = None,
) -> ProjectRegistry:
    """The works are complete: the 30 days of publicity (条例 Art. 27) start the next day,
    and the wage account may close when they end."""
    _not_future(completed_on, "completed_on")
    if project.start_date and completed_on < project.start_date:
        raise _field("completed_on", _("The project cannot complete before it started."))
    registry = _registry(project)
    registry.completed_on = completed_on
    registry.publicity_ends_on = completed_on + dt.timedelta(
        days=settings.QINGLING_COMPLETION_PUBLICITY_DAYS
    )
    registry.save(update_fields=["completed_on", "publicity_ends_on", "updated_at"])
    _audit(
        "registry.completion",
        project,
        actor,
        organization,
        {"completed_on": completed_on.isoformat()},
    )
    return registry


# --- the dedicated wage account ---------------------------------------------------------------


def account_number_clean(number: str) -> str:
    cleaned = "".join(number.split()).replace("-", "")
    if not cleaned.isdigit() or not 8 <= len(cleaned) <= 32:
        raise _field("number", _("An account number is 8 to 32 digits."))
    return cleaned


def mask_account_number(number: str) -> str:
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"


@registry_write
def wage_account_open(
    *,
    project: Project,
    bank: str,
    number: str,
    opened_on: dt.date,
    agreement: UploadedFile | None = None,
    actor: Actor,
    organization: Organization | None = None,
) -> WageAccount:
    """Record the project's dedicated wage account (one per project) and, when given, the
    tripartite agreement (a PDF or photo, kept with its SHA-256)."""
    if not bank.strip():
        raise _field("bank", _("Enter the bank."))
    cleaned = account_number_clean(number)
    _not_future(opened_on, "opened_on")
    if WageAccount.objects.filter(project=project).exists():
        raise Conflict(
            _("This project's wage account is already on file."), code="wage_account_exists"
        )
    account = WageAccount(
        project=project,
        bank=" ".join(bank.split())[:100],
        number_sealed=seal(cleaned, purpose="account_number"),
        number_digest=blind_index(cleaned, purpose="account_number"),
        number_masked=mask_account_number(cleaned),
        opened_on=opened_on,
    )
    if agreement is not None:
        _agreement_store(account, agreement)
    account.save()
    _audit(
        "registry.wage_account",
        project,
        actor,
        organization,
        {
            "bank": account.bank,
            "number": account.number_masked,
            "opened_on": opened_on.isoformat(),
            "agreement_sha256": account.agreement_sha256,
        },
    )
    return account


def _agreement_store(account: WageAccount, agreement: UploadedFile) -> None:
    kind = _file_check(agreement, "agreement")
    account.agreement_sha256 = _sha256(agreement)
    account.agreement.save(
        f"{account.agreement_sha256[:32]}{EXTENSIONS[kind]}", agreement, save=False
    )


@registry_write
def wage_account_agreement_attach(
    *,
    project: Project,
    agreement: UploadedFile,
    actor: Actor,
    organization: Organization | None = None,
) -> WageAccount:
    """Attach (or replace) the tripartite agreement of the account on file."""
    account = WageAccount.objects.select_for_update().filter(project=project).first()
    if account is None:
        raise _field("agreement", _("Record the wage account first."))
    _agreement_store(account, agreement)
    account.save(update_fields=["agreement", "agreement_sha256", "updated_at"])
    _audit(
        "registry.agreement",
        project,
        actor,
        organization,
        {"agreement_sha256": account.agreement_sha256},
    )
    return account


@registry_write
def wage_account_close(
    *,
    project: Project,
    closed_on: dt.date,
    actor: Actor,
    organization: Organization | None = None,
) -> WageAccount:
    """Close the account: only after completion and its 30 days of publicity (Art. 27)."""
    account = WageAccount.objects.select_for_update().filter(project=project).first()
    if account is None:
        raise _field("closed_on", _("This project has no wage account on file."))
    registry = ProjectRegistry.objects.filter(project=project).first()
    if registry is None or registry.completed_on is None or registry.publicity_ends_on is None:
        raise _field("closed_on", _("Record the completion first: the account closes after it."))
    _not_future(closed_on, "closed_on")
    if closed_on <= registry.publicity_ends_on:
        raise _field(
            "closed_on",
            _("The publicity period runs to %(day)s; the account may close after it.")
            % {"day": registry.publicity_ends_on.isoformat()},
        )
    account.closed_on = closed_on
    account.save(update_fields=["closed_on", "updated_at"])
    _audit(
        "registry.wage_account_close", project, actor, organization, {"closed_on": str(closed_on)}
    )
    return account


# --- labour cost ------------------------------------------------------------------------------


def _transfer_checks(project: Project, row: RegistryRow) -> tuple[WageAccount | None, list[str]]:
    errors: list[str] = []
    account = WageAccount.objects.filter(project=project).first()
    if account is None:
        errors.append(_("The project has no wage account on file; a transfer needs one."))
    elif row.account_number and (
        blind_index(row.account_number, purpose="account_number") != account.number_digest
    ):
        errors.append(_("The transfer went to an account that is not this project's wage account."))
    if row.paid_on is not None and row.paid_on > clock.local_today():
        errors.append(_("The transfer date is in the future."))
    return account, errors


@registry_write
def labour_cost_record(
    *,
    project: Project,
    month: str,
    amount: Decimal,
    transferred_on: dt.date,
    progress_payment: Decimal | None = None,
    account_number: str = "",
    actor: Actor,
    organization: Organization | None = None,
) -> LabourCostTransfer:
    """One transfer of labour cost into the wage account; the same transfer twice is one."""
    row = RegistryRow(
        project_code=project.code,
        month=month,
        amount=amount,
        paid_on=transferred_on,
        account_number="".join(account_number.split()).replace("-", ""),
        progress_payment=progress_payment,
    )
    transfer, errors = _transfer_write(project, row)
    if errors:
        raise InvalidInput(errors[0], extra={"fields": {"__all__": errors}})
    assert transfer is not None
    registry_months_mark(months={month})
    _audit(
        "registry.labour_cost",
        project,
        actor,
        organization,
        {"month": month, "amount": str(amount), "transferred_on": transferred_on.isoformat()},
    )
    return transfer


def _transfer_write(
    project: Project, row: RegistryRow
) -> tuple[LabourCostTransfer | None, list[str]]:
    account, errors = _transfer_checks(project, row)
    if errors or account is None:
        return None, errors
    assert row.amount is not None and row.paid_on is not None
    if row.amount <= 0:
        return None, [_("The amount must be more than zero.")]
    transfer, _created = LabourCostTransfer.objects.get_or_create(
        project=project,
        month=row.month,
        transferred_on=row.paid_on,
        amount=row.amount,
        defaults={"account": account, "progress_payment": row.progress_payment},
    )
    return transfer, []


# --- the wage deposit ---------------------------------------------------------------------------


def deposit_rate_for(basis: str) -> Decimal:
    rule: dict[str, Any] = settings.QINGLING_WAGE_DEPOSIT_RULE
    key: dict[str, str] = {"clean_record": "clean_record_rate", "arrears": "arrears_rate"}
    return Decimal(rule[key.get(basis, "rate")])


@registry_write
def wage_deposit_lodge(
    *,
    project: Project,
    form: str,
    amount: Decimal,
    lodged_on: dt.date,
    rate_basis: str = RateBasis.STANDARD,
    rate: Decimal | None = None,
    actor: Actor,
    organization: Organization | None = None,
) -> WageDeposit:
    """The general contractor lodges the deposit: cash, a bank guarantee or insurance.
    Required is the contract value × the rate (the rule's rate for the basis unless one is
    given, which must lie in the rule's range)."""
    if form not in DepositForm.values:
        raise _field("form", _("Choose the form of the deposit."))
    if rate_basis not in RateBasis.values:
        raise _field("rate_basis", _("Choose the rate applied."))
    rule: dict[str, Any] = settings.QINGLING_WAGE_DEPOSIT_RULE
    rate = deposit_rate_for(rate_basis) if rate is None else rate
    low, high = Decimal(rule["minimum_rate"]), Decimal(rule["maximum_rate"])
    if not low <= rate <= high:
        raise _field(
            "rate",
            _("The rate %(rate)s is outside the rule's range, %(low)s to %(high)s.")
            % {"rate": f"{rate:%}", "low": f"{low:%}", "high": f"{high:%}"},
        )
    if amount <= 0:
        raise _field("amount", _("The amount must be more than zero."))
    _not_future(lodged_on, "lodged_on")
    if WageDeposit.objects.filter(project=project).exists():
        raise Conflict(_("This project's wage deposit is already on file."), code="deposit_exists")
    required = ((project.contract_value or Decimal(0)) * rate).quantize(CENT)
    deposit = WageDeposit.objects.create(
        project=project,
        form=form,
        rate_basis=rate_basis,
        rate=rate,
        required=required,
        held=amount,
        lodged_on=lodged_on,
        top_up_due=None,
    )
    DepositMovement.objects.create(
        deposit=deposit, kind=DepositMovement.Kind.LODGE, amount=amount, on=lodged_on
    )
    _audit(
        "registry.deposit_lodge",
        project,
        actor,
        organization,
        {"form": form, "rate": str(rate), "required": str(required), "amount": str(amount)},
    )
    return deposit


def _deposit_locked(project: Project) -> WageDeposit:
    deposit = WageDeposit.objects.select_for_update().filter(project=project).first()
    if deposit is None:
        raise _field("amount", _("This project has no wage deposit on file."))
    if deposit.refunded_on is not None:
        raise _field("amount", _("The deposit was refunded at completion."))
    return deposit


@registry_write
def wage_deposit_top_up(
    *,
    project: Project,
    amount: Decimal,
    on: dt.date,
    actor: Actor,
    organization: Organization | None = None,
) -> WageDeposit:
    """Money added to the deposit (after a draw); once it holds what is required, no top-up
    is due any more."""
    if amount <= 0:
        raise _field("amount", _("The amount must be more than zero."))
    _not_future(on, "on")
    deposit = _deposit_locked(project)
    deposit.held += amount
    if deposit.held >= deposit.required:
        deposit.top_up_due = None
    deposit.save(update_fields=["held", "top_up_due", "updated_at"])
    DepositMovement.objects.create(
        deposit=deposit, kind=DepositMovement.Kind.TOP_UP, amount=amount, on=on
    )
    _audit("registry.deposit_top_up", project, actor, organization, {"amount": str(amount)})
    return deposit


@transaction.atomic
def wage_deposit_draw(*, claim: Claim, amount: Decimal, paid_on: dt.date, actor: Actor) -> Payment:
    """Pay a worker of a case from the deposit of the case's project (条例 Art. 32-33): a
    payment of kind "wage deposit drawn" in the case, which lowers what the deposit holds
    and asks the general contractor for a top-up within QINGLING_DEPOSIT_TOP_UP_DAYS."""
    case = claim.case
    case_writable_check(case)
    if case.project_id is None:
        raise _field("amount", _("The case names no project, so no deposit can be drawn."))
    project = Project.objects.select_related("division").get(pk=case.project_id)
    registry_access_check(project=project, actor=actor)
    deposit = _deposit_locked(project)
    if amount > deposit.held:
        raise _field(
            "amount",
            _("The deposit holds %(held)s yuan; %(amount)s yuan cannot be drawn.")
            % {"held": deposit.held, "amount": amount},
        )
    payment = payment_record(
        claim=claim,
        amount=amount,
        paid_on=paid_on,
        payer_kind=Payment.Payer.DEPOSIT,
        method=_("wage deposit drawn"),
        actor=actor,
    )
    deposit.held -= amount
    deposit.top_up_due = paid_on + dt.timedelta(days=settings.QINGLING_DEPOSIT_TOP_UP_DAYS)
    deposit.save(update_fields=["held", "top_up_due", "updated_at"])
    DepositMovement.objects.create(
        deposit=deposit, kind=DepositMovement.Kind.DRAW, amount=-amount, on=paid_on, case=case
    )
    _audit(
        "registry.deposit_draw",
        project,
        actor,
        None,
        {"case": case.pk, "amount": str(amount), "top_up_due": deposit.top_up_due.isoformat()},
    )
    return payment


@registry_write
def wage_deposit_refund(
    *, project: Project, on: dt.date, actor: Actor, organization: Organization | None = None
) -> WageDeposit:
    """Give the deposit back at completion (after the publicity period)."""
    registry = ProjectRegistry.objects.filter(project=project).first()
    if registry is None or registry.completed_on is None:
        raise _field("on", _("The deposit is refunded at completion; record it first."))
    _not_future(on, "on")
    deposit = _deposit_locked(project)
    DepositMovement.objects.create(
        deposit=deposit, kind=DepositMovement.Kind.REFUND, amount=-deposit.held, on=on
    )
    refunded = deposit.held
    deposit.held = Decimal(0)
    deposit.refunded_on = on
    deposit.top_up_due = None
    deposit.save(update_fields=["held", "refunded_on", "top_up_due", "updated_at"])
    _audit("registry.deposit_refund", project, actor, organization, {"amount": str(refunded)})
    return deposit


# --- the rights board -------------------------------------------------------------------------


@registry_write
def rights_board_record(
    *,
    project: Project,
    photo: UploadedFile,
    put_up_on: dt.date,
    contents: Iterable[str],
    actor: Actor,
    organization: Organization | None = None,
) -> RightsBoard:
    """A photo of the board on site (kept with its SHA-256), the day it was seen up, and
    which of the contents Art. 34 requires it shows."""
    shown = sorted(set(contents))
    if unknown := [c for c in shown if c not in BoardContent.values]:
        raise _field("contents", _("Unknown contents: %(c)s.") % {"c": ", ".join(unknown)})
    _not_future(put_up_on, "put_up_on")
    kind = _file_check(photo, "photo")
    digest = _sha256(photo)
    board = RightsBoard(project=project, photo_sha256=digest, put_up_on=put_up_on, contents=shown)
    board.photo.save(f"{digest[:32]}{EXTENSIONS[kind]}", photo, save=False)
    board.save()
    _audit(
        "registry.rights_board",
        project,
        actor,
        organization,
        {"put_up_on": put_up_on.isoformat(), "contents": shown, "sha256": digest},
    )
    return board


# --- files: roster, attendance, payroll, labour cost ---------------------------------------------


def registry_months_mark(*, months: Iterable[str]) -> None:
    """Record that rows for these months arrived, for the worker to judge the months with
    the monitoring rules (``services.registry_months_judge``). A roster row marks no month:
    it can only clear a warning (NOT_ON_ROSTER), and a warning is never withdrawn."""
    now = clock.now()
    for month in sorted(set(months)):
        RegistryMonth.objects.update_or_create(
            month=month,
            defaults={"dirty": True, "changed_at": now},
        )


@dataclass
class _Context:
    project: Project
    actor: Actor
    roster: dict[str, int]  # worker's ID digest → person id, for those on the roster
    completed_on: dt.date | None
    party_codes: set[str]


def _context(project: Project, actor: Actor) -> _Context:
    roster = {
        digest: person_id
        for digest, person_id in RosterEntry.objects.filter(project=project).values_list(
            "worker__id_number_digest", "worker_id"
        )
        if digest
    }
    registry = ProjectRegistry.objects.filter(project=project).first()
    codes = set(
        ProjectParty.objects.filter(project=project)
        .exclude(organization__credit_code="")
        .values_list("organization__credit_code", flat=True)
    )
    return _Context(project, actor, roster, registry.completed_on if registry else None, codes)


def _roster_write(ctx: _Context, row: RegistryRow) -> tuple[bool, list[str]]:
    digest = blind_index(row.worker_id, purpose="id_number")
    if digest in ctx.roster:
        return False, []
    if row.employer_code and row.employer_code not in ctx.party_codes:
        return False, [_("The employer (employer_code) is not a party to this project.")]
    person = Person.objects.filter(id_number_filter(digest)).first()
    if person is None and not row.name:
        return False, [_("This worker is not on file yet: give their name in the name column.")]
    entry = roster_add(
        project=ctx.project,
        name=person.name if person is not None else row.name,
        id_number=row.worker_id,
        phone=row.phone if person is None else "",
        trade=row.trade,
        joined_on=row.joined_on,
        left_on=row.left_on,
        actor=ctx.actor,
        access_checked=True,
    )
    ctx.roster[digest] = entry.worker_id
    return True, []


def _worker_on_roster(ctx: _Context, row: RegistryRow) -> int | None:
    return ctx.roster.get(blind_index(row.worker_id, purpose="id_number"))


def _attendance_write(ctx: _Context, row: RegistryRow) -> tuple[bool, list[str]]:
    worker = _worker_on_roster(ctx, row)
    errors = []
    if worker is None:
        errors.append(_("The worker is not on this project's roster."))
    today = clock.local_today()
    if row.day is not None and row.day > today:
        errors.append(_("The day is in the future."))
    if ctx.completed_on is not None:
        after = (row.day is not None and row.day > ctx.completed_on) or (
            row.day is None and row.month > f"{ctx.completed_on:%Y-%m}"
        )
        if after:
            errors.append(
                _("The project was completed on %(day)s; no attendance after it.")
                % {"day": ctx.completed_on.isoformat()}
            )
    if errors:
        return False, errors
    _record, created = Attendance.objects.get_or_create(
        project=ctx.project,
        worker_id=worker,
        day=row.day,
        month=row.month,
        defaults={"days": row.days},
    )
    return created, []


def _payroll_write(ctx: _Context, row: RegistryRow) -> tuple[bool, list[str]]:
    worker = _worker_on_roster(ctx, row)
    errors = []
    if worker is None:
        errors.append(_("The worker is not on this project's roster; add them to it first."))
    if row.paid_on is not None and row.paid_on > clock.local_today():
        errors.append(_("The payment date is in the future."))
    if errors:
        return False, errors
    _entry, created = PayrollEntry.objects.get_or_create(
        project=ctx.project,
        worker_id=worker,
        wage_month=row.month,
        paid_on=row.paid_on,
        amount=row.amount,
        defaults={"via_wage_account": row.via_wage_account},
    )
    return created, []


def _labour_cost_write(ctx: _Context, row: RegistryRow) -> tuple[bool, list[str]]:
    before = LabourCostTransfer.objects.filter(project=ctx.project).count()
    _transfer, errors = _transfer_write(ctx.project, row)
    return (
        not errors and LabourCostTransfer.objects.filter(project=ctx.project).count() > before
    ), errors


WRITERS = {
    FileKind.ROSTER: _roster_write,
    FileKind.ATTENDANCE: _attendance_write,
    FileKind.PAYROLL: _payroll_write,
    FileKind.LABOUR_COST: _labour_cost_write,
}


def registry_rows_import(
    *,
    project: Project,
    kind: str,
    rows: Iterable[SheetRow],
    actor: Actor,
    organization: Organization | None = None,
) -> SheetImportResult:
    """Import one file's rows for the project: each row is checked and kept on its own (its
    own savepoint); a bad row is reported by its line and reason and never stops the rest.
    A row already on file (the same transfer, day, payment or roster worker) is counted as
    ``updated`` (already recorded), not added twice, so a file sent again is harmless."""
    if kind not in WRITERS:
        raise _field("kind", _("Unknown kind of file."))
    registry_access_check(project=project, actor=actor, organization=organization)
    ctx = _context(project, actor)
    writer = WRITERS[FileKind(kind)]
    result = SheetImportResult()
    months: set[str] = set()
    for row in rows:
        values, errors = read_row(kind, row)
        reasons = [(field, message) for field, messages in errors.items() for message in messages]
        if not reasons and project.code and values.project_code != project.code:
            reasons.append(
                (
                    "project_code",
                    _("The row is for project %(code)s, not this project (%(this)s).")
                    % {"code": values.project_code[:64], "this": project.code},
                )
            )
        elif not reasons and not project.code:
            reasons.append(
                ("project_code", _("This project has no project code on file; add it first."))
            )
        if not reasons:
            try:
                with transaction.atomic():
                    created, problems = writer(ctx, values)
            except IntegrityError:
                created, problems = False, [_("The row conflicts with a record on file.")]
            except ApplicationError as error:
                created, problems = False, [error.message]
            reasons.extend(("__all__", problem) for problem in problems)
            if not problems:
                if created:
                    result.created += 1
                    if values.month:  # attendance, payroll (its wage month), labour cost
                        months.add(values.month)
                else:
                    result.updated += 1
        if reasons:
            result.failed += 1
            result.failures.extend(RowFailure(row.line, field, msg) for field, msg in reasons)
    registry_months_mark(months=months)
    _audit(
        "registry.import",
        project,
        actor,
        organization,
        {
            "kind": kind,
            "created": result.created,
            "already": result.updated,
            "failed": result.failed,
        },
    )
    return result


def registry_file_import(
    *,
    project: Project,
    kind: str,
    content: bytes,
    filename: str,
    actor: Actor,
    organization: Organization | None = None,
) -> SheetImportResult:
    """A CSV or XLSX file of one kind (roster, attendance, payroll, labour_cost) in the
    monitoring layout (docs/compliance.md). A file over the import limits or without a
    required column is refused whole (InvalidInput); otherwise see ``registry_rows_import``."""
    if kind not in WRITERS:
        raise _field("kind", _("Unknown kind of file."))
    registry_access_check(project=project, actor=actor, organization=organization)
    rows = read_rows(kind=kind, content=content, filename=filename)
    return registry_rows_import(
        project=project, kind=kind, rows=rows, actor=actor, organization=organization
    )


def registry_file_submit(
    *, project_code: str, kind: str, content: bytes, filename: str, system: SourceSystem
) -> SheetImportResult:
    """A file pushed by a system with its own API key (a bank, the 住建 real-name platform,
    the provincial monitoring platform): a source system of channel ``monitoring``. The
    project is named by its code; an unknown code is not found."""
    if system.channel != Channel.MONITORING:
        raise Forbidden(_("Only a monitoring system may send registry files."))
    project = Project.objects.select_related("division").filter(code=project_code).first()
    if project is None or not project_code:
        raise NotFound(_("No project has this code."))
    audit_event_record(
        actor=None,
        action="registry.file_pushed",
        obj=project,
        after={"system": system.name, "kind": kind, "bytes": len(content)},
    )
    return registry_file_import(
        project=project, kind=kind, content=content, filename=filename, actor=None
    )
