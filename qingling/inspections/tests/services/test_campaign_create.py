import datetime as dt

import time_machine

from qingling.core.exceptions import Forbidden, InvalidInput
from qingling.inspections.selectors import campaign_progress
from qingling.inspections.services import campaign_create
from qingling.inspections.tests.world import InspectionWorld
from qingling.intake.models import Complaint
from qingling.testing import CURRENT_TIME, make_accepted_complaint, make_project


@time_machine.travel(CURRENT_TIME, tick=False)
class CampaignCreateTests(InspectionWorld):
    def create(self, **filters: object) -> object:
        return campaign_create(
            name="根治欠薪冬季攻坚行动",
            starts_on=dt.date(2026, 11, 1),
            ends_on=dt.date(2027, 1, 31),
            division=self.city,
            actor=self.chief,
            **filters,  # type: ignore[arg-type]
        )

    def test_targets_the_projects_the_filters_choose_and_tracks_progress(self) -> None:
        quiet = make_project(division=self.longshan, name="龙山区安居小区", actor=self.chief)
        west = make_project(division=self.xian_division, name="西安区商业街", actor=self.chief)
        complaint = make_accepted_complaint()
        Complaint.objects.filter(pk=complaint.pk).update(project=west)

        everything = self.create()
        self.assertEqual(set(everything.targets.all()), {self.project, quiet, west})  # type: ignore[attr-defined]

        with_complaints = self.create(open_complaints=True)
        self.assertEqual(list(with_complaints.targets.all()), [west])  # type: ignore[attr-defined]

        self.record()  # 龙山区福民小区 inspected yesterday
        not_lately = self.create(not_inspected_months=6)
        self.assertEqual(set(not_lately.targets.all()), {quiet, west})  # type: ignore[attr-defined]

        progress = campaign_progress(campaign=everything, user=self.chief)  # type: ignore[arg-type]
        self.assertEqual((progress.total, progress.inspected, progress.remaining), (3, 1, 2))
        district = campaign_progress(campaign=everything, user=self.inspector)  # type: ignore[arg-type]
        self.assertEqual((district.total, district.inspected), (2, 1))  # 龙山区 only

    def test_only_a_chief_plans_a_campaign_in_their_area(self) -> None:
        with self.assertRaises(Forbidden):
            campaign_create(
                name="x",
                starts_on=dt.date(2026, 11, 1),
                ends_on=dt.date(2026, 12, 1),
                division=self.longshan,
                actor=self.inspector,
            )

    def test_refuses_a_period_that_ends_before_it_starts(self) -> None:
        with self.assertRaises(InvalidInput):
            campaign_create(
                name="x",
                starts_on=dt.date(2026, 12, 1),
                ends_on=dt.date(2026, 11, 1),
                division=self.city,
                actor=self.chief,
            )
