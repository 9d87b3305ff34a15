import time_machine
from django.test import override_settings
from django.urls import reverse

from qingling.employment.models import Posting, Seeker
from qingling.employment.selectors.occupations import COMMON_OCCUPATIONS
from qingling.employment.tests.world import EmploymentWorld, make_seeker
from qingling.parties.demo import fake_credit_code, fake_id_number, fake_mobile
from qingling.testing import CURRENT_TIME


@time_machine.travel(CURRENT_TIME, tick=False)
class PlacesAsWrittenTests(EmploymentWorld):
    def registration(self, **changes: object) -> dict[str, object]:
        data: dict[str, object] = {
            "name": "周六",
            "id_number": fake_id_number(self.rng),
            "phone": fake_mobile(self.rng),
            "division": "220421",
            "township": "东丰镇",
            "going_out": "on",
            "occupations": ["6-29"],
            "destinations": "辽宁省大连市",
            "earliest": "2027-02-20",
            "latest": "2027-02-28",
            "job_confirmed": "on",
            "confirmed_employer": "大连海湾建设集团有限公司",
            "confirmed_destination": "辽宁省大连市甘井子区",
            "contact_consent": "on",
            "contact_channel": "sms",
        }
        data.update(changes)
        return data

    def test_a_province_and_city_written_together_are_one_place(self) -> None:
        self.login(self.employment)
        response = self.client.post(reverse("employment:seeker_new"), self.registration())
        seeker = Seeker.objects.get()
        self.assertRedirects(response, reverse("employment:seeker_detail", args=[seeker.public_id]))
        self.assertEqual([d.code for d in seeker.destinations.all()], ["210200"])
        assert seeker.confirmed_destination is not None
        self.assertEqual(seeker.confirmed_destination.code, "210200")
        self.assertEqual(seeker.place_detail, "辽宁省大连市甘井子区")  # kept as written
        page = self.client.get(response["Location"])
        self.assertContains(page, "辽宁省大连市甘井子区")

    def test_short_names_spaces_and_several_places(self) -> None:
        self.login(self.employment)
        self.client.post(
            reverse("employment:seeker_new"),
            self.registration(destinations="大连、辽宁 大连、山东", confirmed_destination="大连"),
        )
        seeker = Seeker.objects.get()
        self.assertEqual(sorted(d.code for d in seeker.destinations.all()), ["210200", "370000"])
        self.assertEqual(seeker.place_detail, "")

    @override_settings(LANGUAGE_CODE="en")
    def test_an_unknown_place_is_named_and_the_input_kept(self) -> None:
        self.login(self.employment)
        response = self.client.post(
            reverse("employment:seeker_new"), self.registration(destinations="火星、大连市")
        )
        self.assertIn("火星", str(response.context["form"].errors["destinations"]))
        self.assertContains(response, 'value="火星、大连市"')
        self.assertFalse(Seeker.objects.exists())

    def test_the_form_offers_the_division_lists_and_known_townships(self) -> None:
        make_seeker(self.rng, township="白泉镇")
        self.login(self.employment)
        page = self.client.get(reverse("employment:seeker_new"))
        self.assertContains(page, "data-division-picker")
        self.assertContains(page, '<option value="辽宁省大连市">')
        self.assertContains(page, '<option value="白泉镇">')
        self.assertContains(page, "qingling/employment-forms.js")

    def test_a_posting_place_keeps_its_district_in_the_address(self) -> None:
        self.login(self.employment)
        response = self.client.post(
            reverse("employment:posting_new"),
            {
                "employer_name": "大连海湾建设集团有限公司",
                "employer_credit_code": fake_credit_code(self.rng, division="210200"),
                "employer_profile": "建筑企业",
                "title": "钢筋工",
                "occupation": "6-29",
                "headcount": "10",
                "requirements": "身体健康",
                "work_content": "钢筋绑扎",
                "place": "辽宁省大连市甘井子区",
                "address": "革镇堡街道",
                "partner_region": "大连市",
                "pay_min": "6000",
                "pay_max": "8000",
                "source": "employer",
                "contact": "0411-1234567",
                "expires_on": "2027-03-31",
            },
        )
        self.assertEqual(response.status_code, 302)
        posting = Posting.objects.get()
        self.assertEqual((posting.place_id, posting.address), ("210200", "甘井子区 革镇堡街道"))


@time_machine.travel(CURRENT_TIME, tick=False)
class OccupationListTests(EmploymentWorld):
    def test_the_list_opens_on_the_trades_workers_do(self) -> None:
        self.login(self.employment)
        page = self.client.get(reverse("employment:seeker_new"))
        form = page.context["form"]
        groups = form.fields["occupations"].widget.choices
        _label, first = groups[0]
        self.assertEqual([code for code, _name in first], list(COMMON_OCCUPATIONS))
        self.assertEqual(first[0][1], "建筑施工人员")
        html = page.content.decode()
        self.assertLess(html.index("建筑施工人员"), html.index("中国共产党机关负责人"))
        # The full classification is still there, behind the short list.
        self.assertIn("1-01", [code for _label, options in groups[1:] for code, _n in options])
        self.assertContains(page, "data-searchable")
        posting_form = self.client.get(reverse("employment:posting_new")).content.decode()
        self.assertLess(
            posting_form.index("建筑施工人员"), posting_form.index("中国共产党机关负责人")
        )
