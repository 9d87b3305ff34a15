from django.urls import path

from qingling.sanctions.views import listings, referrals

app_name = "sanctions"
urlpatterns = [
    path("", listings.listing_list, name="listing_list"),
    path("propose/", listings.listing_propose, name="listing_propose"),
    path("<uuid:public_id>/", listings.listing_detail, name="listing_detail"),
    path("<uuid:public_id>/act/<str:step>/", listings.listing_act, name="listing_act"),
    path(
        "record/<uuid:public_id>/xlsx/",
        listings.organization_record_export,
        name="organization_record_export",
    ),
    path("referrals/", referrals.referral_list, name="referral_list"),
    path("referrals/case/<uuid:case_id>/", referrals.referral_propose, name="referral_propose"),
    path("referrals/case/<uuid:case_id>/evasion/", referrals.evasion_record, name="evasion_record"),
    path("referrals/<uuid:public_id>/", referrals.referral_detail, name="referral_detail"),
    path("referrals/<uuid:public_id>/act/<str:step>/", referrals.referral_act, name="referral_act"),
    path(
        "referrals/<uuid:public_id>/document/<str:kind>/",
        referrals.referral_document,
        name="referral_document",
    ),
]
