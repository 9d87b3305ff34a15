import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from qingling.testing import BaseTestCase

ROOT = Path(settings.BASE_DIR)
TEMPLATES = [
    *(ROOT / "templates").rglob("*.html"),
    *(p for p in (ROOT / "qingling").rglob("templates/**/*.html") if "tests" not in p.parts),
]
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE)
STYLE_WITHOUT_NONCE = re.compile(r"<style\b(?![^>]*\bnonce=)[^>]*>", re.IGNORECASE)


class DeployCheckTests(SimpleTestCase):
    def test_qingling_check_deploy_is_clean_with_the_production_environment(self) -> None:
        environment = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("QINGLING_") and key != "DJANGO_ALLOW_ASYNC_UNSAFE"
        }
        environment.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            QINGLING_HTTPS="1",
            QINGLING_PROXY_COUNT="1",
            QINGLING_ALLOWED_HOSTS="qingling.example.gov.cn",
            QINGLING_CSRF_TRUSTED_ORIGINS="https://qingling.example.gov.cn",
            QINGLING_SECRET_KEY=secrets.token_urlsafe(48),
            QINGLING_DATA_KEY=secrets.token_urlsafe(48),
            # the province's own crime thresholds (qingling.sanctions.W001 otherwise)
            QINGLING_CRIME_THRESHOLD_ONE_WORKER="10000",
            QINGLING_CRIME_THRESHOLD_TEN_WORKERS="50000",
            QINGLING_CRIME_THRESHOLD_SOURCE="吉林省高级人民法院 (the bureau's copy)",
            QINGLING_VAR_DIR=str(ROOT / "var"),
        )
        result = subprocess.run(
            [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("no issues", result.stdout)

    def test_the_demo_environment_is_plain_http_and_says_so_in_the_deploy_check(self) -> None:
        self.assertFalse(settings.SECURE_SSL_REDIRECT)
        self.assertFalse(settings.SESSION_COOKIE_SECURE)
        self.assertEqual(settings.SECURE_HSTS_SECONDS, 0)


class TemplatesTests(SimpleTestCase):
    def test_no_template_has_inline_script_event_handlers_or_style_attributes(self) -> None:
        self.assertGreater(len(TEMPLATES), 50)
        for path in TEMPLATES:
            text = path.read_text(encoding="utf-8")
            for name, pattern in (
                ("inline <script>", INLINE_SCRIPT),
                ("on…= handler", EVENT_HANDLER),
                ("style= attribute", STYLE_ATTRIBUTE),
                ("<style> without the nonce", STYLE_WITHOUT_NONCE),
            ):
                with self.subTest(template=path.relative_to(ROOT).as_posix(), construct=name):
                    self.assertIsNone(pattern.search(text))


@override_settings(LANGUAGE_CODE="en")
class ContentSecurityPolicyTests(BaseTestCase):
    def policy(self, response) -> dict[str, str]:
        header = response["Content-Security-Policy"]
        return dict(part.strip().partition(" ")[::2] for part in header.split(";"))

    def test_a_public_page_allows_scripts_from_our_own_files_only(self) -> None:
        response = self.client.get(reverse("accounts:login"))
        policy = self.policy(response)
        self.assertEqual(policy["script-src"], "'self'")
        self.assertEqual(policy["object-src"], "'none'")
        self.assertEqual(policy["frame-ancestors"], "'none'")
        self.assertNotIn("unsafe-inline", response["Content-Security-Policy"])
        self.assertNotIn("unsafe-eval", response["Content-Security-Policy"])

    def test_a_page_with_its_own_style_element_names_that_elements_nonce(self) -> None:
        self.login(self.chief)
        response = self.client.get(reverse("reports:dashboard"))
        self.assertEqual(response.status_code, 200)
        nonce = re.search(r'<style nonce="([^"]+)">', response.content.decode())
        assert nonce is not None
        self.assertEqual(self.policy(response)["style-src"], f"'self' 'nonce-{nonce.group(1)}'")

    def test_the_public_complaint_form_and_the_blacklist_answer_with_the_policy(self) -> None:
        for name in ("web_intake:complaint_new", "blacklist:list"):
            with self.subTest(page=name):
                response = self.client.get(reverse(name))
                self.assertEqual(response.status_code, 200)
                self.assertIn("script-src 'self'", response["Content-Security-Policy"])
