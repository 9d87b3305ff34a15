"""qingling portal-account add CREDIT_CODE [--contact NAME] [--base-url URL]
                        | link CREDIT_CODE | list

Open an organization's employer-portal account (bound to its credit code) and print the
one-time link that sets its password; ``link`` issues a new one (the old password stops
working); ``list`` shows every account. Run by the bureau's administrator (audited with
no actor, as a system step)."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qingling.core.exceptions import ApplicationError
from qingling.parties.models import Organization
from qingling.portal.models import EmployerAccount
from qingling.portal.selectors import employer_account_list
from qingling.portal.services import (
    employer_account_create,
    employer_password_link,
    employer_password_link_issue,
)


class Command(BaseCommand):
    help = "Open an employer's portal account and print its one-time set-password link."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add")
        add.add_argument("credit_code")
        add.add_argument("--contact", default="")
        add.add_argument("--base-url", default="http://127.0.0.1:8000")
        link = sub.add_parser("link")
        link.add_argument("credit_code")
        link.add_argument("--base-url", default="http://127.0.0.1:8000")
        sub.add_parser("list")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for account in employer_account_list():
                state = "active" if account.active else "deactivated"
                self.stdout.write(f"{account.credit_code}\t{account.organization.name}\t{state}")
            return
        code = options["credit_code"].strip().upper()
        base = options["base_url"].rstrip("/")
        try:
            if options["action"] == "add":
                organization = Organization.objects.filter(credit_code=code).first()
                if organization is None:
                    raise CommandError(f"no organization has the credit code {code}")
                account = employer_account_create(
                    organization=organization, contact_name=options["contact"], actor=None
                )
                path = employer_password_link(account=account)
                self.stdout.write(f"opened {account.credit_code} ({organization.name})")
            else:
                found = EmployerAccount.objects.filter(credit_code=code).first()
                if found is None:
                    raise CommandError(f"no account {code}")
                path = employer_password_link_issue(account=found, actor=None)
        except ApplicationError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"one-time link to set the password: {base}{path}")
