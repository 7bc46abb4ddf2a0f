"""Document files: each document's place in its file (DocOrdinal), and the default retention
periods by document type.

The retention table is the demo's default, for every organisation (organisation = NULL). Its
basis is Circular 10/2022/TT-BNV (thời hạn bảo quản tài liệu), which sets periods by kind of
file rather than by document type: the periods below are the usual ones for the files each
type mostly ends up in. An organisation edits them by adding its own RetentionPeriod rows
(the most specific row applies); a file's own retention, when set, wins over both.
"""

from django.db import migrations, models

PERMANENT = None

# Document type → years kept (None: permanently). Demo default, Circular 10/2022/TT-BNV.
DEFAULT_RETENTION: dict[str, int | None] = {
    # Legal and normative documents, schemes and projects: kept permanently.
    "nghi_quyet": PERMANENT,
    "quyet_dinh": PERMANENT,
    "chi_thi": PERMANENT,
    "quy_che": PERMANENT,
    "quy_dinh": PERMANENT,
    "huong_dan": PERMANENT,
    "de_an": PERMANENT,
    "du_an": PERMANENT,
    "ban_ghi_nho": PERMANENT,
    # Programmes, plans, reports, minutes, submissions, notices, contracts: 20 years.
    "chuong_trinh": 20,
    "ke_hoach": 20,
    "phuong_an": 20,
    "bao_cao": 20,
    "bien_ban": 20,
    "to_trinh": 20,
    "thong_cao": 20,
    "thong_bao": 20,
    "hop_dong": 20,
    "ban_thoa_thuan": 20,
    "cong_dien": 20,
    # Official letters and correspondence, powers of attorney: 10 years.
    "cong_van": 10,
    "thu_cong": 10,
    "giay_uy_quyen": 10,
    # Invitations, letters of introduction, leave permits, slips, copies: 5 years.
    "giay_moi": 5,
    "giay_gioi_thieu": 5,
    "giay_nghi_phep": 5,
    "phieu_gui": 5,
    "phieu_chuyen": 5,
    "phieu_bao": 5,
    "sao_y": 5,
    "trich_sao": 5,
    "sao_luc": 5,
}


def seed_retention(apps, schema_editor):  # type: ignore[no-untyped-def]
    RetentionPeriod = apps.get_model("documents", "RetentionPeriod")
    for document_type, years in DEFAULT_RETENTION.items():
        # NULL organisations are distinct to the unique constraint: look before writing.
        if not RetentionPeriod.objects.filter(
            organisation__isnull=True, document_type=document_type
        ).exists():
            RetentionPeriod.objects.create(
                organisation=None, document_type=document_type, years=years
            )


def unseed_retention(apps, schema_editor):  # type: ignore[no-untyped-def]
    RetentionPeriod = apps.get_model("documents", "RetentionPeriod")
    RetentionPeriod.objects.filter(
        organisation__isnull=True, document_type__in=list(DEFAULT_RETENTION)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="incomingdocument",
            name="file_ordinal",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="order in the file"
            ),
        ),
        migrations.AddField(
            model_name="outgoingdocument",
            name="file_ordinal",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="order in the file"
            ),
        ),
        migrations.RunPython(seed_retention, unseed_retention),
    ]
