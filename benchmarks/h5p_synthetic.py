"""A synthetic H5P package shaped like h5p.org's MultiChoice 1.16 one, for
benchmarks/bench_reach.py: 7 libraries with 42 files, about 255 KB of JS and
CSS, one woff2 web font (about 72 KB) that a library's CSS loads by
@font-face, and a content image of about 20 KB.

The main library, H5P.BenchChoice 1.16, is a real, playable content type: a
single-answer multiple-choice question built on the package's own H5P.Question
1.5 (introduction, image, answers, feedback, buttons), H5P.JoubelUI 1.3
(buttons), H5P.Transition 1.0 and H5P.BenchCore 1.0 (text helpers), as h5p.org
content types are. Checking the answer triggers top-level xAPI "answered" and
"completed" statements with the score, as our H5P.LmsQuiz does. The rest of
each file is filler: ordinary JS functions and CSS rules with pseudo-random
identifiers, so the code compresses like real code (about 3-4 times with
gzip), not like repeated text. The font and image are pseudo-random bytes,
which do not compress, as real woff2 and PNG files do not (the font does not
decode either: the browser loads it for the answers' icons, as a file or
inlined in the aggregated CSS, and falls back to a system font).

Everything comes from fixed seeds: building twice gives identical bytes.

    data = build_package()   # bytes of the .h5p file
"""

import io
import json
import random
import struct
import zipfile
import zlib

MAIN_LIBRARY = "H5P.BenchChoice"
CHECK_BUTTON = "button.h5p-question-check-answer"
TITLE = "基准测试选择题"
FONT_BYTES = 72 * 1024
IMAGE_SIZE = (96, 70)  # RGB noise: about 20 KB as PNG
_ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = 0o100644 << 16

# machine name, major, minor, patch, dependencies (machine names).
LIBRARIES = [
    ("H5P.BenchChoice", 1, 16, 7, ["FontAwesome", "H5P.JoubelUI", "H5P.Question",
                                    "H5P.BenchCore"]),
    ("H5P.Question", 1, 5, 10, ["FontAwesome", "H5P.JoubelUI", "H5P.FontIcons"]),
    ("H5P.JoubelUI", 1, 3, 19, ["FontAwesome", "H5P.Transition", "H5P.FontIcons"]),
    ("FontAwesome", 4, 5, 4, []),
    ("H5P.Transition", 1, 0, 4, []),
    ("H5P.FontIcons", 1, 0, 6, []),
    ("H5P.BenchCore", 1, 0, 3, []),
]  # fmt: skip
VERSIONS = {name: (major, minor) for name, major, minor, _p, _d in LIBRARIES}

JOUBEL_PARTS = [
    "help-dialog", "message-dialog", "progress-circle", "simple-rounded-button",
    "speech-bubble", "throbber",
]  # fmt: skip
LANGUAGES = ["zh", "en", "de", "fr"]

# Real code -----------------------------------------------------------------

BENCH_CORE_JS = r"""var H5P = H5P || {};

/** Text helpers the bench content types share. */
H5P.BenchCore = (function () {
  'use strict';
  var counter = 0;

  function text(value) {
    return value === undefined || value === null ? '' : String(value);
  }

  function uid(prefix) {
    counter += 1;
    return text(prefix) + '-' + counter;
  }

  function format(template, values) {
    return text(template).replace(/:(\w+)/g, function (match, key) {
      var own = Object.prototype.hasOwnProperty.call(values, key);
      return own ? text(values[key]) : match;
    });
  }

  return {text: text, uid: uid, format: format, internal: {}};
})();
"""

TRANSITION_JS = r"""var H5P = H5P || {};

/** Calls back once a CSS transition on $element ends (or after timeout). */
H5P.Transition = (function () {
  'use strict';
  function onTransitionEnd($element, callback, timeout) {
    var done = false;
    function finish() {
      if (done) { return; }
      done = true;
      $element.off('transitionend.h5ptransition');
      callback();
    }
    $element.on('transitionend.h5ptransition', finish);
    setTimeout(finish, timeout || 1000);
  }
  return {onTransitionEnd: onTransitionEnd, internal: {}};
})();
"""

JOUBEL_UI_JS = r"""var H5P = H5P || {};

/** Buttons in the Joubel style that H5P.Question places. */
H5P.JoubelUI = (function ($) {
  'use strict';
  function createButton(params) {
    var options = $.extend({type: 'button', 'class': ''}, params);
    options['class'] = ('h5p-joubelui-button ' + options['class']).trim();
    return $('<button/>', options);
  }
  return {createButton: createButton, internal: {}};
})(H5P.jQuery);
"""

QUESTION_JS = r"""var H5P = H5P || {};

/**
 * The frame of a question content type: introduction, image, content,
 * feedback and buttons, laid out in this order once the subclass has
 * registered them in registerDomElements().
 */
H5P.Question = (function ($, EventDispatcher, JoubelUI) {
  'use strict';

  function Question(type) {
    EventDispatcher.call(this);
    this.questionType = type;
    this.sections = {};
    this.buttons = {};
    this.buttonOrder = [];
  }

  Question.prototype = Object.create(EventDispatcher.prototype);
  Question.prototype.constructor = Question;

  Question.prototype.setIntroduction = function (text) {
    this.sections.introduction = $('<div/>', {'class': 'h5p-question-introduction'})
      .text(text);
  };

  Question.prototype.setImage = function (url, alt) {
    this.sections.image = $('<div/>', {'class': 'h5p-question-image'})
      .append($('<img/>', {src: url, alt: alt || ''}));
  };

  Question.prototype.setContent = function ($content) {
    this.sections.content = $('<div/>', {'class': 'h5p-question-content'})
      .append($content);
  };

  Question.prototype.addButton = function (id, text, clicked) {
    var self = this;
    self.buttons[id] = JoubelUI.createButton({
      'class': 'h5p-question-' + id,
      text: text,
      click: function () { clicked.call(self); }
    });
    self.buttonOrder.push(id);
  };

  Question.prototype.showButton = function (id) {
    if (this.buttons[id]) { this.buttons[id].removeClass('h5p-question-hidden'); }
  };

  Question.prototype.hideButton = function (id) {
    if (this.buttons[id]) { this.buttons[id].addClass('h5p-question-hidden'); }
  };

  Question.prototype.setFeedback = function (text, score, maxScore) {
    var $feedback = this.sections.feedback.empty().addClass('h5p-question-visible');
    $('<div/>', {'class': 'h5p-question-feedback-text'}).text(text).appendTo($feedback);
    if (Question.ScorePoints && maxScore !== undefined) {
      new Question.ScorePoints().render(score, maxScore).appendTo($feedback);
    }
    this.trigger('resize');
  };

  Question.prototype.removeFeedback = function () {
    this.sections.feedback.empty().removeClass('h5p-question-visible');
  };

  Question.prototype.attach = function ($container) {
    var self = this;
    self.sections.feedback = $('<div/>', {
      'class': 'h5p-question-feedback', role: 'status', 'aria-live': 'polite'
    });
    if (self.registerDomElements) { self.registerDomElements(); }
    var $buttons = $('<div/>', {'class': 'h5p-question-buttons'});
    $.each(self.buttonOrder, function (i, id) { $buttons.append(self.buttons[id]); });
    $container.empty().addClass('h5p-question h5p-' + self.questionType);
    $.each(['introduction', 'image', 'content'], function (i, name) {
      if (self.sections[name]) { $container.append(self.sections[name]); }
    });
    $container.append(self.sections.feedback, $buttons);
    H5P.Transition.onTransitionEnd(self.sections.feedback, function () {
      self.trigger('resize');
    }, 150);
    self.trigger('resize');
  };

  return Question;
})(H5P.jQuery, H5P.EventDispatcher, H5P.JoubelUI);
"""

SCORE_POINTS_JS = r"""var H5P = H5P || {};

/** "2 / 3" with a star per point, as H5P.Question shows a score. */
H5P.Question.ScorePoints = (function ($) {
  'use strict';
  function ScorePoints() {}
  ScorePoints.prototype.render = function (score, maxScore) {
    var $points = $('<div/>', {'class': 'h5p-question-score-points'});
    for (var i = 0; i < maxScore; i++) {
      $('<span/>', {'class': 'h5p-question-point'})
        .toggleClass('is-scored', i < score)
        .appendTo($points);
    }
    return $points.append($('<span/>').text(' ' + score + ' / ' + maxScore));
  };
  return ScorePoints;
})(H5P.jQuery);
"""

EXPLAINER_JS = r"""var H5P = H5P || {};

/** A list of explanations shown under a question after it is checked. */
H5P.Question.Explainer = (function ($) {
  'use strict';
  function Explainer(title, items) {
    this.$element = $('<div/>', {'class': 'h5p-question-explainer'});
    $('<div/>', {'class': 'h5p-question-explainer-title'}).text(title)
      .appendTo(this.$element);
    var $list = $('<ul/>').appendTo(this.$element);
    $.each(items || [], function (i, item) { $('<li/>').text(item).appendTo($list); });
  }
  return Explainer;
})(H5P.jQuery);
"""

BENCH_CHOICE_JS = r"""var H5P = H5P || {};

/**
 * H5P.BenchChoice 1.16: a single-answer multiple-choice question on
 * H5P.Question. Emits one top-level "answered" and one "completed" xAPI
 * statement, with the score, each time the answer is checked.
 */
H5P.BenchChoice = (function ($, Question, Core) {
  'use strict';

  var L10N = {checkAnswer: '检查', retry: '重试', correct: '回答正确',
    wrong: '回答错误', selectOne: '请选择一个答案。'};

  function BenchChoice(params, contentId, extras) {
    Question.call(this, 'benchchoice');
    params = params || {};
    this.contentId = contentId;
    this.extras = extras || {};
    this.question = Core.text(params.question);
    var answers = $.isArray(params.answers) ? params.answers : [];
    this.answers = $.map(answers, function (a) {
      var tips = (a && a.tipsAndFeedback) || {};
      return {text: Core.text(a && a.text), correct: !!(a && a.correct === true),
        feedback: Core.text(tips.chosenFeedback)};
    });
    this.media = params.media || null;
    this.l10n = $.extend({}, L10N, params.l10n || {});
    this.selected = -1;
    this.checked = false;
    this.uid = Core.uid('h5p-benchchoice');
  }

  BenchChoice.prototype = Object.create(Question.prototype);
  BenchChoice.prototype.constructor = BenchChoice;

  BenchChoice.prototype.registerDomElements = function () {
    var self = this;
    self.setIntroduction(self.question);
    if (self.media && self.media.path) {
      self.setImage(H5P.getPath(self.media.path, self.contentId), self.media.alt);
    }
    var $list = $('<ul/>', {'class': 'h5p-benchchoice-answers', role: 'radiogroup'});
    self.$answers = $.map(self.answers, function (answer, i) {
      return $('<li/>', {'class': 'h5p-benchchoice-answer', role: 'radio',
        'aria-checked': 'false', tabindex: i === 0 ? 0 : -1})
        .text(answer.text)
        .on('click', function () { self.select(i); })
        .appendTo($list);
    });
    self.setContent($list);
    self.addButton('check-answer', self.l10n.checkAnswer, self.check);
    self.addButton('try-again', self.l10n.retry, self.resetTask);
    self.hideButton('try-again');
  };

  BenchChoice.prototype.select = function (i) {
    if (this.checked) { return; }
    this.selected = i;
    $.each(this.$answers, function (j, $answer) {
      $answer.toggleClass('h5p-selected', i === j)
        .attr('aria-checked', String(i === j));
    });
  };

  BenchChoice.prototype.getScore = function () {
    return this.selected >= 0 && this.answers[this.selected].correct ? 1 : 0;
  };

  BenchChoice.prototype.getMaxScore = function () { return 1; };

  BenchChoice.prototype.getAnswerGiven = function () { return this.selected >= 0; };

  BenchChoice.prototype.getTitle = function () {
    return (this.extras.metadata && this.extras.metadata.title) || 'Bench choice';
  };

  BenchChoice.prototype.statement = function (verb) {
    var event = this.createXAPIEventTemplate(verb);
    var definition = event.getVerifiedStatementValue(['object', 'definition']);
    if (definition) {
      definition.name = {'zh-CN': this.getTitle()};
      definition.interactionType = 'choice';
      definition.type = 'http://adlnet.gov/expapi/activities/cmi.interaction';
    }
    event.setScoredResult(this.getScore(), this.getMaxScore(), this, true,
      this.getScore() === this.getMaxScore());
    event.data.statement.result.response = String(this.selected);
    return event;
  };

  BenchChoice.prototype.getXAPIData = function () {
    return {statement: this.statement('answered').data.statement};
  };

  BenchChoice.prototype.check = function () {
    if (this.checked) { return; }
    if (this.selected < 0) {
      this.setFeedback(this.l10n.selectOne);
      return;
    }
    this.checked = true;
    var answer = this.answers[this.selected];
    var text = (answer.correct ? this.l10n.correct : this.l10n.wrong) +
      (answer.feedback ? ' ' + answer.feedback : '');
    this.setFeedback(text, this.getScore(), this.getMaxScore());
    this.hideButton('check-answer');
    this.showButton('try-again');
    this.trigger(this.statement('answered'));
    this.trigger(this.statement('completed'));
  };

  BenchChoice.prototype.showSolutions = function () {
    var self = this;
    $.each(self.$answers, function (i, $answer) {
      $answer.toggleClass('h5p-correct', self.answers[i].correct);
    });
  };

  BenchChoice.prototype.resetTask = function () {
    this.checked = false;
    this.select(-1);
    this.removeFeedback();
    this.showButton('check-answer');
    this.hideButton('try-again');
  };

  return BenchChoice;
})(H5P.jQuery, H5P.Question, H5P.BenchCore);
"""

QUESTION_CSS = """.h5p-question{position:relative;padding:0.75em 1em 1em;font-size:1em}
.h5p-question-introduction{font-weight:600;margin:0 0 0.75em;line-height:1.5}
.h5p-question-image img{display:block;max-width:100%;height:auto;margin:0 0 0.75em}
.h5p-question-feedback{display:none;margin:0.75em 0;line-height:1.4}
.h5p-question-feedback.h5p-question-visible{display:block}
.h5p-question-buttons{margin-top:0.75em}
.h5p-question-hidden{display:none!important}
.h5p-question-point{display:inline-block;width:0.8em;height:0.8em;margin-right:0.2em;
border-radius:50%;background:#ccc}
.h5p-question-point.is-scored{background:#1a7f37}
"""

JOUBEL_UI_CSS = """.h5p-joubelui-button{font-size:1em;line-height:1.2;
padding:0.6em 1.2em;border:0;border-radius:2em;background:#1a73e8;color:#fff;
cursor:pointer;margin:0 0.5em 0.5em 0}
.h5p-joubelui-button:focus{outline:2px solid #174ea6;outline-offset:2px}
"""

BENCH_CHOICE_CSS = """.h5p-benchchoice-answers{list-style:none;margin:0;padding:0}
.h5p-benchchoice-answer{position:relative;padding:0.6em 0.6em 0.6em 2.2em;
margin:0 0 0.4em;border:1px solid #d0d7de;border-radius:0.3em;cursor:pointer;
line-height:1.4}
.h5p-benchchoice-answer:before{position:absolute;left:0.6em;font-family:'H5PFontAwesome4';
content:"\\f10c"}
.h5p-benchchoice-answer.h5p-selected{border-color:#1a73e8;background:#e8f0fe}
.h5p-benchchoice-answer.h5p-selected:before{content:"\\f192"}
.h5p-benchchoice-answer.h5p-correct{border-color:#1a7f37}
"""

FONT_AWESOME_CSS = """@font-face{font-family:'H5PFontAwesome4';
src:url('fontawesome-webfont.woff2') format('woff2');font-weight:normal;
font-style:normal;font-display:swap}
"""

# Filler ----------------------------------------------------------------------

_SYLLABLES = (
    "ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo ga ge gi go ha he hi "
    "ho ja je jo ka ke ki ko la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi "
    "po ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo wa we xa ya ze zo "
    "an en in on un ar er ir or st tr pl cr gr fl br nd nt ck sh ch th"
).split()
_KEYWORDS = [
    "length", "push", "call", "apply", "indexOf", "slice", "join", "forEach",
    "addClass", "removeClass", "attr", "css", "append", "find", "on", "off",
    "trigger", "width", "height", "each", "data", "text", "html", "focus",
]  # fmt: skip
_JS_TYPES = ["number", "string", "boolean", "Object", "Array", "H5P.jQuery", "Function"]
_CSS_PROPERTIES = [
    ("display", ["block", "inline-block", "flex", "none", "inline-flex"]),
    ("position", ["relative", "absolute", "static"]),
    ("margin", None), ("padding", None), ("width", None), ("height", None),
    ("font-size", None), ("line-height", None), ("border-radius", None),
    ("top", None), ("left", None), ("right", None), ("opacity", None),
    ("color", "colour"), ("background-color", "colour"), ("border-color", "colour"),
    ("text-align", ["left", "center", "right"]), ("cursor", ["pointer", "default"]),
    ("z-index", None), ("transition", "transition"),
]  # fmt: skip


class _Filler:
    """Pseudo-random code in the style of one library, from its own seed."""

    def __init__(self, seed: str):
        self.rng = random.Random(seed)
        self.words = [self._word() for _ in range(220)]

    def _word(self) -> str:
        return "".join(
            self.rng.choice(_SYLLABLES) for _ in range(self.rng.randint(2, 4))
        )

    def word(self) -> str:
        # Some names come back often, as in real code.
        index = int(len(self.words) * self.rng.random() ** 2.2)
        return self.words[index]

    def name(self) -> str:
        first = self.word()
        rest = "".join(
            w.capitalize() for w in (self.word() for _ in range(self.rng.randint(0, 2)))
        )
        return first + rest

    def number(self) -> str:
        kind = self.rng.random()
        if kind < 0.4:
            return str(self.rng.randint(0, 9))
        if kind < 0.8:
            return str(self.rng.randint(10, 9999))
        return f"{self.rng.random() * 100:.{self.rng.randint(1, 3)}f}"

    def sentence(self) -> str:
        words = [self.word() for _ in range(self.rng.randint(4, 11))]
        return " ".join(words).capitalize()

    def js_function(self, namespace: str) -> str:
        r, n = self.rng, self.name
        a, b, c, d = n(), n(), n(), n()
        body = r.choice([
            f"    var {c} = {a}.{n()} || {self.number()};\n"
            f"    if ({c} > {self.number()} && {b}.{n()}) {{\n"
            f"      {b}.{r.choice(_KEYWORDS)}({c}, '{self.word()}-{self.word()}');\n"
            f"    }}\n"
            f"    for (var i = 0; i < {a}.length; i++) {{\n"
            f"      {c} += {a}[i].{n()} * {self.number()};\n"
            f"    }}\n"
            f"    return {c};\n",
            f"    var {c} = [];\n"
            f"    $.each({a}, function (index, {d}) {{\n"
            f"      if ({d}.{n()} !== {b}) {{\n"
            f"        {c}.push({{{n()}: {d}.{n()}, {n()}: index + {self.number()}}});\n"
            f"      }}\n"
            f"    }});\n"
            f"    return {c}.length ? {c} : null;\n",
            f"    if (!{a}) {{\n"
            f"      throw new Error('{self.sentence()}');\n"
            f"    }}\n"
            f"    var {c} = $('<div/>', "
            f"{{'class': 'h5p-{self.word()}-{self.word()}'}});\n"
            f"    {c}.{r.choice(_KEYWORDS)}({b} ? '{self.word()}' : '{self.word()}');\n"
            f"    {a}.{n()} = {c};\n"
            f"    return this;\n",
            f"    var {c} = typeof {a} === '{r.choice(_JS_TYPES[:3])}' ? {a} : "
            f"{b}.{n()}({a});\n"
            f"    switch ({c}) {{\n"
            f"      case {self.number()}:\n"
            f"        return '{self.word()}';\n"
            f"      case {self.number()}:\n"
            f"        return {b}.{n()}({c} - {self.number()});\n"
            f"      default:\n"
            f"        return {namespace}.{n()}({c}, {b});\n"
            f"    }}\n",
            f"    var self = this;\n"
            f"    {a}.on('{self.word()}', function (event) {{\n"
            f"      self.{n()} = event.{n()} || {self.number()};\n"
            f"      self.trigger('{self.word()}', {{{n()}: {b}}});\n"
            f"    }});\n"
            f"    setTimeout(function () {{ self.{n()}({a}); }}, {self.number()});\n",
        ])  # fmt: skip
        return (
            f"  /**\n   * {self.sentence()}.\n"
            f"   * @param {{{r.choice(_JS_TYPES)}}} {a}\n"
            f"   * @param {{{r.choice(_JS_TYPES)}}} {b}\n   */\n"
            f"  {namespace}.{n()} = function ({a}, {b}) {{\n{body}  }};\n\n"
        )

    def js(self, namespace: str, size: int, code: str = "") -> str:
        head = f"{code}\n(function ($, ns) {{\n  'use strict';\n\n"
        tail = f"}})(H5P.jQuery, {namespace} = {namespace} || {{}});\n"
        parts, total = [head], len(head) + len(tail)
        while total < size:
            part = self.js_function("ns")
            parts.append(part)
            total += len(part.encode())
        return "".join(parts) + tail

    def css_value(self, kind) -> str:
        r = self.rng
        if isinstance(kind, list):
            return r.choice(kind)
        if kind == "colour":
            return f"#{r.randrange(0x1000000):06x}"
        if kind == "transition":
            return f"{r.choice(['opacity', 'transform', 'all'])} {r.randint(1, 9)}00ms"
        unit = r.choice(["em", "px", "%", "rem", ""])
        return f"{self.number()}{unit}"

    def css_rule(self, prefix: str, minified: bool) -> str:
        r = self.rng
        selector = f".{prefix}-{self.word()}-{self.word()}"
        if r.random() < 0.5:
            selector += r.choice([" ", ">", ":hover ", ".is-"]) + f"{self.word()}"
        props = [
            f"{name}:{self.css_value(kind)}"
            for name, kind in r.sample(_CSS_PROPERTIES, r.randint(2, 6))
        ]
        if minified:
            return selector + "{" + ";".join(props) + "}"
        return selector + " {\n" + "".join(f"  {p};\n" for p in props) + "}\n"

    def icon_rule(self) -> str:
        code = f"{self.rng.randrange(0x1000):03x}"
        return f'.fa-{self.word()}-{self.word()}:before{{content:"\\f{code}"}}'

    def css(self, prefix: str, size: int, code: str = "", *, minified=False,
            icons=False) -> str:  # fmt: skip
        parts, total = [code], len(code.encode())
        while total < size:
            if icons and self.rng.random() < 0.6:
                part = self.icon_rule()
            else:
                part = self.css_rule(prefix, minified)
            parts.append(part)
            total += len(part.encode())
        return "".join(parts) + "\n"


def _noise(seed: str, size: int) -> bytes:
    return random.Random(seed).randbytes(size)


def font_bytes() -> bytes:
    """A woff2-looking file: the signature and a header, then noise."""
    header = b"wOF2" + b"\x00\x01\x00\x00" + struct.pack(">I", FONT_BYTES)
    return header + _noise("bench-font", FONT_BYTES - len(header))


def image_bytes() -> bytes:
    """An RGB PNG of noise, which no compression shrinks."""
    width, height = IMAGE_SIZE
    rng = random.Random("bench-image")
    rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


# The package -------------------------------------------------------------------


def _folder(name: str) -> str:
    major, minor = VERSIONS[name]
    return f"{name}-{major}.{minor}"


def _ref(name: str) -> dict:
    major, minor = VERSIONS[name]
    return {"machineName": name, "majorVersion": major, "minorVersion": minor}


def _library_json(name, major, minor, patch, dependencies, js, css) -> dict:
    data = {
        "title": name.replace("H5P.", "") + " (bench)",
        "machineName": name,
        "majorVersion": major,
        "minorVersion": minor,
        "patchVersion": patch,
        "runnable": 1 if name == MAIN_LIBRARY else 0,
        "license": "MIT",
        "author": "Teacher-training LMS benchmark",
        "coreApi": {"majorVersion": 1, "minorVersion": 24},
        "preloadedJs": [{"path": path} for path in js],
        "preloadedCss": [{"path": path} for path in css],
    }
    if name == MAIN_LIBRARY:
        data["embedTypes"] = ["iframe"]
    if dependencies:
        data["preloadedDependencies"] = [_ref(d) for d in dependencies]
    return data


def _language(filler: _Filler, language: str) -> dict:
    fields = [
        {"label": filler.sentence(), "description": filler.sentence()}
        for _ in range(12)
    ]
    return {"semantics": fields, "language": language}


ICON_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 90 90">'
    '<circle cx="45" cy="45" r="40" fill="#1a73e8"/></svg>\n'
)


# (library, kind, path, size in bytes, real code): kind "js" and "css" are
# preloaded, in this order; filler makes up the size.
FILES = [
    ("H5P.BenchCore", "js", "scripts/core.js", 18_000, BENCH_CORE_JS),
    ("H5P.Transition", "js", "transition.js", 3_000, TRANSITION_JS),
    ("H5P.FontIcons", "icons", "styles/h5p-font-icons.css", 6_000, ""),
    ("FontAwesome", "icons", "h5p-font-awesome.min.css", 28_000, FONT_AWESOME_CSS),
    ("H5P.JoubelUI", "js", "js/joubel-ui.js", 8_000, JOUBEL_UI_JS),
    *[("H5P.JoubelUI", "js", f"js/joubel-{p}.js", 6_700, "") for p in JOUBEL_PARTS],
    ("H5P.JoubelUI", "css", "css/joubel-ui.css", 3_000, JOUBEL_UI_CSS),
    *[("H5P.JoubelUI", "css", f"css/joubel-{p}.css", 2_850, "") for p in JOUBEL_PARTS],
    ("H5P.Question", "js", "scripts/question.js", 52_000, QUESTION_JS),
    ("H5P.Question", "js", "scripts/explainer.js", 5_000, EXPLAINER_JS),
    ("H5P.Question", "js", "scripts/score-points.js", 4_000, SCORE_POINTS_JS),
    ("H5P.Question", "css", "styles/question.css", 16_000, QUESTION_CSS),
    ("H5P.Question", "css", "styles/explainer.css", 3_000, ""),
    ("H5P.BenchChoice", "js", "js/benchchoice.js", 42_000, BENCH_CHOICE_JS),
    ("H5P.BenchChoice", "css", "css/benchchoice.css", 9_000, BENCH_CHOICE_CSS),
]


def library_files() -> dict[str, dict[str, str | bytes]]:
    """Each library's files (path inside its folder -> contents), without
    library.json, and which of them are preloaded JS and CSS, in order."""
    files: dict[str, dict[str, str | bytes]] = {}
    fillers: dict[str, _Filler] = {}
    for library, kind, path, size, code in FILES:
        filler = fillers.setdefault(library, _Filler(library))
        if kind == "js":
            content = filler.js(f"{library}.internal", size, code)
        else:
            prefix = library.lower().replace(".", "-")
            content = filler.css(
                prefix, size, code, minified=kind == "icons", icons=kind == "icons"
            )
        files.setdefault(library, {})[path] = content
    files["FontAwesome"]["fontawesome-webfont.woff2"] = font_bytes()
    question, choice = fillers["H5P.Question"], fillers["H5P.BenchChoice"]
    for language in LANGUAGES[:2]:
        files["H5P.Question"][f"language/{language}.json"] = _language(
            question, language
        )
    extra = files["H5P.BenchChoice"]
    extra["upgrades.js"] = choice.js("H5P.BenchChoice.upgrades", 1_000)
    extra["semantics.json"] = _language(choice, "en")["semantics"]
    extra["icon.svg"] = ICON_SVG
    for language in LANGUAGES:
        extra[f"language/{language}.json"] = _language(choice, language)
    return files


def preloaded(library: str) -> tuple[list[str], list[str]]:
    """The preloadedJs and preloadedCss paths of a library."""
    rows = [(kind, path) for lib, kind, path, *_rest in FILES if lib == library]
    return (
        [path for kind, path in rows if kind == "js"],
        [path for kind, path in rows if kind != "js"],
    )


def content_json() -> dict:
    return {
        "question": "乡村小学开展“同课异构”教研活动时，"
        "下面哪一种做法最能帮助教师改进课堂？",
        "answers": [
            {"text": "两位教师上同一课题，课后对照学生的反应一起研讨", "correct": True,
             "tipsAndFeedback": {"chosenFeedback": "对照两种设计，改进才有依据。"}},
            {"text": "只看教案写得是否工整", "correct": False,
             "tipsAndFeedback": {"chosenFeedback": "教案只是起点，要看课堂上的学生。"}},
            {"text": "每人各上不同的课题，互不听课", "correct": False,
             "tipsAndFeedback": {"chosenFeedback": "互不听课就无从比较。"}},
            {"text": "请学生课后打分，分数低的教师不再上课", "correct": False,
             "tipsAndFeedback": {"chosenFeedback": "教研是为了共同提高，不是淘汰。"}},
        ],
        "media": {"path": "images/question-bench.png", "alt": "课堂照片（示意）",
                  "width": IMAGE_SIZE[0], "height": IMAGE_SIZE[1]},
        "l10n": {"checkAnswer": "检查", "retry": "重试", "correct": "回答正确",
                 "wrong": "回答错误", "selectOne": "请选择一个答案。"},
    }  # fmt: skip


def h5p_json() -> dict:
    return {
        "title": TITLE,
        "language": "zh",
        "mainLibrary": MAIN_LIBRARY,
        "embedTypes": ["iframe"],
        "license": "U",
        "preloadedDependencies": [_ref(name) for name, *_rest in LIBRARIES],
    }


def _json_bytes(data) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def package_entries() -> dict[str, bytes]:
    """Every file of the package by its path in the zip."""
    files = library_files()
    entries = {
        "h5p.json": _json_bytes(h5p_json()),
        "content/content.json": _json_bytes(content_json()),
        "content/images/question-bench.png": image_bytes(),
    }
    for name, major, minor, patch, dependencies in LIBRARIES:
        js, css = preloaded(name)
        meta = _library_json(name, major, minor, patch, dependencies, js, css)
        folder = _folder(name)
        entries[f"{folder}/library.json"] = _json_bytes(meta)
        for path, content in files.get(name, {}).items():
            if isinstance(content, dict | list):
                content = json.dumps(content, ensure_ascii=False, indent=2)
            data = content.encode("utf-8") if isinstance(content, str) else content
            entries[f"{folder}/{path}"] = data
    return entries


def build_package() -> bytes:
    """The bytes of the .h5p file (deterministic)."""
    entries = package_entries()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = _FILE_MODE
            info.create_system = 3
            archive.writestr(info, entries[name], compresslevel=9)
    return buffer.getvalue()


def shape() -> dict:
    """What the package holds, in the figures the issue names."""
    import gzip

    entries = package_entries()
    libraries = {
        n: e for n, e in entries.items() if not n.startswith(("content/", "h5p."))
    }
    code = b"".join(d for n, d in libraries.items() if n.endswith((".js", ".css")))
    return {
        "libraries": len({n.split("/", 1)[0] for n in libraries}),
        "library_files": len(libraries),
        "js_css_bytes": len(code),
        "js_css_gzip_ratio": round(len(code) / len(gzip.compress(code, 6)), 2),
        "font_bytes": sum(len(d) for n, d in libraries.items() if n.endswith(".woff2")),
        "image_bytes": len(entries["content/images/question-bench.png"]),
    }


if __name__ == "__main__":
    print(json.dumps(shape()))
