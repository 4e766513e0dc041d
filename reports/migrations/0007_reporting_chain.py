"""The reporting chain (county → prefecture → HQ): a prefecture's note on counties not
accepted, and each report's history (ReportEvent).

Adding a column makes Django rebuild the progress report table on SQLite, which drops
the frozen-report triggers of 0006: they are created again afterwards (now covering the
new column too). PostgreSQL's triggers (0003, 0004) compare whole rows and need nothing.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


_frozen_rows = importlib.import_module("reports.migrations.0006_sqlite_frozen_rows")


def recreate_sqlite_guards(apps, schema_editor):
    _frozen_rows.backward(apps, schema_editor)
    _frozen_rows.forward(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0006_sqlite_frozen_rows'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='progressreport',
            name='counties_note',
            field=models.TextField(blank=True, verbose_name='县区报告未全部采纳的说明'),
        ),
        migrations.AlterField(
            model_name='progressreport',
            name='hq_comments',
            field=models.TextField(blank=True, verbose_name='审核意见'),
        ),
        migrations.CreateModel(
            name='ReportEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('open', '开始填报'), ('submit', '报送'), ('resubmit', '重新报送'), ('return', '退回'), ('accept', '采纳'), ('correct', '建立更正版本'), ('reopen', '因下级更正重新打开'), ('comment', '意见')], max_length=12, verbose_name='操作')),
                ('from_status', models.CharField(blank=True, choices=[('draft', '草稿'), ('submitted', '已报送'), ('returned', '已退回'), ('resubmitted', '已重新报送'), ('accepted', '已采纳')], max_length=12)),
                ('to_status', models.CharField(blank=True, choices=[('draft', '草稿'), ('submitted', '已报送'), ('returned', '已退回'), ('resubmitted', '已重新报送'), ('accepted', '已采纳')], max_length=12)),
                ('message', models.TextField(blank=True, verbose_name='说明')),
                ('at', models.DateTimeField(auto_now_add=True, verbose_name='时间')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='reports.progressreport')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '报告流转记录',
                'verbose_name_plural': '报告流转记录',
                'ordering': ['at', 'pk'],
            },
        ),
        migrations.RunPython(recreate_sqlite_guards, migrations.RunPython.noop),
    ]
