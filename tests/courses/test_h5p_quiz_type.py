"""Our own H5P content type H5P.LmsQuiz 1.0 and the builder of its packages
(courses.h5p.quiz_package). No browser here: the package's structure, its
JSON and its determinism."""

import io
import json
import zipfile

import pytest

from courses.h5p.quiz_package import (
    DEFAULT_L10N,
    DEMO_QUIZZES,
    LIBRARY_DIR,
    LIBRARY_FOLDER,
    build_quiz_package,
)

QUESTIONS = [
    {
        "text": "ꆈꌠ 是什么文字？",
        "answers": [
            {"text": "彝文", "correct": True},
            {"text": "藏文", "correct": False},
        ],
        "feedback": "ꆈꌠ 即彝族的自称。",
    },
    {
        "text": "1 + 1 = ?",
        "answers": [
            {"text": "1", "correct": False},
            {"text": "2", "correct": True},
            {"text": "3", "correct": False},
        ],
    },
]

EXPECTED_ENTRIES = [
    "H5P.LmsQuiz-1.0/library.json",
    "H5P.LmsQuiz-1.0/lmsquiz.css",
    "H5P.LmsQuiz-1.0/lmsquiz.js",
    "content/content.json",
    "h5p.json",
]


def build(**overrides):
    kwargs = {
        "title": "测验 ꆈꌠ",
        "questions": QUESTIONS,
        "pass_percent": 50,
        "intro": "说明",
    }
    kwargs.update(overrides)
    return build_quiz_package(**kwargs)


def open_zip(data: bytes) -> zipfile.ZipFile:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    return archive


def read_json(archive: zipfile.ZipFile, name: str) -> dict:
    return json.loads(archive.read(name).decode("utf-8"))


def test_package_is_a_zip_with_the_expected_entries():
    archive = open_zip(build())
    assert archive.namelist() == EXPECTED_ENTRIES
    for info in archive.infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
        assert not info.is_dir()


def test_h5p_json():
    h5p = read_json(open_zip(build()), "h5p.json")
    assert h5p == {
        "title": "测验 ꆈꌠ",
        "language": "zh",
        "mainLibrary": "H5P.LmsQuiz",
        "embedTypes": ["iframe"],
        "license": "U",
        "preloadedDependencies": [
            {"machineName": "H5P.LmsQuiz", "majorVersion": 1, "minorVersion": 0}
        ],
    }


def test_content_json_matches_the_questions():
    content = read_json(open_zip(build()), "content/content.json")
    assert content["title"] == "测验 ꆈꌠ"
    assert content["intro"] == "说明"
    assert content["passPercent"] == 50
    assert content["questions"] == [
        {
            "text": "ꆈꌠ 是什么文字？",
            "answers": [
                {"text": "彝文", "correct": True},
                {"text": "藏文", "correct": False},
            ],
            "feedback": "ꆈꌠ 即彝族的自称。",
        },
        {
            "text": "1 + 1 = ?",
            "answers": [
                {"text": "1", "correct": False},
                {"text": "2", "correct": True},
                {"text": "3", "correct": False},
            ],
        },
    ]
    assert content["l10n"] == DEFAULT_L10N
    assert {
        "check": "提交答案",
        "retry": "再做一次",
        "score": "得分：:score / :total",
        "passed": "通过！",
        "notPassed": "未通过，再试一次吧。",
        "selectOne": "请为每道题选择一个答案。",
    }.items() <= content["l10n"].items()


def test_output_is_byte_identical_across_builds():
    assert build() == build()
    assert build() != build(title="另一个测验")
    for quiz in DEMO_QUIZZES.values():
        assert build_quiz_package(**quiz) == build_quiz_package(**quiz)


def test_library_json_is_well_formed():
    archive = open_zip(build())
    library = read_json(archive, f"{LIBRARY_FOLDER}/library.json")
    assert library["title"] == "LMS Quiz"
    assert library["machineName"] == "H5P.LmsQuiz"
    assert (library["majorVersion"], library["minorVersion"]) == (1, 0)
    assert library["patchVersion"] == 0
    assert library["runnable"] == 1
    assert library["coreApi"] == {"majorVersion": 1, "minorVersion": 24}
    assert library["preloadedJs"] == [{"path": "lmsquiz.js"}]
    assert library["preloadedCss"] == [{"path": "lmsquiz.css"}]
    assert "preloadedDependencies" not in library
    names = set(archive.namelist())
    for entry in library["preloadedJs"] + library["preloadedCss"]:
        assert f"{LIBRARY_FOLDER}/{entry['path']}" in names


def test_library_files_are_copied_unchanged_and_small():
    archive = open_zip(build())
    total = 0
    for name in ("library.json", "lmsquiz.js", "lmsquiz.css"):
        data = archive.read(f"{LIBRARY_FOLDER}/{name}")
        assert data == (LIBRARY_DIR / name).read_bytes()
        total += len(data)
    assert total < 15 * 1024


def test_script_never_writes_params_as_html():
    script = (LIBRARY_DIR / "lmsquiz.js").read_text("utf-8")
    for unsafe in ("innerHTML", ".html(", "outerHTML", "insertAdjacentHTML", "eval("):
        assert unsafe not in script
    assert "H5P.LmsQuiz = " in script
    for method in ("getCurrentState", "getScore", "getMaxScore", "getXAPIData"):
        assert f"LmsQuiz.prototype.{method} = " in script


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"questions": []}, "at least one question"),
        ({"title": "  "}, "title"),
        ({"pass_percent": 101}, "pass_percent"),
        ({"pass_percent": True}, "pass_percent"),
        (
            {"questions": [{"text": "q", "answers": [{"text": "a", "correct": True}]}]},
            "at least two answers",
        ),
        (
            {
                "questions": [
                    {
                        "text": "q",
                        "answers": [
                            {"text": "a", "correct": True},
                            {"text": "b", "correct": True},
                        ],
                    }
                ]
            },
            "exactly one correct",
        ),
        (
            {
                "questions": [
                    {
                        "text": "q",
                        "answers": [
                            {"text": "a", "correct": False},
                            {"text": "b", "correct": "yes"},
                        ],
                    }
                ]
            },
            "correct: bool",
        ),
    ],
)
def test_bad_input_is_refused(overrides, message):
    with pytest.raises(ValueError, match=message):
        build(**overrides)


def test_demo_quizzes_have_one_correct_answer_per_question():
    assert 2 <= len(DEMO_QUIZZES) <= 3
    for slug, quiz in DEMO_QUIZZES.items():
        assert 3 <= len(quiz["questions"]) <= 4, slug
        for question in quiz["questions"]:
            correct = [a for a in question["answers"] if a["correct"] is True]
            assert len(correct) == 1, (slug, question["text"])
            assert len(question["answers"]) >= 2
        content = read_json(
            open_zip(build_quiz_package(**quiz)), "content/content.json"
        )
        assert len(content["questions"]) == len(quiz["questions"])


def test_demo_quizzes_belong_to_demo_courses():
    from courses.demo.catalog import COURSES

    slugs = {course[1] for course in COURSES}
    assert set(DEMO_QUIZZES) <= slugs
