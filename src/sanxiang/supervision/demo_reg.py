"""The supervision graph, tasks and instruments in the demo (issue 11).

Adds to 云溪市 what the graph needs and the city lacks — 青石镇司法所 (a township justice office),
国家税务总局云溪市税务局 (a vertically managed agency), a 司法所 supervisor and an invited supervisor
— then walks, with the clock set back, through:

* a 12345 hotline clue that the city bureau escalates to key supervision (a key task);
* a 意见书 from the city bureau to the city market regulator, rectified, verified and closed;
* a 意见书 to the same regulator still awaiting its report (the `head` account can answer it);
* a 通知书 of the county bureau past its time limit and an overdue county task — both visible to
  the city bureau on its 督办台 (Art. 39);
* a 告知函 to the tax bureau's upper department; a provincial special task reported back.

Runs once (on the first load), so a second `sanxiang demo` changes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from sanxiang.core import clock
from sanxiang.core.errors import DomainError
from sanxiang.core.roles import Role
from sanxiang.org import services as org
from sanxiang.org.models import Agency, Division, SubjectType

log = logging.getLogger("sanxiang.supervision.demo")

TEMPLATE = {
    "code": "prov-2026-enterprise-inspection",
    "title": "2026年规范涉企行政检查专项监督",
    "source": "省司法厅（演示）",
    "field": "涉企行政检查",
    "plan": "抽查各执法部门2026年第一季度涉企行政检查案卷，核查检查计划、频次和亮证执法情况。",
    "methods": ["evaluation", "random_sampling", "document_review"],
    "checklist": [
        "检查是否列入年度检查计划",
        "同一企业检查频次是否超过上限",
        "是否两人以上亮证执法",
        "检查结果是否按时公示",
    ],
    "report_due": None,
}


def register(hooks) -> None:
    hooks.finally_(_load)


def _at(cast, days_ago: int) -> dt.datetime:
    day = cast.today - dt.timedelta(days=days_ago)
    return dt.datetime.combine(day, dt.time(10, 0))


def _graph(cast) -> dict:
    """The agencies and people the graph needs, created the way an administrator does."""
    password = make_password(settings.DEMO_PASSWORD)
    town = Division.objects.get(code="439921100")
    city = Division.objects.get(code="439900")
    office, _ = Agency.objects.get_or_create(
        code="qs-qsz-sfs",
        defaults=dict(
            name="青石县司法局青石镇司法所",
            short_name="青司所",
            kind="administrative_organ",
            division=town,
            is_justice_office=True,
            legal_status="县司法局派出机构，协助开展行政执法监督（《行政执法监督条例》第6条第2款）。",
            duties="登记问题线索、转交投诉、承担交办的现场检查、上传证据；不制发监督文书。",
            address="青石县青石镇人民路10号",
        ),
    )
    tax, _ = Agency.objects.get_or_create(
        code="yx-sw",
        defaults=dict(
            name="国家税务总局云溪市税务局",
            short_name="云税",
            kind="administrative_organ",
            division=city,
            vertically_managed=True,
            upper_department="国家税务总局（省）税务局",
            legal_status="垂直管理机关，依据《中华人民共和国税收征收管理法》实施税务行政执法。",
            duties="税务登记、税款征收、税务检查和税务行政处罚。",
            address="云溪市东湖区财税路1号",
        ),
    )
    Agency.objects.filter(kind="entrusted_organisation").update(
        subject_type=SubjectType.ENTRUSTED_ORGANISATION
    )
    people = {}
    for username, agency, roles, name in (
        ("sifasuo", office, [Role.SUPERVISOR], "刘青禾"),
        ("tejian", Agency.objects.get(code="yx-sfj"), [Role.INVITED_SUPERVISOR], "何文澜"),
    ):
        user = org.create_staff(agency=agency, username=username, full_name=name, roles=roles)
        user.password = password
        user.save(update_fields=["password"])
        people[username] = user
    return {"office": office, "tax": tax, **people}


def _load(cast) -> None:
    if not cast.first_load:
        return
    before = clock.now()
    try:
        with transaction.atomic():
            _walk(cast, _graph(cast))
    except DomainError as refusal:  # the demo must load even if a rule changed; say why
        log.warning("demo: supervision walk refused: %s %s", refusal.code, refusal.message)
    finally:
        clock.set_frozen(before)


def _hotline_clue(cast, actor, agency):
    from sanxiang.supervision.choices import ClueStatus
    from sanxiang.supervision.models.clues import Clue
    from sanxiang.supervision.services import clues as clue_svc

    try:
        from sanxiang.supervision.demo_clues import DEMO_HOTLINE_NO
    except ImportError:
        DEMO_HOTLINE_NO = ""
    open_states = (ClueStatus.REGISTERED, ClueStatus.ASSESSING)
    clue = Clue.objects.filter(hotline_order_no=DEMO_HOTLINE_NO, status__in=open_states).first()
    if clue is not None:
        return clue
    return clue_svc.register_clue(
        actor=actor,
        channel="hotline",
        title="反映青石县城管执法队对同一商户一月内多次检查罚款",
        content="市民通过12345反映：一个月内对其门店检查4次并两次罚款，无检查计划。",
        hotline_order_no="2026" + cast.today.strftime("%m%d") + "004512",
        complainant_kind="person",
        complainant_name="王某（演示）",
        complainant_phone="13800000000",
        agencies=[agency],
    )


def _walk(cast, g) -> None:
    from sanxiang.supervision.services import clues as clue_svc
    from sanxiang.supervision.services import instruments as inst
    from sanxiang.supervision.services import tasks

    now = clock.now()
    users, agencies = cast.users, cast.agencies
    city_sup = users["supervisor"]
    county_sup = cast.world.staffing["qs-sfj"].supervisors[0]
    market, county_market, urban_county = agencies["yx-scjg"], agencies["qs-scjg"], agencies["qs-cg"]
    market_head = cast.world.staffing["yx-scjg"].head
    county_market_head = cast.world.staffing["qs-scjg"].head

    # 2. a 意见书 to the city market regulator: served, rectified with a report, verified, closed
    clock.set_frozen(_at(cast, 45))
    closed = inst.issue(
        actor=city_sup,
        kind="opinion",
        target=market,
        title="关于规范行政处罚说明理由的监督意见书",
        facts="案卷评查发现：抽查的12件一般程序处罚案卷中，5件处罚决定书未说明裁量理由。",
        requirements="对上述案卷逐件补正说明理由，修订处罚决定书模板，并于期限内报送整改情况。",
        legal_basis="《行政执法监督条例》（国务院令第825号）；《中华人民共和国行政处罚法》第五条、第三十四条",
    )
    closed = inst.serve(closed, actor=city_sup, method="电子送达")
    clock.set_frozen(_at(cast, 25))
    inst.submit_report(
        closed, actor=market_head, text="已补正5件案卷的说明理由，修订决定书模板并组织全员培训。"
    )
    clock.set_frozen(_at(cast, 20))
    closed = inst.verify(closed, actor=city_sup, accepted=True, note="抽查补正案卷3件，整改到位。")
    inst.close(closed, actor=city_sup, note="整改到位，办结。")

    # 3. a 意见书 still waiting for the regulator's report (the `head` account answers it)
    clock.set_frozen(_at(cast, 5))
    waiting = inst.issue(
        actor=city_sup,
        kind="opinion",
        target=market,
        title="关于涉企行政检查频次的监督意见书",
        facts="12345及涉企诉求渠道反映：同一企业一年内被检查5次，其中3次无检查计划。",
        requirements="清理检查事项，建立检查计划备案，并报送整改情况。",
        legal_basis="《行政执法监督条例》；《优化营商环境条例》第五十九条",
    )
    inst.serve(waiting, actor=city_sup, method="直接送达")

    # 4. the county bureau's overdue items, visible to the city bureau (Art. 39)
    clock.set_frozen(_at(cast, 40))
    notice = inst.issue(
        actor=county_sup,
        kind="notice",
        target=county_market,
        title="关于按时公示行政处罚决定的监督通知书",
        facts="3件行政处罚决定超过7个工作日未公示。",
        requirements="立即公示并报告原因。",
        legal_basis="国办发〔2018〕118号；《行政执法监督条例》",
        time_limit=cast.today - dt.timedelta(days=15),
    )
    inst.serve(notice, actor=county_sup, method="直接送达")
    objection = inst.object_to(notice, actor=county_market_head, text="其中1件系涉及个人隐私依法不予公开。")
    inst.reply(
        notice, actor=county_sup, objection=objection, text="不予公开的应在系统中登记理由，其余2件仍须公示。"
    )
    county_task = tasks.create_task(
        actor=county_sup,
        kind="daily",
        title="2026年第一季度行政执法案卷评查",
        scope=[county_market, urban_county],
        window_start=cast.today - dt.timedelta(days=40),
        window_end=cast.today - dt.timedelta(days=8),
        checklist=["立案审批是否完整", "证据是否充分", "决定书是否说明理由"],
        methods=["evaluation"],
    )
    tasks.add_member(county_task, actor=county_sup, user=g["sifasuo"])
    tasks.declare_recusal(county_task, user=county_sup, has_conflict=False)
    tasks.declare_recusal(county_task, user=g["sifasuo"], has_conflict=False)
    tasks.start_task(county_task, actor=county_sup)

    # 5. a 告知函 to the tax bureau's upper department; a provincial special task reported back
    clock.set_frozen(_at(cast, 30))
    letter = inst.issue(
        actor=city_sup,
        kind="upper_notification",
        target=g["tax"],
        title="关于税务行政检查未亮证执法问题的告知函",
        facts="涉企诉求反映税务检查人员未出示执法证件，经核实属实。",
        requirements="请上级主管部门督促整改并函复。",
        legal_basis="《行政执法监督条例》第42条第2款",
    )
    inst.serve(letter, actor=city_sup, method="邮寄送达")
    template = tasks.import_template(TEMPLATE, actor=city_sup)
    special = tasks.create_task(
        actor=city_sup,
        kind="special",
        title=template.title,
        template=template,
        scope=[market, agencies["yx-cg"]],
        window_start=cast.today - dt.timedelta(days=30),
        window_end=cast.today + dt.timedelta(days=10),
        methods=template.methods,
        plan=template.plan,
    )
    tasks.add_member(
        special,
        actor=city_sup,
        user=g["tejian"],
        role="invited",
        affiliation="市人大代表（演示）",
        access_until=cast.today + dt.timedelta(days=30),
    )
    tasks.declare_recusal(special, user=city_sup, has_conflict=False)
    tasks.declare_recusal(special, user=g["tejian"], has_conflict=False)
    tasks.start_task(special, actor=city_sup)
    tasks.check_item(special, actor=city_sup, index=0, result="ok")
    tasks.check_item(
        special, actor=city_sup, index=2, result="problem", note="2件检查笔录只有1名执法人员签名"
    )

    # 1. a 12345 clue escalated to key supervision, which becomes a key task: the clues part of the
    # demo leaves its 12345 clue under assessment for this; without it, register one here
    clock.set_frozen(now)
    clue = _hotline_clue(cast, city_sup, urban_county)
    clue = clue_svc.assess(
        clue,
        actor=city_sup,
        assessment="同类反映近三个月已有3件，涉嫌乱检查、趋利性执法，群众和企业反映强烈。",
        decision="escalate",
        reason="典型问题，转重点监督。",
        key_window_end=cast.today + dt.timedelta(days=20),
        key_listed=True,
    )  # opens the key task when the clue names the agency concerned
    key = clue.key_tasks.first() or tasks.open_key_supervision(
        clue, actor=city_sup, window_end=cast.today + dt.timedelta(days=20), listed=True
    )
    tasks.declare_recusal(key, user=city_sup, has_conflict=False)
    tasks.start_task(key, actor=city_sup)
