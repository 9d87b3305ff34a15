"""The bell, the list, opening one (read), and the settings page."""

from django.test import override_settings
from django.urls import reverse

from qingling.accounts.models import User
from qingling.notify.models import Notification, NotificationKind, NotificationSettings
from qingling.notify.services import notification_send
from qingling.testing import BaseTestCase

BELL = reverse("notify:notification_bell")
LIST = reverse("notify:notification_list")
SETTINGS = reverse("notify:notification_settings")


@override_settings(LANGUAGE_CODE="en")
class NotificationViewTests(BaseTestCase):
    def tell(self, user: User, text: str = "Case 1 is assigned to you.") -> Notification:
        [notification] = notification_send(
            recipients=[user],
            kind=NotificationKind.ASSIGNED,
            text=text,
            url="/cases/",
            actor=None,
        )
        return notification

    def test_the_bell_counts_the_unread(self) -> None:
        self.login(self.inspector)
        self.assertContains(self.client.get(BELL), 'data-unread="0"')
        self.tell(self.inspector)
        self.tell(self.inspector)
        self.tell(self.inspector2)
        response = self.client.get(BELL)
        self.assertContains(response, 'data-unread="2"')
        self.assertContains(response, '<span class="bell-count">2</span>', html=True)

    def test_the_bell_is_one_query_after_the_session(self) -> None:
        self.login(self.inspector)
        self.tell(self.inspector)
        with self.assertNumQueries(3):  # session, user, the count
            self.client.get(BELL)

    def test_opening_one_marks_it_read_and_goes_to_what_it_is_about(self) -> None:
        notification = self.tell(self.inspector)
        self.login(self.inspector)
        self.assertContains(self.client.get(LIST), "Case 1 is assigned to you.")
        response = self.client.post(
            reverse("notify:notification_open", args=[notification.public_id])
        )
        self.assertRedirects(response, "/cases/", fetch_redirect_response=False)
        notification.refresh_from_db()
        self.assertIsNotNone(notification.read_at)
        self.assertContains(self.client.get(BELL), 'data-unread="0"')

    def test_nobody_opens_anothers(self) -> None:
        notification = self.tell(self.inspector)
        self.login(self.inspector2)
        response = self.client.post(
            reverse("notify:notification_open", args=[notification.public_id])
        )
        self.assertEqual(response.status_code, 404)

    def test_mark_all_read(self) -> None:
        self.tell(self.inspector)
        self.tell(self.inspector)
        self.login(self.inspector)
        response = self.client.post(reverse("notify:notifications_read_all"), follow=True)
        self.assertContains(response, "2 notifications marked read.")

    def test_the_outsider_has_no_list(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(LIST).status_code, 403)

    def test_the_settings_page_stores_kind_by_channel_and_shows_errors_beside_fields(self) -> None:
        self.login(self.inspector)
        self.assertContains(self.client.get(SETTINGS), 'name="kind-assigned" value="in_app"')
        refused = self.client.post(SETTINGS, {"kind-assigned": ["in_app", "sms"]})
        self.assertContains(refused, "Enter the mobile number the text messages go to.")
        self.assertContains(refused, 'value="sms" id="kind-assigned-sms" aria-label')
        response = self.client.post(
            SETTINGS,
            {
                "kind-assigned": ["in_app", "sms"],
                "kind-payment": ["webhook"],
                "phone": "13843712345",
                "webhook_url": "https://robot.example/send?key=1",
                "digest": "on",
            },
        )
        self.assertRedirects(response, SETTINGS)
        saved = NotificationSettings.objects.get(user=self.inspector)
        self.assertEqual(saved.choices["assigned"], ["in_app", "sms"])
        self.assertEqual(saved.choices["payment"], ["webhook"])
        self.assertEqual(saved.choices["deadline"], [])
        self.assertTrue(saved.digest)
