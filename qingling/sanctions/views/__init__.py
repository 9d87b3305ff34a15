"""Staff and public pages of sanctions, one module per part: ``listings`` (the blacklist,
with the public list at /blacklist/) and ``referrals`` (the transfers to the police)."""
