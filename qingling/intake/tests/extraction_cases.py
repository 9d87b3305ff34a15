"""Hand-labelled work-order texts for `qingling.intake.extraction`, and how to score them.

Written for this project, not taken from real people: names, companies and
numbers are invented. They imitate the four kinds of text intake receives —
12345 work orders, 12333 call notes, national-platform transfer orders and a
worker's own words typed on a phone — with their typos, stray spaces and
full-width digits. Each case gives what an officer would fill in; a field
the text does not give is None. Text fields are written as `extract` returns
them: ASCII digits, no spaces. The period leaves out a leading 自/从.
A complaint about one worker's own wages (拖欠其工资, 欠我工资, 其丈夫…) has a
headcount of 1; a group without a number has None. A project is its name
with the place in front of it and without site details after it (3号楼,
工地): issue 11 set these two conventions and relabelled the cases to them.

The suite asserts a floor on precision and recall over this set rather than
every case being right, so the set can hold hard cases honestly.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

FIELDS = ("employer", "project", "amount", "headcount", "period", "phones")


class Case(TypedDict):
    text: str
    employer: str | None
    project: str | None
    amount: Decimal | None
    headcount: int | None
    period: str | None
    phones: list[str] | None


def case(
    text: str,
    *,
    employer: str | None = None,
    project: str | None = None,
    amount: str | None = None,
    headcount: int | None = None,
    period: str | None = None,
    phones: list[str] | None = None,
) -> Case:
    return Case(
        text=text,
        employer=employer,
        project=project,
        amount=None if amount is None else Decimal(amount),
        headcount=headcount,
        period=period,
        phones=phones,
    )


CASES: list[Case] = [
    # --- 12345 work orders ---------------------------------------------------
    case(
        "市民来电反映：其在辽源市鑫盛建筑工程有限公司承建的福民小区项目务工，公司拖欠其与工友"
        "共15人工资约12万元，自2020年10月至今未付，联系电话13843712345。",
        employer="辽源市鑫盛建筑工程有限公司",
        project="福民小区项目",
        amount="120000",
        headcount=15,
        period="2020年10月至今",
        phones=["13843712345"],
    ),
    case(
        "工单编号：LY20210315001。来电人反映：2020年5月至12月在东丰县城关镇和谐家园小区工地"
        "干活，包工头王某某拖欠其工资8000余元，多次讨要未果，请相关部门协调解决。"
        "来电号码：139 4371 0021。",
        project="东丰县城关镇和谐家园小区",
        amount="8000",
        headcount=1,
        period="2020年5月至12月",
        phones=["13943710021"],
    ),
    case(
        "来电人称其丈夫在辽源市龙山区向阳街道一处工地务工，工地老板拖欠工资1.5万元，要求帮助追讨。",
        amount="15000",
        headcount=1,
    ),
    case(
        "市民反映：在辽源市西安区灯塔路１２号楼工程务工，辽源市鼎盛劳务有限公司拖欠其工资"
        "１２万元，自２０２１年１月起未发放。联系方式：１３６-０４３７-８８９９",
        employer="辽源市鼎盛劳务有限公司",
        project="辽源市西安区灯塔路12号楼工程",
        amount="120000",
        headcount=1,
        period="2021年1月起",
        phones=["13604378899"],
    ),
    case(
        "反映：其与工友共8人在辽源市金源建筑有限公司务工，每人被拖欠工资5000元，至今未付。",
        employer="辽源市金源建筑有限公司",
        amount="40000",
        headcount=8,
    ),
    case(
        "反映辽源市华建建筑工程有限公司拖欠工资问题：工资共计10万元，已支付4万元，尚欠6万元"
        "未付，涉及农民工9人。联系人电话0437-3225678、13843790011。",
        employer="辽源市华建建筑工程有限公司",
        amount="60000",
        headcount=9,
        phones=["04373225678", "13843790011"],
    ),
    case(
        "东丰县明珠花园工地十余名工人反映，东丰县鸿运建筑队拖欠其2020年8月至11月工资共计十六万元。",
        employer="东丰县鸿运建筑队",
        project="东丰县明珠花园",
        amount="160000",
        headcount=10,
        period="2020年8月至11月",
    ),
    case(
        "来电反映：其在龙山区天禧苑小区装修，辽源市美家装饰工程有限公司拖欠装修工人工资"
        "3万5千元。电话（0437）3198765",
        employer="辽源市美家装饰工程有限公司",
        project="龙山区天禧苑小区",
        amount="35000",
        phones=["04373198765"],
    ),
    case(
        "市民反映其在西安区仙城国际小区3号楼干活，劳务公司至今未结算工资，请求帮助。",
        project="西安区仙城国际小区",
        headcount=1,
    ),
    case(
        "来电人反映在辽源市第二建筑工程公司干活被拖欠工资6000元，座机3221188。",
        employer="辽源市第二建筑工程公司",
        amount="6000",
        headcount=1,
        phones=["04373221188"],
    ),
    case(
        "王师傅反映去年在东丰县横道河镇敬老院维修工程干活，约8千元工钱至今没给，老板叫刘某某。",
        project="东丰县横道河镇敬老院维修工程",
        amount="8000",
        headcount=1,
    ),
    case(
        "市民来电反应：他在辽源市华宇建筑公 司干活 ，公司欠他工资2万元，2020年十月至今没发。",
        employer="辽源市华宇建筑公司",
        amount="20000",
        headcount=1,
        period="2020年十月至今",
    ),
    case(
        "反映东辽县宏源劳务队拖欠其与工友共6人工资12.5万，时间从2020年3月开始。",
        employer="东辽县宏源劳务队",
        amount="125000",
        headcount=6,
        period="2020年3月开始",
    ),
    case(
        "来电人反映：2021年春节前在辽源市龙山区滨河花园项目干活的工钱1.8万元左右一直没有"
        "结算，承包人是吉林省隆盛建筑工程有限公司。电话：15043712233。",
        employer="吉林省隆盛建筑工程有限公司",
        project="辽源市龙山区滨河花园项目",
        amount="18000",
        headcount=1,
        phones=["15043712233"],
    ),
    case(
        "王某反映：其在富民小区工地干活，挣了5万元，只给了1万元，剩下4万元至今未给。",
        project="富民小区",
        amount="40000",
        headcount=1,
    ),
    case(
        "来电人反映被拖欠工资，未提供具体单位和金额，已告知其到劳动监察大队现场投诉。",
        headcount=1,
    ),
    case(
        "工单号：20210318000123 受理时间：2021年3月18日 来电人反映辽源市万通建筑有限公司"
        "拖欠其工资4200元，办理时限5个工作日。来电号码13604371234",
        employer="辽源市万通建筑有限公司",
        amount="4200",
        headcount=1,
        phones=["13604371234"],
    ),
    case(
        "来电人反映：其在辽源市龙山区东吉新城5号楼工地务工，吉林省福安建设工程有限公司"
        "拖欠工资约十二万元，涉及工人20人，从去年10月份开始一直未付。回电138-4371-2345",
        employer="吉林省福安建设工程有限公司",
        project="辽源市龙山区东吉新城",
        amount="120000",
        headcount=20,
        period="去年10月份开始",
        phones=["13843712345"],
    ),
    case(
        "市民反映西安区灯塔镇中心卫生院改造工程拖欠农民工工资，包工头联系不上，共涉及"
        "十几个工人，金额约20万元。",
        project="西安区灯塔镇中心卫生院改造工程",
        amount="200000",
        headcount=10,
    ),
    case(
        "来电人反映：在辽源市天利物业管理有限公司做保安，公司拖欠其2020年9月、10月两个月"
        "工资共计5600元。联系电话：13944371100",
        employer="辽源市天利物业管理有限公司",
        amount="5600",
        headcount=1,
        period="2020年9月、10月",
        phones=["13944371100"],
    ),
    case(
        "反映人称：东丰县恒达装饰装修工程队拖欠其工资一万二千元，从2020年6月至今未给，"
        "工程队负责人电话：13500437788，来电人电话：15143796655。",
        employer="东丰县恒达装饰装修工程队",
        amount="12000",
        headcount=1,
        period="2020年6月至今",
        phones=["13500437788", "15143796655"],
    ),
    case(
        "市民来电：其父亲在东辽县白泉镇新农村建设项目务工，项目老板拖欠工资两万元左右，"
        "老人年纪大不会说普通话，请尽快处理。",
        project="东辽县白泉镇新农村建设项目",
        amount="20000",
        headcount=1,
    ),
    # --- 12333 call notes ----------------------------------------------------
    case(
        "12333来电记录：来电人张先生，反映其与另外5名工友在吉林省宏达劳务分包有限公司承包的"
        "龙山区福寿家园二期工程务工，每人被拖欠工资约1万元，共计6万元。回访电话13504371122。",
        employer="吉林省宏达劳务分包有限公司",
        project="龙山区福寿家园二期工程",
        amount="60000",
        headcount=6,
        phones=["13504371122"],
    ),
    case(
        "12333热线：来电人（男，约50岁）反映在吉林省东辽县凌云乡光伏电站项目务工，"
        "吉林省绿能新能源工程有限公司欠其工资，具体金额不详，要求查处。来电号码0437-6221234。",
        employer="吉林省绿能新能源工程有限公司",
        project="吉林省东辽县凌云乡光伏电站项目",
        headcount=1,
        phones=["04376221234"],
    ),
    case(
        "咨询记录：来电人反映在西安区一家饭店打工，老板拖欠3个月工资，每月2800元，"
        "已建议其收集证据后到窗口投诉。",
        period="3个月",
        headcount=1,
    ),
    case(
        "12333来电：反映辽源市金达建筑劳务有限公司拖欠工人工资，涉及农民工一百多人，"
        "金额200多万元，工人情绪激动，有聚集苗头。联系人：李某，电话：18243712121",
        employer="辽源市金达建筑劳务有限公司",
        amount="2000000",
        headcount=100,
        phones=["18243712121"],
    ),
    case(
        "来电人咨询：在龙山区工地干活被拖欠工资怎么办？告知其可拨打12345或到劳动监察投诉。",
        headcount=1,
    ),
    case(
        "12333记录：来电人反映在辽源市瑞丰食品有限公司上班，公司2020年11月至2021年1月的"
        "工资未发，本人及另外3名同事共被拖欠约2.4万元。",
        employer="辽源市瑞丰食品有限公司",
        amount="24000",
        headcount=4,
        period="2020年11月至2021年1月",
    ),
    case(
        "来电人反映：在东丰县第三中学综合楼项目做木工，吉林省建工集团有限公司东丰分公司"
        "欠木工班组7人工资合计14.7万元。",
        employer="吉林省建工集团有限公司东丰分公司",
        project="东丰县第三中学综合楼项目",
        amount="147000",
        headcount=7,
    ),
    case(
        "12333：来电人反映其妻子在辽源市红星服装厂工作，工厂拖欠其工资3000多元，"
        "要求厂里尽快发放。电话13314371212",
        employer="辽源市红星服装厂",
        amount="3000",
        headcount=1,
        phones=["13314371212"],
    ),
    case(
        "来电人反映辽源市龙山区安泰家园小区项目的劳务班组拖欠工资，具体单位不清楚，"
        "涉及工人12名，约有9万余元，时间2019年12月-2020年3月。",
        project="辽源市龙山区安泰家园小区项目",
        amount="90000",
        headcount=12,
        period="2019年12月-2020年3月",
    ),
    case(
        "来电：反映吉林省鸿基路桥工程有限公司在东辽县乡道改造工程中拖欠工人工资，"
        "具体数额不清，请监察大队核实。",
        employer="吉林省鸿基路桥工程有限公司",
        project="东辽县乡道改造工程",
    ),
    case(
        "12333来电人：我们班组9人在辽源市中医院住院楼干了4个多月，辽源市恒泰建筑安装工程"
        "有限公司一分钱没给，总共欠我们十八万元。",
        employer="辽源市恒泰建筑安装工程有限公司",
        project="辽源市中医院住院楼",
        amount="180000",
        headcount=9,
    ),
    case(
        "来电人反映在龙山区寿山公园改造项目干活，日工资300元，干了45天，"
        "老板跑了。电话：0437－3156789",
        project="龙山区寿山公园改造项目",
        headcount=1,
        phones=["04373156789"],
    ),
    case(
        "来电反映：辽源市顺达运输有限公司拖欠驾驶员工资，每人两万元，共5名司机，"
        "时间为2020年全年。联系电话13843700055",
        employer="辽源市顺达运输有限公司",
        amount="100000",
        headcount=5,
        period="2020年全年",
        phones=["13843700055"],
    ),
    # --- national-platform transfer orders -------------------------------------
    case(
        "转办单：举报人反映吉林省恒通建设集团有限公司在东辽县安石镇中心小学教学楼工程施工"
        "期间，拖欠农民工23人工资合计人民币壹拾贰万叁仟元整，时间为2020年6月至2020年11月。"
        "举报人电话：0437-5123456。",
        employer="吉林省恒通建设集团有限公司",
        project="东辽县安石镇中心小学教学楼工程",
        amount="123000",
        headcount=23,
        period="2020年6月至2020年11月",
        phones=["04375123456"],
    ),
    case(
        "全国根治欠薪线索反映平台转办：投诉人反映，辽源市通达市政工程有限公司承建的东辽县"
        "乡村道路硬化工程，拖欠农民工工资共计二十三人、金额30多万元，拖欠时间2019年10月至"
        "2020年1月。请核实处理并于10个工作日内反馈。",
        employer="辽源市通达市政工程有限公司",
        project="东辽县乡村道路硬化工程",
        amount="300000",
        headcount=23,
        period="2019年10月至2020年1月",
    ),
    case(
        "国务院根治欠薪线索转办单。线索内容：辽源市建工集团有限公司承建的辽源市中心医院"
        "门诊楼项目，自2021年1月起拖欠劳务班组工资，涉及农民工42人，金额约180万元。",
        employer="辽源市建工集团有限公司",
        project="辽源市中心医院门诊楼项目",
        amount="1800000",
        headcount=42,
        period="2021年1月起",
    ),
    case(
        "线索编号：GZ2021-0310-0087。反映内容：辽源市鑫盛建筑工程有限公司将福民小区项目劳务"
        "分包给辽源市宏达劳务有限公司，宏达劳务公司拖欠农民工工资共计38万元，涉及工人31名。",
        employer="辽源市宏达劳务有限公司",
        project="福民小区项目",
        amount="380000",
        headcount=31,
    ),
    case(
        "平台转办：投诉人称在辽源市龙山区北寿街棚户区改造项目务工，吉林省城建集团有限公司"
        "拖欠其与工友共计二十八人2020年度工资，合计金额人民币肆拾伍万元。投诉人手机号："
        "15804371818",
        employer="吉林省城建集团有限公司",
        project="辽源市龙山区北寿街棚户区改造项目",
        amount="450000",
        headcount=28,
        phones=["15804371818"],
    ),
    case(
        "转办单（第0023号）：举报人反映中国建筑第八工程局有限公司辽源分公司承建的辽源市"
        "体育中心项目拖欠钢筋工班组工资约56万元，涉及35人，时间自2020年7月至今。",
        employer="中国建筑第八工程局有限公司辽源分公司",
        project="辽源市体育中心项目",
        amount="560000",
        headcount=35,
        period="2020年7月至今",
    ),
    case(
        "转办：匿名举报东丰县宏伟房地产开发有限公司开发的东丰县御景豪庭项目长期拖欠"
        "农民工工资，涉及人数众多，金额巨大，请依法查处。",
        employer="东丰县宏伟房地产开发有限公司",
        project="东丰县御景豪庭项目",
    ),
    case(
        "全国根治欠薪线索反映平台：反映人反映其在东辽县泉太镇污水处理厂工程务工，辽源市"
        "清源环保工程有限公司拖欠其工资21600元，拖欠时间：2020年4月至2020年9月，"
        "联系电话：13596781234",
        employer="辽源市清源环保工程有限公司",
        project="东辽县泉太镇污水处理厂工程",
        amount="21600",
        headcount=1,
        period="2020年4月至2020年9月",
        phones=["13596781234"],
    ),
    case(
        "平台线索：辽源市金诚建设工程有限公司在龙山区向阳小区老旧小区改造工程中拖欠农民工"
        "工资，共计15万余元，涉及农民工13人。已转龙山区人社局办理。",
        employer="辽源市金诚建设工程有限公司",
        project="龙山区向阳小区老旧小区改造工程",
        amount="150000",
        headcount=13,
    ),
    case(
        "转办单：投诉人反映吉林省华夏劳务有限公司拖欠其2019年工资，金额为人民币柒仟伍佰元，"
        "投诉人联系方式：130 4437 1234。",
        employer="吉林省华夏劳务有限公司",
        amount="7500",
        headcount=1,
        period="2019年",
        phones=["13044371234"],
    ),
    case(
        "国家平台转办：反映辽源市鼎鑫建筑工程有限公司承建的东丰县那丹伯镇中心校教学楼"
        "工程拖欠工人工资，工资总额46万元，已付26万元，尚欠20万元，涉及30余名工人。",
        employer="辽源市鼎鑫建筑工程有限公司",
        project="东丰县那丹伯镇中心校教学楼工程",
        amount="200000",
        headcount=30,
    ),
    # --- a worker's own words on a phone form ------------------------------------
    case(
        "我叫李某，我们12个农民工在福源小区干了半年，老板一直不给钱，一共欠我们三十多万，"
        "电话15948371234",
        project="福源小区",
        amount="300000",
        headcount=12,
        phones=["15948371234"],
    ),
    case(
        "我在鑫源饭店打工，每天工资150元，干了两个月老板没给钱",
        employer="鑫源饭店",
        headcount=1,
    ),
    case(
        "本人及另外7名工友在辽源经济开发区标准化厂房项目做钢筋工，吉林省路桥建设有限公司"
        "欠我们工资两万余元，从去年8月以来一直拖着。电话：18643781234",
        employer="吉林省路桥建设有限公司",
        project="辽源经济开发区标准化厂房项目",
        amount="20000",
        headcount=8,
        period="去年8月以来",
        phones=["18643781234"],
    ),
    case(
        "本人在龙山区万达广场工地打工，被辽源市腾飞建筑劳务有限公司拖欠两万余元，"
        "电话 138 4371 5566",
        employer="辽源市腾飞建筑劳务有限公司",
        project="龙山区万达广场",
        amount="20000",
        headcount=1,
        phones=["13843715566"],
    ),
    case(
        "我们15个人在福民小区干活，每人3000元，合计4.5万元，鑫盛公司一直不给。",
        employer="鑫盛公司",
        project="福民小区",
        amount="45000",
        headcount=15,
    ),
    case(
        "我和3个工友在西安区富国小区6号楼干瓦工，老板张某某欠我们工资1万2千元，"
        "从2020年9月到现在一分没给。联系电话：13174371234",
        project="西安区富国小区",
        amount="12000",
        headcount=4,
        period="2020年9月到现在",
        phones=["13174371234"],
    ),
    case(
        "我们是王某某施工队的，在东丰县南屯基镇扶贫车间工程干活，总包辽源市宏伟建设有限公司"
        "欠我们施工队17个人工资28万元",
        employer="辽源市宏伟建设有限公司",
        project="东丰县南屯基镇扶贫车间工程",
        amount="280000",
        headcount=17,
    ),
    case(
        "我在鸿福酒店后厨干了三个月，老板欠我三个月工资6000块，电话17743719876",
        employer="鸿福酒店",
        amount="6000",
        headcount=1,
        period="三个月",
        phones=["17743719876"],
    ),
    case(
        "我在东辽县白泉镇宏图砖厂干活，砖厂老板欠我和另外两个工友工资共1万8千元",
        employer="东辽县白泉镇宏图砖厂",
        amount="18000",
        headcount=3,
    ),
    case(
        "姓名：赵某某，身份证号：220402198703151234，电话：13943789012，诉求：辽源市龙腾劳务"
        "派遣有限公司拖欠本人2020年11月至2021年2月工资9800元。",
        employer="辽源市龙腾劳务派遣有限公司",
        amount="9800",
        headcount=1,
        period="2020年11月至2021年2月",
        phones=["13943789012"],
    ),
    case(
        "务工时间：2020.6-2020.12，单位：辽源市永安建筑安装有限公司，项目：东辽县职业中学"
        "宿舍楼，欠薪金额：87600元，人数：5人，联系电话：13843756789。",
        employer="辽源市永安建筑安装有限公司",
        project="东辽县职业中学宿舍楼",
        amount="87600",
        headcount=5,
        period="2020.6-2020.12",
        phones=["13843756789"],
    ),
    case(
        "联系电话+86 139-4371-6688，反映辽源市金地物业服务有限公司拖欠保洁人员工资共计"
        "3万余元，涉及11名保洁员。",
        employer="辽源市金地物业服务有限公司",
        amount="30000",
        headcount=11,
        phones=["13943716688"],
    ),
    case(
        "老板欠钱不给 我在辽源市东风小区工地干了两个月 欠我 8500 元 电话13756431234",
        project="辽源市东风小区",
        amount="8500",
        headcount=1,
        phones=["13756431234"],
    ),
    case(
        "我们一共１８个人在东丰县梅花鹿产业园项目干活，吉林省鹿乡建筑工程有限公司到现在"
        "还欠我们２６万元工资，２０２０年７月到现在一直拖欠。",
        employer="吉林省鹿乡建筑工程有限公司",
        project="东丰县梅花鹿产业园项目",
        amount="260000",
        headcount=18,
        period="2020年7月到现在",
    ),
    case(
        "请帮帮我们，辽源市盛达劳务有限公司拖欠我们十二个人的工资，每人欠八千元，"
        "我的电话是15543761234",
        employer="辽源市盛达劳务有限公司",
        amount="96000",
        headcount=12,
        phones=["15543761234"],
    ),
    case(
        "在西安区仙城小区项目打工的工资12,600元被包工头扣着不给，已经半年了。",
        project="西安区仙城小区项目",
        amount="12600",
        headcount=1,
    ),
    case(
        "我老公在工地摔伤了，工地不给治，工资也没结，我们是外地人不知道怎么办",
        headcount=1,
    ),
    case(
        "东丰县鸿福建筑工程队欠俺工钱一万五，俺是在大兴镇敬老院工地干的活，手机13039871234",
        employer="东丰县鸿福建筑工程队",
        project="大兴镇敬老院",
        amount="15000",
        headcount=1,
        phones=["13039871234"],
    ),
    case(
        "辽源市永盛建筑有限公司拖欠我们农民工工资近10万元，我们共有9个人，"
        "从2020年8月份以来一直没发，联系人王某 13843711111",
        employer="辽源市永盛建筑有限公司",
        amount="100000",
        headcount=9,
        period="2020年8月份以来",
        phones=["13843711111"],
    ),
    case(
        "在龙山区龙泰花园项目，包工头欠我们4个人每人6500元，干到去年底就没人管了",
        project="龙山区龙泰花园项目",
        amount="26000",
        headcount=4,
    ),
]


# Written after the rules were tuned on CASES and not used to tune them, so
# the benchmark can show how the rules do on text they were not fitted to.
HELD_OUT: list[Case] = [
    case(
        "12345转办：市民反映其在辽源市东辽县金州乡卫生院综合楼项目务工，吉林省正大建设有限公司"
        "拖欠其工资3.2万元，2020年7月至今未结。来电号码：18743701234",
        employer="吉林省正大建设有限公司",
        project="辽源市东辽县金州乡卫生院综合楼项目",
        amount="32000",
        headcount=1,
        period="2020年7月至今",
        phones=["18743701234"],
    ),
    case(
        "来电人反映：和平小区供热管网改造工程的施工单位辽源市热力安装有限公司拖欠其与工友"
        "共计11人的工资，合计约七万元，请核实。",
        employer="辽源市热力安装有限公司",
        project="和平小区供热管网改造工程",
        amount="70000",
        headcount=11,
    ),
    case(
        "我是做水电的，在龙山区金鼎华府7号楼干了三个月，吉林省向阳建筑劳务有限公司欠我"
        "工资两万三千元，电话 158 4371 2468",
        employer="吉林省向阳建筑劳务有限公司",
        project="龙山区金鼎华府",
        amount="23000",
        headcount=1,
        phones=["15843712468"],
    ),
    case(
        "转办单：举报东丰县同心建筑工程有限公司拖欠东丰县第二实验小学操场改造工程农民工"
        "工资，涉及16人，金额约24万元，时间为2020年9月至2021年1月。",
        employer="东丰县同心建筑工程有限公司",
        project="东丰县第二实验小学操场改造工程",
        amount="240000",
        headcount=16,
        period="2020年9月至2021年1月",
    ),
    case(
        "12333来电：来电人反映辽源市福瑞达酒店拖欠其2020年12月至2021年2月工资共计"
        "七千二百元，电话0437-3567890。",
        employer="辽源市福瑞达酒店",
        amount="7200",
        headcount=1,
        period="2020年12月至2021年2月",
        phones=["04373567890"],
    ),
    case(
        "我们二十多个农民工在西安区安家小区棚改项目干活，老板拖欠我们工资四十多万元，"
        "到现在一直联系不上",
        project="西安区安家小区棚改项目",
        amount="400000",
        headcount=20,
    ),
    case(
        "市民来电：其在辽源市宏大机械制造有限公司上班，公司以效益不好为由拖欠其去年11月以来"
        "的工资，每月3500元，共计约1.4万元。",
        employer="辽源市宏大机械制造有限公司",
        amount="14000",
        headcount=1,
        period="去年11月以来",
    ),
    case(
        "反映人：孙某，反映内容：在东辽县辽河源镇光伏扶贫项目干活，包工头刘某某拖欠本人"
        "及其他4名工人工资，每人约5000元。联系电话：13630771234",
        project="东辽县辽河源镇光伏扶贫项目",
        amount="25000",
        headcount=5,
        phones=["13630771234"],
    ),
    case(
        "平台转办：吉林省宇通路桥工程有限公司在东丰县杨木林镇公路大修工程中拖欠农民工工资"
        "人民币捌万陆仟元，涉及9名农民工，请于15个工作日内办结。",
        employer="吉林省宇通路桥工程有限公司",
        project="东丰县杨木林镇公路大修工程",
        amount="86000",
        headcount=9,
    ),
    case(
        "来电人反映在辽源市龙山区某工地干活被拖欠工资一万多元，不知道公司名称，"
        "联系电话13943798765。",
        amount="10000",
        headcount=1,
        phones=["13943798765"],
    ),
    case(
        "工友们２０２０年６月到１１月在东辽县建安镇中学宿舍楼工程干活，辽源市兴业建筑工程"
        "有限公司欠我们１５个人工资２２万，手机１３８４３７９９８８８",
        employer="辽源市兴业建筑工程有限公司",
        project="东辽县建安镇中学宿舍楼工程",
        amount="220000",
        headcount=15,
        period="2020年6月到11月",
        phones=["13843799888"],
    ),
    case(
        "来电人反映：在辽源市长安超市当收银员，超市拖欠其两个月工资4600元，已离职。",
        employer="辽源市长安超市",
        amount="4600",
        headcount=1,
        period="两个月",
    ),
    case(
        "举报：辽源市金山矿业有限公司拖欠井下工人工资，已拖欠半年以上，涉及工人约60人。"
        "举报人不愿留下联系方式。",
        employer="辽源市金山矿业有限公司",
        headcount=60,
    ),
    case(
        "12345工单：来电人反映东丰县大阳镇新村小区二期项目的吉林省丰源建筑工程有限公司拖欠"
        "其工资12,500元，自2020年10月起未付。回电：0437－6512345",
        employer="吉林省丰源建筑工程有限公司",
        project="东丰县大阳镇新村小区二期项目",
        amount="12500",
        headcount=1,
        period="2020年10月起",
        phones=["04376512345"],
    ),
    case(
        "我和我爱人在辽源市龙山区锦绣江南小区干装修，欠我俩工钱九千元，装修公司说甲方没给钱",
        project="辽源市龙山区锦绣江南小区",
        amount="9000",
        headcount=2,
    ),
]

LABELLED: list[Case] = CASES + HELD_OUT


@dataclass
class FieldScore:
    """Counts for one field; precision and recall are None when nothing was counted."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    @property
    def precision(self) -> float | None:
        predicted = self.true_positive + self.false_positive
        return self.true_positive / predicted if predicted else None

    @property
    def recall(self) -> float | None:
        expected = self.true_positive + self.false_negative
        return self.true_positive / expected if expected else None


def field_scores(
    extractor: Callable[[str], Any], cases: list[Case] = LABELLED
) -> dict[str, FieldScore]:
    """Precision and recall per field: a wrong value counts as both a false positive and a miss.

    Phones are scored number by number, so one of two numbers found is half right.
    """
    scores = {field: FieldScore() for field in FIELDS}
    for item in cases:
        got = extractor(item["text"])
        for field in FIELDS:
            predicted, expected = getattr(got, field), item[field]  # type: ignore[literal-required]
            score = scores[field]
            if field == "phones":
                p, e = set(predicted or ()), set(expected or ())
                score.true_positive += len(p & e)
                score.false_positive += len(p - e)
                score.false_negative += len(e - p)
            elif predicted is not None and predicted == expected:
                score.true_positive += 1
            else:
                score.false_positive += predicted is not None
                score.false_negative += expected is not None
    return scores
