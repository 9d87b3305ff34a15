import json
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any
from unittest import mock

from django.core.exceptions import ValidationError
from django.test import override_settings

from qingling.notify.gateways import (
    DeliveryError,
    WechatConsoleGateway,
    WechatTemplateGateway,
)
from qingling.notify.models import OutboxMessage
from qingling.testing import BaseTestCase

OPENID = "oAbCdEfGhIjKlMn_0123-xyz"
PAYLOAD = {
    "text": "适合您的岗位 …",
    "url": "https://jobs.example/jobs/",
    # WeChat shows keywords only (no first/remark since 2023-05), 20 characters each.
    "fields": {
        "keyword1": "适合您的岗位：",
        "keyword2": "钢筋工, 大连市, 6000–8000",
        "keyword3": "退订：https://jobs.example/jobs/stop/t0k/",
    },
}


class WechatServer:
    """A local stand-in for WeChat: answers each POST with the next (status, body)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self.answers: list[tuple[int, bytes]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                server.requests.append((self.path, json.loads(body)))
                status, answer = (
                    server.answers.pop(0) if server.answers else (200, b'{"errcode":0}')
                )
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


def wechat(openid: str = OPENID, payload: dict[str, Any] | None = None) -> OutboxMessage:
    return OutboxMessage(gateway="wechat", destination=openid, payload=payload or PAYLOAD)


class WechatTemplateGatewayTests(BaseTestCase):
    def setUp(self) -> None:
        self.server = WechatServer()
        self.addCleanup(self.server.stop)
        patcher = override_settings(
            QINGLING_WECHAT_ENDPOINT=f"{self.server.url}/cgi-bin/message/template/send",
            QINGLING_WECHAT_TEMPLATE_ID="tpl-jobs",
            QINGLING_WECHAT_ACCESS_TOKEN="token-1",
        )
        patcher.enable()
        self.addCleanup(patcher.disable)

    def answer(self, status: int, body: dict[str, Any] | bytes) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.server.answers.append((status, raw))

    def failure(self) -> DeliveryError:
        with self.assertRaises(DeliveryError) as caught:
            WechatTemplateGateway().send(wechat())
        return caught.exception

    def test_posts_a_template_message_with_the_access_token(self) -> None:
        self.answer(200, {"errcode": 0, "errmsg": "ok", "msgid": 200228332})
        WechatTemplateGateway().send(wechat())
        [(path, body)] = self.server.requests
        parts = urllib.parse.urlsplit(path)
        self.assertEqual(parts.path, "/cgi-bin/message/template/send")
        self.assertEqual(urllib.parse.parse_qs(parts.query), {"access_token": ["token-1"]})
        self.assertEqual(
            body,
            {
                "touser": OPENID,
                "template_id": "tpl-jobs",
                "url": "https://jobs.example/jobs/",
                "data": {
                    "keyword1": {"value": "适合您的岗位："},
                    "keyword2": {"value": "钢筋工, 大连市, 6000–8000"},
                    "keyword3": {"value": "退订：https://jobs.example/jobs/stop/t0k/"},
                },
            },
        )

    @override_settings(QINGLING_WECHAT_ACCESS_TOKEN="")
    def test_sends_no_token_to_a_relay_that_holds_it(self) -> None:
        WechatTemplateGateway().send(wechat())
        self.assertNotIn("access_token", self.server.requests[0][0])

    def test_classifies_wechats_answer_codes(self) -> None:
        cases = (
            (-1, True),  # busy
            (40001, True),  # stale access token
            (42001, True),  # expired access token
            (45009, True),  # daily quota
            (40003, False),  # unknown OpenID
            (43004, False),  # the user unsubscribed
            (40037, False),  # wrong template
        )
        for code, retryable in cases:
            with self.subTest(code):
                self.answer(200, {"errcode": code, "errmsg": f"invalid openid {OPENID}"})
                error = self.failure()
                self.assertIs(error.retryable, retryable)
                self.assertEqual(error.reason, f"WeChat errcode {code}")
                self.assertNotIn(OPENID, error.reason)

    def test_classifies_http_errors_like_the_webhook(self) -> None:
        for status, retryable in ((500, True), (503, True), (429, True), (404, False)):
            with self.subTest(status):
                self.answer(status, b"")
                error = self.failure()
                self.assertEqual((error.retryable, error.reason), (retryable, f"HTTP {status}"))

    def test_an_answer_that_is_not_json_is_retried(self) -> None:
        self.answer(200, b"<html>gateway error</html>")
        self.assertIs(self.failure().retryable, True)

    def test_a_refused_connection_is_retryable(self) -> None:
        with socket.socket() as unused:
            unused.bind(("127.0.0.1", 0))
            port = unused.getsockname()[1]
        with override_settings(QINGLING_WECHAT_ENDPOINT=f"http://127.0.0.1:{port}/send"):
            error = self.failure()
        self.assertIs(error.retryable, True)
        self.assertIn("connection failed", error.reason)

    def test_a_time_out_is_retryable(self) -> None:
        with mock.patch("urllib.request.OpenerDirector.open", side_effect=TimeoutError):
            error = self.failure()
        self.assertEqual((error.retryable, error.reason), (True, "timed out"))

    @override_settings(QINGLING_WECHAT_TEMPLATE_ID="")
    def test_a_missing_template_is_retried_once_configured(self) -> None:
        error = self.failure()
        self.assertEqual(
            (error.retryable, error.reason), (True, "no WeChat template is configured")
        )
        self.assertEqual(self.server.requests, [])

    def test_refuses_a_destination_that_is_not_an_openid(self) -> None:
        for bad in ("", "o" * 65, "13812345678@qq", "a b"):
            with self.subTest(bad), self.assertRaises(DeliveryError) as caught:
                WechatTemplateGateway().send(wechat(bad))
            self.assertIs(caught.exception.retryable, False)
        with self.assertRaises(ValidationError):
            WechatTemplateGateway().validate_destination("not an openid!")
        self.assertEqual(self.server.requests, [])


class WechatConsoleGatewayTests(BaseTestCase):
    def setUp(self) -> None:
        directory = TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        self.path = Path(directory.name) / "var" / "wechat-outbox.log"
        patcher = override_settings(QINGLING_WECHAT_FILE=self.path, QINGLING_WECHAT_TEMPLATE_ID="t")
        patcher.enable()
        self.addCleanup(patcher.disable)

    def test_writes_one_json_line_per_message_with_the_openid_masked(self) -> None:
        WechatConsoleGateway().send(wechat())
        WechatConsoleGateway().send(wechat("oZyXwVuT_987"))
        lines = [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines()]
        self.assertEqual([line["request"]["touser"] for line in lines], ["oAbC…-xyz", "oZyX…_987"])
        self.assertEqual(
            lines[0]["request"]["data"]["keyword3"],
            {"value": "退订：https://jobs.example/jobs/stop/t0k/"},
        )
        self.assertEqual(lines[0]["request"]["template_id"], "t")
        self.assertNotIn(OPENID, self.path.read_text(encoding="utf-8"))

    def test_a_file_that_cannot_be_written_is_retried(self) -> None:
        self.path.parent.write_text("a file where the folder should be")
        with self.assertRaises(DeliveryError) as caught:
            WechatConsoleGateway().send(wechat())
        self.assertIs(caught.exception.retryable, True)
        self.assertIn("cannot write the WeChat file", caught.exception.reason)

    def test_a_message_without_an_openid_is_not_retried(self) -> None:
        with self.assertRaises(DeliveryError) as caught:
            WechatConsoleGateway().send(wechat(""))
        self.assertIs(caught.exception.retryable, False)
