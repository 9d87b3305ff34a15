from django import forms
from django.test import SimpleTestCase, override_settings

from qingling.core.exceptions import Conflict, InvalidInput
from qingling.core.forms import LimitedFileInput, form_submit


class PaymentLikeForm(forms.Form):
    amount = forms.DecimalField()
    note = forms.CharField(required=False, max_length=5)


@override_settings(LANGUAGE_CODE="en")
class FormSubmitTests(SimpleTestCase):
    def test_every_field_error_is_said_at_once_and_the_service_is_not_called(self) -> None:
        called: list[object] = []
        form = PaymentLikeForm({"amount": "abc", "note": "too long"})
        submitted = form_submit(form, called.append)
        self.assertFalse(submitted.ok)
        self.assertEqual(set(form.errors), {"amount", "note"})
        self.assertEqual(called, [])

    def test_a_refusal_goes_beside_its_field_and_a_fuller_message_on_top(self) -> None:
        def refuse(_data: dict[str, object]) -> None:
            raise InvalidInput(
                "12000 yuan is more than the 10000 outstanding.",
                extra={"fields": {"amount": ["More than outstanding."]}},
            )

        form = PaymentLikeForm({"amount": "12000"})
        self.assertFalse(form_submit(form, refuse).ok)
        self.assertEqual(form.errors["amount"], ["More than outstanding."])
        self.assertEqual(
            form.non_field_errors(), ["12000 yuan is more than the 10000 outstanding."]
        )

    def test_a_message_the_field_already_says_is_not_repeated(self) -> None:
        def refuse(_data: dict[str, object]) -> None:
            raise InvalidInput("Too much.", extra={"fields": {"amount": ["Too much."]}})

        form = PaymentLikeForm({"amount": "1"})
        form_submit(form, refuse)
        self.assertEqual(form.non_field_errors(), [])

    def test_a_conflict_is_said_on_top(self) -> None:
        def refuse(_data: dict[str, object]) -> None:
            raise Conflict("The case is closed.", code="case_closed")

        form = PaymentLikeForm({"amount": "1"})
        form_submit(form, refuse)
        self.assertEqual(form.non_field_errors(), ["The case is closed."])

    def test_taken_returns_the_services_result(self) -> None:
        submitted = form_submit(PaymentLikeForm({"amount": "1"}), lambda data: data["amount"] * 2)
        self.assertTrue(submitted.ok)
        self.assertEqual(str(submitted.result), "2")


@override_settings(LANGUAGE_CODE="en", QINGLING_UPLOAD_MAX_BYTES=10 * 1024 * 1024)
class LimitedFileInputTests(SimpleTestCase):
    def test_the_input_carries_the_servers_limit_and_what_to_say(self) -> None:
        html = LimitedFileInput().render("file", None)
        self.assertIn('data-max-bytes="10485760"', html)
        self.assertIn('accept="image/jpeg', html)
        self.assertIn("10.0\xa0MB", html)
        self.assertIn("JPEG、PNG、HEIC、PDF", html)
