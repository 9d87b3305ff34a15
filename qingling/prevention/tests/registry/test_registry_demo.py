"""The demo city's registry: every project filled, a few falling short as sites do."""

import time_machine
from django.test import TestCase, override_settings

from qingling.parties.demo import demo_city_build
from qingling.prevention.compliance import Item
from qingling.prevention.models import PayrollEntry, WageAccount
from qingling.prevention.registry_demo import registry_demo_fill
from qingling.prevention.registry_selectors import project_checklist
from qingling.testing import CURRENT_TIME


@time_machine.travel(CURRENT_TIME, tick=False)
@override_settings(LANGUAGE_CODE="en")
class RegistryDemoTests(TestCase):
    def test_the_demo_projects_get_their_registry_and_only_the_chosen_ones_fall_short(
        self,
    ) -> None:
        city = demo_city_build(seed=3, organizations=8, projects=4, workers=0)
        rows = registry_demo_fill(
            projects=city.projects,
            seed=3,
            falls_short=lambda i: {"agreement"} if i == 1 else set(),
        )
        self.assertGreater(rows, 0)
        self.assertEqual(WageAccount.objects.count(), 4)
        self.assertTrue(PayrollEntry.objects.exists())
        for index, project in enumerate(city.projects):
            project.refresh_from_db()
            failing = {
                c.item
                for c in project_checklist(project=project, today=CURRENT_TIME.date())
                if c.failing
            }
            expected = {Item.AGREEMENT} if index == 1 else set()
            self.assertEqual(failing, expected, project.name)
