import io
import logging
from typing import Any

from django.test import SimpleTestCase

from qingling.core.logs import PersonalDataFilter, redact

ID_NUMBER = "22040219900101123X"
MOBILE = "13812345678"


def _record(msg: str, *args: object) -> logging.LogRecord:
    return logging.LogRecord("qingling", logging.INFO, __file__, 1, msg, args or None, None)


class PersonalDataFilterTests(SimpleTestCase):
    def test_masks_an_id_number_and_a_mobile_in_the_message(self):
        record = _record("person %s phoned from %s", ID_NUMBER, MOBILE)
        self.assertIs(PersonalDataFilter().filter(record), True)
        message = record.getMessage()
        self.assertEqual(message, "person 22**************3X phoned from 138******78")
        self.assertNotIn(ID_NUMBER, message)
        self.assertNotIn(MOBILE, message)

    def test_masks_values_written_into_the_format_string(self):
        record = _record(f"lookup {ID_NUMBER.lower()} failed")
        PersonalDataFilter().filter(record)
        self.assertEqual(record.getMessage(), "lookup 22**************3x failed")

    def test_leaves_a_clean_record_untouched(self):
        record = _record("case %s closed after %d days", "2026-0042", 12)
        PersonalDataFilter().filter(record)
        self.assertEqual(record.msg, "case %s closed after %d days")
        self.assertEqual(record.args, ("2026-0042", 12))

    def test_masks_what_a_handler_with_the_filter_writes(self):
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.addFilter(PersonalDataFilter())
        logger = logging.getLogger("qingling.tests.logs")
        logger.addHandler(handler)
        self.addCleanup(logger.removeHandler, handler)
        logger.warning("registered %s with %s", ID_NUMBER, MOBILE)
        self.assertEqual(stream.getvalue(), "registered 22**************3X with 138******78\n")

    def test_is_installed_on_the_console_handler(self):
        from django.conf import settings

        config: dict[str, Any] = settings.LOGGING
        self.assertIn("personal_data", config["handlers"]["console"]["filters"])


class RedactTests(SimpleTestCase):
    def test_masks_a_legacy_15_digit_number(self):
        self.assertEqual(redact("id 220402900101123"), "id 22***********23")

    def test_leaves_longer_digit_runs_alone(self):
        self.assertEqual(redact("order 1234567890123456789012"), "order 1234567890123456789012")

    def test_leaves_a_landline_alone(self):
        self.assertEqual(redact("call 0437-3221234"), "call 0437-3221234")
