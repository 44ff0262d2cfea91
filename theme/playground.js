// The Chapter 3 playground: runs the chapter's own Rust training code (the `playground` crate,
// compiled to WebAssembly by `cargo book build`) and draws its loss curve and decision
// boundary as it trains. Plain JavaScript, no library, nothing loaded from the network.
//
// The page holds `<div id="training-playground" hidden>`; this script runs on every page but does
// nothing without it. It loads playground/playground-wasm.js (the module in base64: a book
// opened from a folder may run scripts but not fetch files), instantiates the module and shows
// the controls. Without JavaScript, or when the module was not built, the playground stays
// hidden and the chapter's static figures are what the reader sees.
//
// The module's exports (chapters-code/playground/src/exports.rs) take numbers and answer JSON
// text in its memory: playground_defaults(), playground_start(data, learningRate, hidden,
// batchSize, shuffled, epochs, seed), playground_run(epochs, cells), playground_output().
(() => {
  'use strict';
  const root = document.getElementById('training-playground');
  if (!root) {
    return;
  }
  const DATA_CODES = { xor: 0, noisy: 1, missing: 2 };
  const CELLS = 48;
  const FRAME_MS = 12;
  const FONT = '13px sans-serif';
  // The chapter's colours: blue for output 0, white for 0.5, orange for 1.
  const LOW = [0, 114, 178];
  const MID = [247, 247, 247];
  const HIGH = [213, 94, 0];

  const $ = (selector) => root.querySelector(selector);
  const control = (name) => root.querySelector(`[name="${name}"]`);
  const errorBox = $('.playground-error');
  const status = $('.playground-status');
  let api = null;
  let defaults = null;
  let run = 0;
  let losses = [];
  let points = [];
  let extent = [0, 1];
  let planned = 1;

  function setState(state) {
    root.dataset.state = state;
  }

  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = false;
    setState('error');
  }

  // Every failure ends here, shown in the page: never an uncaught exception.
  function fail(error) {
    showError(`The playground stopped unexpectedly: ${error && error.message ? error.message : error}`);
  }

  function decodeBase64(text) {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes;
  }

  async function instantiate(base64) {
    const module = await WebAssembly.compile(decodeBase64(base64));
    // The chapter crates link wasm-bindgen's (unused) web bindings through plotters; their
    // imports are never called, and would say so if they were.
    const imports = {};
    for (const wanted of WebAssembly.Module.imports(module)) {
      imports[wanted.module] = imports[wanted.module] || {};
      imports[wanted.module][wanted.name] = () => {
        throw new Error(`the module called ${wanted.module}.${wanted.name}, which the book does not provide`);
      };
    }
    const instance = await WebAssembly.instantiate(module, imports);
    const exports = instance.exports;
    const decoder = new TextDecoder();
    return (name, ...args) => {
      const length = exports[name](...args);
      const bytes = new Uint8Array(exports.memory.buffer, exports.playground_output(), length);
      return JSON.parse(decoder.decode(bytes));
    };
  }

  // ---- controls --------------------------------------------------------------------------

  function setLimits() {
    const limits = defaults.limits;
    const lr = control('learningRate');
    lr.min = limits.learningRate[0];
    lr.max = limits.learningRate[1];
    const slider = control('learningRateSlider');
    slider.min = Math.log10(limits.learningRate[0]);
    slider.max = 2;
    slider.step = 0.05;
    for (const name of ['hidden', 'epochs', 'seed']) {
      control(name).min = limits[name][0];
      control(name).max = limits[name][1];
    }
  }

  function showSettings(settings) {
    control('data').value = settings.data;
    control('learningRate').value = settings.learningRate;
    control('learningRateSlider').value = Math.log10(settings.learningRate);
    control('hidden').value = settings.hidden;
    $('.playground-hidden-value').textContent = settings.hidden;
    control('shuffled').value = settings.shuffled ? '1' : '0';
    const batch = control('batchSize');
    const [low, high] = defaults.limits.batchSize[settings.data === 'noisy' ? 'noisy' : 'xor'];
    batch.min = low;
    batch.max = high;
    batch.value = settings.batchSize;
    batch.disabled = !settings.shuffled;
    control('epochs').value = settings.epochs;
    control('seed').value = settings.seed;
  }

  function chapterSettings(data) {
    const settings = { ...(data === 'noisy' ? defaults.noisy : defaults.xor) };
    settings.data = data;
    return settings;
  }

  function readNumber(name) {
    const value = Number(control(name).value);
    return Number.isFinite(value) ? value : 0;
  }

  // Whole numbers for the u32 arguments (the module clamps them into range again).
  function whole(value, low, high) {
    return Math.min(Math.max(Math.round(value), low), high);
  }

  // ---- training ---------------------------------------------------------------------------

  function start() {
    run += 1;
    errorBox.hidden = true;
    errorBox.textContent = '';
    const limits = defaults.limits;
    const lr = Number(control('learningRate').value);
    const answer = api(
      'playground_start',
      DATA_CODES[control('data').value] ?? 0,
      Number.isFinite(lr) && lr > 0 ? lr : limits.learningRate[0],
      whole(readNumber('hidden'), 1, limits.hidden[1]),
      whole(readNumber('batchSize'), 1, 0xffffffff),
      control('shuffled').value === '1' ? 1 : 0,
      whole(readNumber('epochs'), 1, limits.epochs[1]),
      whole(readNumber('seed'), 0, limits.seed[1]),
    );
    if (answer.error) {
      showError(answer.error);
      return;
    }
    showSettings(answer.settings);
    points = answer.points;
    extent = answer.extent;
    planned = answer.settings.epochs;
    losses = [];
    delete root.dataset.finalLoss;
    setState('training');
    const id = run;
    let chunk = 4;
    const step = () => {
      if (id !== run) {
        return;
      }
      try {
        const began = performance.now();
        const progress = api('playground_run', chunk, CELLS);
        const took = performance.now() - began;
        chunk = Math.max(1, Math.min(1000, Math.round(chunk * FRAME_MS / Math.max(took, 0.5))));
        losses.push(...progress.losses.map((loss) => (loss === null ? NaN : loss)));
        drawLoss();
        drawBoundary(progress.grid, progress.cells);
        if (progress.error) {
          status.textContent = `Stopped after ${progress.epoch} of ${progress.epochs} epochs.`;
          showError(`Training stopped: ${progress.error}`);
        } else if (progress.done) {
          status.textContent = '';
          const final = document.createElement('output');
          final.className = 'playground-final';
          final.textContent = progress.finalText;
          status.append(`Done: after ${progress.epoch} epochs the loss over the data is `, final, '.');
          root.dataset.finalLoss = progress.finalText;
          setState('done');
        } else {
          status.textContent = `Epoch ${progress.epoch} of ${progress.epochs}: loss ${losses[losses.length - 1].toFixed(4)}`;
          setTimeout(step, 0);
        }
      } catch (error) {
        fail(error);
      }
    };
    step();
  }

  let pending = null;
  function restartSoon() {
    run += 1; // the run in progress stops at its next step
    setState('pending');
    clearTimeout(pending);
    pending = setTimeout(() => {
      try {
        start();
      } catch (error) {
        fail(error);
      }
    }, 120);
  }

  // ---- drawing ----------------------------------------------------------------------------

  // A canvas sized for its displayed width and the screen's pixel density.
  function prepare(canvas, aspect) {
    const width = Math.max(canvas.clientWidth, 200);
    const height = Math.round(width * aspect);
    const scale = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * scale)) {
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
    }
    const context = canvas.getContext('2d');
    context.setTransform(scale, 0, 0, scale, 0, 0);
    context.clearRect(0, 0, width, height);
    context.fillStyle = 'white';
    context.fillRect(0, 0, width, height);
    context.font = FONT;
    context.fillStyle = '#222';
    context.strokeStyle = '#222';
    return { context, width, height };
  }

  function drawLoss() {
    const canvas = $('.playground-loss');
    const { context: c, width, height } = prepare(canvas, 0.7);
    const left = 52;
    const right = width - 12;
    const top = 12;
    const bottom = height - 40;
    const finite = losses.filter((loss) => loss > 0 && Number.isFinite(loss));
    let low = -4;
    let high = 0;
    if (finite.length > 0) {
      low = Math.floor(Math.log10(Math.min(...finite)));
      high = Math.ceil(Math.log10(Math.max(...finite)));
      if (high <= low) {
        high = low + 1;
      }
    }
    const x = (epoch) => left + ((epoch - 1) / Math.max(planned - 1, 1)) * (right - left);
    const y = (loss) => bottom - ((Math.log10(loss) - low) / (high - low)) * (bottom - top);
    c.lineWidth = 1;
    c.strokeRect(left, top, right - left, bottom - top);
    c.textAlign = 'right';
    c.textBaseline = 'middle';
    const every = Math.ceil((high - low) / 6);
    for (let power = low; power <= high; power += every) {
      const at = y(10 ** power);
      c.fillText(power >= 0 ? String(10 ** power) : `1e${power}`, left - 6, at);
      c.globalAlpha = 0.15;
      c.beginPath();
      c.moveTo(left, at);
      c.lineTo(right, at);
      c.stroke();
      c.globalAlpha = 1;
    }
    c.textAlign = 'center';
    c.textBaseline = 'top';
    for (const epoch of [1, Math.round(planned / 2), planned]) {
      if (epoch >= 1) {
        c.fillText(String(epoch), x(epoch), bottom + 6);
      }
    }
    c.fillText('epoch', (left + right) / 2, bottom + 22);
    c.save();
    c.translate(12, (top + bottom) / 2);
    c.rotate(-Math.PI / 2);
    c.textBaseline = 'middle';
    c.fillText('loss (log scale)', 0, 0);
    c.restore();
    c.strokeStyle = 'rgb(213, 94, 0)';
    c.lineWidth = 2;
    c.beginPath();
    let drawing = false;
    losses.forEach((loss, index) => {
      if (loss > 0 && Number.isFinite(loss)) {
        const [px, py] = [x(index + 1), y(loss)];
        if (drawing) {
          c.lineTo(px, py);
        } else {
          c.moveTo(px, py);
        }
        drawing = true;
      } else {
        drawing = false;
      }
    });
    c.stroke();
  }

  function colour(value) {
    const t = Math.min(Math.max(value, 0), 1);
    const [from, to, s] = t < 0.5 ? [LOW, MID, t * 2] : [MID, HIGH, t * 2 - 1];
    return from.map((a, i) => Math.round(a + (to[i] - a) * s));
  }

  function drawBoundary(grid, cells) {
    const canvas = $('.playground-boundary');
    const { context: c, width, height } = prepare(canvas, 1);
    const left = 34;
    const top = 8;
    const size = Math.min(width - left - 8, height - top - 34);
    if (grid.length === cells * cells) {
      const image = new ImageData(cells, cells);
      grid.forEach((value, index) => {
        const row = cells - 1 - Math.floor(index / cells);
        const offset = (row * cells + (index % cells)) * 4;
        const [r, g, b] = colour(value === null ? 0.5 : value);
        image.data.set([r, g, b, 255], offset);
      });
      const cellsCanvas = document.createElement('canvas');
      cellsCanvas.width = cells;
      cellsCanvas.height = cells;
      cellsCanvas.getContext('2d').putImageData(image, 0, 0);
      c.imageSmoothingEnabled = true;
      c.drawImage(cellsCanvas, left, top, size, size);
    }
    const [lo, hi] = extent;
    const px = (v) => left + ((v - lo) / (hi - lo)) * size;
    const py = (v) => top + size - ((v - lo) / (hi - lo)) * size;
    const radius = points.length > 20 ? 2.5 : 7;
    for (const [x1, x2, target] of points) {
      if (x1 === null || x2 === null) {
        continue; // the missing value: no place to draw it
      }
      const [r, g, b] = colour(target);
      c.fillStyle = `rgb(${r}, ${g}, ${b})`;
      c.strokeStyle = '#222';
      c.lineWidth = 1;
      c.beginPath();
      c.arc(px(x1), py(x2), radius, 0, 2 * Math.PI);
      c.fill();
      c.stroke();
    }
    c.strokeStyle = '#222';
    c.strokeRect(left, top, size, size);
    c.fillStyle = '#222';
    c.textAlign = 'center';
    c.textBaseline = 'top';
    for (const v of [0, 1]) {
      c.fillText(String(v), px(v), top + size + 4);
    }
    c.fillText('input x1', left + size / 2, top + size + 18);
    c.textAlign = 'right';
    c.textBaseline = 'middle';
    for (const v of [0, 1]) {
      c.fillText(String(v), left - 4, py(v));
    }
    c.save();
    c.translate(10, top + size / 2);
    c.rotate(-Math.PI / 2);
    c.textAlign = 'center';
    c.fillText('input x2', 0, 0);
    c.restore();
  }

  // ---- start-up ---------------------------------------------------------------------------

  async function load() {
    if (typeof window.backpropPlaygroundWasm !== 'string') {
      setState('unavailable');
      return; // not built: the static figures stay
    }
    setState('loading');
    api = await instantiate(window.backpropPlaygroundWasm);
    defaults = api('playground_defaults');
    setLimits();
    showSettings(defaults.xor);
    root.hidden = false;
    root.addEventListener('input', (event) => {
      const name = event.target.name;
      if (name === 'learningRateSlider') {
        control('learningRate').value = Number((10 ** Number(event.target.value)).toPrecision(2));
        restartSoon();
      } else if (name === 'hidden') {
        $('.playground-hidden-value').textContent = event.target.value;
        restartSoon();
      }
    });
    root.addEventListener('change', (event) => {
      const name = event.target.name;
      if (name === 'data') {
        showSettings(chapterSettings(event.target.value));
      } else if (name === 'shuffled') {
        control('batchSize').disabled = event.target.value !== '1';
      }
      if (name && name !== 'learningRateSlider' && name !== 'hidden') {
        restartSoon();
      }
    });
    $('[data-action="train"]').addEventListener('click', restartSoon);
    $('[data-action="reset"]').addEventListener('click', () => {
      showSettings(chapterSettings(control('data').value));
      restartSoon();
    });
    start();
  }

  // For the browser test and the curious: the in-page time of `passes` passes over XOR at
  // the chapter's settings (one call into the module, no drawing), in milliseconds.
  window.backpropPlayground = {
    timeXorPasses(passes) {
      const s = defaults.xor;
      run += 1; // stops the visible run
      api('playground_start', 0, s.learningRate, s.hidden, s.batchSize, 0, passes, s.seed);
      const began = performance.now();
      const progress = api('playground_run', passes, 1);
      const took = performance.now() - began;
      start();
      return { milliseconds: took, epochs: progress.epoch, finalText: progress.finalText };
    },
  };

  const script = document.createElement('script');
  const base = typeof path_to_root === 'string' ? path_to_root : '';
  script.src = `${base}playground/playground-wasm.js`;
  script.onload = () => load().catch(fail);
  // No playground/ folder (a book built by plain `mdbook build`): the static figures stay.
  script.onerror = () => setState('unavailable');
  document.head.append(script);
})();
