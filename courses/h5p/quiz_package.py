"""Build .h5p packages for our own content type H5P.LmsQuiz 1.0: a small
single-answer multiple-choice quiz with a Chinese interface.

The library's files live in courses/h5p/content_types/H5P.LmsQuiz-1.0/ and are
bundled into every package, so a package plays in h5p-standalone without any
library from h5p.org. Output is deterministic (sorted entries, fixed
timestamps and permissions), so building the same quiz twice gives identical
bytes and seeding the demo twice changes nothing.

    data = build_quiz_package(**DEMO_QUIZZES["teacher-ethics"])
"""

import io
import json
import zipfile
from pathlib import Path

MAIN_LIBRARY = "H5P.LmsQuiz"
MAJOR_VERSION = 1
MINOR_VERSION = 0
LIBRARY_FOLDER = f"{MAIN_LIBRARY}-{MAJOR_VERSION}.{MINOR_VERSION}"
LIBRARY_DIR = Path(__file__).resolve().parent / "content_types" / LIBRARY_FOLDER
LIBRARY_FILES = ("library.json", "lmsquiz.css", "lmsquiz.js")

DEFAULT_L10N = {
    "check": "提交答案",
    "retry": "再做一次",
    "score": "得分：:score / :total",
    "passed": "通过！",
    "notPassed": "未通过，再试一次吧。",
    "selectOne": "请为每道题选择一个答案。",
    "correct": "回答正确",
    "wrong": "回答错误",
    "correctAnswer": "正确答案",
    "yourAnswer": "你的答案",
}

# 1980-01-01 is the earliest time a zip entry can carry.
_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o100644 << 16


def _text(value, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string")
    return value.strip()


def _question(index: int, question: dict) -> dict:
    where = f"question {index + 1}"
    if not isinstance(question, dict):
        raise ValueError(f"{where} must be a dict")
    answers = question.get("answers")
    if not isinstance(answers, list | tuple) or len(answers) < 2:
        raise ValueError(f"{where} needs at least two answers")
    clean = []
    for number, answer in enumerate(answers, start=1):
        if not isinstance(answer, dict) or not isinstance(answer.get("correct"), bool):
            raise ValueError(f"{where}, answer {number}: needs text and correct: bool")
        text = _text(answer.get("text"), f"{where}, answer {number} text")
        clean.append({"text": text, "correct": answer["correct"]})
    if sum(answer["correct"] for answer in clean) != 1:
        raise ValueError(f"{where} must have exactly one correct answer")
    result = {"text": _text(question.get("text"), f"{where} text"), "answers": clean}
    feedback = question.get("feedback") or ""
    if not isinstance(feedback, str):
        raise ValueError(f"{where} feedback must be a string")
    if feedback.strip():
        result["feedback"] = feedback.strip()
    return result


def build_content(
    *, title: str, questions: list[dict], pass_percent: int = 60, intro: str = ""
) -> dict:
    """The params of H5P.LmsQuiz (content/content.json), validated and
    normalised: stripped text, exactly one correct answer per question."""
    if not isinstance(questions, list | tuple) or not questions:
        raise ValueError("a quiz needs at least one question")
    if (
        isinstance(pass_percent, bool)
        or not isinstance(pass_percent, int)
        or not 0 <= pass_percent <= 100
    ):
        raise ValueError("pass_percent must be an int from 0 to 100")
    if not isinstance(intro, str):
        raise ValueError("intro must be a string")
    return {
        "title": _text(title, "title"),
        "intro": intro.strip(),
        "questions": [_question(i, q) for i, q in enumerate(questions)],
        "passPercent": pass_percent,
        "l10n": dict(DEFAULT_L10N),
    }


def build_h5p_json(title: str) -> dict:
    return {
        "title": _text(title, "title"),
        "language": "zh",
        "mainLibrary": MAIN_LIBRARY,
        "embedTypes": ["iframe"],
        "license": "U",
        "preloadedDependencies": [
            {
                "machineName": MAIN_LIBRARY,
                "majorVersion": MAJOR_VERSION,
                "minorVersion": MINOR_VERSION,
            }
        ],
    }


def _json_bytes(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def build_quiz_package(
    *, title: str, questions: list[dict], pass_percent: int = 60, intro: str = ""
) -> bytes:
    """The bytes of a .h5p file holding one H5P.LmsQuiz quiz and the library.

    questions: [{"text": str, "answers": [{"text": str, "correct": bool}, ...],
    "feedback": str (optional)}], exactly one correct answer each. A learner
    passes when score / max * 100 >= pass_percent. Raises ValueError on bad
    input."""
    content = build_content(
        title=title, questions=questions, pass_percent=pass_percent, intro=intro
    )
    entries = {
        "h5p.json": _json_bytes(build_h5p_json(title)),
        "content/content.json": _json_bytes(content),
    }
    for name in LIBRARY_FILES:
        entries[f"{LIBRARY_FOLDER}/{name}"] = (LIBRARY_DIR / name).read_bytes()

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = _FILE_MODE
            info.create_system = 3  # Unix, whatever the building OS
            archive.writestr(info, entries[name], compresslevel=9)
    return buffer.getvalue()


def _q(text, answers, correct, feedback=""):
    """Shorthand for the demo data: answers in order, `correct` the index of
    the right one."""
    return {
        "text": text,
        "answers": [
            {"text": label, "correct": i == correct} for i, label in enumerate(answers)
        ],
        "feedback": feedback,
    }


# Demo quizzes, keyed by the slug of their course (courses/demo/catalog.py).
# Every fact is taught in that course's lessons.
DEMO_QUIZZES = {
    "teacher-ethics": {
        "title": "十项准则小测验",
        "intro": "学完《新时代中小学教师职业行为十项准则》解读后，做几道题检查一下。"
        "每题只有一个正确答案。",
        "pass_percent": 60,
        "questions": [
            _q(
                "《新时代中小学教师职业行为十项准则》是哪一年由教育部印发的？",
                ["2014年", "2018年", "2021年"],
                1,
                "2018年11月，教育部印发十项准则，同时修订印发"
                "《中小学教师违反职业道德行为处理办法》。",
            ),
            _q(
                "按照“规范从教行为”一条，下列哪种做法是准则明确禁止的？",
                [
                    "组织、参与有偿补课",
                    "课后为学习有困难的学生免费答疑",
                    "参加学校组织的教研活动",
                ],
                0,
                "准则要求：不得组织、参与有偿补课，或为校外培训机构介绍生源。",
            ),
            _q(
                "教师节时，家长送来购物卡表示感谢。教师应当怎样做？",
                [
                    "收下，但不告诉其他人",
                    "收下后对这个学生多加照顾",
                    "婉言谢绝，不收受学生及家长的财物",
                ],
                2,
                "“坚守廉洁自律”要求：不得索要、收受学生及家长财物。",
            ),
            _q(
                "“关心爱护学生”对教师的要求是什么？",
                [
                    "只需关心成绩好的学生",
                    "严慈相济，真心关爱学生；不得歧视、侮辱学生",
                    "学生犯错时可以体罚，让他记住教训",
                ],
                1,
                "关爱不是溺爱，也不是放任：既要严格要求，也要尊重每个学生的人格。",
            ),
        ],
    },
    "left-behind-children": {
        "title": "关爱留守儿童小测验",
        "intro": "检查一下你对留守儿童情感需求和关爱做法的了解。每题只有一个正确答案。",
        "pass_percent": 60,
        "questions": [
            _q(
                "按照2016年《国务院关于加强农村留守儿童关爱保护工作的意见》，"
                "农村留守儿童是指父母双方外出务工或一方外出务工另一方无监护能力、"
                "不满多少周岁的未成年人？",
                ["十二周岁", "十四周岁", "十六周岁", "十八周岁"],
                2,
                "意见中的界定是：不满十六周岁的未成年人。",
            ),
            _q(
                "一名留守学生最近上课沉默，常常独自发呆。教师首先应当怎样做？",
                [
                    "在全班面前批评他上课不专心",
                    "找机会单独谈心，了解情况，并与监护人沟通",
                    "等到期末再告诉家长",
                ],
                1,
                "教师的任务是及早发现、耐心了解、及时联系，"
                "不要在全班面前谈论他的家庭情况。",
            ),
            _q(
                "一个孩子说出自己受到伤害的经历，并请老师替他保密。教师应当怎样做？",
                [
                    "答应保密，不告诉任何人",
                    "让孩子自己想办法解决",
                    "不答应保密：立即报告学校、联系监护人，并依法向有关部门报告",
                ],
                2,
                "未成年人保护法规定，发现未成年人身心健康受到侵害或疑似受到侵害的，"
                "应当立即向有关部门报告。",
            ),
            _q(
                "帮助留守儿童与外出务工的父母保持联系，下列哪种做法较好？",
                [
                    "利用学校电话或视频通话，让孩子定期与父母说说话",
                    "不让孩子在学校提到父母，免得想家",
                    "只在孩子犯错时才联系父母",
                ],
                0,
                "经常听到父母的声音、知道父母惦记自己，是留守儿童的重要情感需求。",
            ),
        ],
    },
    "ict-2": {
        "title": "能力提升工程2.0小测验",
        "intro": "检查一下你对工程2.0三种教学环境和微能力点的了解。"
        "每题只有一个正确答案。",
        "pass_percent": 60,
        "questions": [
            _q(
                "工程2.0把教师的信息技术应用能力细分为多少个微能力点？",
                ["10个", "20个", "30个"],
                2,
                "30个微能力点：多媒体教学环境A1—A13，混合式学习环境B1—B10，"
                "智慧学习环境C1—C7。",
            ),
            _q(
                "学生人手一台终端，学习过程的数据可以采集和分析，这属于哪种教学环境？",
                ["多媒体教学环境", "混合式学习环境", "智慧学习环境"],
                2,
            ),
            _q(
                "能力点A3“演示文稿设计与制作”属于哪种教学环境？",
                ["多媒体教学环境", "混合式学习环境", "智慧学习环境"],
                0,
                "A开头的能力点属于多媒体教学环境，B开头的属于混合式学习环境，"
                "C开头的属于智慧学习环境。",
            ),
            _q(
                "各环境中的能力点分属四个维度。下列哪一项是其中之一？",
                ["学业评价", "硬件维修", "网站开发"],
                0,
                "四个维度是：学情分析、教学设计、学法指导、学业评价。",
            ),
        ],
    },
}
