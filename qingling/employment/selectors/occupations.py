"""The occupation list in the order workers choose from it: the trades that people going
out to work actually do first, then the whole classification by major group."""

from django.utils.translation import gettext as _

from qingling.employment.models import Occupation

COMMON_OCCUPATIONS = (
    "6-29",  # 建筑施工人员: the building trades (masons, steel fixers, carpenters, painters)
    "6-18",  # 机械制造基础加工人员: welders, machinists, casters
    "6-25",  # 计算机、通信和其他电子设备制造人员: electronics assembly lines
    "6-22",  # 汽车制造人员: car plants
    "6-05",  # 纺织品、服装和皮革、毛皮制品加工制作人员: garment factories
    "6-02",  # 食品、饮料生产加工人员: food factories
    "6-31",  # 生产辅助人员: packers, inspectors, warehouse hands in a plant
    "6-30",  # 运输设备和通用工程机械操作人员: forklift, crane and machine operators
    "4-02",  # 交通运输、仓储和邮政业服务人员: drivers, couriers, logistics
    "4-03",  # 住宿和餐饮服务人员: cooks, waiters, hotel staff
    "4-10",  # 居民服务人员: domestic service (家政), care of the old and of children
    "4-09",  # 水利、环境和公共设施管理服务人员: cleaning, sanitation, greenery
    "4-01",  # 批发与零售服务人员: shop and market work
    "4-07",  # 租赁和商务服务人员: security guards, property services
    "5-01",  # 农业生产人员: seasonal farm work
)
"""The short list shown first: the medium groups of the 职业分类大典 that the city's
workers going out name most (construction, factory lines, logistics, catering, domestic
service), in that order. Edit it here; any other group is still in the full list."""


def occupation_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices of medium groups: the common ones, then every major group's."""
    rows = list(Occupation.objects.filter(parent__isnull=False).select_related("parent"))
    by_code = {row.code: row for row in rows}
    common = [(code, by_code[code].name) for code in COMMON_OCCUPATIONS if code in by_code]
    groups: dict[str, list[tuple[str, str]]] = {}
    names: dict[str, str] = {}
    for row in rows:
        assert row.parent is not None
        groups.setdefault(row.parent.code, []).append((row.code, row.name))
        names[row.parent.code] = row.parent.name
    full: list[tuple[str, list[tuple[str, str]]]] = [
        (names[major], choices) for major, choices in sorted(groups.items())
    ]
    return [(_("Common kinds of work"), common), *full] if common else full
