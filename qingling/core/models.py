import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Division(models.Model):
    """An administrative division (行政区划) by its six-digit code (GB/T 2260)."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("city")
        COUNTY = "county", _("county or district")

    code = models.CharField(_("division code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=64)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        """The leading digits that every division inside this one shares."""
        return {"province": self.code[:2], "city": self.code[:4]}.get(self.level, self.code)


class AuditEvent(models.Model):
    """One append-only row per write or per display of a full personal value."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("what"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.action} {self.object_type}:{self.object_id}"


class CalendarYear(models.Model):
    """A year whose official schedule (holidays and 调休) is loaded."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    source = models.CharField(_("source"), max_length=200)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A date that differs from the Monday-to-Friday rule: a holiday or a swapped working day."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("holiday")
        WORKDAY = "workday", _("swapped working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=100, blank=True)
    year = models.ForeignKey(
        CalendarYear, on_delete=models.CASCADE, related_name="days", verbose_name=_("year")
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date} {self.kind}"


class JobLease(models.Model):
    """Who runs a periodic job now: one row per job, taken with a compare-and-swap on
    ``held_until`` so that of several workers only one runs the job at a time. A lease
    whose worker died runs out at ``held_until`` and the next worker takes it over."""

    name = models.CharField(_("job"), max_length=200, primary_key=True)
    held_by = models.CharField(_("held by"), max_length=200, blank=True)
    held_until = models.DateTimeField(_("held until"), null=True, blank=True)
    started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("job lease")
        verbose_name_plural = _("job leases")

    def __str__(self) -> str:
        return self.name


class ImportJob(models.Model):
    """A file to import that the worker processes instead of the web process.

    ``kind`` names the domain's import in ``settings.QINGLING_IMPORT_KINDS`` (core imports
    no domain app). The upload is kept under ``MEDIA_ROOT/imports`` (mode 0600) while the
    job waits and runs, then removed: it holds personal data. ``report`` lists every bad
    row as ``{"line", "field", "message"}``; good rows are kept, as in every import.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=64)
    file = models.CharField(_("stored file"), max_length=255, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=16, blank=True)
    back_url = models.CharField(_("back to"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    rows_created = models.PositiveIntegerField(_("rows added"), default=0)
    rows_updated = models.PositiveIntegerField(_("rows updated"), default=0)
    rows_failed = models.PositiveIntegerField(_("rows refused"), default=0)
    report = models.JSONField(_("refused rows"), default=list, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # Written with the progress (every IMPORT_PROGRESS_EVERY rows) while the job runs: a
    # running job whose heartbeat is older than the worker's job lease lost its worker.
    heartbeat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    # How many times a worker claimed the job; the claim is also the run's token, so a
    # worker whose job was taken back writes nothing more to it.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"[:200]

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class DemoClock(models.Model):
    """The day a demo database lives on: the last day of the season replayed into it.

    A replayed season is a story of past dates; on today's clock its postings would all be
    closed and its cases years overdue. With ``QINGLING_DEMO_CLOCK`` on (``make run``),
    each request and each job runs on this day at the real time of day
    (``core.selectors.demo_clock_applied``), and the pages say so in a banner. One row or
    none; production never sets it.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    today = models.DateField(_("demo date"))
    scenario = models.CharField(_("scenario"), max_length=64)
    set_at = models.DateTimeField(_("set at"), default=timezone.now)

    class Meta:
        verbose_name = _("demo clock")
        verbose_name_plural = _("demo clock")

    def __str__(self) -> str:
        return f"{self.scenario} {self.today.isoformat()}"
