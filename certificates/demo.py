"""Demo certificates: a certificate template and course certificates for the
demo teachers who have completed courses."""

from courses.models import CourseCompletion
from courses.models.learning import CompletionStatus
from people.models import User

from .models import CertificateTemplate
from .services import certificate_issue

BODY = (
    "{holder_name}同志：\n"
    "　　于{issued_on}前完成乐山师范学院美姑县洪溪片区“一对一”精准帮扶提升工程"
    "“{subject}”研修，共计{hours}学时，考核合格，特发此证。"
)


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
        certificate_issue(
            holder=completion.user,
            template=template,
            issued_by=office,
            course=completion.course,
        )
    return template
