import datetime as dt

import time_machine

from qingling.accounts.services import org_unit_create
from qingling.core.models import Division
from qingling.employment.models import Introduction, Pairing, Posting, Push, Trip, TripSeat
from qingling.employment.tests.world import EmploymentWorld, make_officer, make_posting, make_seeker
from qingling.notify.models import OutboxMessage
from qingling.reports.statistics import statistics_for_period

SEASON = {"start": dt.date(2027, 2, 1), "end": dt.date(2027, 2, 28)}
IN_SEASON = dt.datetime(2027, 2, 10, 2, 0, tzinfo=dt.UTC)


class EmploymentFiguresTests(EmploymentWorld):
    def setUp(self) -> None:
        super().setUp()
        with time_machine.travel(IN_SEASON, tick=False):
            registered = dt.date(2027, 2, 10)
            self.going = [
                make_seeker(self.rng, name=f"工人{n}", registered_on=registered) for n in range(4)
            ]
            self.staying = make_seeker(
                self.rng,
                name="留乡",
                going_out=False,
                division_code="220403",
                registered_on=registered,
            )
            make_seeker(self.rng, name="去年登记", registered_on=dt.date(2026, 12, 1))
            outside = make_posting(self.employer, published_at=IN_SEASON)
            make_posting(self.employer, place="220402", title="本地岗", status="draft")
        with time_machine.travel(dt.datetime(2027, 3, 2, 2, 0, tzinfo=dt.UTC), tick=False):
            make_posting(self.employer, title="三月才收集")
        Introduction.objects.create(
            seeker=self.going[0],
            posting=outside,
            score=80,
            introduced_on=registered,
            status="hired",
            decided_on=dt.date(2027, 2, 12),
        )
        Introduction.objects.create(
            seeker=self.going[1], posting=outside, score=70, introduced_on=registered
        )
        for seeker in self.going[:2]:
            for day in (10, 11):
                message = OutboxMessage.objects.create(gateway="sms", destination="138****0000")
                Push.objects.create(
                    seeker=seeker,
                    personalised=True,
                    message=message,
                    sent_on=dt.date(2027, 2, day),
                )
        Pairing.objects.create(officer=self.employment, seeker=self.going[0], started_on=registered)
        dalian = Division.objects.get(code="210200")
        shandong = Division.objects.get(code="370000")
        bus1 = Trip.objects.create(
            number="ZC-1",
            date=dt.date(2027, 2, 20),
            origin="辽源",
            destination=dalian,
            seats=45,
            status=Trip.Status.ARRIVED,
        )
        bus2 = Trip.objects.create(
            number="ZC-2",
            date=dt.date(2027, 2, 21),
            origin="辽源",
            destination=shandong,
            seats=45,
            status=Trip.Status.DEPARTED,
        )
        planned = Trip.objects.create(
            number="ZC-3", date=dt.date(2027, 2, 22), origin="辽源", destination=dalian, seats=45
        )
        boarded = dt.datetime(2027, 2, 20, 0, 0, tzinfo=dt.UTC)
        TripSeat.objects.create(trip=bus1, seeker=self.going[0], number=1, boarded_at=boarded)
        TripSeat.objects.create(trip=bus1, seeker=self.going[1], number=2)  # did not board
        TripSeat.objects.create(trip=bus2, seeker=self.going[2], number=1, boarded_at=boarded)
        TripSeat.objects.create(trip=planned, seeker=self.going[3], number=1, boarded_at=boarded)

    def test_each_figure_counts_the_records_of_the_period(self) -> None:
        figures = statistics_for_period(**SEASON)
        self.assertEqual(figures["seekers_registered"], 5)
        self.assertEqual(figures["seekers_going_out"], 4)
        self.assertEqual(figures["postings_collected"], {"total": 2, "inside": 1, "outside": 1})
        self.assertEqual(figures["postings_published"], 1)
        self.assertEqual(figures["push_recipients"], 2)
        self.assertEqual(figures["introductions"], 2)
        self.assertEqual(figures["placements"], 1)
        self.assertEqual(figures["pairings"], 1)
        self.assertEqual(figures["trips"], 2)
        self.assertEqual(figures["workers_transported"], 2)
        self.assertEqual(figures["workers_transported_by_destination"], {"大连市": 1, "山东省": 1})

    def test_a_county_sees_its_own_workers_and_places(self) -> None:
        unit = org_unit_create(name="西安区就业局", division=self.xian_division, actor=None)
        officer = make_officer("xian_employment", unit=unit, full_name="西安区")
        figures = statistics_for_period(**SEASON, user=officer)
        self.assertEqual(figures["seekers_registered"], 1)
        self.assertEqual(figures["seekers_going_out"], 0)
        self.assertEqual(figures["postings_collected"], {"total": 0, "inside": 0, "outside": 0})
        self.assertEqual(figures["workers_transported"], 0)
        self.assertEqual(figures["workers_transported_by_destination"], {})

    def test_a_posting_counts_by_the_local_date_it_was_collected(self) -> None:
        late = dt.datetime(2027, 2, 28, 17, 0, tzinfo=dt.UTC)  # 1 March, 01:00 in Liaoyuan
        with time_machine.travel(late, tick=False):
            make_posting(self.employer, title="深夜录入")
        figures = statistics_for_period(**SEASON)
        self.assertEqual(figures["postings_collected"]["total"], 2)
        self.assertEqual(Posting.objects.count(), 4)
