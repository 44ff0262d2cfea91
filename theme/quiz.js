// Grades the checkpoint questions that book-tools' {{#quiz}} directive puts into the pages.
// Each question carries its answer (data-answer: a choice's index, or a number from the
// chapter's facts); the explanation is revealed once the reader has answered. Which questions
// were answered right is kept in this browser's localStorage; nothing is sent anywhere.
(function () {
  'use strict';

  var STORE = 'backprop-book-quiz:';
  var LETTERS = 'ABCDEFGHIJ';

  function load(key) {
    try { return window.localStorage.getItem(STORE + key); } catch (error) { return null; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(STORE + key, value); } catch (error) { /* private mode */ }
  }

  // One unit in the last decimal place of the answer as printed (integers: exact).
  function tolerance(answer) {
    var point = answer.indexOf('.');
    return point < 0 ? 1e-9 : Math.pow(10, -(answer.length - point - 1)) * 1.000001;
  }

  function parseNumber(text) {
    var cleaned = text.trim().replace(/\u2212/g, '-').replace(',', '.');
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cleaned)) { return NaN; }
    return parseFloat(cleaned);
  }

  function setUp(quiz) {
    var name = quiz.getAttribute('data-quiz') || '';
    var questions = Array.prototype.slice.call(quiz.querySelectorAll('.quiz-question'));
    var progress = document.createElement('p');
    progress.className = 'quiz-progress';
    var title = quiz.querySelector('.quiz-title');
    quiz.insertBefore(progress, title ? title.nextSibling : quiz.firstChild);

    function updateProgress() {
      var right = questions.filter(function (q) {
        return load(q.getAttribute('data-key')) === 'right';
      }).length;
      progress.textContent = right + ' of ' + questions.length + ' answered right' +
        (right === questions.length ? ': well done.' : '.');
    }

    questions.forEach(function (question, number) {
      var key = question.getAttribute('data-key');
      var kind = question.getAttribute('data-kind');
      var answer = question.getAttribute('data-answer') || '';
      var details = question.querySelector('.quiz-explanation');
      var row = document.createElement('p');
      row.className = 'quiz-answer-row';
      var input = null;
      if (kind === 'choice') {
        var items = question.querySelectorAll('.quiz-choices li');
        Array.prototype.forEach.call(items, function (item, index) {
          var radio = document.createElement('input');
          radio.type = 'radio';
          radio.name = 'quiz-' + name + '-' + number;
          radio.value = String(index);
          radio.setAttribute('aria-label', 'Choice ' + LETTERS.charAt(index));
          item.insertBefore(radio, item.firstChild);
          item.classList.add('quiz-choice');
          item.addEventListener('click', function (event) {
            if (event.target.tagName !== 'A') { radio.checked = true; }
          });
        });
      } else {
        input = document.createElement('input');
        input.type = 'text';
        input.inputMode = 'decimal';
        input.className = 'quiz-input';
        input.setAttribute('aria-label', 'Your answer');
        input.size = 10;
        input.addEventListener('keydown', function (event) {
          event.stopPropagation();
          if (event.key === 'Enter') { event.preventDefault(); check(); }
        });
        row.appendChild(input);
        row.appendChild(document.createTextNode(' '));
      }
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'quiz-check';
      button.textContent = 'Check';
      row.appendChild(button);
      var feedback = document.createElement('span');
      feedback.className = 'quiz-feedback';
      feedback.setAttribute('role', 'status');
      row.appendChild(document.createTextNode(' '));
      row.appendChild(feedback);
      question.insertBefore(row, details);
      if (details) { details.hidden = true; }
      if (load(key) === 'right') {
        question.classList.add('quiz-done');
      }

      function verdict(right, text) {
        feedback.setAttribute('data-verdict', right ? 'right' : 'wrong');
        feedback.textContent = text;
        question.classList.toggle('quiz-right', right);
        question.classList.toggle('quiz-wrong', !right);
        if (details) {
          details.hidden = false;
          details.open = true;
        }
        if (right || load(key) !== 'right') { save(key, right ? 'right' : 'wrong'); }
        updateProgress();
      }

      function check() {
        if (kind === 'choice') {
          var picked = question.querySelector('input[type=radio]:checked');
          if (!picked) {
            feedback.setAttribute('data-verdict', 'invalid');
            feedback.textContent = 'Pick one of the answers first.';
            return;
          }
          var right = picked.value === answer;
          verdict(right, right ? 'Right.' : 'Not this one: ' +
            LETTERS.charAt(Number(picked.value)) + ' is wrong. Read why below.');
        } else {
          var typed = parseNumber(input.value), expected = parseFloat(answer);
          if (isNaN(typed)) {
            feedback.setAttribute('data-verdict', 'invalid');
            feedback.textContent = 'Type a number, like 0.25 or -0.1.';
            return;
          }
          var off = typed - expected;
          var ok = Math.abs(off) <= tolerance(answer);
          verdict(ok, ok ? 'Right.' : 'Not quite: ' + input.value.trim() + ' is ' +
            (off > 0 ? 'too high' : 'too low') + ' by ' + Number(Math.abs(off).toPrecision(3)) +
            '. Read why below.');
        }
      }
      button.addEventListener('click', check);
    });
    updateProgress();
  }

  function startAll() {
    document.querySelectorAll('.quiz').forEach(setUp);
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', startAll);
  } else {
    startAll();
  }
})();
