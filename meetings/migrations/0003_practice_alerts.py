# Practice alerts, their entries, and good practice (QA1).

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_digestsent_notification'),
        ('cases', '0003_practice_alert_rule'),
        ('meetings', '0002_meeting_reporting_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalGoodPractice',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('worker_name', models.CharField(blank=True, max_length=150)),
                ('what', models.TextField()),
                ('recorded_on', models.DateField(db_index=True)),
                ('recorded_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('child', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.child')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('meeting', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='meetings.meeting')),
                ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('team', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.team')),
                ('worker', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical good practice',
                'verbose_name_plural': 'historical good practice',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalPracticeAlert',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('raised_on', models.DateField()),
                ('category', models.CharField(choices=[('planning_drift', 'Planning drift'), ('visits_overdue', 'Visits overdue'), ('assessment_quality', 'Assessment quality'), ('plan_not_progressed', 'Plan not progressed'), ('report_late_or_poor', 'Report late or poor'), ('child_not_seen', 'Child not seen'), ('other', 'Other')], max_length=30)),
                ('concern', models.TextField(help_text='What is wrong, as the child experiences it.')),
                ('asked', models.TextField(help_text='What the team manager is asked to do.')),
                ('due_on', models.DateField(db_index=True)),
                ('status', models.CharField(choices=[('open', 'Awaiting response'), ('responded', 'Responded'), ('escalated', 'Escalated to dispute resolution')], db_index=True, default='open', max_length=20)),
                ('responded_on', models.DateField(blank=True, null=True)),
                ('response', models.TextField(blank=True)),
                ('action_agreed', models.TextField(blank=True)),
                ('chased_on', models.DateField(blank=True, null=True)),
                ('escalated_on', models.DateField(blank=True, null=True)),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('addressed_to', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('child', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.child')),
                ('dispute', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='meetings.dispute')),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('meeting', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='meetings.meeting')),
                ('raised_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('responded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('team', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.team')),
            ],
            options={
                'verbose_name': 'historical practice alert',
                'verbose_name_plural': 'historical practice alerts',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='PracticeAlert',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('raised_on', models.DateField()),
                ('category', models.CharField(choices=[('planning_drift', 'Planning drift'), ('visits_overdue', 'Visits overdue'), ('assessment_quality', 'Assessment quality'), ('plan_not_progressed', 'Plan not progressed'), ('report_late_or_poor', 'Report late or poor'), ('child_not_seen', 'Child not seen'), ('other', 'Other')], max_length=30)),
                ('concern', models.TextField(help_text='What is wrong, as the child experiences it.')),
                ('asked', models.TextField(help_text='What the team manager is asked to do.')),
                ('due_on', models.DateField(db_index=True)),
                ('status', models.CharField(choices=[('open', 'Awaiting response'), ('responded', 'Responded'), ('escalated', 'Escalated to dispute resolution')], db_index=True, default='open', max_length=20)),
                ('responded_on', models.DateField(blank=True, null=True)),
                ('response', models.TextField(blank=True)),
                ('action_agreed', models.TextField(blank=True)),
                ('chased_on', models.DateField(blank=True, null=True)),
                ('escalated_on', models.DateField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('addressed_to', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='practice_alerts_received', to=settings.AUTH_USER_MODEL)),
                ('child', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='practice_alerts', to='cases.child')),
                ('dispute', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='practice_alert', to='meetings.dispute')),
                ('meeting', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='practice_alerts', to='meetings.meeting')),
                ('raised_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='practice_alerts_raised', to=settings.AUTH_USER_MODEL)),
                ('responded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='practice_alerts', to='accounts.team')),
            ],
            options={
                'ordering': ['-raised_on', '-id'],
                'permissions': [('raise_practice_alerts', 'Can raise practice alerts and record good practice'), ('respond_practice_alerts', 'Can respond to practice alerts as a manager')],
            },
        ),
        migrations.CreateModel(
            name='AlertEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('raised', 'Raised'), ('response', 'Response'), ('chased', 'Chased'), ('comment', 'Comment'), ('escalated', 'Escalated')], max_length=20)),
                ('on', models.DateField()),
                ('text', models.TextField(blank=True)),
                ('at', models.DateTimeField(auto_now_add=True)),
                ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('alert', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='entries', to='meetings.practicealert')),
            ],
            options={
                'verbose_name_plural': 'alert entries',
                'ordering': ['at', 'id'],
            },
        ),
        migrations.CreateModel(
            name='GoodPractice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('worker_name', models.CharField(blank=True, max_length=150)),
                ('what', models.TextField()),
                ('recorded_on', models.DateField(db_index=True)),
                ('recorded_at', models.DateTimeField(auto_now_add=True)),
                ('child', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='good_practice', to='cases.child')),
                ('meeting', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='good_practice', to='meetings.meeting')),
                ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='good_practice_recorded', to=settings.AUTH_USER_MODEL)),
                ('team', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='good_practice', to='accounts.team')),
                ('worker', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='good_practice_received', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name_plural': 'good practice',
                'ordering': ['-recorded_on', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('worker_name', ''), _negated=True), ('team__isnull', False), _connector='OR'), name='good_practice_names_worker_or_team')],
            },
        ),
        migrations.AddIndex(
            model_name='practicealert',
            index=models.Index(fields=['raised_on', 'category'], name='meetings_pr_raised__84cd82_idx'),
        ),
        migrations.AddConstraint(
            model_name='practicealert',
            constraint=models.CheckConstraint(condition=models.Q(('due_on__gte', models.F('raised_on'))), name='practice_alert_due_after_raised'),
        ),
        migrations.AddConstraint(
            model_name='practicealert',
            constraint=models.CheckConstraint(condition=models.Q(('responded_on__isnull', True), ('responded_on__gte', models.F('raised_on')), _connector='OR'), name='practice_alert_responds_after_raised'),
        ),
        migrations.AddConstraint(
            model_name='practicealert',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'escalated'), _negated=True), ('escalated_on__isnull', False), _connector='OR'), name='practice_alert_escalation_has_date'),
        ),
    ]
