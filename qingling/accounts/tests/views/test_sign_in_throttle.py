import datetime as dt

import time_machine
from django.test import RequestFactory, override_settings
from django.urls import reverse

from qingling.accounts.services import account_unlock
from qingling.accounts.throttling import client_ip
from qingling.testing import CURRENT_TIME, PASSWORD, BaseTestCase

LOGIN = reverse("accounts:login")


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class SignInThrottleTests(BaseTestCase):
    def sign_in(self, password: str, *, username: str = "intake", ip: str = "203.0.113.7"):
        return self.client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)

    def test_a_hundred_wrong_passwords_lock_out_the_right_one_until_an_unlock(self) -> None:
        for _ in range(100):
            self.sign_in("wrong")
        response = self.sign_in(PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "Sign-in locked", status_code=429)
        self.assertContains(response, "after 5 failed sign-ins", status_code=429)
        self.assertContains(response, "Try again in 30 minutes", status_code=429)
        self.assertNotIn("_auth_user_id", self.client.session)

        account_unlock(username="intake", actor=self.admin)
        response = self.sign_in(PASSWORD)
        self.assertRedirects(response, reverse("accounts:home"))
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.intake.pk)

    def test_four_failures_still_let_the_right_password_in(self) -> None:
        for _ in range(4):
            self.assertEqual(self.sign_in("wrong").status_code, 200)
        self.assertRedirects(self.sign_in(PASSWORD), reverse("accounts:home"))

    def test_the_lock_lifts_by_itself_after_the_cool_off(self) -> None:
        for _ in range(5):
            self.sign_in("wrong")
        self.assertEqual(self.sign_in(PASSWORD).status_code, 429)
        with time_machine.travel(CURRENT_TIME + dt.timedelta(minutes=31), tick=False):
            self.assertRedirects(self.sign_in(PASSWORD), reverse("accounts:home"))

    def test_the_lock_is_per_user_name_and_address(self) -> None:
        for _ in range(5):
            self.sign_in("wrong")
        self.assertRedirects(self.sign_in(PASSWORD, ip="198.51.100.1"), reverse("accounts:home"))
        self.client.logout()
        self.assertRedirects(self.sign_in(PASSWORD, username="chief"), reverse("accounts:home"))

    def test_the_admin_site_sign_in_is_throttled_too(self) -> None:
        url = reverse("admin:login")
        for _ in range(6):
            self.client.post(url, {"username": "admin", "password": "wrong"})
        response = self.client.post(url, {"username": "admin", "password": PASSWORD})
        self.assertEqual(response.status_code, 429)


class ClientIpTests(BaseTestCase):
    def test_is_the_remote_address_without_a_proxy_whatever_the_header_says(self) -> None:
        request = RequestFactory().get(
            "/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="10.0.0.1"
        )
        self.assertEqual(client_ip(request), "203.0.113.7")

    @override_settings(QINGLING_PROXY_COUNT=1)
    def test_behind_one_proxy_is_the_address_that_proxy_saw_not_one_the_client_chose(
        self,
    ) -> None:
        request = RequestFactory().get(
            "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7"
        )
        self.assertEqual(client_ip(request), "203.0.113.7")
