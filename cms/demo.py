"""Demo content for the site: the home page and a page about the programme."""

from wagtail.models import Page

from .models import ContentPage, HomePage

HOME_INTRO = (
    "乐山师范学院“一对一”精准帮扶美姑县洪溪片区 13 所学校及教学点（2020年6月—2022年3月）。"
    "在这里，片区教师在线学习必修与选修课程，种子教师和校长记录跟岗研修，"
    "校长查看本校教师的学习进度，项目办公室颁发可在线验证的培训证书。"
)

HOME_BODY = [
    {"id": "b1d2c3e4-0001-4000-8000-000000000001", "type": "heading",
     "value": {"text": "研修内容", "size": "h2"}},
    {"id": "b1d2c3e4-0001-4000-8000-000000000002", "type": "paragraph",
     "value": "<ul><li>师德师风建设</li><li>教育教学基本技能</li><li>留守儿童心理辅导</li>"
              "<li>信息技术应用能力提升工程 2.0</li></ul>"},
    {"id": "b1d2c3e4-0001-4000-8000-000000000003", "type": "quote",
     "value": {"text": "培育一支带不走的校长教师培训团队。",
               "source": "乐师院继教〔2020〕13号"}},
]  # fmt: skip

ABOUT_INTRO = "帮扶目标、结对学校与实施步骤。"
ABOUT_BODY = [
    {"id": "b1d2c3e4-0002-4000-8000-000000000001", "type": "heading",
     "value": {"text": "结对帮扶", "size": "h2"}},
    {"id": "b1d2c3e4-0002-4000-8000-000000000002", "type": "paragraph",
     "value": "<p>乐山市实验中学、乐山市实验小学、乐山师范学校附属小学结对帮扶"
              "洪溪初级中学和依果觉乡小学校。</p>"},
    {"id": "b1d2c3e4-0002-4000-8000-000000000003", "type": "heading",
     "value": {"text": "实施步骤（第一阶段）", "size": "h2"}},
    {"id": "b1d2c3e4-0002-4000-8000-000000000004", "type": "paragraph",
     "value": "<ol><li>2020年9月下旬：第一轮送培到校，启动教师在线课程学习。</li>"
              "<li>2020年10月下旬：校长、管理干部到乐山基地学校跟岗研修。</li>"
              "<li>2020年11月下旬：第二轮送培到校，继续在线课程学习。</li>"
              "<li>2021年2月：第一阶段总结评估。</li></ol>"},
]  # fmt: skip


def seed() -> HomePage:
    home = HomePage.objects.get(depth=2)
    _set_content(home, title="洪溪片区教师研修平台", intro=HOME_INTRO, body=HOME_BODY)
    about = ContentPage.objects.child_of(home).filter(slug="about").first()
    if about is None:
        about = ContentPage(
            title="关于帮扶项目", slug="about", intro=ABOUT_INTRO, body=ABOUT_BODY,
            show_in_menus=True,
        )  # fmt: skip
        home.add_child(instance=about)
        about.save_revision().publish()
    else:
        _set_content(about, title="关于帮扶项目", intro=ABOUT_INTRO, body=ABOUT_BODY)
    return home


def _set_content(page: Page, *, title: str, intro: str, body: list) -> None:
    """Publish new content only when it differs, so re-seeding changes nothing."""
    if page.title == title and page.intro == intro and list(page.body.raw_data) == body:
        return
    page.title = title
    page.draft_title = title
    page.intro = intro
    page.body = body
    page.save_revision().publish()
