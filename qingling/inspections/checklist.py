"""The site checklist: what 保障农民工工资支付条例 Art. 39 has inspectors check, item by
item, with the article each item rests on (cited on a finding when the item is breached)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckItem(models.TextChoices):
    LABOUR_CONTRACTS = "labour_contracts", _("Labour contracts signed before entering the site")
    REAL_NAME = "real_name", _("Real-name registration of workers (实名制)")
    WAGE_ACCOUNT = "wage_account", _("Dedicated wage account (农民工工资专用账户)")
    PAY_ON_BEHALF = "pay_on_behalf", _("Wages paid by the general contractor on behalf (总包代发)")
    WAGE_DEPOSIT = "wage_deposit", _("Wage deposit or bank guarantee (工资保证金)")
    INFORMATION_BOARD = "information_board", _("Rights information board on site (维权信息告示牌)")
    PAYROLL_LEDGER = "payroll_ledger", _("Payroll and employment ledgers (工资支付台账)")
    MONTHLY_PAY = "monthly_pay", _("Wages paid in full every month")


class CheckResult(models.TextChoices):
    OK = "ok", _("in order")
    VIOLATION = "violation", _("violation")
    NOT_APPLICABLE = "not_applicable", _("not applicable")


# The article of the Regulation (条例, 国务院令第724号) that each item rests on.
ARTICLES: dict[str, str] = {
    CheckItem.LABOUR_CONTRACTS: "条例第二十八条",
    CheckItem.REAL_NAME: "条例第二十八条",
    CheckItem.WAGE_ACCOUNT: "条例第二十六条",
    CheckItem.PAY_ON_BEHALF: "条例第三十一条",
    CheckItem.WAGE_DEPOSIT: "条例第三十二条",
    CheckItem.INFORMATION_BOARD: "条例第三十四条",
    CheckItem.PAYROLL_LEDGER: "条例第十五条、第二十八条",
    CheckItem.MONTHLY_PAY: "条例第十二条、第三十一条",
}


def article_for(item: str) -> str:
    return ARTICLES.get(item, "")
