// The backpropagation stepper of Chapter 2. book-tools' {{#stepper}} directive puts the data of
// the listing `stepper_data` (the chapter's code, at build time) into a <div class="bp-stepper">;
// this script draws the 2→2→1 network and walks through the steps. It computes nothing: every
// number it shows is one of the data's. Nothing is loaded or sent anywhere.
(function () {
  'use strict';

  // Where the parts of the network are drawn (SVG units), and their labels.
  var NODES = {
    x0: [80, 100, 'x[0]'], x1: [80, 300, 'x[1]'],
    h0: [320, 100, 'h[0]'], h1: [320, 300, 'h[1]'],
    o: [560, 200, 'out'], L: [705, 200, 'loss']
  };
  var EDGES = ['x0-h0', 'x1-h0', 'x0-h1', 'x1-h1', 'h0-o', 'h1-o', 'o-L'];
  // The label of each kind of value, and its vertical offset from its node or edge.
  var KINDS = {
    t: ['target', -56], a: ['a', -72], z: ['z', -56], b: ['b', -40], v: ['', -40],
    dLda: ['dL/da', 46], slope: ['a(1−a)', 62], delta: ['δ', 78], gradb: ['dL/db', 94],
    newa: ['new a', 110], w: ['w', -6], grad: ['dL/dw', 10], 'new': ['new w', 26]
  };
  var PHASES = {
    given: 'the network', forward: 'forward pass', loss: 'loss',
    backward: 'backward pass', update: 'update'
  };

  function escapeHtml(text) {
    return String(text).replace(/[&<>"]/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c];
    });
  }

  // The point where an edge's values are written: 60 % of the way for the input edges.
  function edgePoint(edge) {
    var ends = edge.split('-'), from = NODES[ends[0]], to = NODES[ends[1]];
    var t = ends[0].charAt(0) === 'x' ? 0.6 : 0.5;
    return [from[0] + t * (to[0] - from[0]), from[1] + t * (to[1] - from[1])];
  }

  function slotText(slot, value) {
    var dot = slot.lastIndexOf('.'), part = slot.slice(0, dot), kind = slot.slice(dot + 1);
    var label = kind === 'v' ? (part === 'L' ? 'L' : NODES[part][2]) : (KINDS[kind] || [kind])[0];
    return label + ' = ' + value;
  }

  function slotPosition(slot) {
    var dot = slot.lastIndexOf('.'), part = slot.slice(0, dot), kind = slot.slice(dot + 1);
    var offset = (KINDS[kind] || ['', 0])[1];
    var at = NODES[part] ? NODES[part] : edgePoint(part);
    return [at[0], at[1] + offset];
  }

  function diagram(slots) {
    var svg = '<svg class="bp-diagram" viewBox="0 0 760 400" role="img" ' +
      'aria-label="The 2-2-1 network of the hand-trace">';
    EDGES.forEach(function (edge) {
      var ends = edge.split('-'), a = NODES[ends[0]], b = NODES[ends[1]];
      svg += '<line class="bp-edge" data-part="' + edge + '" x1="' + a[0] + '" y1="' + a[1] +
        '" x2="' + b[0] + '" y2="' + b[1] + '"></line>';
    });
    Object.keys(NODES).forEach(function (name) {
      var n = NODES[name];
      svg += '<g class="bp-node" data-part="' + name + '"><circle cx="' + n[0] + '" cy="' + n[1] +
        '" r="30"></circle><text x="' + n[0] + '" y="' + (n[1] + 5) + '">' + n[2] + '</text></g>';
    });
    slots.forEach(function (slot) {
      var at = slotPosition(slot);
      svg += '<text class="bp-slot" data-slot="' + escapeHtml(slot) + '" x="' + at[0] + '" y="' +
        at[1] + '"></text>';
    });
    return svg + '</svg>';
  }

  // One unit in the last printed place of `value` (the data prints four decimals): rounding
  // the factors of a product can move the result by that much.
  function tolerance(value) {
    var point = value.indexOf('.');
    return point < 0 ? 0.5 : Math.pow(10, -(value.length - point - 1)) * 1.000001;
  }

  function parseGuess(text) {
    var cleaned = text.trim().replace(/\u2212/g, '-').replace(',', '.');
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cleaned)) {
      return NaN;
    }
    return parseFloat(cleaned);
  }

  function start(root) {
    var dataElement = root.querySelector('script.bp-stepper-data');
    var data;
    try {
      data = JSON.parse(dataElement.textContent);
    } catch (error) {
      root.textContent = 'The stepper could not read its data.';
      return;
    }
    var steps = data.steps || [], given = data.given || {};
    var slots = Object.keys(given).filter(function (key) { return key.indexOf('.') > 0; });
    steps.forEach(function (step) {
      if (slots.indexOf(step.slot) < 0) { slots.push(step.slot); }
    });
    var state = { index: -1, predict: false, revealed: {} };

    root.innerHTML =
      '<div class="bp-figure">' + diagram(slots) + '</div>' +
      '<div class="bp-panel" aria-live="polite">' +
      '<p class="bp-counter"></p><p class="bp-title"></p>' +
      '<p class="bp-formula"><code></code></p><p class="bp-numbers"><code></code></p>' +
      '<p class="bp-predict-row">Your value: <input type="text" inputmode="decimal" ' +
      'class="bp-guess" aria-label="Your value" size="10"> <button type="button" ' +
      'class="bp-check">Check</button> <button type="button" class="bp-reveal">Show</button></p>' +
      '<p class="bp-feedback" role="status"></p></div>' +
      '<div class="bp-controls"><button type="button" class="bp-back">← Back</button> ' +
      '<button type="button" class="bp-next">Next →</button> <label class="bp-mode">' +
      '<input type="checkbox" class="bp-predict"> Predict the value</label></div>';
    root.tabIndex = 0;
    var find = function (selector) { return root.querySelector(selector); };
    var guess = find('.bp-guess'), feedback = find('.bp-feedback');

    function shown(index) {
      return !state.predict || state.revealed[index];
    }

    function render() {
      var index = state.index, step = steps[index];
      root.setAttribute('data-step', String(index));
      var values = {};
      Object.keys(given).forEach(function (key) { values[key] = String(given[key]); });
      for (var i = 0; i <= index; i++) {
        if (shown(i)) { values[steps[i].slot] = steps[i].value; }
      }
      root.querySelectorAll('.bp-slot').forEach(function (text) {
        var slot = text.getAttribute('data-slot');
        text.textContent = values[slot] === undefined ? '' : slotText(slot, values[slot]);
        text.classList.toggle('bp-new', !!step && slot === step.slot);
      });
      var lit = step ? step.highlight.split(' ') : [];
      root.querySelectorAll('[data-part]').forEach(function (part) {
        part.classList.toggle('bp-on', lit.indexOf(part.getAttribute('data-part')) >= 0);
      });
      var revealed = step && shown(index);
      find('.bp-counter').textContent = step ?
        'Step ' + (index + 1) + ' of ' + steps.length + ' · ' + (PHASES[step.phase] || step.phase) :
        'Start · ' + steps.length + ' steps';
      find('.bp-title').textContent = step ? step.title :
        'The network before training: the input, the weights (on the edges), the biases b ' +
        'and the target. Press Next, or the → key.';
      find('.bp-formula code').textContent = step ? step.formula : '';
      var numbers = find('.bp-numbers code');
      numbers.innerHTML = step ? escapeHtml(step.name + ' = ' + step.numbers + ' = ') +
        '<span class="bp-result">' + (revealed ? escapeHtml(step.value) : '?') + '</span>' : '';
      find('.bp-predict-row').hidden = !(step && state.predict && !state.revealed[index]);
      find('.bp-back').disabled = index < 0;
      find('.bp-next').disabled = index >= steps.length - 1;
    }

    function move(by) {
      var index = Math.max(-1, Math.min(steps.length - 1, state.index + by));
      if (index === state.index) { return; }
      if (by > 0 && state.predict && state.index >= 0) {
        state.revealed[state.index] = true;
      }
      state.index = index;
      guess.value = '';
      feedback.textContent = '';
      feedback.removeAttribute('data-verdict');
      render();
    }

    function check() {
      var step = steps[state.index];
      if (!step) { return; }
      var value = parseFloat(step.value), typed = parseGuess(guess.value);
      if (isNaN(typed)) {
        feedback.setAttribute('data-verdict', 'invalid');
        feedback.textContent = 'Type a number, like 0.25 or -0.1.';
        return;
      }
      var off = typed - value;
      if (Math.abs(off) <= tolerance(step.value)) {
        feedback.setAttribute('data-verdict', 'right');
        feedback.textContent = 'Right: ' + step.name + ' = ' + step.value + '.';
        state.revealed[state.index] = true;
        render();
      } else {
        var relative = value !== 0 ? Math.abs(off / value) : Infinity;
        feedback.setAttribute('data-verdict', 'wrong');
        feedback.textContent = 'Not quite: ' + guess.value.trim() + ' is ' +
          (off > 0 ? 'too high' : 'too low') + ' by ' + Math.abs(off).toFixed(4) +
          (relative < 0.1 ? ' (close: within 10 %)' : '') +
          '. Try again, or press Show.';
      }
    }

    find('.bp-next').addEventListener('click', function () { move(1); });
    find('.bp-back').addEventListener('click', function () { move(-1); });
    find('.bp-check').addEventListener('click', check);
    find('.bp-reveal').addEventListener('click', function () {
      state.revealed[state.index] = true;
      feedback.setAttribute('data-verdict', 'shown');
      feedback.textContent = '';
      render();
    });
    find('.bp-predict').addEventListener('change', function (event) {
      state.predict = event.target.checked;
      state.revealed = {};
      feedback.textContent = '';
      render();
    });
    // The arrow keys step through the trace while the stepper has the focus (mdBook would
    // otherwise turn the page); keys typed into the answer box stay there.
    root.addEventListener('keydown', function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
      if (event.key === 'ArrowRight') {
        move(1);
      } else if (event.key === 'ArrowLeft') {
        move(-1);
      } else {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
    });
    guess.addEventListener('keydown', function (event) {
      event.stopPropagation();
      if (event.key === 'Enter') {
        event.preventDefault();
        check();
      }
    });
    render();
  }

  function startAll() {
    document.querySelectorAll('.bp-stepper').forEach(start);
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', startAll);
  } else {
    startAll();
  }
})();
