"""The return-to-work service (返岗复工): who wants to go out, the jobs, and the buses.

A ``Seeker`` is one worker's registration (需求普查), one per person: registering the same
ID number again updates it. A ``Posting`` is a job opening (用工信息) inside or outside the
city. An ``Introduction`` is a staff-reviewed recommendation of a posting to a seeker
(人岗对接); a hired introduction is a placement. ``Push`` records what was sent to whom.
A ``Pairing`` (帮扶对子) puts a seeker in a service officer's care and ``Contact`` logs each
call or visit. A ``Trip`` (专车) is a chartered bus with one ``TripSeat`` per worker.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qingling.core.models import Division, TimeStampedModel
from qingling.notify.models import OutboxMessage
from qingling.parties.models import Organization, Person


class Occupation(models.Model):
    """A group of the national occupational classification (职业分类大典): a major group
    ("6") or a medium group ("6-29"). Loaded from ``occupations.txt``."""

    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("occupation group")
        verbose_name_plural = _("occupation groups")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def major(self) -> str:
        return self.code.split("-")[0]


class ContactChannel(models.TextChoices):
    SMS = "sms", _("text message")
    WECHAT = "wechat", _("WeChat")
    PHONE = "phone", _("phone call")


class Seeker(TimeStampedModel):
    """A worker's registration to go out to work (务工人员登记)."""

    class Source(models.TextChoices):
        SELF = "self", _("the worker, on a phone")
        STAFF = "staff", _("staff")
        IMPORT = "import", _("a grid's workbook")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.OneToOneField(
        Person, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="seeker"
    )
    division = models.ForeignKey(
        Division, verbose_name=_("county"), on_delete=models.PROTECT, related_name="+"
    )
    township = models.CharField(_("township"), max_length=50)
    village = models.CharField(_("village or community"), max_length=50, blank=True)
    going_out = models.BooleanField(_("wants to go out to work"), default=True)
    occupations: "models.ManyToManyField[Occupation, models.Model]" = models.ManyToManyField(
        Occupation, verbose_name=_("intended occupations"), blank=True, related_name="+"
    )
    destinations: "models.ManyToManyField[Division, models.Model]" = models.ManyToManyField(
        Division, verbose_name=_("destinations"), blank=True, related_name="+"
    )
    wage_expected = models.DecimalField(
        _("monthly wage expected (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    earliest = models.DateField(_("can travel from"), null=True, blank=True)
    latest = models.DateField(_("must travel by"), null=True, blank=True)
    job_confirmed = models.BooleanField(_("job already confirmed"), default=False)
    confirmed_employer = models.CharField(_("confirmed employer"), max_length=200, blank=True)
    confirmed_destination = models.ForeignKey(
        Division,
        verbose_name=_("destination of the confirmed job"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place_detail = models.CharField(
        _("places as written"),
        max_length=200,
        blank=True,
        help_text=_("Where a place was written finer than a city, e.g. 辽宁省大连市甘井子区."),
    )
    training_need = models.CharField(_("training wanted"), max_length=200, blank=True)
    transport_needed = models.BooleanField(_("needs transport"), default=False)
    contact_consent = models.BooleanField(_("agrees to be contacted"), default=False)
    contact_channel = models.CharField(
        _("contact by"), max_length=16, choices=ContactChannel.choices, default=ContactChannel.SMS
    )
    personalised = models.BooleanField(
        _("personalised recommendations"),
        default=True,
        help_text=_("Off: only general job news, not chosen from the worker's profile."),
    )
    opted_out_at = models.DateTimeField(_("opted out at"), null=True, blank=True)
    wechat_openid = models.CharField(_("WeChat OpenID"), max_length=64, blank=True)
    source = models.CharField(_("registered by"), max_length=16, choices=Source.choices)
    registered_on = models.DateField(_("registered on"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-registered_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latest__isnull=True)
                | Q(earliest__isnull=True)
                | Q(latest__gte=F("earliest")),
                name="seeker_window_in_order",
            )
        ]
        indexes = [models.Index(fields=["division", "township"])]
        verbose_name = _("job seeker")
        verbose_name_plural = _("job seekers")

    def __str__(self) -> str:
        return self.person.name

    @property
    def reachable(self) -> bool:
        """May be sent job news: consented and has not opted out."""
        return self.contact_consent and self.opted_out_at is None


class Posting(TimeStampedModel):
    """A job opening (用工信息) with the content the 2026 five-department notice requires."""

    class Scope(models.TextChoices):
        INSIDE = "inside", _("inside the city")
        OUTSIDE = "outside", _("outside the city")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        EXPIRED = "expired", _("expired")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Source(models.TextChoices):
        EMPLOYER = "employer", _("the employer's own")
        PUBLIC = "public", _("public employment service")
        REPOST = "repost", _("reposted")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(
        _("reference"),
        max_length=64,
        blank=True,
        help_text=_("The number in the file it came from; importing it again updates nothing."),
    )
    employer = models.ForeignKey(
        Organization, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="+"
    )
    employer_profile = models.TextField(_("about the employer"))
    title = models.CharField(_("job title"), max_length=100)
    occupation = models.ForeignKey(
        Occupation, verbose_name=_("occupation"), on_delete=models.PROTECT, related_name="+"
    )
    headcount = models.PositiveIntegerField(_("headcount"))
    requirements = models.TextField(_("requirements"))
    work_content = models.TextField(_("work content"))
    place = models.ForeignKey(
        Division, verbose_name=_("place of work"), on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    pay_min = models.DecimalField(_("basic pay from (yuan/month)"), max_digits=10, decimal_places=2)
    pay_max = models.DecimalField(_("basic pay to (yuan/month)"), max_digits=10, decimal_places=2)
    scope = models.CharField(_("inside or outside"), max_length=16, choices=Scope.choices)
    partner_region = models.CharField(_("partner region"), max_length=100, blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.EMPLOYER
    )
    source_name = models.CharField(_("reposted from"), max_length=200, blank=True)
    contact = models.CharField(_("how to apply"), max_length=200)
    starts_on = models.DateField(_("workers wanted from"), null=True, blank=True)
    expires_on = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference"], condition=~Q(reference=""), name="posting_unique_reference"
            ),
            models.CheckConstraint(condition=Q(headcount__gte=1), name="posting_headcount"),
            models.CheckConstraint(
                condition=Q(pay_min__gt=0) & Q(pay_max__gte=F("pay_min")), name="posting_pay"
            ),
            models.CheckConstraint(
                condition=~Q(source="repost") | ~Q(source_name=""), name="posting_repost_names"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_on"]),
            models.Index(fields=["created_at"]),
        ]
        verbose_name = _("job posting")
        verbose_name_plural = _("job postings")

    def __str__(self) -> str:
        return self.title


class Introduction(TimeStampedModel):
    """A posting recommended to a seeker after a member of staff reviewed the match."""

    class Status(models.TextChoices):
        INTRODUCED = "introduced", _("introduced")
        HIRED = "hired", _("hired")
        DECLINED = "declined", _("declined")

    seeker = models.ForeignKey(
        Seeker, verbose_name=_("job seeker"), on_delete=models.PROTECT, related_name="introductions"
    )
    posting = models.ForeignKey(
        Posting, verbose_name=_("posting"), on_delete=models.PROTECT, related_name="introductions"
    )
    score = models.DecimalField(_("match score"), max_digits=5, decimal_places=1)
    reasons = models.JSONField(_("why"), default=list)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.INTRODUCED
    )
    introduced_on = models.DateField(_("introduced on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    introduced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-introduced_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["seeker", "posting"], name="introduction_once"),
            models.CheckConstraint(
                condition=Q(status="introduced") | Q(decided_on__isnull=False),
                name="introduction_decided_has_date",
            ),
        ]
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")

    def __str__(self) -> str:
        return f"{self.seeker_id} → {self.posting_id}"


class Push(models.Model):
    """One job message sent to one seeker, through the outbox."""

    seeker = models.ForeignKey(Seeker, on_delete=models.PROTECT, related_name="pushes")
    personalised = models.BooleanField(_("personalised"))
    postings: "models.ManyToManyField[Posting, models.Model]" = models.ManyToManyField(
        Posting, related_name="+"
    )
    message = models.OneToOneField(OutboxMessage, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField(_("sent on"))

    class Meta:
        ordering = ["-sent_on", "-id"]
        indexes = [models.Index(fields=["sent_on"])]
        verbose_name = _("job message")
        verbose_name_plural = _("job messages")

    def __str__(self) -> str:
        return f"{self.seeker_id} {self.sent_on}"


class Pairing(TimeStampedModel):
    """A seeker in a service officer's care (帮扶对子); ended when reassigned."""

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service officer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    seeker = models.ForeignKey(
        Seeker, verbose_name=_("job seeker"), on_delete=models.PROTECT, related_name="pairings"
    )
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["seeker"], condition=Q(ended_on__isnull=True), name="pairing_one_current"
            )
        ]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")

    def __str__(self) -> str:
        return f"{self.officer_id} ↔ {self.seeker_id}"


class Contact(TimeStampedModel):
    """One call, visit or message between a service officer and a seeker."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("phone call")
        VISIT = "visit", _("visit")
        MESSAGE = "message", _("message")

    seeker = models.ForeignKey(
        Seeker, verbose_name=_("job seeker"), on_delete=models.PROTECT, related_name="contacts"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    contacted_on = models.DateField(_("date"))
    kind = models.CharField(_("how"), max_length=16, choices=Kind.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-contacted_on", "-id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.seeker_id} {self.contacted_on}"


class Trip(TimeStampedModel):
    """A chartered bus (专车), point to point: one date, one destination, a seat count."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        DEPARTED = "departed", _("departed")
        ARRIVED = "arrived", _("arrived")
        CANCELLED = "cancelled", _("cancelled")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField(_("number"), max_length=32, unique=True)
    date = models.DateField(_("date"))
    origin = models.CharField(_("from"), max_length=100)
    destination = models.ForeignKey(
        Division, verbose_name=_("destination"), on_delete=models.PROTECT, related_name="+"
    )
    seats = models.PositiveSmallIntegerField(_("seats"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    received_by = models.CharField(_("handed over to"), max_length=100, blank=True)
    departure_note = models.CharField(
        _("why it left on another day"),
        max_length=500,
        blank=True,
        help_text=_("Given when the bus departed on a day other than its planned date."),
    )
    escort = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escort"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The member of staff who travels with the bus and may call its passengers."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["date", "number"]
        constraints = [models.CheckConstraint(condition=Q(seats__gte=1), name="trip_seats")]
        verbose_name = _("chartered bus")
        verbose_name_plural = _("chartered buses")

    def __str__(self) -> str:
        return self.number


class TripSeat(models.Model):
    """A worker's seat on a trip; a worker has at most one."""

    trip = models.ForeignKey(Trip, on_delete=models.CASCADE, related_name="seat_rows")
    seeker = models.OneToOneField(
        Seeker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="seat"
    )
    number = models.PositiveSmallIntegerField(_("seat"))
    pickup_point = models.CharField(_("pick-up point"), max_length=100)
    boarded_at = models.DateTimeField(_("boarded at"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)

    class Meta:
        ordering = ["trip_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["trip", "number"], name="trip_seat_once"),
            models.CheckConstraint(condition=Q(number__gte=1), name="trip_seat_number"),
        ]
        verbose_name = _("seat")
        verbose_name_plural = _("seats")

    def __str__(self) -> str:
        return f"{self.trip_id}#{self.number}"
