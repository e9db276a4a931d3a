/*
 * The recordings page (/recordings): the waveform player, confirmations before deleting, and the
 * ADMIN's "delete all recordings matching these filters".
 *
 * The table and the filters are rendered by the server; this script only adds behaviour. The
 * audio element streams /api/recordings/{id}/audio (the server honours HTTP Range, so seeking
 * never downloads the whole file) and the waveform comes from /api/recordings/{id}/peaks.
 *
 * Test hook: window.callvaultPlayer (see the bottom of this file).
 */

/** Query parameters that narrow the list (sort alone is not a filter; after/deleted are not filters). */
const FILTER_KEYS = ['from', 'to', 'caller', 'agent', 'state', 'minSeconds', 'maxSeconds', 'q', 'tag', 'outcomeCode'];
const NOT_A_FILTER = ['after', 'deleted'];
const SPEED_KEY = 'callvault.playbackRate';
const SKIP_SECONDS = 5;
/** While dragging on the waveform, the audio is moved at most this often (each move may be a Range request). */
const DRAG_SEEK_INTERVAL_MS = 120;
/** Quiet recordings are drawn louder, up to this gain, so their shape is visible. */
const MAX_WAVE_GAIN = 20;

const root = document.querySelector('main.library');

/* ---- small helpers ---- */

function byTestId(scope, id) {
  return scope.querySelector(`[data-testid="${id}"]`);
}

function csrfHeaders() {
  const token = document.querySelector('meta[name="_csrf"]')?.getAttribute('content');
  const header = document.querySelector('meta[name="_csrf_header"]')?.getAttribute('content');
  return token && header ? { [header]: token } : {};
}

/** mm:ss; minutes go past 59. */
function formatClock(seconds) {
  const total = Number.isFinite(seconds) && seconds > 0 ? Math.floor(seconds) : 0;
  const minutes = Math.floor(total / 60);
  return `${String(minutes).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

function clamp01(value) {
  return Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0));
}

/** The query of the list on screen, without the keyset cursor and the last delete's outcome. */
function currentQuery() {
  const query = new URLSearchParams(window.location.search);
  NOT_A_FILTER.forEach((key) => query.delete(key));
  for (const [key, value] of [...query.entries()]) {
    if (value.trim() === '') {
      query.delete(key);
    }
  }
  return query;
}

function hasFilter(query) {
  return FILTER_KEYS.some((key) => (query.get(key) || '').trim() !== '');
}

function listUrl(query) {
  const text = query.toString();
  return text ? `/recordings?${text}` : '/recordings';
}

/* ---- the player ---- */

/**
 * Why the waveform could not be loaded, in words: a recording kept on another node that cannot be
 * reached now (503 node_unreachable, with the server's message), a missing file, or the status.
 */
async function peaksProblem(response) {
  if (response.status === 404) {
    return 'the recording file was not found';
  }
  try {
    const body = await response.json();
    if (body && body.error === 'node_unreachable' && body.message) {
      // The file is on another server that is down: it cannot be played either until it is back.
      return body.message.replace(/\.$/, '');
    }
  } catch {
    // not JSON: the status says it
  }
  return `the server answered ${response.status}`;
}

class Player {
  constructor(panel) {
    this.panel = panel;
    this.canvas = byTestId(panel, 'waveform');
    this.wave = this.canvas.parentElement;
    this.context = this.canvas.getContext('2d');
    this.audio = byTestId(panel, 'audio');
    this.toggleButton = byTestId(panel, 'play-pause');
    this.currentLabel = byTestId(panel, 'current-time');
    this.totalLabel = byTestId(panel, 'total-time');
    this.speed = byTestId(panel, 'speed');
    this.download = byTestId(panel, 'download');
    this.title = byTestId(panel, 'player-title');
    this.status = byTestId(panel, 'waveform-status');
    this.error = byTestId(panel, 'player-error');

    this.recordingId = null;
    this.peaks = null; // {channels, buckets, durationMs, data: Int16 min/max per channel, gain}
    this.peaksLoaded = false;
    this.columns = null; // per channel {min: Float32Array, max: Float32Array}, one entry per canvas pixel
    this.labels = [];
    this.loadToken = 0;
    this.frame = 0;
    this.drag = null; // {pointerId, fraction, lastSeek, timer}
    this.row = null;

    this.restoreSpeed();
    this.bind();
  }

  bind() {
    const { audio } = this;
    ['play', 'pause', 'ended', 'seeked', 'seeking', 'timeupdate', 'loadedmetadata', 'durationchange', 'ratechange']
      .forEach((type) => audio.addEventListener(type, () => this.refresh()));
    audio.addEventListener('play', () => this.animate());
    audio.addEventListener('loadedmetadata', () => this.applySpeed());
    audio.addEventListener('error', () => this.showError(audioErrorText(audio.error)));

    this.toggleButton.addEventListener('click', () => this.toggle());
    byTestId(this.panel, 'player-close').addEventListener('click', () => this.close());
    this.speed.addEventListener('change', () => {
      this.applySpeed();
      try {
        window.localStorage.setItem(SPEED_KEY, this.speed.value);
      } catch (ignored) {
        // private mode: the choice just is not remembered
      }
    });

    this.canvas.addEventListener('pointerdown', (event) => this.pointerDown(event));
    this.canvas.addEventListener('pointermove', (event) => this.pointerMove(event));
    this.canvas.addEventListener('pointerup', (event) => this.pointerUp(event));
    this.canvas.addEventListener('pointercancel', (event) => this.pointerUp(event));
    this.canvas.addEventListener('lostpointercapture', (event) => this.pointerUp(event));
    this.panel.addEventListener('keydown', (event) => this.keyDown(event));

    if ('ResizeObserver' in window) {
      new ResizeObserver(() => this.resize()).observe(this.canvas);
    }
    window.addEventListener('resize', () => this.resize());
  }

  /** Opens (or re-opens) the player on a recording and starts playing: called from a click. */
  open({ recordingId, title, agent, channels, row }) {
    this.markRow(row);
    this.panel.hidden = false;
    this.clearError();
    if (this.recordingId === recordingId) {
      this.resize();
      this.play();
      this.reveal();
      return;
    }
    this.audio.pause();
    this.recordingId = recordingId;
    this.peaks = null;
    this.peaksLoaded = false;
    this.columns = null;
    this.labels = channels && channels.length
      ? channels.map((c) => `${c.participant} (${c.side})`)
      : ['Caller (left)', agent ? `Agent: ${agent} (right)` : 'Agent (right)'];
    this.showChannels(channels || []);
    this.title.textContent = title;
    const base = `/api/recordings/${encodeURIComponent(recordingId)}/audio`;
    this.download.href = `${base}?download=true`;
    this.audio.src = base;
    this.applySpeed(); // a new source resets playbackRate to defaultPlaybackRate; set both anyway
    this.resize();
    this.loadPeaks(recordingId);
    this.play();
    this.reveal();
  }

  /** Names who is on which channel under the waveform (the canvas labels are not text a reader gets). */
  showChannels(channels) {
    const list = byTestId(this.panel, 'player-channels');
    list.replaceChildren(...channels.map((c) => {
      const item = document.createElement('li');
      item.dataset.testid = 'player-channel';
      item.dataset.channel = String(c.index);
      const side = document.createElement('span');
      side.className = 'player-channel-side';
      side.textContent = `${c.side.charAt(0).toUpperCase()}${c.side.slice(1)}:`;
      item.append(side, ` ${c.participant}`);
      return item;
    }));
    list.hidden = channels.length === 0;
  }

  reveal() {
    this.panel.scrollIntoView({ block: 'nearest' });
    this.panel.focus({ preventScroll: true });
  }

  close() {
    this.audio.pause();
    this.panel.hidden = true;
    this.markRow(null);
  }

  markRow(row) {
    if (this.row) {
      this.row.classList.remove('is-playing');
    }
    this.row = row || null;
    if (this.row) {
      this.row.classList.add('is-playing');
    }
  }

  play() {
    const attempt = this.audio.play();
    if (attempt && typeof attempt.catch === 'function') {
      attempt.catch((error) => {
        // AbortError: a newer load or pause overtook this play(); nothing to report.
        if (error && error.name !== 'AbortError') {
          this.showError(error.name === 'NotAllowedError'
            ? 'The browser blocked playback. Press Play to start it.'
            : `Cannot play this recording: ${error.message}`);
        }
      });
    }
  }

  toggle() {
    if (!this.recordingId) {
      return;
    }
    if (this.audio.paused || this.audio.ended) {
      this.clearError();
      this.play();
    } else {
      this.audio.pause();
    }
  }

  /** Total length in seconds: the audio's own once its metadata is in, the waveform's before that. */
  duration() {
    const { duration } = this.audio;
    if (Number.isFinite(duration) && duration > 0) {
      return duration;
    }
    return this.peaks ? this.peaks.durationMs / 1000 : 0;
  }

  fraction() {
    if (this.drag) {
      return this.drag.fraction;
    }
    const total = this.duration();
    return total > 0 ? clamp01(this.audio.currentTime / total) : 0;
  }

  /** Moves playback to a fraction (0..1) of the recording; returns the new time in seconds. */
  seek(fraction) {
    const total = this.duration();
    if (!this.recordingId || !(total > 0)) {
      return null;
    }
    const time = clamp01(fraction) * total;
    // Keep clear of the very end, where Chrome would fire 'ended' and stop.
    this.audio.currentTime = Math.min(time, Math.max(0, total - 0.05));
    this.refresh();
    return this.audio.currentTime;
  }

  skip(seconds) {
    const total = this.duration();
    if (total > 0) {
      this.seek((this.audio.currentTime + seconds) / total);
    }
  }

  restoreSpeed() {
    let saved = null;
    try {
      saved = window.localStorage.getItem(SPEED_KEY);
    } catch (ignored) {
      // no storage: start at 1×
    }
    if (saved && [...this.speed.options].some((option) => option.value === saved)) {
      this.speed.value = saved;
    }
  }

  applySpeed() {
    const rate = Number(this.speed.value) || 1;
    this.audio.defaultPlaybackRate = rate;
    this.audio.playbackRate = rate;
    // Speech at 0.5× or 2× stays intelligible only with the pitch kept.
    if ('preservesPitch' in this.audio) {
      this.audio.preservesPitch = true;
    }
  }

  /* -- waveform data -- */

  async loadPeaks(recordingId) {
    const token = ++this.loadToken;
    this.status.hidden = false;
    this.status.textContent = 'Loading the waveform…';
    try {
      const response = await fetch(`/api/recordings/${encodeURIComponent(recordingId)}/peaks`, {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' },
      });
      if (!response.ok) {
        throw new Error(await peaksProblem(response));
      }
      const body = await response.json();
      if (token !== this.loadToken) {
        return; // another recording was opened meanwhile
      }
      this.peaks = parsePeaks(body);
      this.peaksLoaded = true;
      this.status.hidden = true;
      this.status.textContent = '';
      this.wave.dataset.channels = String(this.peaks.channels);
      this.resize();
    } catch (error) {
      if (token === this.loadToken) {
        this.status.hidden = false;
        const unreachable = /not reachable/.test(error.message);
        this.status.textContent = unreachable ? `No waveform: ${error.message}.`
          : `No waveform: ${error.message}. The recording can still be played.`;
        this.draw();
      }
    }
  }

  /* -- drawing -- */

  resize() {
    if (this.panel.hidden) {
      return;
    }
    const ratio = window.devicePixelRatio || 1;
    const box = this.canvas.getBoundingClientRect();
    const width = Math.max(1, Math.round(box.width * ratio));
    const height = Math.max(1, Math.round(box.height * ratio));
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    this.columns = this.peaks ? columnsOf(this.peaks, width) : null;
    this.draw();
  }

  colours() {
    const style = window.getComputedStyle(this.wave);
    const read = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
    return {
      played: read('--player-played', '#1f6feb'),
      rest: read('--player-rest', '#9aa4b2'),
      cursor: read('--player-cursor', '#c62828'),
      axis: read('--player-axis', '#dde1e7'),
      lane: read('--player-lane', '#f5f6f8'),
      label: read('--player-label', '#5f6b7a'),
      labelBack: read('--player-label-back', 'rgba(255, 255, 255, 0.85)'),
    };
  }

  draw() {
    const { canvas, context } = this;
    const width = canvas.width;
    const height = canvas.height;
    const ratio = window.devicePixelRatio || 1;
    const colours = this.colours();
    const channels = this.columns ? this.columns.length : (this.peaks ? this.peaks.channels : 1);
    const laneHeight = height / channels;
    const playedX = Math.round(this.fraction() * width);

    context.clearRect(0, 0, width, height);
    for (let c = 0; c < channels; c++) {
      const top = Math.round(c * laneHeight);
      const middle = Math.round(top + laneHeight / 2);
      const amplitude = (laneHeight / 2) * 0.92;
      if (c % 2 === 1) {
        context.fillStyle = colours.lane;
        context.fillRect(0, top, width, Math.round(laneHeight));
      }
      context.fillStyle = colours.axis;
      context.fillRect(0, middle, width, Math.max(1, Math.round(ratio / 2)));
      const column = this.columns && this.columns[c];
      if (column) {
        drawColumns(context, column, 0, playedX, middle, amplitude, colours.played);
        drawColumns(context, column, playedX, width, middle, amplitude, colours.rest);
      }
      if (channels > 1) {
        const label = this.labels[c] || `Channel ${c + 1}`;
        const size = Math.round(12 * ratio);
        const x = Math.round(4 * ratio);
        const y = top + Math.round(3 * ratio);
        context.font = `${size}px system-ui, sans-serif`;
        context.textBaseline = 'top';
        context.fillStyle = colours.labelBack;
        context.fillRect(x, y, Math.ceil(context.measureText(label).width) + 2 * x, size + Math.round(4 * ratio));
        context.fillStyle = colours.label;
        context.fillText(label, 2 * x, y + Math.round(2 * ratio));
      }
    }
    if (channels > 1) {
      context.fillStyle = colours.axis;
      for (let c = 1; c < channels; c++) {
        context.fillRect(0, Math.round(c * laneHeight), width, Math.max(1, Math.round(ratio)));
      }
    }
    if (this.recordingId) {
      const cursorWidth = Math.max(2, Math.round(2 * ratio));
      context.fillStyle = colours.cursor;
      context.fillRect(Math.min(width - cursorWidth, Math.max(0, playedX - cursorWidth / 2)), 0, cursorWidth, height);
    }
  }

  /** Labels, button and ARIA state, then the waveform. */
  refresh() {
    const total = this.duration();
    const now = this.drag ? this.drag.fraction * total : this.audio.currentTime;
    this.currentLabel.textContent = formatClock(now);
    this.totalLabel.textContent = formatClock(total);
    const playing = !this.audio.paused && !this.audio.ended;
    this.toggleButton.textContent = playing ? 'Pause' : 'Play';
    this.toggleButton.setAttribute('aria-pressed', String(playing));
    this.panel.classList.toggle('is-playing', playing);
    this.canvas.setAttribute('aria-valuemax', String(Math.round(total)));
    this.canvas.setAttribute('aria-valuenow', String(Math.round(now)));
    this.canvas.setAttribute('aria-valuetext', `${formatClock(now)} of ${formatClock(total)}`);
    this.draw();
  }

  /** Follows playback at the display's frame rate while playing. */
  animate() {
    cancelAnimationFrame(this.frame);
    const tick = () => {
      this.refresh();
      if (!this.audio.paused && !this.audio.ended) {
        this.frame = requestAnimationFrame(tick);
      }
    };
    this.frame = requestAnimationFrame(tick);
  }

  /* -- seeking with the pointer and the keyboard -- */

  fractionAt(event) {
    const box = this.canvas.getBoundingClientRect();
    return box.width > 0 ? clamp01((event.clientX - box.left) / box.width) : 0;
  }

  pointerDown(event) {
    if (event.button !== 0 || !this.recordingId) {
      return;
    }
    event.preventDefault();
    this.canvas.focus({ preventScroll: true });
    try {
      this.canvas.setPointerCapture(event.pointerId);
    } catch (ignored) {
      // synthetic pointers cannot always be captured; dragging then stops at the canvas edge
    }
    this.drag = { pointerId: event.pointerId, fraction: this.fractionAt(event), lastSeek: 0 };
    this.dragSeek(true);
  }

  pointerMove(event) {
    if (!this.drag || event.pointerId !== this.drag.pointerId) {
      return;
    }
    this.drag.fraction = this.fractionAt(event);
    this.dragSeek(false);
  }

  pointerUp(event) {
    if (!this.drag || event.pointerId !== this.drag.pointerId) {
      return;
    }
    if (event.type === 'pointerup') {
      this.drag.fraction = this.fractionAt(event);
    }
    const { fraction } = this.drag;
    this.drag = null;
    this.seek(fraction);
  }

  dragSeek(force) {
    const now = performance.now();
    if (force || now - this.drag.lastSeek >= DRAG_SEEK_INTERVAL_MS) {
      this.drag.lastSeek = now;
      const total = this.duration();
      if (total > 0) {
        this.audio.currentTime = Math.min(this.drag.fraction * total, Math.max(0, total - 0.05));
      }
    }
    this.refresh();
  }

  keyDown(event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    const target = event.target;
    // Buttons, links and the speed list keep their own keys (Space on the Play button clicks it).
    const interactive = target instanceof Element && target.closest('button, a, select, input, textarea');
    if ((event.key === ' ' || event.key === 'Spacebar') && !interactive) {
      event.preventDefault();
      this.toggle();
    } else if (target === this.canvas && event.key === 'ArrowLeft') {
      event.preventDefault();
      this.skip(-SKIP_SECONDS);
    } else if (target === this.canvas && event.key === 'ArrowRight') {
      event.preventDefault();
      this.skip(SKIP_SECONDS);
    } else if (target === this.canvas && event.key === 'Home') {
      event.preventDefault();
      this.seek(0);
    } else if (target === this.canvas && event.key === 'End') {
      event.preventDefault();
      this.seek(1);
    }
  }

  /* -- errors -- */

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = false;
  }

  clearError() {
    this.error.textContent = '';
    this.error.hidden = true;
  }
}

function audioErrorText(error) {
  if (!error) {
    return 'This recording cannot be played.';
  }
  switch (error.code) {
    case 1: return 'Loading the recording was stopped.';
    case 2: return 'A network error interrupted the recording. Press Play to try again.';
    case 3: return 'The browser could not decode this recording.';
    case 4: return 'This recording cannot be played: the file is missing or not a WAV file the browser supports.';
    default: return `This recording cannot be played (${error.message || 'unknown error'}).`;
  }
}

/** Checks the server's JSON and works out one gain for all channels (their relative level is kept). */
function parsePeaks(body) {
  if (!body || !Array.isArray(body.peaks) || body.peaks.length === 0) {
    throw new Error('the server sent no waveform');
  }
  const channels = body.peaks.length;
  const buckets = Number(body.buckets) || Math.floor(body.peaks[0].length / 2);
  const data = body.peaks.map((channel) => Int16Array.from(channel));
  let loudest = 0;
  for (const channel of data) {
    for (let i = 0; i < channel.length; i++) {
      const value = Math.abs(channel[i]);
      if (value > loudest) {
        loudest = value;
      }
    }
  }
  const gain = loudest > 0 ? Math.min(MAX_WAVE_GAIN, 32767 / loudest) : 1;
  const durationMs = Number(body.durationMs)
    || (body.sampleRate > 0 ? (Number(body.frames) * 1000) / body.sampleRate : 0);
  return { channels, buckets, durationMs, data, gain };
}

/** Min and max per canvas pixel column, -1..1, for each channel. */
function columnsOf(peaks, width) {
  const scale = peaks.gain / 32768;
  return peaks.data.map((channel) => {
    const min = new Float32Array(width);
    const max = new Float32Array(width);
    const buckets = Math.min(peaks.buckets, Math.floor(channel.length / 2));
    for (let x = 0; x < width; x++) {
      const first = Math.floor((x * buckets) / width);
      const last = Math.max(first + 1, Math.floor(((x + 1) * buckets) / width));
      let low = 0;
      let high = 0;
      for (let b = first; b < last && b < buckets; b++) {
        low = Math.min(low, channel[2 * b]);
        high = Math.max(high, channel[2 * b + 1]);
      }
      min[x] = Math.max(-1, low * scale);
      max[x] = Math.min(1, high * scale);
    }
    return { min, max };
  });
}

function drawColumns(context, column, from, to, middle, amplitude, colour) {
  context.fillStyle = colour;
  for (let x = from; x < to; x++) {
    const top = middle - column.max[x] * amplitude;
    const bottom = middle - column.min[x] * amplitude;
    context.fillRect(x, Math.floor(top), 1, Math.max(1, Math.ceil(bottom - top)));
  }
}

/* ---- the table: Play buttons ---- */

const player = new Player(byTestId(root, 'player'));

const table = byTestId(root, 'recordings-table');
table.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-testid="play"]') : null;
  if (!button) {
    return;
  }
  const row = button.closest('[data-testid="recording-row"]');
  const text = (id) => (row ? byTestId(row, id)?.textContent.replace(/\s+/g, ' ').trim() : '') || '';
  const name = row?.querySelector('.library-caller-name')?.textContent.trim() || 'Unknown caller';
  const number = row?.querySelector('.library-caller-number')?.textContent.trim();
  const agent = text('row-agent');
  // Who is on which channel: the server's list for this call (SIPREC participants, or caller and agent).
  const channels = row ? [...row.querySelectorAll('[data-testid="row-channel"]')].map((item) => ({
    index: Number(item.dataset.channel),
    side: item.dataset.side || '',
    participant: item.textContent.trim(),
  })).sort((a, b) => a.index - b.index) : [];
  player.open({
    recordingId: button.dataset.recordingId || row?.dataset.recordingId,
    channels,
    title: `${name}${number && number !== 'no number' ? ` · ${number}` : ''} — ${text('row-time')}`,
    agent: agent && agent !== '—' ? agent : '',
    row,
  });
});

/* ---- deleting (ADMIN) ---- */

// One recording: the server-rendered form posts only after a yes.
document.addEventListener('submit', (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

const firstPage = byTestId(root, 'first-page');
if (firstPage) {
  firstPage.href = listUrl(currentQuery());
}

const bulkButton = byTestId(root, 'bulk-delete');
const bulkResult = byTestId(root, 'bulk-result');
if (bulkButton && bulkResult) {
  const query = currentQuery();
  const filterForm = byTestId(root, 'filter-form');
  const badFilter = byTestId(root, 'error') !== null;
  const blockedReason = badFilter ? 'Fix the filters first.'
    : !hasFilter(query) ? 'Search with at least one filter first: this never deletes everything.' : '';
  if (blockedReason) {
    bulkButton.disabled = true;
    bulkButton.title = blockedReason;
  }
  // The button acts on the list on screen; edited but unsearched filters would be a surprise.
  filterForm.addEventListener('input', () => {
    if (!blockedReason) {
      bulkButton.disabled = true;
      bulkButton.title = 'Press Search first: the filters were changed.';
    }
  });

  bulkButton.addEventListener('click', async () => {
    const shown = root.querySelectorAll('[data-testid="recording-row"][data-recording-id]').length;
    const question = 'Delete the recordings of ALL calls matching these filters, on every page, not only the '
      + `${shown} shown here? The audio files are removed for good; the calls stay in the history.`;
    if (!window.confirm(question)) {
      return;
    }
    bulkButton.disabled = true;
    showBulk('Deleting…', 'working');
    try {
      const response = await fetch(`/api/recordings/bulk-delete?${query.toString()}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { Accept: 'application/json', ...csrfHeaders() },
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        throw new Error(body.message || `the server answered ${response.status}`);
      }
      showBulk(describeOutcomes(body.outcomes || {}), 'ok');
      window.setTimeout(() => window.location.replace(listUrl(query)), 2500);
    } catch (error) {
      showBulk(`Bulk delete failed: ${error.message}`, 'error');
      bulkButton.disabled = false;
    }
  });

  function showBulk(message, kind) {
    bulkResult.textContent = message;
    bulkResult.dataset.kind = kind;
    bulkResult.hidden = false;
  }
}

function describeOutcomes(outcomes) {
  const count = (key) => Number(outcomes[key]) || 0;
  const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;
  const deleted = count('deleted') + count('deleted_file_was_missing');
  const parts = [];
  if (deleted === 0 && Object.keys(outcomes).length === 0) {
    return 'No recordings matched these filters. Nothing was deleted.';
  }
  parts.push(`Deleted ${plural(deleted, 'recording', 'recordings')}.`);
  if (count('deleted_file_was_missing') > 0) {
    parts.push(`${plural(count('deleted_file_was_missing'), 'file was', 'files were')} already missing on disk.`);
  }
  if (count('in_progress') > 0) {
    parts.push(`${plural(count('in_progress'), 'recording', 'recordings')} still being recorded ${count('in_progress') === 1 ? 'was' : 'were'} kept.`);
  }
  if (count('not_found') > 0) {
    parts.push(`${plural(count('not_found'), 'recording was', 'recordings were')} already gone.`);
  }
  if (count('held') > 0) {
    parts.push(`${plural(count('held'), 'recording', 'recordings')} on legal hold ${count('held') === 1 ? 'was' : 'were'} kept.`);
  }
  if (count('failed') > 0) {
    parts.push(`${plural(count('failed'), 'recording', 'recordings')} could not be deleted (see the server log).`);
  }
  parts.push('Reloading…');
  return parts.join(' ');
}

/* ---- test hook ---- */

window.callvaultPlayer = {
  get recordingId() { return player.recordingId; },
  get peaksLoaded() { return player.peaksLoaded; },
  get channels() { return player.peaks ? player.peaks.channels : null; },
  /** The waveform's lane labels, top (left channel) first. */
  get labels() { return player.labels.slice(); },
  /** Seconds. */
  get duration() { return player.duration(); },
  get currentTime() { return player.audio.currentTime; },
  get playbackRate() { return player.audio.playbackRate; },
  get paused() { return player.audio.paused; },
  seek(fraction) { return player.seek(fraction); },
  play() { player.play(); },
  pause() { player.audio.pause(); },
};
