/*
 * H5P.LmsQuiz 1.0: a single-answer multiple-choice quiz with a Chinese UI.
 * Plain ES5 + H5P.jQuery. All text from params goes into the DOM through
 * .text()/attributes, never as HTML. Emits one top-level "answered" and one
 * "completed" xAPI statement per checked attempt.
 */
var H5P = H5P || {};

H5P.LmsQuiz = (function ($, EventDispatcher) {
  'use strict';

  var DEFAULT_L10N = {
    check: '提交答案',
    retry: '再做一次',
    score: '得分：:score / :total',
    passed: '通过！',
    notPassed: '未通过，再试一次吧。',
    selectOne: '请为每道题选择一个答案。',
    correct: '回答正确',
    wrong: '回答错误',
    correctAnswer: '正确答案',
    yourAnswer: '你的答案'
  };
  var ACTIVITY_TYPE = 'http://adlnet.gov/expapi/activities/assessment';
  var CATEGORY = 'http://h5p.org/libraries/H5P.LmsQuiz-1.0';
  var counter = 0;

  function str(value) {
    return value === undefined || value === null ? '' : String(value);
  }

  function normalise(params) {
    params = params || {};
    var questions = [];
    $.each($.isArray(params.questions) ? params.questions : [], function (i, q) {
      var answers = [];
      $.each(q && $.isArray(q.answers) ? q.answers : [], function (j, a) {
        answers.push({text: str(a && a.text), correct: !!(a && a.correct === true)});
      });
      if (answers.length) {
        questions.push({text: str(q.text), answers: answers, feedback: str(q.feedback)});
      }
    });
    var pass = parseInt(params.passPercent, 10);
    return {
      title: str(params.title),
      intro: str(params.intro),
      questions: questions,
      passPercent: isNaN(pass) ? 60 : Math.max(0, Math.min(100, pass)),
      l10n: $.extend({}, DEFAULT_L10N, params.l10n || {})
    };
  }

  function LmsQuiz(params, contentId, extras) {
    EventDispatcher.call(this);
    this.params = normalise(params);
    this.contentId = contentId;
    this.extras = extras || {};
    this.uid = 'h5p-lmsquiz-' + (++counter);
    this.selected = [];
    this.checked = false;
    for (var i = 0; i < this.params.questions.length; i++) {
      this.selected.push(-1);
    }
    this.restoreState(this.extras.previousState);
  }

  LmsQuiz.prototype = Object.create(EventDispatcher.prototype);
  LmsQuiz.prototype.constructor = LmsQuiz;

  /** Accepts {answers: [int|-1], checked: bool} (object or JSON string). */
  LmsQuiz.prototype.restoreState = function (state) {
    if (typeof state === 'string') {
      try { state = JSON.parse(state); } catch (e) { return; }
    }
    if (!state || !$.isArray(state.answers) ||
        state.answers.length !== this.params.questions.length) {
      return;
    }
    for (var i = 0; i < state.answers.length; i++) {
      var j = parseInt(state.answers[i], 10);
      var ok = !isNaN(j) && j >= 0 && j < this.params.questions[i].answers.length;
      this.selected[i] = ok ? j : -1;
    }
    this.checked = state.checked === true && this.allAnswered();
  };

  LmsQuiz.prototype.getCurrentState = function () {
    return {answers: this.selected.slice(), checked: this.checked};
  };

  LmsQuiz.prototype.allAnswered = function () {
    for (var i = 0; i < this.selected.length; i++) {
      if (this.selected[i] < 0) { return false; }
    }
    return true;
  };

  LmsQuiz.prototype.getAnswerGiven = function () {
    for (var i = 0; i < this.selected.length; i++) {
      if (this.selected[i] >= 0) { return true; }
    }
    return false;
  };

  LmsQuiz.prototype.getScore = function () {
    var score = 0;
    var qs = this.params.questions;
    for (var i = 0; i < qs.length; i++) {
      var j = this.selected[i];
      if (j >= 0 && qs[i].answers[j].correct) { score++; }
    }
    return score;
  };

  LmsQuiz.prototype.getMaxScore = function () {
    return this.params.questions.length;
  };

  LmsQuiz.prototype.isPassed = function () {
    var max = this.getMaxScore();
    return max > 0 && this.getScore() / max * 100 >= this.params.passPercent;
  };

  LmsQuiz.prototype.getTitle = function () {
    return this.params.title || 'LMS Quiz';
  };

  LmsQuiz.prototype.createStatement = function (verb) {
    var event = this.createXAPIEventTemplate(verb);
    var def = event.getVerifiedStatementValue(['object', 'definition']);
    if (def) {
      def.name = {'zh-CN': this.getTitle(), 'en-US': this.getTitle()};
      def.type = ACTIVITY_TYPE;
    }
    // h5p-standalone drops a minor version of 0 ("H5P.LmsQuiz-1.undefined").
    var ctx = event.data.statement.context;
    if (ctx && ctx.contextActivities) {
      ctx.contextActivities.category = [{id: CATEGORY, objectType: 'Activity'}];
    }
    event.setScoredResult(this.getScore(), this.getMaxScore(), this, true, this.isPassed());
    event.data.statement.result.response = this.selected.join('[,]');
    return event;
  };

  LmsQuiz.prototype.getXAPIData = function () {
    return {statement: this.createStatement('answered').data.statement};
  };

  LmsQuiz.prototype.attach = function ($container) {
    var self = this;
    var p = self.params;
    var l10n = p.l10n;
    self.$container = $container;
    $container.empty().addClass('h5p-lmsquiz');

    var $root = $('<div/>', {'class': 'h5p-lmsquiz-inner', lang: 'zh-CN'})
      .appendTo($container);
    if (p.title) {
      $('<h2/>', {'class': 'h5p-lmsquiz-title'}).text(p.title).appendTo($root);
    }
    if (p.intro) {
      $('<p/>', {'class': 'h5p-lmsquiz-intro'}).text(p.intro).appendTo($root);
    }

    self.$questions = [];
    $.each(p.questions, function (i, q) {
      var $fs = $('<fieldset/>', {'class': 'h5p-lmsquiz-q'}).appendTo($root);
      $('<legend/>', {'class': 'h5p-lmsquiz-qtext'})
        .append($('<span/>', {'class': 'h5p-lmsquiz-qnum'}).text((i + 1) + '. '))
        .append(document.createTextNode(q.text))
        .appendTo($fs);
      $.each(q.answers, function (j, a) {
        var id = self.uid + '-' + i + '-' + j;
        var $label = $('<label/>', {'class': 'h5p-lmsquiz-a', 'for': id}).appendTo($fs);
        $('<input/>', {type: 'radio', id: id, name: self.uid + '-' + i, value: j})
          .on('change', function () { self.select(i, j); })
          .appendTo($label);
        $('<span/>', {'class': 'h5p-lmsquiz-atext'}).text(a.text)
          .append($('<span/>', {'class': 'h5p-lmsquiz-amark'})).appendTo($label);
      });
      $('<div/>', {'class': 'h5p-lmsquiz-qfeedback'}).appendTo($fs);
      self.$questions.push($fs);
    });

    self.$message = $('<div/>', {
      'class': 'h5p-lmsquiz-message', role: 'status', 'aria-live': 'polite', tabindex: -1
    }).appendTo($root);
    var $buttons = $('<div/>', {'class': 'h5p-lmsquiz-buttons'}).appendTo($root);
    self.$check = $('<button/>', {type: 'button', 'class': 'h5p-lmsquiz-button'})
      .text(l10n.check).on('click', function () { self.check(); }).appendTo($buttons);
    self.$retry = $('<button/>', {type: 'button', 'class': 'h5p-lmsquiz-button'})
      .text(l10n.retry).on('click', function () { self.resetTask(true); })
      .appendTo($buttons);

    self.render();
  };

  LmsQuiz.prototype.select = function (i, j) {
    if (this.checked) { return; }
    if (this.activityStartTime === undefined) { this.activityStartTime = Date.now(); }
    this.selected[i] = j;
    this.render();
  };

  /** Syncs the DOM with the model; resize lets the H5P iframe grow/shrink. */
  LmsQuiz.prototype.render = function (message, isError) {
    var self = this;
    if (!self.$container) { return; }
    var l10n = self.params.l10n;
    $.each(self.params.questions, function (i, q) {
      var $fs = self.$questions[i];
      var right = self.selected[i] >= 0 && q.answers[self.selected[i]].correct;
      $fs.toggleClass('is-missing', !!isError && self.selected[i] < 0)
        .toggleClass('is-correct', self.checked && right)
        .toggleClass('is-wrong', self.checked && !right);
      $fs.find('label').each(function (j) {
        var $label = $(this);
        var chosen = self.selected[i] === j;
        $label.find('input').prop('checked', chosen).prop('disabled', self.checked);
        $label.toggleClass('is-selected', chosen)
          .toggleClass('is-right', self.checked && q.answers[j].correct)
          .toggleClass('is-wrong', self.checked && chosen && !q.answers[j].correct);
        var mark = !self.checked ? '' :
          q.answers[j].correct ? l10n.correctAnswer : chosen ? l10n.yourAnswer : '';
        $label.find('.h5p-lmsquiz-amark').text(mark ? '（' + mark + '）' : '');
      });
      var $fb = $fs.find('.h5p-lmsquiz-qfeedback').empty();
      if (self.checked) {
        $('<strong/>').text(right ? '✓ ' + l10n.correct : '✗ ' + l10n.wrong).appendTo($fb);
        if (q.feedback) {
          $('<span/>').text(' ' + q.feedback).appendTo($fb);
        }
      }
    });

    self.$message.empty().removeClass('is-error is-passed is-failed');
    if (self.checked) {
      var passed = self.isPassed();
      self.$message.addClass(passed ? 'is-passed' : 'is-failed');
      $('<strong/>').text(l10n.score.replace(':score', String(self.getScore()))
        .replace(':total', String(self.getMaxScore()))).appendTo(self.$message);
      $('<span/>').text(' ' + (passed ? l10n.passed : l10n.notPassed))
        .appendTo(self.$message);
    }
    else if (message) {
      self.$message.addClass(isError ? 'is-error' : '').text(message);
    }
    self.$check.toggle(!self.checked);
    self.$retry.toggle(self.checked);
    self.trigger('resize');
  };

  LmsQuiz.prototype.check = function () {
    if (this.checked) { return; }
    if (!this.allAnswered()) {
      this.render(this.params.l10n.selectOne, true);
      return;
    }
    this.checked = true;
    this.render();
    this.$message.focus();
    this.trigger(this.createStatement('answered'));
    this.trigger(this.createStatement('completed'));
  };

  /** Shows which answers are right without scoring or emitting xAPI. */
  LmsQuiz.prototype.showSolutions = function () {
    var self = this;
    if (!self.$container) { return; }
    var mark = '（' + self.params.l10n.correctAnswer + '）';
    $.each(self.params.questions, function (i, q) {
      self.$questions[i].find('label').each(function (j) {
        if (q.answers[j].correct) {
          $(this).addClass('is-right').find('.h5p-lmsquiz-amark').text(mark);
        }
      });
    });
    self.trigger('resize');
  };

  LmsQuiz.prototype.resetTask = function (focus) {
    this.checked = false;
    this.activityStartTime = undefined;
    for (var i = 0; i < this.selected.length; i++) { this.selected[i] = -1; }
    this.render();
    if (focus === true && this.$container) {
      this.$container.find('input').first().focus();
    }
  };

  return LmsQuiz;
})(H5P.jQuery, H5P.EventDispatcher);
