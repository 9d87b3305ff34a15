import contextlib
import random
import threading
from decimal import Decimal
from unittest import skipUnless
from unittest.mock import patch

from django.db import connection
from django.test import TransactionTestCase

from qingling.accounts.models import Role
from qingling.accounts.services import org_unit_create, staff_create
from qingling.cases import services
from qingling.cases.models import Case, Claim
from qingling.core import clock
from qingling.core.models import Division
from qingling.parties.demo import fake_id_number
from qingling.testing import make_accepted_complaint, make_organization


@skipUnless(connection.vendor == "postgresql", "SQLite runs one writer at a time: no race")
class ConcurrentPaymentsTests(TransactionTestCase):
    """Two payments on two claims of one case at the same moment: the totals stored last
    count both, because each service locks the case before it changes a claim. Without
    the lock the second UPDATE of the case would sum the claims as its snapshot saw them,
    before the first payment committed."""

    def setUp(self) -> None:
        # Outside a transaction the divisions the data migration loaded may have been
        # flushed by an earlier test of this kind.
        city, _ = Division.objects.get_or_create(
            code="220400", defaults={"name": "辽源市", "level": "city"}
        )
        longshan, _ = Division.objects.get_or_create(
            code="220402", defaults={"name": "龙山区", "level": "county", "parent": city}
        )
        rng = random.Random(7)
        self.chief = staff_create(
            username="chief",
            full_name="chief",
            role=Role.SECTION_CHIEF,
            org_unit=org_unit_create(name="监察支队", division=city, actor=None),
            password="secret",
            actor=None,
        )
        inspector = staff_create(
            username="inspector",
            full_name="inspector",
            role=Role.INSPECTOR,
            org_unit=org_unit_create(name="龙山区大队", division=longshan, actor=None),
            password="secret",
            actor=None,
        )
        intake = staff_create(
            username="intake",
            full_name="intake",
            role=Role.INTAKE_OFFICER,
            org_unit=self.chief.org_unit,
            password="secret",
            actor=None,
        )
        self.case = services.case_open(
            complaints=[make_accepted_complaint(actor=intake)],
            respondent=make_organization(rng),
            division=longshan,
            lead=inspector,
            actor=self.chief,
        )
        services.claim_add(
            case=self.case,
            name="刘德福",
            id_number=fake_id_number(rng),
            claimed=Decimal("5000.00"),
            actor=self.chief,
        )

    def test_the_totals_count_both_payments(self) -> None:
        barrier = threading.Barrier(2, timeout=1)
        store = services._case_totals_store
        errors: list[Exception] = []

        def store_together(case: Case) -> None:
            # Both payments reach the totals at once if nothing keeps them apart; with
            # the lock the second waits for the first to commit, and the barrier for
            # it times out.
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()
            store(case)

        def pay(claim: Claim) -> None:
            try:
                services.payment_record(
                    claim=claim,
                    amount=Decimal("1000.00"),
                    paid_on=clock.local_today(),
                    payer_kind="employer",
                    actor=self.chief,
                )
            except Exception as error:  # reported by the main thread
                errors.append(error)
            finally:
                connection.close()

        claims = list(self.case.claims.order_by("pk"))
        with patch.object(services, "_case_totals_store", store_together):
            threads = [threading.Thread(target=pay, args=(claim,)) for claim in claims]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        self.assertEqual(errors, [])
        self.assertEqual(
            Case.objects.values_list("worker_count", "total_paid", "total_outstanding").get(
                pk=self.case.pk
            ),
            (2, Decimal("2000.00"), Decimal("13000.00")),
        )
