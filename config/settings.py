"""Qingling settings: one file, every difference between machines comes from the environment.

Variables (all optional for a local demo):
  DATABASE_URL              sqlite:///var/qingling.sqlite3 by default; postgres://… for PostgreSQL
  QINGLING_DEBUG            1 in development
  QINGLING_SECRET_KEY[_FILE]  Django's signing key (default file: var/secret.key)
  QINGLING_DATA_KEY[_FILE]    key for personal data at rest (default file: var/data.key)
  QINGLING_ALLOWED_HOSTS    comma-separated host names
  QINGLING_LOG_LEVEL        INFO by default
  QINGLING_DEMO_CLOCK       1 to run a demo database on its season's day (make run)
"""

import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from csp.constants import NONCE, NONE, SELF

# Let generic Django classes (ModelAdmin[User], QuerySet[T]) be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("QINGLING_VAR_DIR", BASE_DIR / "var"))


def envbool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def envsecret(name: str, default_file: Path) -> str:
    """Read a secret from NAME, or from the file NAME_FILE points at, or from default_file."""
    if value := os.environ.get(name):
        return value
    path = Path(os.environ.get(f"{name}_FILE", default_file))
    return path.read_text().strip() if path.exists() else ""


DEBUG = envbool("QINGLING_DEBUG")
SECRET_KEY = envsecret("QINGLING_SECRET_KEY", VAR_DIR / "secret.key") or (
    "insecure-development-key-only-used-when-debug" if DEBUG else ""
)
# Checked by qingling.core.checks: the key that seals ID and phone numbers.
QINGLING_DATA_KEY = envsecret("QINGLING_DATA_KEY", VAR_DIR / "data.key")

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("QINGLING_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
# Origins other than the site's own that may POST to it (scheme://host[:port], comma-separated);
# a same-origin form needs none.
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("QINGLING_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "ninja",
    "axes",
    "csp",
    "qingling.core",
    "qingling.notify",
    "qingling.accounts",
    "qingling.parties",
    "qingling.intake",
    "qingling.cases",
    "qingling.inspections",
    "qingling.sanctions",
    "qingling.prevention",
    "qingling.employment",
    "qingling.reports",
    "qingling.portal",
    "qingling.api",
    "qingling.scenarios",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "qingling.core.middleware.LanguageMiddleware",
    "qingling.core.middleware.DemoClockMiddleware",
    # Errors under /api/ in the API's envelope, whoever answered them.
    "qingling.api.middleware.ApiErrorEnvelopeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # An employer's account reaches the portal (/portal/) and nothing else of the site.
    "qingling.portal.middleware.EmployerConfinementMiddleware",
    # Last: turns a locked-out sign-in into the lockout page (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qingling.accounts.context_processors.permissions",
            ],
        },
    }
]

VAR_DIR.mkdir(exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'qingling.sqlite3'}"),
        # Keep connections between requests: opening one (and, on SQLite, setting WAL)
        # for every request cost more than the request's own queries.
        conn_max_age=int(os.environ.get("QINGLING_DB_CONN_MAX_AGE", "300")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the worker writes; IMMEDIATE avoids
    # "database is locked" on upgrade from a read to a write lock.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# One cache shared by every server process (the query page's failure counters must
# not reset per process): a table in the database; `make run` creates it.
# The rate limits' counters (core.ratelimits) have a table of their own, so that culling
# the default cache when it is full never forgets an attempt.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "qingling_cache",
    },
    "ratelimits": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "qingling_ratelimits",
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sign-in throttling (django-axes): after QINGLING_LOGIN_FAILURE_LIMIT wrong passwords for
# one user name from one address, that pair is locked for QINGLING_LOGIN_COOLOFF_MINUTES
# (each further try restarts the wait) or until an administrator unlocks the account
# (accounts.services.account_unlock, audited). Attempts are rows in the database, shared
# by every server process.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("QINGLING_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("QINGLING_LOGIN_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "qingling.accounts.views.sign_in_locked"  # 429, in the site's style
AXES_DISABLE_ACCESS_LOG = True  # successful sign-ins are not kept; failures are
AXES_ENABLE_ADMIN = False  # our admin shows attempts read-only and unlocks through the service
AXES_CLIENT_IP_CALLABLE = "qingling.accounts.throttling.client_ip"
# How many reverse proxies in front of the server append to X-Forwarded-For (0: none, the
# client's address is REMOTE_ADDR). Behind the bureau's proxy set it to 1.
QINGLING_PROXY_COUNT = int(os.environ.get("QINGLING_PROXY_COUNT", "0"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "qingling" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"  # only for collectstatic in production
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the app folders: no collectstatic step for the demo, no CDN ever.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"

# HTTPS. Production sets QINGLING_HTTPS=1 (`qingling check --deploy` warns until it does):
# plain HTTP is redirected, cookies travel over HTTPS only, and browsers are told to use
# HTTPS for a year (HSTS). Off by default for the demo on http://127.0.0.1 and for tests.
QINGLING_HTTPS = envbool("QINGLING_HTTPS")
SECURE_SSL_REDIRECT = QINGLING_HTTPS
SESSION_COOKIE_SECURE = QINGLING_HTTPS
CSRF_COOKIE_SECURE = QINGLING_HTTPS
SECURE_HSTS_SECONDS = int(
    os.environ.get("QINGLING_HSTS_SECONDS", str(365 * 24 * 3600 if QINGLING_HTTPS else 0))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("QINGLING_HSTS_INCLUDE_SUBDOMAINS", QINGLING_HTTPS)
SECURE_HSTS_PRELOAD = envbool("QINGLING_HSTS_PRELOAD")
# Preloading is the domain owner's decision (hstspreload.org takes registrable domains,
# not the bureau's sub-domain), so its absence is not a warning here.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind the bureau's TLS proxy (QINGLING_PROXY_COUNT > 0), which must set, not pass on,
# X-Forwarded-Proto: a request is secure when the proxy says it came in over HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if QINGLING_PROXY_COUNT else None

# Content-Security-Policy (django-csp): scripts from our own static files only (no inline
# script, no event-handler attribute, no eval: htmx runs with allowEval off); styles from
# our files or a <style> element carrying the request's nonce; no style="" attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

QINGLING_WORKER_INTERVAL_SECONDS = int(os.environ.get("QINGLING_WORKER_INTERVAL", "60"))

# A demo database lives on its season's last day (core.models.DemoClock, stored by
# `qingling scenario`): requests and jobs run on that day, under a banner. `make run`
# turns it on; production leaves it off, and so the row, if any, is ignored.
QINGLING_DEMO_CLOCK = envbool("QINGLING_DEMO_CLOCK")

# Evidence uploads live under var/uploads, outside the web root; staff download them
# through a view that checks access. Never add a URL that serves MEDIA_ROOT directly.
MEDIA_ROOT = VAR_DIR / "uploads"
# Evidence and case documents are readable by the server's own account only, whatever
# its umask: files 0600, the folders the storage creates 0700.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
QINGLING_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
QINGLING_UPLOAD_MAX_FILES = 10
# Imports (complaint files, claims, rosters, registrations, postings): what one file may
# be, checked before it is parsed (docs/security.md, "Imports"). A workbook is a zip: what
# its parts may unpack to is limited too, so that a small file cannot expand to millions
# of rows. Web imports of more than QINGLING_IMPORT_INLINE_ROWS rows run in the worker.
QINGLING_IMPORT_MAX_BYTES = int(os.environ.get("QINGLING_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
QINGLING_IMPORT_MAX_ROWS = int(os.environ.get("QINGLING_IMPORT_MAX_ROWS", "50000"))
QINGLING_IMPORT_MAX_UNPACKED_BYTES = int(
    os.environ.get("QINGLING_IMPORT_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)
)
QINGLING_IMPORT_INLINE_ROWS = int(os.environ.get("QINGLING_IMPORT_INLINE_ROWS", "2000"))
# Working days to reply to a work order / give feedback on a transfer order, per channel.
# No national figure exists (docs/legal-rules.md); these are the city's own settings.
QINGLING_REPLY_WORKING_DAYS = {"12345": 5, "12333": 5, "national_platform": 10}
# How long a complaint waits for the material asked for (补正) before it is closed as not
# accepted, with a written notice, and how many working days after the request the
# reminder goes. 若干规定 Art. 18 (2) says to ask for the material but sets no period: the
# platform's default, for the bureau to set (docs/legal-rules.md).
QINGLING_MATERIAL_WORKING_DAYS = int(os.environ.get("QINGLING_MATERIAL_WORKING_DAYS", "15"))
QINGLING_MATERIAL_REMINDER_WORKING_DAYS = int(
    os.environ.get("QINGLING_MATERIAL_REMINDER_WORKING_DAYS", "10")
)
# The city this bureau serves (行政区划代码); the public form offers its counties.
QINGLING_CITY_DIVISION = os.environ.get("QINGLING_CITY_DIVISION", "220400")
# Where the chartered buses (专车) leave from unless staff say otherwise.
QINGLING_TRIP_ORIGIN = os.environ.get("QINGLING_TRIP_ORIGIN", "辽源市人社局")
# The bureau's case number, e.g. 辽人社监立〔2021〕8号; {year} and {seq} are filled in.
QINGLING_CASE_NUMBER_FORMAT = os.environ.get(
    "QINGLING_CASE_NUMBER_FORMAT", "辽人社监立〔{year}〕{seq}号"
)
# Case documents: {kind} is the document's short code (e.g. 责改), {year} and {seq} filled in.
QINGLING_DOCUMENT_NUMBER_FORMAT = os.environ.get(
    "QINGLING_DOCUMENT_NUMBER_FORMAT", "辽人社监{kind}〔{year}〕{seq}号"
)
# The bureau as its documents name it: the header of every document and its 送达回证.
QINGLING_BUREAU_NAME = os.environ.get("QINGLING_BUREAU_NAME", "辽源市人力资源和社会保障局")
QINGLING_BUREAU_ADDRESS = os.environ.get("QINGLING_BUREAU_ADDRESS", "吉林省辽源市龙山区人民大街")
QINGLING_BUREAU_PHONE = os.environ.get("QINGLING_BUREAU_PHONE", "0437-12333")
# 公告送达: a public notice counts as served this many days after it is published
# (民事诉讼法 Art. 95, 2021 revision: 30 days; applied through 行政处罚法 Art. 61). A day
# count, so a province that reads its rules otherwise can set it; docs/legal-rules.md.
QINGLING_PUBLIC_NOTICE_DAYS = int(os.environ.get("QINGLING_PUBLIC_NOTICE_DAYS", "30"))
# How long an archived case file (归档的案卷) is kept. 国家档案局令第8号 (2006) sets the
# retention periods of an organ's files: permanent, 30 or 10 years; a closed enforcement
# case file is kept 30 years unless the bureau's own retention table (归档范围和保管期限表)
# says otherwise. docs/legal-rules.md.
QINGLING_CASE_RETENTION_YEARS = int(os.environ.get("QINGLING_CASE_RETENTION_YEARS", "30"))
# The bureau's own document templates (<kind>.docx, e.g. order.docx; see
# qingling/cases/doc_templates/build.py for the placeholders); a kind missing there
# uses the shipped default. {kind} codes of the document numbers, per kind.
QINGLING_DOCUMENT_TEMPLATE_DIR = Path(
    os.environ.get(
        "QINGLING_DOCUMENT_TEMPLATE_DIR", BASE_DIR / "qingling" / "cases" / "doc_templates"
    )
)
QINGLING_DOCUMENT_KIND_CODES = {
    "opening_approval": "立审",
    "inquiry_notice": "询",
    "order": "责改",
    "decision": "处",
    "closing_approval": "结",
    "hearing_notice": "告",
    "penalty_decision": "罚",
    "enforcement_reminder": "催",
}
# The decision procedure (qingling/cases/procedure.py, docs/legal-rules.md).
# The defence period after the notice of the intended decision is served, in working
# days: 行政处罚法 Art. 64 gives 5 (working, Art. 85) days to ask for a hearing and no
# other figure; a province that sets its own period sets this.
QINGLING_DEFENCE_WORKING_DAYS = int(os.environ.get("QINGLING_DEFENCE_WORKING_DAYS", "5"))
# A fine of at least this many yuan is a 较大数额罚款 that gives the party the right to a
# hearing (听证, 行政处罚法 Art. 63). The figure is the province's (or the ministry's): it
# was NOT FOUND in the sources; 10,000 yuan for an organisation stands in until the
# bureau sets its own.
QINGLING_HEARING_FINE_THRESHOLD = Decimal(
    os.environ.get("QINGLING_HEARING_FINE_THRESHOLD", "10000")
)
# Who reviews the bureau's decisions (行政复议法, 2023: the government at the same level)
# and the court of first instance for a suit, as the decisions name them.
QINGLING_REVIEW_ORGAN = os.environ.get("QINGLING_REVIEW_ORGAN", "辽源市人民政府")
QINGLING_COURT = os.environ.get("QINGLING_COURT", "辽源市龙山区人民法院")
# The blacklist's decision number (失信联合惩戒 决定书); {year} and {seq} are filled in.
QINGLING_LISTING_NUMBER_FORMAT = os.environ.get(
    "QINGLING_LISTING_NUMBER_FORMAT", "辽人社失信〔{year}〕{seq}号"
)
# The blacklist's other documents: the notice of intended listing and the early removal.
QINGLING_LISTING_NOTICE_NUMBER_FORMAT = os.environ.get(
    "QINGLING_LISTING_NOTICE_NUMBER_FORMAT", "辽人社失信告〔{year}〕{seq}号"
)
QINGLING_LISTING_REMOVAL_NUMBER_FORMAT = os.environ.get(
    "QINGLING_LISTING_REMOVAL_NUMBER_FORMAT", "辽人社失信移〔{year}〕{seq}号"
)
# The defence period after the notice of intended listing is served, in working days,
# counted from the day the service counts (docs/legal-rules.md: 45号令 Art. 8 as quoted by
# provincial rules, TO CONFIRM against the official text).
QINGLING_LISTING_DEFENCE_WORKDAYS = int(os.environ.get("QINGLING_LISTING_DEFENCE_WORKDAYS", "5"))
# The worker warns this many days before a listing's defence period and term end.
QINGLING_LISTING_WARN_DAYS_BEFORE = 1
QINGLING_LISTING_TERM_WARN_DAYS_BEFORE = 30
# Where the worker writes the daily sharing file (docs/sanctions.md, "The feed").
QINGLING_BLACKLIST_FEED_DIR = Path(
    os.environ.get("QINGLING_BLACKLIST_FEED_DIR", str(BASE_DIR / "var" / "blacklist-feed"))
)
# The deployment's province (GB/T 2260, two digits): by default the city's.
QINGLING_PROVINCE = os.environ.get("QINGLING_PROVINCE", QINGLING_CITY_DIVISION[:2])
# 拒不支付劳动报酬罪 "数额较大" (法释〔2013〕3号 Art. 3), which each province's high court
# fixes inside the national ranges: one worker, ≥ 3 months' pay, ¥5,000–20,000; or
# ≥ 10 workers, cumulative ¥30,000–100,000. Per province code, with the source of the
# figures. Used by the blacklist's "threshold" ground and the transfer to the police.
# A province without its own row uses QINGLING_CRIME_THRESHOLD_STAND_IN's figures and the
# deploy check qingling.sanctions.W001 warns. Jilin's (22) figures were NOT FOUND in the
# sources: Liaoning's 2013 figures stand in until the bureau confirms 吉林省高级人民法院's.
QINGLING_CRIME_THRESHOLDS: dict[str, dict[str, Any]] = {
    "21": {
        "name": "辽宁省",
        "one_worker": Decimal(10000),
        "ten_workers": Decimal(50000),
        "source": "辽宁省高级人民法院, 2013 (figures as cited in docs/sanctions.md; the "
        "document's number was not found in the sources)",
    },
}
# The bureau may set its own province's row from the environment: the two figures and
# QINGLING_CRIME_THRESHOLD_SOURCE (the high court's document), all three together.
if os.environ.get("QINGLING_CRIME_THRESHOLD_SOURCE"):
    QINGLING_CRIME_THRESHOLDS[QINGLING_PROVINCE] = {
        "name": QINGLING_PROVINCE,
        "one_worker": Decimal(os.environ["QINGLING_CRIME_THRESHOLD_ONE_WORKER"]),
        "ten_workers": Decimal(os.environ["QINGLING_CRIME_THRESHOLD_TEN_WORKERS"]),
        "source": os.environ["QINGLING_CRIME_THRESHOLD_SOURCE"],
    }
QINGLING_CRIME_THRESHOLD_STAND_IN = "21"
_crime_threshold = QINGLING_CRIME_THRESHOLDS.get(
    QINGLING_PROVINCE, QINGLING_CRIME_THRESHOLDS[QINGLING_CRIME_THRESHOLD_STAND_IN]
)
# The figures in force (the environment may still override each).
QINGLING_CRIME_THRESHOLD_ONE_WORKER = Decimal(
    os.environ.get("QINGLING_CRIME_THRESHOLD_ONE_WORKER", str(_crime_threshold["one_worker"]))
)
QINGLING_CRIME_THRESHOLD_TEN_WORKERS = Decimal(
    os.environ.get("QINGLING_CRIME_THRESHOLD_TEN_WORKERS", str(_crime_threshold["ten_workers"]))
)
# Transfer to the police (移送, 国务院令第310号). The number of the transfer letter
# (涉嫌犯罪案件移送书); {year} and {seq} are filled in.
QINGLING_REFERRAL_NUMBER_FORMAT = os.environ.get(
    "QINGLING_REFERRAL_NUMBER_FORMAT", "辽人社移〔{year}〕{seq}号"
)
# The police organ (同级公安机关, Art. 5) and the procuratorate (抄送 and 立案监督, Arts. 9, 14)
# offered for a case, by the case's division code, else the city's; staff may type another.
QINGLING_POLICE_ORGANS = {
    "220400": "辽源市公安局",
    "220402": "辽源市公安局龙山分局",
    "220403": "辽源市公安局西安分局",
}
QINGLING_PROSECUTORS = {
    "220400": "辽源市人民检察院",
    "220402": "辽源市龙山区人民检察院",
    "220403": "辽源市西安区人民检察院",
}
# 310号令's "3日" are calendar days (legal.md: no working-day qualifier). Whether a period
# whose last day is a rest day ends on the next working day is not in the sources: the
# platform applies that rule (民法典 Art. 203) unless this is False (docs/legal-rules.md).
QINGLING_REFERRAL_DAYS_END_ON_WORKING_DAY = envbool(
    "QINGLING_REFERRAL_DAYS_END_ON_WORKING_DAY", True
)
# The worker warns this long before a transfer's clock runs out (the platform's choice).
QINGLING_REFERRAL_WARN_DAYS_BEFORE = 1  # the day-counted periods: on the day before the last
QINGLING_REFERRAL_WARN_HOURS_BEFORE = 6  # the 24 hours to send
# Dynamic monitoring (issue 16, `qingling monitor`; docs/monitoring.md). The minimum monthly
# wage (月最低工资标准) is set by the province in tiers (一类…四类) by county. Keys: a county
# code, a city code (xxxx00) or a province code (xx0000); a project takes the most specific.
# TO CONFIRM: the current 吉林省 figures (吉林省人民政府's 2021 and 2023 adjustments) and
# which tier each of Liaoyuan's counties is in were NOT FOUND in the sources. 2120 (the
# 一类 figure as reported for the 2023 adjustment, unverified) stands in province-wide
# until the bureau confirms the table (docs/legal-rules.md). Environment:
# QINGLING_MINIMUM_MONTHLY_WAGE="220402:2120,220421:2000" replaces the whole table.
QINGLING_MINIMUM_MONTHLY_WAGE = {
    code.strip(): Decimal(yuan.strip())
    for pair in os.environ.get("QINGLING_MINIMUM_MONTHLY_WAGE", "220000:2120").split(",")
    if ":" in pair
    for code, yuan in [pair.split(":", 1)]
}
# The platform's thresholds from issue 16 (the bureau's own rules, no legal source):
# BELOW_MINIMUM needs this many attendance days in the month (a full month is 21.75 paid
# days, 劳社部发〔2008〕3号); EXCESSIVE_PAY above this pay for one month on one project
# (pay that large through one worker suggests wages routed past the crew); the unpaid
# share of a project's workers from which PROJECT_UNPAID_SHARE is red (above 0: yellow).
QINGLING_MONITOR_MINIMUM_WAGE_DAYS = int(os.environ.get("QINGLING_MONITOR_MINIMUM_WAGE_DAYS", "20"))
QINGLING_MONITOR_EXCESSIVE_PAY = Decimal(os.environ.get("QINGLING_MONITOR_EXCESSIVE_PAY", "50000"))
QINGLING_MONITOR_UNPAID_SHARE_RED = Decimal(
    os.environ.get("QINGLING_MONITOR_UNPAID_SHARE_RED", "0.10")
)
# A warning (预警) is acknowledged (签收) by the county's staff within this many working
# days of being raised, by level; the worker flags a late one to the section chief. Local
# policy, no legal source: the provincial rules (e.g. 湘人社规〔2024〕13号) ask for prompt
# handling of warnings without a period we could confirm (docs/legal-rules.md).
QINGLING_WARNING_ACKNOWLEDGE_WORKING_DAYS = {"red": 1, "yellow": 3}
# Where each month's monitoring files are kept as Parquet (var/monitoring/<YYYY-MM>/), and
# the most an unpacked upload of a month may hold (a ZIP's members, in bytes).
QINGLING_MONITORING_DIR = Path(
    os.environ.get("QINGLING_MONITORING_DIR", str(VAR_DIR / "monitoring"))
)
QINGLING_MONITORING_MAX_BYTES = int(
    os.environ.get("QINGLING_MONITORING_MAX_BYTES", str(4 * 1024 * 1024 * 1024))
)
# The project compliance registry (docs/compliance.md; each figure in docs/legal-rules.md).
# The least share of a progress payment (进度款) the builder transfers to the dedicated wage
# account as labour cost (人工费用), by project type: (share, source). Jilin's figures are
# to confirm; these are Zhuhai's published ratios, the only ones on file.
QINGLING_LABOUR_COST_MIN_SHARE = {
    "housing": (Decimal("0.23"), "to confirm: Zhuhai, housing, ≥ 23% of progress payments"),
    "municipal": (Decimal("0.13"), "to confirm: Zhuhai, municipal and transport, ≥ 13%"),
    "water": (Decimal("0.15"), "to confirm: Zhuhai, water works, ≥ 15%"),
    "other": (Decimal("0.13"), "to confirm: no published figure; the lowest Zhuhai ratio"),
}
# The wage deposit (工资保证金, 条例 Art. 32; 人社部发〔2021〕65号): a rate of the contract
# value, reduced for a general contractor with a clean record and raised after arrears, and
# the range an entered rate must fall in. To confirm (the national figures were not found;
# 3% is a county's published rate). Refunded at completion; topped up within the days below
# after a draw (to confirm).
QINGLING_WAGE_DEPOSIT_RULE = {
    "rate": Decimal("0.03"),
    "clean_record_rate": Decimal("0.015"),
    "arrears_rate": Decimal("0.05"),
    "minimum_rate": Decimal("0.01"),
    "maximum_rate": Decimal("0.05"),
    "source": "to confirm: 人社部发〔2021〕65号 (rates set by province); 3% per 富民县",
}
QINGLING_DEPOSIT_TOP_UP_DAYS = 10
# At completion without arrears the general contractor publicises for 30 days and may then
# close the dedicated account (条例 Art. 27).
QINGLING_COMPLETION_PUBLICITY_DAYS = 30
# What `qingling demo` adds to the demo city after building it: callables taking the city
# and the seed, so the parties app's command needs no app above it.
QINGLING_DEMO_FILLERS = ["qingling.prevention.registry_demo.registry_demo_city"]
# Who may not be pushed to workers: each entry is a callable that takes organization ids and
# returns {id: reason} for those it flags (an open wage-arrears case, the blacklist …).
# The employment app asks these without depending on the apps that answer.
QINGLING_EMPLOYER_FLAGS = [
    "qingling.cases.selectors.organizations_with_open_case",
    "qingling.sanctions.selectors.organizations_listed",
]
# What the worker's progress query shows of the case opened from a complaint (its stage,
# the money paid to this worker): a callable(complaint=…) → dict or None. Intake imports
# no cases; cases answers for its own records.
QINGLING_COMPLAINT_PROGRESS = "qingling.cases.selectors.complaint_progress"
# What a case must have on record to close with an outcome: {outcome: callable(case=…) →
# bool}. Cases imports no sanctions: closing as "transferred to the police" asks sanctions
# whether a transfer was sent.
QINGLING_CLOSING_RECORDS = {"police": "qingling.sanctions.selectors.case_has_sent_referral"}
# Facts other apps show on the case page: each callable(case=…, user=…) returns a list of
# ``qingling.cases.selectors.CaseFact`` (the transfer to the police and its stage).
QINGLING_CASE_FACTS = [
    "qingling.sanctions.selectors.case_referral_facts",
    "qingling.portal.selectors.case_portal_facts",
]
# Facts other apps show on a warning's page: each callable(warning=…, user=…) returns a list
# of ``qingling.cases.selectors.CaseFact`` (the employer's proofs of payment, from the portal).
QINGLING_WARNING_FACTS = ["qingling.portal.selectors.warning_portal_facts"]
# The employer portal's uploads (docs/portal.md): kind → callable(*, project, kind, content,
# filename, actor, organization) returning a ``qingling.core.workbooks.SheetImportResult``:
# the roster through the parties app's import, the rest through the compliance registry's
# (which checks the organization is a party to the project).
QINGLING_PORTAL_UPLOAD_SERVICES: dict[str, str] = {
    "roster": "qingling.portal.services.roster_from_workbook",
    "attendance": "qingling.prevention.registry_services.registry_file_import",
    "payroll": "qingling.prevention.registry_services.registry_file_import",
    "labour_cost": "qingling.prevention.registry_services.registry_file_import",
}
# Sections other apps add to the organization's page: each callable(organization=…,
# user=…) returns a ``qingling.parties.selectors.OrganizationSection`` or None (the
# employer's record of compliance and good faith, 守法诚信档案, 条例 Art. 47).
QINGLING_ORGANIZATION_SECTIONS = [
    "qingling.sanctions.selectors.organization_record_section",
    "qingling.portal.selectors.organization_portal_section",
]
# Full personal numbers (ID, mobile) one member of staff may learn per window: a reveal
# and a search by a full number count alike (docs/security.md, "Personal numbers").
QINGLING_PERSONAL_DATA_LIMIT = int(os.environ.get("QINGLING_PERSONAL_DATA_LIMIT", "20"))
QINGLING_PERSONAL_DATA_WINDOW_SECONDS = int(
    os.environ.get("QINGLING_PERSONAL_DATA_WINDOW_SECONDS", "3600")
)
# The public forms (complaint, progress query, job registration, stop): how many
# attempts each name allows per window (attempts, seconds), counted per client address
# and per mobile number (docs/security.md, "Public forms"). Override any of them with
# QINGLING_PUBLIC_LIMITS="form_ip=60/3600,code_phone=5/3600".
QINGLING_PUBLIC_LIMITS: dict[str, tuple[int, int]] = {
    "form_ip": (60, 3600),  # posts of one public form from one address
    "form_phone": (10, 3600),  # posts of one public form naming one mobile number
    "code_ip": (20, 3600),  # one-time codes sent for one address
    "code_phone": (5, 3600),  # one-time codes sent to one mobile number
    "query_code": (10, 900),  # wrong tries at one query code
    "query_ip": (30, 900),  # wrong tries from one address
}
for _pair in os.environ.get("QINGLING_PUBLIC_LIMITS", "").split(","):
    if _pair.strip():
        _name, _, _value = _pair.strip().partition("=")
        _count, _, _seconds = _value.partition("/")
        QINGLING_PUBLIC_LIMITS[_name.strip()] = (int(_count), int(_seconds or 3600))
# Where the client's address comes from: REMOTE_ADDR, or behind the bureau's reverse proxy
# the header it sets (HTTP_X_REAL_IP, or HTTP_X_FORWARDED_FOR whose last entry is used).
QINGLING_CLIENT_IP_HEADER = os.environ.get("QINGLING_CLIENT_IP_HEADER", "REMOTE_ADDR")
# The SMS gateway sends at most this many text messages a day to one number; the
# outbox refuses the rest (failed, with the reason, for staff to see).
QINGLING_SMS_DAILY_LIMIT_PER_NUMBER = int(
    os.environ.get("QINGLING_SMS_DAILY_LIMIT_PER_NUMBER", "10")
)
# Which people a county's staff may learn the numbers of: each entry is a callable that
# takes a division-code prefix and returns a queryset of the ids of the people linked to
# a division under it (a complaint, a claim, a seeker's registration, a listing).
# Parties adds its own links (rosters, teams, projects, organizations) without asking.
QINGLING_PERSON_LINKS = [
    "qingling.intake.selectors.people_linked_under",
    "qingling.cases.selectors.people_linked_under",
    "qingling.employment.selectors.seekers.people_linked_under",
    "qingling.sanctions.selectors.people_linked_under",
]
# Which organizations a county's staff may see besides those registered in the county:
# each entry is a callable that takes a division-code prefix and returns a queryset of the
# ids of the organizations linked to a division under it (the employer of a complaint, the
# respondent of a case or of an inspection's finding, a posting's employer, a listing).
# Parties adds its own link (a party to a project there) without asking.
QINGLING_ORGANIZATION_LINKS = [
    "qingling.intake.selectors.organizations_linked_under",
    "qingling.cases.selectors.organizations_linked_under",
    "qingling.inspections.selectors.organizations_linked_under",
    "qingling.employment.selectors.postings.organizations_linked_under",
    "qingling.sanctions.selectors.organizations_linked_under",
]
# Services that recompute an app's stored provisional working-day deadlines (f(actor=…) →
# the objects changed). Loading a year's schedule calls them in its transaction; the worker
# runs them as jobs too. Core imports none of these apps.
QINGLING_DEADLINE_RECOMPUTE = [
    "qingling.intake.services.complaint_deadlines_recompute",
    "qingling.cases.services.case_deadlines_recompute",
    "qingling.inspections.services.finding_deadlines_recompute",
]
# The worker runs these jobs, in this order, each round (dotted paths to functions).
QINGLING_WORKER_JOBS = [
    "qingling.core.jobs.calendar_sync",
    "qingling.intake.jobs.deadlines_recompute",
    "qingling.cases.jobs.deadlines_recompute",
    "qingling.inspections.jobs.deadlines_recompute",
    "qingling.core.jobs.sessions_prune",
    "qingling.intake.jobs.escalate_overdue",
    "qingling.intake.jobs.escalate_without_case",
    "qingling.intake.jobs.material_scan",
    "qingling.cases.jobs.deadlines_scan",
    "qingling.cases.jobs.proceeding_clocks",
    "qingling.inspections.jobs.findings_overdue",
    "qingling.sanctions.jobs.listings_expire",
    "qingling.sanctions.jobs.referral_clocks",
    "qingling.sanctions.jobs.listing_clocks",
    "qingling.sanctions.jobs.blacklist_feed_file",
    "qingling.employment.jobs.postings_expire",
    "qingling.notify.jobs.notifications_digest",
    "qingling.notify.jobs.outbox_deliver",
    "qingling.core.jobs.import_jobs_run",
    "qingling.prevention.jobs.warnings_overdue",
    "qingling.prevention.jobs.months_on_deadline",
    "qingling.prevention.jobs.registry_months",
]
# Imports the worker runs (core.models.ImportJob): kind → the domain's import, a dotted path
# to a function called as f(content=bytes, actor=user, progress=f(done, total), **params)
# that returns created / updated / failed counts and failures by line, field and message.
QINGLING_IMPORT_KINDS = {
    "cases.claims": "qingling.cases.imports.claims_import_file",
    "employment.seekers": "qingling.employment.services.seekers.seeker_import",
    "employment.postings": "qingling.employment.services.postings.posting_import",
    "employment.push": "qingling.employment.services.pushes.push_job_run",
    "parties.roster": "qingling.parties.services.roster_import_file",
    "prevention.month": "qingling.prevention.services.monitoring_month_import",
}
# The kinds whose import may run again over rows a dead worker already wrote: every row is
# found by its ID number (the same claim, roster entry, registration), so none is added
# twice. A job of these kinds whose worker died is queued again; of the others (postings:
# a row without a reference would be added again) it is failed with the reason.
QINGLING_IMPORT_RERUNNABLE = frozenset(
    {"cases.claims", "employment.push", "employment.seekers", "parties.roster", "prevention.month"}
)
# The outbox: gateway name → class; an undeliverable message fails after this many attempts.
QINGLING_NOTIFY_GATEWAYS = {
    "webhook": "qingling.notify.gateways.WebhookGateway",
    "sms": os.environ.get("QINGLING_SMS_GATEWAY", "qingling.notify.gateways.SmsConsoleGateway"),
    "wechat": os.environ.get(
        "QINGLING_WECHAT_GATEWAY", "qingling.notify.gateways.WechatConsoleGateway"
    ),
}
QINGLING_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("QINGLING_OUTBOX_MAX_ATTEMPTS", "8"))
# "URL-prefix secret" pairs, comma-separated: the longest matching prefix signs a webhook.
QINGLING_WEBHOOK_SECRETS = {
    prefix: secret.strip()
    for prefix, _, secret in (
        pair.strip().partition(" ")
        for pair in os.environ.get("QINGLING_WEBHOOK_SECRETS", "").split(",")
        if pair.strip()
    )
}
# Where the development SMS gateway writes its messages (phone numbers masked).
QINGLING_SMS_FILE = Path(os.environ.get("QINGLING_SMS_FILE", VAR_DIR / "sms-outbox.log"))
# WeChat template messages (job news to workers who chose WeChat). The endpoint may be
# WeChat's own or a relay of the bureau's that keeps the access token fresh (it expires
# every two hours); the development gateway writes to QINGLING_WECHAT_FILE instead.
QINGLING_WECHAT_ENDPOINT = os.environ.get(
    "QINGLING_WECHAT_ENDPOINT", "https://api.weixin.qq.com/cgi-bin/message/template/send"
)
QINGLING_WECHAT_TEMPLATE_ID = os.environ.get("QINGLING_WECHAT_TEMPLATE_ID", "")
QINGLING_WECHAT_ACCESS_TOKEN = envsecret("QINGLING_WECHAT_ACCESS_TOKEN", VAR_DIR / "wechat.token")
QINGLING_WECHAT_FILE = Path(os.environ.get("QINGLING_WECHAT_FILE", VAR_DIR / "wechat-outbox.log"))
# The public site's address, for links in messages to workers (the job board, opting out).
# The daily digest of notifications goes out from this hour (local time) on.
QINGLING_NOTIFY_DIGEST_HOUR = int(os.environ.get("QINGLING_NOTIFY_DIGEST_HOUR", "8"))
# The home page: each role's queue, drawn by the app that reads every domain's selectors
# (accounts, which owns the URL, may import none of them).
QINGLING_HOME_VIEW = "qingling.reports.views.home.home"
QINGLING_PUBLIC_URL = os.environ.get("QINGLING_PUBLIC_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "qingling.core.logs.PersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("QINGLING_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes.apps": {"level": "WARNING"},  # not a "BEGIN" line from every command
        # not seven "Step n" lines for every PDF; fontTools' subsetting notes neither
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
