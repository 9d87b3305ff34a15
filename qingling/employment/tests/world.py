"""The employment tests' world: divisions, an employer, and quick seekers and postings.

``make_seeker`` and ``make_posting`` write rows directly, so that tests of pairing,
pushes and buses do not depend on the registration and posting rules (tested apart).
"""

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from qingling.accounts.models import OrgUnit, Role, User
from qingling.accounts.services import staff_create
from qingling.core.models import Division
from qingling.employment.models import Occupation, Posting, Seeker
from qingling.parties.models import Organization
from qingling.testing import PASSWORD, BaseTestCase, make_organization, make_person


def make_seeker(
    rng: random.Random,
    *,
    name: str = "李四",
    division_code: str = "220402",
    township: str = "向阳街道",
    occupations: tuple[str, ...] = ("6-29",),
    destinations: tuple[str, ...] = ("210200",),
    **fields: Any,
) -> Seeker:
    values: dict[str, Any] = {
        "going_out": True,
        "wage_expected": Decimal(5000),
        "earliest": dt.date(2027, 2, 20),
        "latest": dt.date(2027, 2, 28),
        "contact_consent": True,
        "source": Seeker.Source.STAFF,
        "registered_on": dt.date(2026, 11, 27),
    }
    values.update(fields)
    seeker = Seeker.objects.create(
        person=make_person(rng, name=name),
        division=Division.objects.get(code=division_code),
        township=township,
        **values,
    )
    seeker.occupations.set(Occupation.objects.filter(code__in=occupations))
    seeker.destinations.set(Division.objects.filter(code__in=destinations))
    return seeker


def make_posting(
    employer: Organization,
    *,
    title: str = "钢筋工",
    occupation: str = "6-29",
    place: str = "210200",
    **fields: Any,
) -> Posting:
    values: dict[str, Any] = {
        "employer_profile": "大型建筑企业，项目遍布东北",
        "headcount": 20,
        "requirements": "18至55周岁，身体健康，有相关经验者优先",
        "work_content": "住宅项目钢筋绑扎",
        "address": "甘井子区",
        "pay_min": Decimal(6000),
        "pay_max": Decimal(8000),
        "scope": Posting.Scope.INSIDE if place.startswith("2204") else Posting.Scope.OUTSIDE,
        "partner_region": "" if place.startswith("2204") else "大连市",
        "contact": "0437-3222222",
        "starts_on": dt.date(2027, 2, 25),
        "expires_on": dt.date(2027, 3, 31),
        "status": Posting.Status.PUBLISHED,
    }
    values.update(fields)
    return Posting.objects.create(
        employer=employer,
        title=title,
        occupation=Occupation.objects.get(code=occupation),
        place=Division.objects.get(code=place),
        **values,
    )


def make_officer(username: str, *, unit: OrgUnit, full_name: str = "") -> User:
    """Another employment officer, of ``unit`` (a county's unit sees only its county)."""
    return staff_create(
        username=username,
        full_name=full_name or username,
        role=Role.EMPLOYMENT_OFFICER,
        org_unit=unit,
        password=PASSWORD,
        actor=None,
    )


class EmploymentWorld(BaseTestCase):
    employer: Organization

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.employer = make_organization(cls.rng, name="大连海湾建设集团有限公司")
