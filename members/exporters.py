"""The roster export: masked numbers, or full ones for users with the right (on record)."""

from __future__ import annotations

from members.selectors import roster
from members.services.access import may_view_personal_data
from organizations import audit
from organizations.listing import FilteredExport
from organizations.models import AuditAction
from organizations.tabular.exporter import Exporter
from organizations.tabular.writing import Column


class RosterExporter(FilteredExport, Exporter):
    name = "members"
    title = "会员名册"
    columns = [
        Column("姓名", 12),
        Column("身份证号", 22),
        Column("性别", 6),
        Column("出生日期", 12, "yyyy-mm-dd"),
        Column("民族", 8),
        Column("手机号", 14),
        Column("户籍地", 16),
        Column("是否农牧民工", 8),
        Column("新生代", 8),
        Column("工作单位", 30),
        Column("所属工会", 30),
        Column("入会日期", 12, "yyyy-mm-dd"),
        Column("入会方式", 10),
    ]

    @property
    def form_class(self):
        from members.forms import RosterFilterForm

        return RosterFilterForm

    def count(self) -> int:
        return roster(self.user, self.form.filters()).count()

    def rows(self):
        filters = self.form.filters()
        full = may_view_personal_data(self.user)
        if full:
            audit.record(
                user=self.user,
                action=AuditAction.VIEW_PERSONAL,
                changes={"export": self.name, "scope": self.scope.key, "fields": ["身份证号", "手机号"]},
            )
        for m in roster(self.user, filters).iterator(chunk_size=2000):
            person = m.member
            yield [
                person.name,
                person.reveal_id_number() if full else person.id_masked,
                person.get_sex_display(),
                person.birth_date,
                person.ethnicity,
                person.reveal_phone() if full else person.phone_masked,
                person.hukou_place,
                "是" if person.is_migrant else "否",
                "是" if person.is_new_generation else "否",
                m.employer.name if m.employer else "",
                m.union.name,
                m.joined_on,
                m.get_channel_display(),
            ]
