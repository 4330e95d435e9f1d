"""Demo certificates: a certificate template and course certificates for the
demo teachers who have completed courses."""

from courses.models import CourseCompletion
from courses.models.learning import CompletionStatus
from people.models import User

from .models import CertificateTemplate
from .services import certificate_issue

BODY = (
    "{holder_name}同志：\n"
    "　　参加乐山师范学院美姑县洪溪片区“一对一”精准帮扶提升工程"
    "“{subject}”研修，完成{hours}学时的学习任务，考核合格，特发此证。"
)
# Left without a certificate, so the office can try bulk issuance in the demo.
LEFT_FOR_BULK = {("t.hx01", "HX-LBC-01")}


def seed() -> CertificateTemplate:
    template, _ = CertificateTemplate.objects.update_or_create(
        name="结业证书（默认）",
        defaults={
            "title": "结业证书",
            "body": BODY,
            "serial_prefix": "LSNU",
            "issuer_name": "乐山师范学院继续教育学院",
            "signatory_name": "项目办公室",
            "signatory_title": "",
            "orientation": CertificateTemplate.Orientation.LANDSCAPE,
        },
    )
    office = User.objects.get(username="office")
    for completion in CourseCompletion.objects.filter(
        status=CompletionStatus.COMPLETED, user__is_demo=True
    ).select_related("user", "course"):
        if (completion.user.username, completion.course.code) in LEFT_FOR_BULK:
            continue
        certificate_issue(
            holder=completion.user,
            template=template,
            issued_by=office,
            course=completion.course,
        )
    return template
