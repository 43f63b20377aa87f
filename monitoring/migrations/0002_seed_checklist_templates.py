"""The default checklist set, version 1 of each template (issue 6). Later changes are new versions."""

from django.db import migrations

ELDER_RESIDENTIAL = ["nursing_home", "elder_care_center", "day_care", "community_elder_station"]
ELDER_ALL = [*ELDER_RESIDENTIAL, "elder_canteen", "elder_university", "bathing_point", "medical_partner"]
ELDER_FOOD = ["nursing_home", "elder_care_center", "day_care", "elder_canteen", "community_elder_station"]
CHILDCARE = ["nursery", "childcare_point", "kindergarten", "employer_nursery"]
ELDER_BEDS = ["nursing_home", "elder_care_center", "day_care"]

# (code, name, topic, kinds, [(text, basis, weight, severity)])
TEMPLATES = [
    (
        "fire_elder", "养老服务设施消防安全检查", "fire_safety", ELDER_ALL,
        [
            ("消防设施、器材完好有效，定期检测并有记录", "《养老机构服务安全基本规范》GB 38600-2019", 15, "critical"),
            ("疏散通道、安全出口畅通，无占用堵塞", "GB 38600-2019", 15, "critical"),
            ("每半年至少开展一次消防演练并有记录", "GB 38600-2019", 10, "major"),
            ("电气线路规范，无私拉乱接、违规使用大功率电器", "GB 38600-2019", 10, "major"),
            ("夜间值班人员在岗，熟悉应急处置流程", "GB 38600-2019", 10, "major"),
            ("消防安全责任人、管理人明确并公示", "", 5, "minor"),
        ],
    ),
    (
        "fire_childcare", "托育机构消防安全检查", "fire_safety", CHILDCARE,
        [
            ("消防设施、器材完好有效，定期检测并有记录", "《托育机构设置标准（试行）》", 15, "critical"),
            ("疏散通道、安全出口畅通，婴幼儿活动区位于安全楼层", "《托育机构设置标准（试行）》", 15, "critical"),
            ("每季度开展应急疏散演练并有记录", "《托育机构管理规范（试行）》", 10, "major"),
            ("电源插座、电器设备有防护措施", "《托育机构管理规范（试行）》", 10, "major"),
            ("视频监控覆盖婴幼儿活动区域，录像保存不少于90日", "《托育机构管理规范（试行）》", 10, "major"),
        ],
    ),
    (
        "food_elder", "养老服务设施食品安全检查", "food_safety", ELDER_FOOD,
        [
            ("持有效食品经营许可证或备案", "《食品安全法》", 15, "critical"),
            ("从业人员持有效健康证明", "《食品安全法》", 10, "major"),
            ("每餐次食品留样48小时以上，每个品种不少于125克", "", 10, "major"),
            ("餐饮具清洗消毒并有记录", "", 10, "major"),
            ("食材采购查验索证索票、台账完整", "", 5, "minor"),
            ("按老年人特点制定食谱并公示", "", 5, "minor"),
        ],
    ),
    (
        "food_childcare", "托育机构食品安全检查", "food_safety", CHILDCARE,
        [
            ("持有效食品经营许可证或备案（提供膳食的）", "《食品安全法》", 15, "critical"),
            ("从业人员持有效健康证明", "《食品安全法》", 10, "major"),
            ("每餐次食品留样48小时以上", "", 10, "major"),
            ("按婴幼儿月龄制定带量食谱并公示", "《托育机构保育指导大纲（试行）》", 5, "minor"),
            ("婴幼儿食品过敏信息登记并落实", "", 10, "major"),
        ],
    ),
    (
        "staffing_elder", "养老服务设施人员配备与资质检查", "staffing", ELDER_RESIDENTIAL,
        [
            ("护理员持证上岗，证书在有效期内", "《养老护理员国家职业技能标准》", 15, "major"),
            ("护理员数量与入住老年人数量、照护等级相适应", "", 15, "major"),
            ("配备或签约医护人员、保健人员", "", 10, "major"),
            ("工作人员岗前培训和年度培训有记录", "", 5, "minor"),
            ("工作人员无违法犯罪记录证明", "", 10, "critical"),
        ],
    ),
    (
        "staffing_childcare", "托育机构人员配备与资质检查", "staffing", CHILDCARE,
        [
            ("保育人员与婴幼儿比例符合班型标准（1:3/1:5/1:7）", "国卫人口发〔2019〕58号", 15, "critical"),
            ("保育员持证上岗，证书在有效期内", "国卫人口发〔2019〕58号", 15, "major"),
            ("收托150名及以上的配备专职保健人员", "卫生部 教育部令第76号", 10, "major"),
            ("工作人员每年健康检查，持有效健康证明", "", 10, "major"),
            ("工作人员无虐童等违法犯罪记录，背景审查有记录", "", 10, "critical"),
        ],
    ),
    (
        "fees_elder", "养老服务收费检查", "fees", ELDER_RESIDENTIAL + ["elder_canteen"],
        [
            ("收费项目和标准在显著位置公示", "", 10, "major"),
            ("无超出公示标准或巧立名目收费", "", 15, "major"),
            ("押金（保证金）收取和管理符合规定", "", 10, "major"),
            ("老年食堂助餐补贴按规定执行", "", 5, "minor"),
        ],
    ),
    (
        "fees_childcare", "托育服务收费检查", "fees", CHILDCARE,
        [
            ("收费项目和标准在显著位置公示", "", 10, "major"),
            ("普惠托位执行普惠价格", "", 15, "major"),
            ("无一次性预收超过规定期限的费用", "", 10, "major"),
            ("退费规则公开并按规定执行", "", 5, "minor"),
        ],
    ),
    (
        "preschool_childcare", "托育“小学化”倾向检查", "preschoolisation", CHILDCARE,
        [
            ("未提前教授小学课程内容（拼音、识字、算术等）", "《托育机构保育指导大纲（试行）》", 15, "major"),
            ("以游戏为基本活动，保育与教育相结合", "《托育机构保育指导大纲（试行）》", 10, "major"),
            ("婴幼儿每日户外活动不少于2小时（天气允许时）", "《托育机构管理规范（试行）》", 10, "minor"),
            ("未布置书面作业、未组织考试或排名", "", 10, "major"),
        ],
    ),
    (
        "capacity_elder", "养老床位上报核查", "capacity_reporting", ELDER_BEDS,
        [
            ("实有床位数与平台登记一致", "", 10, "major"),
            ("护理型床位数与平台登记一致", "", 10, "minor"),
            ("入住人数按月如实上报", "", 10, "major"),
            ("入住人数未超过核定床位", "", 15, "critical"),
        ],
    ),
    (
        "capacity_childcare", "托位上报核查", "capacity_reporting", CHILDCARE,
        [
            ("实有托位数与平台登记一致", "", 10, "major"),
            ("普惠托位数与平台登记一致", "", 10, "major"),
            ("在托人数按月如实上报", "", 10, "major"),
            ("各班人数未超过班型上限", "国卫人口发〔2019〕58号", 15, "critical"),
        ],
    ),
]


def seed(apps, schema_editor):
    Template = apps.get_model("monitoring", "ChecklistTemplate")
    Item = apps.get_model("monitoring", "ChecklistItem")
    for code, name, topic, kinds, items in TEMPLATES:
        template, created = Template.objects.get_or_create(
            code=code, version=1, defaults={"name": name, "topic": topic, "kinds": kinds}
        )
        if created:
            Item.objects.bulk_create(
                Item(template=template, position=n, text=text, basis=basis, weight=weight, severity=severity)
                for n, (text, basis, weight, severity) in enumerate(items, start=1)
            )


def unseed(apps, schema_editor):
    Template = apps.get_model("monitoring", "ChecklistTemplate")
    Template.objects.filter(code__in=[t[0] for t in TEMPLATES], version=1, inspections__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
