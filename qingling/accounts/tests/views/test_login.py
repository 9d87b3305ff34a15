from django.test import override_settings
from django.urls import reverse

from qingling.testing import PASSWORD, BaseTestCase


@override_settings(LANGUAGE_CODE="en")
class LoginViewTests(BaseTestCase):
    url = reverse("accounts:login")

    def test_signs_in_with_the_right_password_and_goes_home(self) -> None:
        response = self.client.post(self.url, {"username": "intake", "password": PASSWORD})
        self.assertRedirects(response, reverse("accounts:home"))
        self.assertEqual(int(self.client.session["_auth_user_id"]), self.intake.pk)

    def test_follows_next_after_signing_in(self) -> None:
        people = reverse("parties:person_list")
        response = self.client.post(
            f"{self.url}?next={people}",
            {"username": "inspector", "password": PASSWORD, "next": people},
        )
        self.assertRedirects(response, people)

    def test_refuses_a_wrong_password(self) -> None:
        response = self.client.post(self.url, {"username": "intake", "password": "wrong"})
        self.assertEqual(response.status_code, 200)
        self.assertIs(response.context["form"].is_valid(), False)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_refuses_an_inactive_account(self) -> None:
        self.intake.is_active = False
        self.intake.save()
        response = self.client.post(self.url, {"username": "intake", "password": PASSWORD})
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_sends_a_signed_in_user_home(self) -> None:
        self.client.force_login(self.chief)
        self.assertRedirects(self.client.get(self.url), reverse("accounts:home"))

    def test_sends_an_anonymous_visitor_of_home_to_sign_in(self) -> None:
        response = self.client.get(reverse("accounts:home"))
        self.assertRedirects(response, f"{self.url}?next=/")

    def test_signs_out_on_post(self) -> None:
        self.client.force_login(self.chief)
        response = self.client.post(reverse("accounts:logout"))
        self.assertRedirects(response, self.url)
        self.assertNotIn("_auth_user_id", self.client.session)


@override_settings(LANGUAGE_CODE="en")
class HomeViewTests(BaseTestCase):
    def test_shows_the_registry_to_a_member_of_staff(self) -> None:
        self.client.force_login(self.intake)
        response = self.client.get(reverse("accounts:home"))
        self.assertEqual(response.status_code, 200)
        self.assertIs(response.context["has_role"], True)
        self.assertContains(response, reverse("parties:person_list"))

    def test_shows_no_registry_to_an_outsider(self) -> None:
        self.client.force_login(self.outsider)
        response = self.client.get(reverse("accounts:home"))
        self.assertEqual(response.status_code, 200)
        self.assertIs(response.context["has_role"], False)
        self.assertNotContains(response, reverse("parties:person_list"))
