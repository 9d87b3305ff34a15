import time_machine
from django.test import override_settings

from qingling.sanctions.selectors import organizations_linked_under
from qingling.sanctions.tests.world import AFTER_DUE, THRESHOLDS, make_listing, make_ordered_case
from qingling.testing import BaseTestCase


@THRESHOLDS
@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(AFTER_DUE, tick=False)
class OrganizationsLinkedUnderTests(BaseTestCase):
    def test_links_a_listed_organization_to_the_county_of_its_case(self) -> None:
        listing = make_listing(self, make_ordered_case(self))
        prefix = listing.case.division_id
        linked = organizations_linked_under(prefix).values_list("organization_id", flat=True)
        self.assertEqual(list(linked), [listing.organization_id])
        self.assertEqual(list(organizations_linked_under("999999")), [])
