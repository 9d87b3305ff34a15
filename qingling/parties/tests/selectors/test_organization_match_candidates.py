from qingling.parties.demo import fake_credit_code
from qingling.parties.matching import CANDIDATE_THRESHOLD, MATCH_THRESHOLD
from qingling.parties.models import Organization
from qingling.parties.selectors import organization_match_candidates
from qingling.parties.services import organization_register, organization_update
from qingling.testing import BaseTestCase, make_organization


class OrganizationMatchCandidatesTests(BaseTestCase):
    xinsheng: Organization
    hongda: Organization
    xinshengda: Organization
    hengtai: Organization

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.xinsheng = make_organization(cls.rng, name="辽源市鑫盛建筑工程有限公司")
        cls.hongda = make_organization(cls.rng, name="辽源市宏达建筑工程有限公司")
        cls.xinshengda = make_organization(cls.rng, name="辽源市鑫盛达装饰工程有限公司")
        cls.hengtai = organization_register(name="恒泰公司", actor=None)

    def names(self, found: list[tuple[Organization, float]]) -> list[str]:
        return [organization.name for organization, _score in found]

    def test_the_service_stores_the_trade_name_key(self) -> None:
        self.assertEqual(self.xinsheng.name_key, "xs:xinsheng")

    def test_finds_a_homophone_with_another_prefix_and_legal_form_first(self) -> None:
        found = organization_match_candidates(name="吉林省新胜建筑工程有限责任公司")
        self.assertEqual(found[0], (self.xinsheng, 1.0))

    def test_finds_the_full_name_from_the_short_form(self) -> None:
        found = organization_match_candidates(name="鑫盛公司")
        self.assertEqual(found[0][0], self.xinsheng)

    def test_offers_a_longer_trade_name_below_the_match(self) -> None:
        found = organization_match_candidates(name="鑫盛建筑工程有限公司")
        self.assertEqual(self.names(found), [self.xinsheng.name, self.xinshengda.name])
        self.assertLess(found[1][1], found[0][1])

    def test_offers_the_same_trade_name_in_another_industry_below_the_match(self) -> None:
        steel = make_organization(self.rng, name="辽源市鑫盛钢结构有限公司")
        found = organization_match_candidates(name="鑫胜建筑工程有限公司")
        self.assertEqual(found[0], (self.xinsheng, 1.0))
        score = dict(found)[steel]
        self.assertLess(score, MATCH_THRESHOLD)
        self.assertGreaterEqual(score, CANDIDATE_THRESHOLD)

    def test_offers_every_company_of_the_trade_name_to_a_short_form(self) -> None:
        steel = make_organization(self.rng, name="辽源市鑫盛钢结构有限公司")
        found = dict(organization_match_candidates(name="鑫盛公司"))
        self.assertEqual((found[self.xinsheng], found[steel]), (1.0, 1.0))

    def test_leaves_out_employers_sharing_only_the_industry_words(self) -> None:
        found = organization_match_candidates(name="辽源市鑫盛建筑工程有限公司")
        self.assertNotIn(self.hongda, [organization for organization, _ in found])

    def test_finds_by_credit_code_whatever_the_name(self) -> None:
        found = organization_match_candidates(name="某某公司", credit_code=self.hongda.credit_code)
        self.assertEqual(found, [(self.hongda, 1.0)])

    def test_leaves_out_a_similar_name_with_another_credit_code(self) -> None:
        found = organization_match_candidates(
            name="辽源市鑫盛建筑工程有限公司", credit_code=fake_credit_code(self.rng)
        )
        self.assertNotIn(self.xinsheng, [organization for organization, _ in found])

    def test_follows_a_renamed_organization(self) -> None:
        organization_update(
            organization=self.hengtai,
            name="辽源市博远建设有限公司",
            credit_code="",
            legal_representative=None,
            division=None,
            address="",
            actor=None,
        )
        self.assertEqual(organization_match_candidates(name="恒泰公司"), [])
        found = organization_match_candidates(name="博远公司")
        self.assertEqual(found[0][0], self.hengtai)

    def test_keeps_to_the_limit(self) -> None:
        for index in range(4):
            make_organization(self.rng, name=f"鑫盛{'一二三四'[index]}号建筑有限公司")
        self.assertEqual(len(organization_match_candidates(name="鑫盛公司", limit=2)), 2)

    def test_finds_nothing_for_a_blank_name(self) -> None:
        self.assertEqual(organization_match_candidates(name="  "), [])

    def test_reads_the_block_in_two_queries(self) -> None:
        with self.assertNumQueries(2):
            organization_match_candidates(name="新盛建筑公司")
