from decimal import Decimal

from django.test import SimpleTestCase, override_settings

from qingling.sanctions.checks import crime_threshold_check, crime_threshold_province_check
from qingling.sanctions.selectors import crime_threshold

LIAONING = {
    "21": {
        "name": "辽宁省",
        "one_worker": Decimal(10000),
        "ten_workers": Decimal(50000),
        "source": "辽宁省高级人民法院",
    }
}


class CrimeThresholdCheckTests(SimpleTestCase):
    @override_settings(QINGLING_PROVINCE="22", QINGLING_CRIME_THRESHOLDS=LIAONING)
    def test_warns_when_the_province_has_not_set_its_own(self) -> None:
        messages = crime_threshold_province_check()
        self.assertEqual([m.id for m in messages], ["qingling.sanctions.W001"])
        self.assertIn("22", messages[0].msg)
        self.assertTrue(crime_threshold().stand_in)

    @override_settings(QINGLING_PROVINCE="21", QINGLING_CRIME_THRESHOLDS=LIAONING)
    def test_is_silent_when_the_province_has_its_row(self) -> None:
        self.assertEqual(crime_threshold_province_check(), [])
        self.assertFalse(crime_threshold().stand_in)

    @override_settings(
        QINGLING_CRIME_THRESHOLDS={
            "22": {"one_worker": Decimal(4000), "ten_workers": Decimal(50000), "source": ""}
        }
    )
    def test_refuses_a_province_outside_the_ranges_or_without_source(self) -> None:
        ids = sorted(str(m.id) for m in crime_threshold_check())
        self.assertEqual(ids, ["qingling.sanctions.E001", "qingling.sanctions.E002"])
