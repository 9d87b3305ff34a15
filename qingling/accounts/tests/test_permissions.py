from django.urls import reverse

from qingling.accounts.models import Role, User
from qingling.accounts.permissions import Perm, can, covers, jurisdiction_prefix, permissions_of
from qingling.accounts.services import staff_create
from qingling.parties.models import Organization, Person
from qingling.testing import PASSWORD, BaseTestCase, make_organization, make_person

VIEW = Perm.PARTY_VIEW
EDIT = Perm.PARTY_EDIT
REVEAL = Perm.PERSONAL_DATA_REVEAL
AUDIT = Perm.AUDIT_VIEW
CALENDAR = Perm.CALENDAR_MANAGE
STAFF = Perm.STAFF_MANAGE
OUTBOX = Perm.OUTBOX_VIEW
C_VIEW = Perm.COMPLAINT_VIEW
C_REGISTER = Perm.COMPLAINT_REGISTER
C_TRIAGE = Perm.COMPLAINT_TRIAGE
C_ESCALATIONS = Perm.COMPLAINT_ESCALATIONS
SOURCES = Perm.SOURCE_SYSTEM_MANAGE
CS_VIEW = Perm.CASE_VIEW
CS_WORK = Perm.CASE_WORK
CS_APPROVE = Perm.CASE_APPROVE
STATS = Perm.STATS_VIEW
I_VIEW = Perm.INSPECTION_VIEW
I_WORK = Perm.INSPECTION_WORK
CAMPAIGN = Perm.CAMPAIGN_MANAGE
E_VIEW = Perm.EMPLOYMENT_VIEW
E_WORK = Perm.EMPLOYMENT_WORK
L_PROPOSE = Perm.LISTING_PROPOSE
L_DECIDE = Perm.LISTING_DECIDE
R_DECIDE = Perm.REFERRAL_DECIDE


class CanTests(BaseTestCase):
    def test_each_role_grants_exactly_its_permissions(self) -> None:
        inactive = staff_create(
            username="retired",
            full_name="retired",
            role=Role.SECTION_CHIEF,
            org_unit=self.city_unit,
            password=PASSWORD,
            actor=None,
        )
        inactive.is_active = False
        inactive.save()
        no_unit = staff_create(
            username="unitless",
            full_name="unitless",
            role=Role.INSPECTOR,
            org_unit=None,
            password=PASSWORD,
            actor=None,
        )
        matrix: tuple[tuple[str, User | None, set[Perm]], ...] = (
            (
                "intake_officer",
                self.intake,
                {VIEW, EDIT, REVEAL, C_VIEW, C_REGISTER, C_TRIAGE, CS_VIEW, STATS},
            ),
            (
                "inspector",
                self.inspector,
                {
                    VIEW,
                    EDIT,
                    REVEAL,
                    C_VIEW,
                    C_REGISTER,
                    CS_VIEW,
                    CS_WORK,
                    STATS,
                    I_VIEW,
                    I_WORK,
                    L_PROPOSE,
                },
            ),
            (
                "inspector of 西安区",
                self.xian,
                {
                    VIEW,
                    EDIT,
                    REVEAL,
                    C_VIEW,
                    C_REGISTER,
                    CS_VIEW,
                    CS_WORK,
                    STATS,
                    I_VIEW,
                    I_WORK,
                    L_PROPOSE,
                },
            ),
            (
                "section_chief",
                self.chief,
                {
                    VIEW,
                    EDIT,
                    REVEAL,
                    AUDIT,
                    OUTBOX,
                    C_VIEW,
                    C_REGISTER,
                    C_TRIAGE,
                    C_ESCALATIONS,
                    CS_VIEW,
                    CS_WORK,
                    CS_APPROVE,
                    STATS,
                    I_VIEW,
                    I_WORK,
                    CAMPAIGN,
                    L_PROPOSE,
                    L_DECIDE,
                },
            ),
            (
                "director",
                self.director,
                {
                    VIEW,
                    REVEAL,
                    AUDIT,
                    OUTBOX,
                    C_VIEW,
                    C_ESCALATIONS,
                    CS_VIEW,
                    CS_APPROVE,
                    STATS,
                    I_VIEW,
                    CAMPAIGN,
                    E_VIEW,
                    L_DECIDE,
                    R_DECIDE,
                },
            ),
            (
                "employment_officer",
                self.employment,
                {VIEW, EDIT, REVEAL, E_VIEW, E_WORK, STATS},
            ),
            ("administrator", self.admin, {VIEW, AUDIT, CALENDAR, STAFF, OUTBOX, SOURCES, STATS}),
            ("outsider", self.outsider, set()),
            ("inactive section chief", inactive, set()),
            ("role without an org unit", no_unit, set()),
            ("nobody", None, set()),
        )
        for label, user, expected in matrix:
            with self.subTest(label):
                self.assertEqual(permissions_of(user), frozenset(expected))
                for perm in Perm:
                    self.assertIs(can(user, perm), perm in expected)

    def test_every_role_appears_in_the_matrix(self) -> None:
        roles = {
            user.role
            for user in (
                self.intake,
                self.inspector,
                self.chief,
                self.director,
                self.employment,
                self.admin,
            )
        }
        self.assertEqual(roles, set(Role.values))


class CoversTests(BaseTestCase):
    def test_city_unit_covers_its_districts(self) -> None:
        self.assertIs(covers(self.intake, "220402"), True)
        self.assertIs(covers(self.intake, "220403"), True)
        self.assertIs(covers(self.intake, "220400"), True)

    def test_city_unit_does_not_cover_another_city(self) -> None:
        self.assertIs(covers(self.intake, "220100"), False)

    def test_district_covers_only_itself(self) -> None:
        self.assertIs(covers(self.inspector, "220402"), True)
        self.assertIs(covers(self.inspector, "220403"), False)
        self.assertIs(covers(self.inspector, "220400"), False)
        self.assertIs(covers(self.xian, "220402"), False)

    def test_outsider_covers_nothing(self) -> None:
        self.assertIsNone(jurisdiction_prefix(self.outsider))
        for code in ("220400", "220402", "220403", ""):
            with self.subTest(code):
                self.assertIs(covers(self.outsider, code), False)

    def test_jurisdiction_prefix_follows_the_division_level(self) -> None:
        self.assertEqual(jurisdiction_prefix(self.intake), "2204")
        self.assertEqual(jurisdiction_prefix(self.inspector), "220402")


class PageAccessTests(BaseTestCase):
    person: Person
    organization: Organization
    PAGES = (
        "person_list",
        "organization_list",
        "project_list",
        "person_create",
        "calendar",
        "audit_history",
        "admin_index",
    )

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.person = make_person(cls.rng, name="欧阳秘密")
        cls.organization = make_organization(cls.rng, name="辽源市秘密建筑工程有限公司")

    def _url(self, page: str) -> str:
        if page == "audit_history":
            return reverse("accounts:audit_history", args=["parties.person", self.person.pk])
        if page == "admin_index":
            return reverse("admin:index")
        if page == "calendar":
            return reverse("accounts:calendar")
        return reverse(f"parties:{page}")

    def test_each_persona_gets_the_expected_status_on_each_page(self) -> None:
        ok, no, away = 200, 403, 302
        #            people orgs projects create calendar audit admin
        matrix = {
            "intake": (ok, ok, ok, ok, ok, no, away),
            "inspector": (ok, ok, ok, ok, ok, no, away),
            "xian": (ok, ok, ok, ok, ok, no, away),
            "chief": (ok, ok, ok, ok, ok, ok, away),
            "director": (ok, ok, ok, no, ok, ok, away),
            "employment": (ok, ok, ok, ok, ok, no, away),
            "admin": (ok, ok, ok, no, ok, ok, ok),
            "outsider": (no, no, no, no, no, no, away),
        }
        for persona, statuses in matrix.items():
            self.client.force_login(getattr(self, persona))
            for page, status in zip(self.PAGES, statuses, strict=True):
                with self.subTest(persona=persona, page=page):
                    response = self.client.get(self._url(page))
                    self.assertEqual(response.status_code, status)
                    if status == away:
                        self.assertIn(reverse("admin:login"), response["Location"])

    def test_anonymous_is_sent_to_sign_in_from_every_page(self) -> None:
        for page in self.PAGES:
            with self.subTest(page):
                response = self.client.get(self._url(page))
                self.assertEqual(response.status_code, 302)
                self.assertIn("login", response["Location"])

    def test_outsider_sees_no_names(self) -> None:
        self.client.force_login(self.outsider)
        for page in (*self.PAGES, "home"):
            url = reverse("accounts:home") if page == "home" else self._url(page)
            with self.subTest(page):
                response = self.client.get(url, follow=True)
                content = response.content.decode()
                self.assertNotIn(self.person.name, content)
                self.assertNotIn(self.organization.name, content)

    def test_outsider_is_refused_the_detail_pages(self) -> None:
        self.client.force_login(self.outsider)
        for url in (
            reverse("parties:person_detail", args=[self.person.public_id]),
            reverse("parties:organization_detail", args=[self.organization.public_id]),
        ):
            with self.subTest(url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 403)
                self.assertNotIn(self.person.name, response.content.decode())
