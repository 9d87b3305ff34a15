"""Who reaches what: an employer account reaches the portal only, and only its own
organization's records; staff do not use the employer's pages."""

import uuid
from collections.abc import Sequence

import time_machine
from django.test import override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from qingling.core.models import AuditEvent
from qingling.portal.tests.walking import pattern_paths, portal_patterns
from qingling.portal.tests.world import build_world
from qingling.testing import CURRENT_TIME, PASSWORD, BaseTestCase

FILLERS = {"uuid": uuid.UUID(int=1), "int": 1, "str": "x", "path": "x", "slug": "x"}


def staff_paths() -> list[tuple[str, str]]:
    """Every named URL of the site outside the employer's pages, filled with dummy values."""
    found: list[tuple[str, str]] = []

    def walk(patterns: Sequence[object], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}{pattern.name}"
                kwargs: dict[str, object] = {}
                converters = pattern.pattern.converters
                for key in pattern.pattern.regex.groupindex:
                    kind = type(converters[key]).__name__ if key in converters else "Str"
                    kwargs[key] = FILLERS.get(kind.replace("Converter", "").lower(), "x")
                for attempt in (kwargs, dict.fromkeys(kwargs, "1"), dict.fromkeys(kwargs, "auth")):
                    try:
                        found.append((name, reverse(name, kwargs=attempt)))
                        break
                    except NoReverseMatch:  # a regex of its own: try another filler
                        continue

    walk(get_resolver().url_patterns, "")
    return found


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(CURRENT_TIME, tick=False)
class EmployerConfinementTests(BaseTestCase):
    def setUp(self) -> None:
        self.world = build_world(self)

    def test_an_employer_account_reaches_no_staff_page_nor_the_staff_api(self) -> None:
        self.client.force_login(self.world.account.user)
        employer_pages = {
            f"portal:{p.name}" for p in portal_patterns() if not str(p.name).startswith("staff_")
        }
        open_to_all = {"set_language", "portal:login"}
        checked = 0
        for name, path in staff_paths():
            if name in employer_pages or name in open_to_all:
                continue
            response = self.client.get(path)
            if response.status_code in (301, 302):
                self.assertTrue(response["Location"].startswith("/portal/"), f"{name} {path}")
            else:
                self.assertIn(response.status_code, (403, 405), f"{name} {path}")
            checked += 1
        self.assertGreater(checked, 100)
        api = self.client.get("/api/v1/organizations")
        self.assertEqual(api.status_code, 403)
        self.assertEqual(api.json()["code"], "forbidden")

    def test_staff_do_not_use_the_employers_pages(self) -> None:
        self.client.force_login(self.chief)
        for path in ("/portal/", "/portal/cases/", f"/portal/cases/{self.world.case.public_id}/"):
            self.assertEqual(self.client.get(path).status_code, 403, path)

    def test_a_signed_out_visitor_is_sent_to_the_employers_sign_in(self) -> None:
        response = self.client.get("/portal/orders/")
        self.assertRedirects(
            response, "/portal/login/?next=/portal/orders/", fetch_redirect_response=False
        )

    def test_the_employers_sign_in_refuses_staff(self) -> None:
        response = self.client.post("/portal/login/", {"username": "chief", "password": PASSWORD})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "employers&#x27; sign-in")

    def test_an_employer_signs_in_with_its_credit_code(self) -> None:
        response = self.client.post(
            "/portal/login/", {"username": self.world.account.credit_code, "password": PASSWORD}
        )
        self.assertRedirects(response, "/portal/", fetch_redirect_response=False)

    def test_wrong_passwords_lock_the_employers_sign_in_as_the_staffs(self) -> None:
        code = self.world.account.credit_code
        for _try in range(5):
            self.client.post("/portal/login/", {"username": code, "password": "wrong"})
        response = self.client.post("/portal/login/", {"username": code, "password": PASSWORD})
        self.assertEqual(response.status_code, 429)


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(CURRENT_TIME, tick=False)
class TwoEmployersTests(BaseTestCase):
    """Each employer walks every portal page with its own records and the other's: its
    own answer 200, the other's 404 (audited), and no list shows the other's."""

    def setUp(self) -> None:
        self.world = build_world(self)

    def _records(self, own: bool) -> dict[str, list[object]]:
        w = self.world
        if own:
            return {
                "project_detail:public_id": [w.project.public_id],
                "case_detail:public_id": [w.case.public_id],
                "warning_detail:public_id": [w.warning.public_id],
                "public_id": [w.order.public_id],
            }
        return {
            "project_detail:public_id": [w.other_project.public_id],
            "case_detail:public_id": [w.other_case.public_id],
            "warning_detail:public_id": [w.other_warning.public_id],
        }

    def test_neither_employer_sees_the_others_records(self) -> None:
        w = self.world
        # the order is served on the first employer only
        from qingling.portal import services

        services.delivery_send(document=w.order, actor=self.inspector)
        mine = {w.project.name, w.case.number, w.order.number, str(w.warning.public_id)}
        theirs = {w.other_project.name, w.other_case.number, str(w.other_warning.public_id)}
        for account, own, other in (
            (w.account, mine, theirs),
            (w.other_account, theirs, mine),
        ):
            self.client.force_login(account.user)
            for path in (
                "/portal/",
                "/portal/projects/",
                "/portal/cases/",
                "/portal/orders/",
                "/portal/warnings/",
                "/portal/documents/",
                "/portal/uploads/",
            ):
                body = self.client.get(path).content.decode()
                for marker in other:
                    self.assertNotIn(marker, body, f"{account} {path}")
            bodies = "".join(
                self.client.get(p).content.decode()
                for p in ("/portal/projects/", "/portal/cases/", "/portal/warnings/")
            )
            self.assertTrue(any(marker in bodies for marker in own))

    def test_the_others_records_answer_404_and_the_attempt_is_audited(self) -> None:
        from qingling.portal import services

        w = self.world
        services.delivery_send(document=w.order, actor=self.inspector)  # the first's
        reaching = (
            (w.account, self._records(own=False)),  # the first reaches for the other's
            (w.other_account, {"public_id": [w.order.public_id]}),  # the other for the order
        )
        refused = 0
        for account, values in reaching:
            self.client.force_login(account.user)
            for pattern in portal_patterns():
                converters = pattern.pattern.converters
                if str(pattern.name).startswith("staff_") or "public_id" not in converters:
                    continue
                if pattern.name == "document_confirm":
                    response = self.client.post(
                        reverse("portal:document_confirm", args=[w.order.public_id])
                    )
                    self.assertEqual(
                        response.status_code, 404 if account == w.other_account else 302
                    )
                    refused += account == w.other_account
                    continue
                if "public_id" not in values and f"{pattern.name}:public_id" not in values:
                    continue
                for path in pattern_paths(pattern, values | {"fmt": ["docx"]}):
                    response = self.client.get(path)
                    self.assertEqual(response.status_code, 404, path)
                    refused += 1
        self.assertEqual(AuditEvent.objects.filter(action="portal.access_refused").count(), refused)
        self.assertGreaterEqual(refused, 6)

    def test_the_employers_own_records_open(self) -> None:
        self.client.force_login(self.world.account.user)
        for path in (
            f"/portal/projects/{self.world.project.public_id}/",
            f"/portal/cases/{self.world.case.public_id}/",
            f"/portal/warnings/{self.world.warning.public_id}/",
        ):
            self.assertEqual(self.client.get(path).status_code, 200, path)
