import time_machine
from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse

from qingling.accounts.services import account_unlock
from qingling.core.exceptions import Forbidden, NotFound
from qingling.core.models import AuditEvent
from qingling.testing import CURRENT_TIME, BaseTestCase


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class AccountUnlockTests(BaseTestCase):
    def lock(self, username: str = "intake") -> None:
        for _ in range(5):
            self.client.post(reverse("accounts:login"), {"username": username, "password": "wrong"})

    def test_clears_the_attempts_and_writes_an_audit_row(self) -> None:
        self.lock()
        self.assertEqual(account_unlock(username="intake", actor=self.admin), 1)
        self.assertFalse(AccessAttempt.objects.filter(username="intake").exists())
        event = AuditEvent.objects.get(action="account.unlock")
        self.assertEqual((event.actor_id, event.object_id), (self.admin.pk, str(self.intake.pk)))
        self.assertEqual(
            (event.before, event.after), ({"failed_attempts": 5}, {"failed_attempts": 0})
        )

    def test_only_an_administrator_unlocks(self) -> None:
        self.lock()
        for actor in (self.chief, self.director, self.outsider, None):
            with self.subTest(actor=actor), self.assertRaises(Forbidden):
                account_unlock(username="intake", actor=actor)
        self.assertTrue(AccessAttempt.objects.filter(username="intake").exists())
        self.assertFalse(AuditEvent.objects.filter(action="account.unlock").exists())

    def test_refuses_an_unknown_user_name(self) -> None:
        with self.assertRaises(NotFound):
            account_unlock(username="nobody", actor=self.admin)

    def test_the_administrator_unlocks_from_the_staff_list_of_the_admin(self) -> None:
        self.lock()
        self.client.force_login(self.admin)
        response = self.client.post(
            reverse("admin:accounts_user_changelist"),
            {"action": "unlock_sign_in", "_selected_action": [self.intake.pk]},
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(AccessAttempt.objects.filter(username="intake").exists())
        self.assertTrue(AuditEvent.objects.filter(action="account.unlock").exists())

    def test_the_administrator_sees_and_unlocks_failed_sign_ins_in_the_admin(self) -> None:
        self.lock()
        self.client.force_login(self.admin)
        url = reverse("admin:axes_accessattempt_changelist")
        self.assertContains(self.client.get(url), "intake")
        attempt = AccessAttempt.objects.get(username="intake")
        response = self.client.post(
            url, {"action": "unlock_sign_in", "_selected_action": [attempt.pk]}
        )
        self.assertEqual(response.status_code, 302)
        self.assertFalse(AccessAttempt.objects.exists())
        self.client.force_login(self.chief)
        self.assertEqual(self.client.get(url).status_code, 302)  # to the admin's sign-in
