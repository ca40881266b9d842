# The local rule practice_alert_response becomes a settable timescale (QA1).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0002_timescalemark'),
    ]

    operations = [
        migrations.AlterField(
            model_name='historicaltimescalesetting',
            name='code',
            field=models.CharField(choices=[('cic_decisions', 'cic_decisions: Review decisions circulated'), ('cic_record', 'cic_record: Review record distributed'), ('cp_core_group_n', 'cp_core_group_n: Subsequent core group meeting'), ('cp_reports_to_parents', "cp_reports_to_parents: Social worker's report shared with parents (ICPC)"), ('cp_reports_to_parents_rcpc', "cp_reports_to_parents_rcpc: Social worker's report shared with parents (review conference)"), ('cp_outline_plan', 'cp_outline_plan: Decisions and outline plan distributed'), ('cp_minutes', 'cp_minutes: Conference minutes distributed'), ('lado_decision', 'lado_decision: LADO initial consideration (threshold decision)'), ('reg44_report', 'reg44_report: Regulation 44 report sent'), ('drp_stage_response', 'drp_stage_response: Response to a dispute resolution stage'), ('practice_alert_response', 'practice_alert_response: Response to a practice alert')], db_index=True, max_length=40),
        ),
        migrations.AlterField(
            model_name='timescalesetting',
            name='code',
            field=models.CharField(choices=[('cic_decisions', 'cic_decisions: Review decisions circulated'), ('cic_record', 'cic_record: Review record distributed'), ('cp_core_group_n', 'cp_core_group_n: Subsequent core group meeting'), ('cp_reports_to_parents', "cp_reports_to_parents: Social worker's report shared with parents (ICPC)"), ('cp_reports_to_parents_rcpc', "cp_reports_to_parents_rcpc: Social worker's report shared with parents (review conference)"), ('cp_outline_plan', 'cp_outline_plan: Decisions and outline plan distributed'), ('cp_minutes', 'cp_minutes: Conference minutes distributed'), ('lado_decision', 'lado_decision: LADO initial consideration (threshold decision)'), ('reg44_report', 'reg44_report: Regulation 44 report sent'), ('drp_stage_response', 'drp_stage_response: Response to a dispute resolution stage'), ('practice_alert_response', 'practice_alert_response: Response to a practice alert')], max_length=40, unique=True),
        ),
    ]
