"""Signed documents of kind "official": the documents app's outgoing documents."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('signatures', '0001_initial'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='signeddocument',
            name='signed_document_kind_valid',
        ),
        migrations.AlterField(
            model_name='signeddocument',
            name='kind',
            field=models.CharField(choices=[('result', 'Result'), ('receipt', 'Receipt'), ('form', 'Form'), ('attachment', 'Attachment'), ('official', 'Official document')], max_length=16, verbose_name='kind'),
        ),
        migrations.AddConstraint(
            model_name='signeddocument',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['result', 'receipt', 'form', 'attachment', 'official'])), name='signed_document_kind_valid'),
        ),
    ]
