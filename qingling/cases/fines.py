"""The fines the labour bureau may impose in a wage case: the one table, with each
fine's legal range and source (docs/legal-rules.md repeats it).

《保障农民工工资支付条例》 (国务院令第724号) Arts. 54–57 and 《劳动保障监察条例》
(国务院令第423号) Art. 30. Art. 58 of the wage regulation (a bank refusing a query) is
fined by the financial regulator, not by this bureau, so it is not here; 监察条例
Art. 26 orders payment and extra compensation, not a fine. A fine outside its range is
refused (``penalties.penalty_check``).
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Fine:
    key: str
    source: str  # the article, as a decision cites it (document text)
    offence: str  # what it punishes (document text)
    low: Decimal
    high: Decimal


FINES: tuple[Fine, ...] = (
    Fine(
        "wage_54_unit",
        "《保障农民工工资支付条例》第五十四条",
        "以实物、有价证券等形式代替货币支付农民工工资，未编制工资支付台账或者未向农民工提供"
        "工资清单，扣押或者变相扣押用于支付农民工工资的银行账户所绑定的农民工本人社会保障卡或者"
        "银行卡（对单位）",
        Decimal(20000),
        Decimal(50000),
    ),
    Fine(
        "wage_54_person",
        "《保障农民工工资支付条例》第五十四条",
        "同上（对法定代表人和其他直接责任人员）",
        Decimal(10000),
        Decimal(30000),
    ),
    Fine(
        "wage_55",
        "《保障农民工工资支付条例》第五十五条",
        "施工总承包单位未按规定开设或者使用农民工工资专用账户、未按规定存储工资保证金或者未提供"
        "金融机构保函、施工总承包单位或者分包单位未实行劳动用工实名制管理",
        Decimal(50000),
        Decimal(100000),
    ),
    Fine(
        "wage_56",
        "《保障农民工工资支付条例》第五十六条",
        "分包单位未按月考核农民工工作量、编制工资支付表并经农民工本人签字确认，施工总承包单位"
        "未对分包单位劳动用工实施监督管理，分包单位未配合，施工总承包单位未在施工现场设立维权"
        "信息告示牌",
        Decimal(50000),
        Decimal(100000),
    ),
    Fine(
        "wage_57",
        "《保障农民工工资支付条例》第五十七条",
        "建设单位未依法提供工程款支付担保，未按约定及时足额向农民工工资专用账户拨付工程款中的"
        "人工费用，建设单位或者施工总承包单位拒不提供或者无法提供工程施工合同、农民工工资专用"
        "账户有关资料",
        Decimal(50000),
        Decimal(100000),
    ),
    Fine(
        "inspection_30",
        "《劳动保障监察条例》第三十条",
        "无理抗拒、阻挠劳动保障行政部门实施劳动保障监察，不按照要求报送书面材料、隐瞒事实真相、"
        "出具伪证或者隐匿、毁灭证据，经责令改正拒不改正或者拒不履行行政处理决定",
        Decimal(2000),
        Decimal(20000),
    ),
)
FINES_BY_KEY = {fine.key: fine for fine in FINES}
