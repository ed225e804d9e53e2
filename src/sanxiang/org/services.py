"""State changes of the organisation context: staff, roles, certificates, training."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext

from sanxiang.core.errors import DomainError, InvalidInput
from sanxiang.core.roles import Role
from sanxiang.org.models import Agency, Certificate, CertificateStatus, Field, TrainingRecord, User
from sanxiang.org.signals import certificate_changed


def role_group(role: str) -> Group:
    group, _ = Group.objects.get_or_create(name=Role(role).value)
    return group


@transaction.atomic
def create_staff(
    *,
    agency: Agency,
    username: str,
    full_name: str,
    roles: Iterable[str],
    password: str | None = None,
    actor: User | None = None,
    **extra,
) -> User:
    if User.objects.filter(username=username).exists():
        raise InvalidInput(
            "org.user.duplicate",
            gettext("用户名“%(username)s”已存在。") % {"username": username},
            field="username",
        )
    user = User(username=username, full_name=full_name, agency=agency, **extra)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.groups.set([role_group(r) for r in roles])
    return user


@transaction.atomic
def issue_certificate(
    *,
    holder: User,
    number: str,
    fields: Sequence[Field],
    issuer: str,
    valid_from: dt.date,
    valid_to: dt.date,
    actor: User | None = None,
    status: str = CertificateStatus.ACTIVE,
) -> Certificate:
    if valid_to < valid_from:
        raise InvalidInput(
            "org.certificate.dates", gettext("有效期截止日期不能早于起始日期。"), field="valid_to"
        )
    if Certificate.objects.filter(number=number).exists():
        raise InvalidInput(
            "org.certificate.duplicate",
            gettext("执法证号“%(number)s”已存在。") % {"number": number},
            field="number",
        )
    cert = Certificate.objects.create(
        holder=holder,
        number=number,
        issuer=issuer,
        valid_from=valid_from,
        valid_to=valid_to,
        status=status,
        created_by=actor,
        updated_by=actor,
    )
    cert.fields.set(fields)
    certificate_changed.send(Certificate, certificate=cert, actor=actor, change="issued")
    return cert


@transaction.atomic
def change_certificate_status(
    cert: Certificate, *, status: str, reason: str, actor: User | None
) -> Certificate:
    status = CertificateStatus(status)
    if status == CertificateStatus.NOT_YET_VALID:
        raise InvalidInput("org.certificate.status", gettext("不能手工设置为“尚未生效”。"), field="status")
    if not reason.strip():
        raise InvalidInput(
            "org.certificate.reason_required", gettext("变更执法证状态须说明理由。"), field="reason"
        )
    cert = Certificate.objects.select_for_update().get(pk=cert.pk)
    cert.status, cert.status_reason, cert.updated_by = status, reason.strip(), actor
    cert.save(update_fields=["status", "status_reason", "updated_by", "updated_at"])
    certificate_changed.send(Certificate, certificate=cert, actor=actor, change=f"status:{status}")
    return cert


def valid_certificate(user: User, field_id: int | None, day: dt.date) -> Certificate | None:
    """The user's certificate that is valid on `day` and covers `field_id`, if any."""
    for cert in user.certificates.prefetch_related("fields"):
        if cert.status_on(day) == CertificateStatus.ACTIVE and (
            field_id is None or any(f.pk == field_id for f in cert.fields.all())
        ):
            return cert
    return None


def require_qualified_officers(
    officers: Sequence[User], *, agency: Agency, field_id: int | None, day: dt.date, minimum: int
) -> list[Certificate]:
    """I5: at least `minimum` distinct officers of the agency, each with a valid certificate for
    the field on the day of the act. Returns their certificates; refuses naming the first problem."""
    distinct = list({u.pk: u for u in officers}.values())
    if len(distinct) < minimum:
        raise DomainError(
            "org.officers.too_few",
            gettext("现场执法须由至少%(minimum)s名持有效执法证的执法人员实施（行政处罚法第42条）。")
            % {"minimum": minimum},
            field="officers",
        )
    certificates = []
    for officer in distinct:
        if officer.agency_id != agency.pk:
            raise DomainError(
                "org.officers.other_agency",
                gettext("%(officer)s不是本机关执法人员，不能参与本案执法。") % {"officer": officer},
                field="officers",
            )
        cert = valid_certificate(officer, field_id, day)
        if cert is None:
            raise DomainError(
                "org.officers.certificate_invalid",
                gettext("%(officer)s在%(day)s没有覆盖本执法领域的有效执法证（已过期、暂扣或注销）。")
                % {"officer": officer, "day": format(day, "%Y年%m月%d日")},
                field="officers",
                officer=officer.username,
            )
        certificates.append(cert)
    return certificates


@transaction.atomic
def record_training(*, user: User, actor: User | None, **fields) -> TrainingRecord:
    return TrainingRecord.objects.create(user=user, created_by=actor, updated_by=actor, **fields)
