/*
 * CallVault browser client: what the softphone (/phone) and the agent console (/calls) share.
 *
 * Wire protocol: docs/protocol.md. Two sockets per party:
 *   - EventChannel: /ws/events (JSON signaling), reconnects with backoff, pings every 25 s.
 *   - MediaLeg:     /ws/media?token=... (binary PCM16 frames both ways) with capture and playout
 *                   running in AudioWorklets (worklets/capture-worklet.js, worklets/player-worklet.js).
 * CallSession glues them into "my current call": leg/resume bookkeeping, status, timer, mute, hang up.
 * The pages add only what is theirs: dialing and ringback (phone.js), the call list (calls.js).
 *
 * Hooks for tests and tools (documented in docs/ui.md):
 *   window.callvaultStats  live counters and state
 *   window.callvaultDebug  recentReceived(n): the last n received samples as a plain array;
 *                          audioState(): {context, sampleRate, micOpen, micUsers}
 */

import {
  OpusSender, OpusReceiver, opusFrame, helloMessage, OPUS_RATE, OPUS_FRAME_SAMPLES,
} from './media/opus-wire.js';

export const CALL_STATES = ['idle', 'ringing', 'answered', 'ended', 'cancelled', 'rejected', 'missed', 'failed'];
export const TERMINAL_STATES = new Set(['ended', 'cancelled', 'rejected', 'missed', 'failed']);
export const LIVE_STATES = new Set(['ringing', 'answered']);

const HEADER_BYTES = 16;
const FRAME_VERSION = 1;
const FRAME_KIND_AUDIO = 0;
/** How many frames may wait in the socket's send buffer before we drop instead of queueing. */
const MAX_QUEUED_FRAMES = 10;
/** Received samples kept for window.callvaultDebug: 2 s at 44.1 kHz. */
const RECEIVED_RING_SAMPLES = 88200;
const PING_EVERY_MS = 25000;
/** No message at all (not even a pong) for this long means the socket is dead even if not closed. */
const SILENT_SOCKET_MS = 65000;
const EVENT_RECONNECT_DELAYS_MS = [500, 1000, 2000, 4000, 8000, 15000];
/** Media socket retries stay inside the server's default 5 s grace period. */
const MEDIA_RECONNECT_DELAYS_MS = [200, 400, 800, 1200, 1600, 2000];
/**
 * `try_again` (several servers: the call's server is quiet but not declared lost yet): a resume is
 * sent again when the server says, at most this many times; the server's lost-after is at most 10 min.
 */
const RESUME_RETRIES = 40;
/**
 * Media socket closed with 4503 (the same case): retried each second, at most this many times in a
 * row (the count starts again once a media socket opens).
 */
const MEDIA_TRY_AGAIN_RETRIES = 600;
const PLAYER_OPTIONS = { targetMs: 60, maxMs: 200, primeMs: 50 };
/** Error codes that mean an agent's `answer` did not go through. */
const ANSWER_REFUSALS = new Set(['already_answered', 'invalid_state', 'not_found', 'forbidden', 'bad_message', 'internal']);

/* ------------------------------------------------------------------------------------------------
 * Test hooks
 * --------------------------------------------------------------------------------------------- */

/** Live numbers for tests (read with executeScript). Counters restart with each media leg. */
export const stats = (() => {
  const s = {
    framesSent: 0, framesReceived: 0, framesDropped: 0, framesRejected: 0, bytesReceived: 0, bytesSent: 0,
    codec: 'pcm', lastRxRms: 0, micRms: 0, state: 'idle', callId: null, connection: 'connecting', media: 'closed',
    ringback: false, player: null, micTest: { state: 'idle', id: null, durationMs: null, bytes: null },
  };
  window.callvaultStats = s;
  return s;
})();

function resetMediaCounters() {
  Object.assign(stats, { framesSent: 0, framesReceived: 0, framesDropped: 0, framesRejected: 0, bytesReceived: 0, bytesSent: 0, lastRxRms: 0, player: null });
  received.clear();
}

/** Ring of the last received Int16 samples, for tests that check what was heard (Goertzel etc.). */
class SampleRing {
  constructor(capacity) {
    this.buffer = new Int16Array(capacity);
    this.next = 0;
    this.size = 0;
  }

  push(sample) {
    this.buffer[this.next] = sample;
    this.next = (this.next + 1) % this.buffer.length;
    if (this.size < this.buffer.length) {
      this.size++;
    }
  }

  clear() {
    this.next = 0;
    this.size = 0;
  }

  /** The newest n samples, oldest first, as a plain array (executeScript turns it into a list). */
  recent(n) {
    const count = Math.max(0, Math.min(this.size, Number.isFinite(n) ? Math.floor(n) : this.size));
    const result = new Array(count);
    const capacity = this.buffer.length;
    let index = (this.next - count + capacity) % capacity;
    for (let i = 0; i < count; i++) {
      result[i] = this.buffer[index];
      index = index + 1 === capacity ? 0 : index + 1;
    }
    return result;
  }
}

const received = new SampleRing(RECEIVED_RING_SAMPLES);

window.callvaultDebug = {
  recentReceived: (n) => received.recent(n === undefined ? RECEIVED_RING_SAMPLES : n),
};

/* ------------------------------------------------------------------------------------------------
 * Small helpers
 * --------------------------------------------------------------------------------------------- */

/** An error whose message is meant for the user as is. */
export class UserError extends Error {}

/** Absolute ws:// or wss:// URL for a server path, matching how the page was loaded. */
export function wsUrl(path) {
  if (/^wss?:\/\//i.test(path)) {
    return path;
  }
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${path.startsWith('/') ? '' : '/'}${path}`;
}

/** The CSRF header the shared layout announces in its meta tags (absent when CSRF is off). */
export function csrfHeaders() {
  const token = document.querySelector('meta[name="_csrf"]');
  const header = document.querySelector('meta[name="_csrf_header"]');
  return token && header && token.content && header.content ? { [header.content]: token.content } : {};
}

/** mm:ss; minutes keep counting past 59 (a 75-minute call shows 75:03). */
export function formatDuration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
}

function byTestId(root, id) {
  return root.querySelector(`[data-testid="${id}"]`);
}

/** Finds the elements a page declares with data-testid; missing optional ones are null. */
export function findHooks(root, ids) {
  const hooks = {};
  for (const id of ids) {
    hooks[id] = byTestId(root, id);
  }
  return hooks;
}

/** Shows the last error in the page's `error` element; never throws. */
export class ErrorBox {
  constructor(element) {
    this.element = element;
  }

  show(message) {
    const text = String(message || 'Something went wrong.');
    if (this.element) {
      this.element.textContent = text;
      this.element.hidden = false;
    }
    console.warn('[callvault]', text);
  }

  clear() {
    if (this.element) {
      this.element.textContent = '';
      this.element.hidden = true;
    }
  }
}

/** Per-tab memory of the leg we hold, so a reloaded page can `resume` its call. */
export class LegStore {
  constructor(key) {
    this.key = key;
  }

  load() {
    try {
      const value = JSON.parse(sessionStorage.getItem(this.key) || 'null');
      return value && typeof value.callId === 'string' && typeof value.resumeToken === 'string' ? value : null;
    } catch {
      return null; // storage disabled or garbage: behave as if nothing was stored
    }
  }

  save(callId, resumeToken) {
    try {
      sessionStorage.setItem(this.key, JSON.stringify({ callId, resumeToken }));
    } catch {
      // private mode without storage: resume after reload will not work, the call still does
    }
  }

  clear() {
    try {
      sessionStorage.removeItem(this.key);
    } catch {
      // nothing to clear
    }
  }
}

/** What a party is told when the server that carried its call was lost (end reason and error `server_lost`). */
export const SERVER_LOST_TEXT = 'The server carrying this call was lost, so the call has ended. Please call again.';

/** Text for an `error` message of the event socket. */
export function describeServerError(message, calls) {
  const call = message.callId && calls ? calls.get(message.callId) : null;
  switch (message.code) {
    case 'already_answered':
      return call && call.agent ? `Too late: ${call.agentName || call.agent} answered this call first.` : 'Too late: another agent answered this call first.';
    case 'busy':
      return 'You already have a call in progress.';
    case 'lines_busy':
      return 'All lines are busy. Try again in a moment.';
    case 'rate_limited':
      return message.ref === 'dial' || !message.message
        ? 'Too many calls from this address. Wait a minute and try again.'
        : message.message;
    case 'unavailable':
      return 'The service cannot take new calls right now. Try again in a moment.';
    case 'server_draining':
      return 'This server is stopping and takes no new calls. Try again in a moment.';
    case 'invalid_token':
      return 'The previous call could not be resumed; it is over.';
    case 'server_lost':
      return SERVER_LOST_TEXT;
    case 'try_again':
      return 'The server carrying this call is not answering. Trying again…';
    case 'forbidden':
      return message.message || 'That is not allowed.';
    case 'not_found':
      return 'That call no longer exists.';
    default:
      return message.message || `Server error (${message.code || 'unknown'}).`;
  }
}

/** Turns getUserMedia / AudioContext failures into something a user can act on. */
function explainMicError(error) {
  switch (error && error.name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Microphone access was denied. Allow the microphone for this site (the icon in the address bar) and try again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone was found. Connect one and try again.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The microphone could not be started; another application may be using it.';
    default:
      return `The microphone could not be used (${(error && error.message) || error}).`;
  }
}

/* ------------------------------------------------------------------------------------------------
 * Event socket
 * --------------------------------------------------------------------------------------------- */

/**
 * The JSON signaling socket. Reconnects with backoff when it closes unexpectedly; handlers
 * registered with on(type) see every message of that type, on('*') sees all of them.
 * Status: 'connecting' | 'connected' (after welcome) | 'reconnecting' | 'closed'.
 */
export class EventChannel {
  constructor(role) {
    this.role = role;
    this.handlers = new Map();
    this.statusHandlers = [];
    this.ws = null;
    this.status = 'closed';
    this.failures = 0;
    this.stopped = false;
    this.reconnectTimer = null;
    this.pingTimer = null;
    this.lastMessageAt = 0;
  }

  on(type, handler) {
    if (!this.handlers.has(type)) {
      this.handlers.set(type, []);
    }
    this.handlers.get(type).push(handler);
    return this;
  }

  onStatus(handler) {
    this.statusHandlers.push(handler);
    return this;
  }

  get connected() {
    return this.status === 'connected';
  }

  connect() {
    this.stopped = false;
    clearTimeout(this.reconnectTimer);
    this.setStatus(this.failures > 0 ? 'reconnecting' : 'connecting');
    let ws;
    try {
      ws = new WebSocket(wsUrl(`/ws/events?role=${encodeURIComponent(this.role)}`));
    } catch (error) {
      console.error('[callvault] cannot open the event socket', error);
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.lastMessageAt = Date.now();
      this.startPing();
    };
    ws.onmessage = (event) => this.onMessage(event.data);
    ws.onclose = (event) => this.onClose(ws, event);
    ws.onerror = () => {
      // Always followed by close, which does the work; browsers give no detail here anyway.
    };
  }

  /** Sends one message; false when the socket is not open (the caller tells the user). */
  send(message) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) {
      return false;
    }
    this.ws.send(JSON.stringify(message));
    return true;
  }

  close() {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.stopPing();
    if (this.ws) {
      this.ws.close(1000, 'page closed');
    }
    this.setStatus('closed');
  }

  onMessage(data) {
    this.lastMessageAt = Date.now();
    if (typeof data !== 'string') {
      return; // the event socket carries text only
    }
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      console.warn('[callvault] ignoring a non-JSON event message');
      return;
    }
    if (!message || typeof message.type !== 'string') {
      return;
    }
    if (message.type === 'welcome') {
      this.failures = 0;
      this.setStatus('connected');
    }
    this.dispatch(message.type, message);
    this.dispatch('*', message);
  }

  dispatch(type, message) {
    for (const handler of this.handlers.get(type) || []) {
      try {
        handler(message);
      } catch (error) {
        // One broken handler must not take the page down or starve the others.
        console.error(`[callvault] handler for '${type}' failed`, error);
      }
    }
  }

  onClose(ws, event) {
    if (ws !== this.ws) {
      return; // an older socket we already gave up on
    }
    this.stopPing();
    this.ws = null;
    if (this.stopped) {
      return;
    }
    if (event.code === 4401) {
      // Signed out because the account changed (docs/protocol.md): reconnecting would only be
      // refused. Reload instead: the server shows the sign-in page, or the page again for the
      // browser that changed its own password and kept its session.
      this.stopped = true;
      this.dispatch('disconnected', { type: 'disconnected', code: event.code, reason: event.reason });
      window.location.reload();
      return;
    }
    console.warn(`[callvault] event socket closed (${event.code}${event.reason ? ' ' + event.reason : ''}); reconnecting`);
    this.dispatch('disconnected', { type: 'disconnected', code: event.code, reason: event.reason });
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    const base = EVENT_RECONNECT_DELAYS_MS[Math.min(this.failures, EVENT_RECONNECT_DELAYS_MS.length - 1)];
    this.failures++;
    this.setStatus('reconnecting');
    // Jitter so that many consoles do not all come back in the same millisecond after a restart.
    const delay = base * (0.8 + Math.random() * 0.4);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  startPing() {
    this.stopPing();
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastMessageAt > SILENT_SOCKET_MS && this.ws) {
        // A half-open TCP connection may never fire close: drop it ourselves and reconnect.
        const dead = this.ws;
        this.ws = null;
        dead.onclose = null;
        dead.close(4000, 'no answer to ping');
        this.stopPing();
        this.scheduleReconnect();
        return;
      }
      this.send({ type: 'ping' });
    }, PING_EVERY_MS);
  }

  stopPing() {
    clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  setStatus(status) {
    if (status === this.status) {
      return;
    }
    this.status = status;
    stats.connection = status;
    for (const handler of this.statusHandlers) {
      try {
        handler(status, this.failures);
      } catch (error) {
        console.error('[callvault] status handler failed', error);
      }
    }
  }
}

/* ------------------------------------------------------------------------------------------------
 * Audio engine: one AudioContext per page, worklets, shared microphone
 * --------------------------------------------------------------------------------------------- */

/**
 * Owns the page's AudioContext (made at the server's sample rate, so nothing is resampled by us)
 * and the microphone stream, shared by reference count between a call and a mic test.
 */
export class AudioEngine {
  constructor() {
    this.media = null;
    /** 'opus' once the event socket's hello agreed it (protocol version 2): the context then runs at 48 kHz. */
    this.codec = 'pcm';
    this.ctx = null;
    this.ready = null;
    this.sink = null;
    this.mic = null;
    this.micRefs = 0;
    this.stateHandlers = [];
    // Browsers start an AudioContext made without a user gesture (e.g. after a reload that resumed
    // a call) suspended; the first click or key anywhere on the page starts it.
    const unlock = () => {
      if (this.ctx && this.ctx.state === 'suspended') {
        this.ctx.resume().catch(() => {});
      }
    };
    document.addEventListener('pointerdown', unlock, true);
    document.addEventListener('keydown', unlock, true);
    window.callvaultDebug.audioState = () => ({
      context: this.ctx ? this.ctx.state : 'none',
      sampleRate: this.ctx ? this.ctx.sampleRate : null,
      micOpen: this.micRefs > 0,
      micUsers: this.micRefs,
    });
  }

  /** The `welcome.media` block. */
  configure(media) {
    if (!media || !(media.sampleRate > 0) || !(media.samplesPerFrame > 0)) {
      throw new UserError('The server announced no usable media format.');
    }
    this.media = media;
  }

  get configured() {
    return this.media !== null;
  }

  /** The codec the server agreed to; Opus needs a 48 kHz context, so it is taken only before one runs at another rate. */
  useCodec(codec) {
    const wanted = codec === 'opus' ? 'opus' : 'pcm';
    if (this.ctx && this.ctx.sampleRate !== this.rateFor(wanted)) {
      return this.codec; // a context already runs: keep what it was made for
    }
    this.codec = wanted;
    stats.codec = wanted;
    return wanted;
  }

  /** True while a hello may still ask for Opus (no context at another rate yet). */
  get opusPossible() {
    return !this.ctx || this.ctx.sampleRate === OPUS_RATE;
  }

  rateFor(codec) {
    return codec === 'opus' ? OPUS_RATE : this.media.sampleRate;
  }

  /** The context's rate and the capture frame: 48 kHz and 960 for Opus, the announced PCM format otherwise. */
  get rate() {
    return this.rateFor(this.codec);
  }

  get frameSamples() {
    return this.codec === 'opus' ? OPUS_FRAME_SAMPLES : this.media.samplesPerFrame;
  }

  get suspended() {
    return Boolean(this.ctx && this.ctx.state === 'suspended');
  }

  onStateChange(handler) {
    this.stateHandlers.push(handler);
  }

  /** The running context (created on first use; call from a click so autoplay rules let it run). */
  async start() {
    if (!this.media) {
      throw new UserError('Not connected to the server yet.');
    }
    if (!this.ready) {
      this.ready = this.create().catch((error) => {
        this.ready = null;
        throw error;
      });
    }
    const ctx = await this.ready;
    if (ctx.state === 'suspended') {
      // Not awaited: without a user gesture some browsers keep this promise pending.
      ctx.resume().catch(() => {});
    }
    return ctx;
  }

  async create() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) {
      throw new UserError('This browser has no Web Audio support.');
    }
    const rate = this.rate;
    let ctx;
    try {
      ctx = new Context({ sampleRate: rate, latencyHint: 'interactive' });
    } catch (error) {
      throw new UserError(`This browser cannot run audio at ${rate} Hz (${error.message || error.name}).`);
    }
    if (ctx.sampleRate !== rate) {
      ctx.close().catch(() => {});
      throw new UserError(`This browser runs audio at ${ctx.sampleRate} Hz, the server needs ${rate} Hz.`);
    }
    if (!ctx.audioWorklet) {
      ctx.close().catch(() => {});
      throw new UserError('Audio capture needs a secure page: open CallVault over HTTPS (or on localhost).');
    }
    try {
      await ctx.audioWorklet.addModule(new URL('./worklets/capture-worklet.js', import.meta.url).href);
      await ctx.audioWorklet.addModule(new URL('./worklets/player-worklet.js', import.meta.url).href);
    } catch (error) {
      ctx.close().catch(() => {});
      throw new UserError(`The audio processors could not be loaded (${error.message || error.name}).`);
    }
    // Capture nodes must be pulled by the graph to run; route them into silence, never to speakers.
    this.sink = new GainNode(ctx, { gain: 0 });
    this.sink.connect(ctx.destination);
    ctx.onstatechange = () => this.stateHandlers.forEach((handler) => handler(ctx.state));
    this.ctx = ctx;
    return ctx;
  }

  /**
   * A handle on the shared microphone: {source, release()}. Call release() exactly once; the
   * device is closed (and the browser's recording indicator goes off) when nobody holds it.
   */
  async acquireMic() {
    const ctx = await this.start();
    if (!this.mic) {
      this.mic = this.openMic(ctx).catch((error) => {
        this.mic = null;
        throw error;
      });
    }
    const mic = await this.mic;
    this.micRefs++;
    let released = false;
    return {
      source: mic.source,
      release: () => {
        if (released) {
          return;
        }
        released = true;
        if (--this.micRefs === 0 && this.mic) {
          this.mic = null;
          mic.source.disconnect();
          mic.stream.getTracks().forEach((track) => track.stop());
        }
      },
    };
  }

  async openMic(ctx) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      throw new UserError('This page cannot use the microphone: open CallVault over HTTPS (or on localhost).');
    }
    const wanted = { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 };
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: wanted });
    } catch (error) {
      if (error && error.name === 'OverconstrainedError') {
        try {
          stream = await navigator.mediaDevices.getUserMedia({ audio: true }); // any microphone will do
        } catch (second) {
          throw new UserError(explainMicError(second));
        }
      } else {
        throw new UserError(explainMicError(error));
      }
    }
    try {
      return { stream, source: new MediaStreamAudioSourceNode(ctx, { mediaStream: stream }) };
    } catch (error) {
      stream.getTracks().forEach((track) => track.stop());
      throw new UserError(`This browser cannot capture the microphone at ${ctx.sampleRate} Hz (${error.message || error.name}).`);
    }
  }

  /** A capture worklet node cutting frames of the announced size; not yet connected. */
  createCapture(muted) {
    return new AudioWorkletNode(this.ctx, 'callvault-capture', {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      channelCount: 1,
      channelCountMode: 'explicit', // the graph mixes a stereo mic down to mono for us
      channelInterpretation: 'speakers',
      processorOptions: { samplesPerFrame: this.frameSamples, muted: Boolean(muted) },
    });
  }

  /** A playout worklet node connected to the speakers. */
  createPlayer() {
    const node = new AudioWorkletNode(this.ctx, 'callvault-player', {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      processorOptions: PLAYER_OPTIONS,
    });
    node.connect(this.ctx.destination);
    return node;
  }
}

/** Stops a worklet node and unhooks it from the graph. */
function disposeNode(node) {
  if (!node) {
    return;
  }
  try {
    node.port.postMessage({ type: 'stop' });
    node.port.onmessage = null;
    node.disconnect();
  } catch {
    // already gone
  }
}

/* ------------------------------------------------------------------------------------------------
 * Media leg: the binary socket plus capture and playout
 * --------------------------------------------------------------------------------------------- */

/** Builds one wire frame: 16-byte big-endian header, then the PCM16 LE payload. */
export function encodeFrame(sequence, timestamp, pcm) {
  const frame = new ArrayBuffer(HEADER_BYTES + pcm.byteLength);
  const view = new DataView(frame);
  view.setUint8(0, FRAME_VERSION);
  view.setUint8(1, FRAME_KIND_AUDIO);
  view.setUint16(2, 0);
  view.setUint32(4, sequence >>> 0);
  view.setBigInt64(8, BigInt(timestamp));
  new Uint8Array(frame, HEADER_BYTES).set(new Uint8Array(pcm));
  return frame;
}

/**
 * Decodes one received frame into Float32 samples for the player (and into the debug ring).
 * Returns null for anything that is not a valid version-1 audio frame.
 */
export function decodeFrame(buffer, maxFrameBytes) {
  const length = buffer.byteLength;
  if (length < HEADER_BYTES + 2 || (length - HEADER_BYTES) % 2 !== 0 || (maxFrameBytes && length > maxFrameBytes)) {
    return null;
  }
  const view = new DataView(buffer);
  if (view.getUint8(0) !== FRAME_VERSION || view.getUint8(1) !== FRAME_KIND_AUDIO) {
    return null;
  }
  const count = (length - HEADER_BYTES) / 2;
  const samples = new Float32Array(count);
  let sumSquares = 0;
  for (let i = 0; i < count; i++) {
    const sample = view.getInt16(HEADER_BYTES + 2 * i, true);
    samples[i] = sample / 32768;
    sumSquares += sample * sample;
    received.push(sample);
  }
  return { samples, rms: Math.sqrt(sumSquares / count) / 32768 };
}

/**
 * One party's audio in an answered call. Opens the media socket; on its first open starts the
 * capture worklet (so timestamps start at 0 when audio starts flowing) and sends a frame per
 * worklet frame; plays what arrives through the player worklet. A media socket that drops is
 * reopened quickly with the same token (the server keeps the leg for its grace period) and the
 * capture clock keeps running, so the timestamps go on where they were.
 *
 * onStatus(status, detail) gets 'connecting' | 'open' | 'reconnecting' | 'closed' | 'failed'.
 */
export class MediaLeg {
  constructor({ engine, mic, muted, onRms, onStatus }) {
    this.engine = engine;
    this.mic = mic; // may be null: we then send silence but still hear the other side
    this.muted = Boolean(muted);
    this.onRms = onRms || (() => {});
    this.onStatus = onStatus || (() => {});
    this.opus = engine.codec === 'opus';
    this.maxFrameBytes = this.opus ? 0 : engine.media.maxFrameBytes || 0;
    // Opus at 32 kbit/s: about 80 bytes of packet per frame.
    this.frameBytes = this.opus ? HEADER_BYTES + 100 : HEADER_BYTES + engine.media.samplesPerFrame * 2;
    this.encoder = null;
    this.decoder = null;
    if (this.opus) {
      this.openCodecs();
    }
    this.sequence = 0;
    this.ws = null;
    this.url = null;
    this.capture = null;
    this.closed = false;
    this.retries = 0;
    this.retryTimer = null;
    this.lastTextWarning = 0;
    resetMediaCounters();
    this.player = engine.createPlayer();
    this.player.port.onmessage = (event) => {
      if (event.data && event.data.type === 'stats') {
        stats.player = event.data;
      }
    };
  }

  open(url, wire) {
    this.url = url;
    this.retries = 0;
    if (wire && wire.maxFrameBytes) {
      this.maxFrameBytes = wire.maxFrameBytes;
    }
    this.connect();
  }

  /** WebCodecs for an Opus leg (media/opus-wire.js); a codec error drops that frame, never the call. */
  openCodecs() {
    const warn = (error) => console.warn('[callvault] opus codec:', error && error.message);
    this.encoder = new OpusSender((packet, timestamp) => {
      const ws = this.ws;
      if (!ws || ws.readyState !== WebSocket.OPEN) {
        return;
      }
      const frame = opusFrame(this.sequence, timestamp, packet);
      ws.send(frame);
      this.sequence = (this.sequence + 1) >>> 0;
      stats.framesSent++;
      stats.bytesSent += frame.byteLength;
    }, warn, this.engine.media && this.engine.media.bitrate);
    this.decoder = new OpusReceiver((samples) => {
      let sumSquares = 0;
      for (let i = 0; i < samples.length; i++) {
        const sample = Math.max(-32768, Math.min(32767, Math.round(samples[i] * 32768)));
        sumSquares += sample * sample;
        received.push(sample);
      }
      stats.lastRxRms = Math.sqrt(sumSquares / Math.max(1, samples.length)) / 32768;
      if (this.player) {
        this.player.port.postMessage({ type: 'samples', samples }, [samples.buffer]);
      }
    }, warn);
  }

  /** A fresh token after a resume: move to it, keep capture and playout running. */
  reopen(url, wire) {
    if (this.ws) {
      const old = this.ws;
      this.ws = null;
      old.onclose = null;
      old.onmessage = null;
      old.close(1000, 'new token');
    }
    this.open(url, wire);
  }

  setMuted(muted) {
    this.muted = Boolean(muted);
    if (this.capture) {
      this.capture.port.postMessage({ type: 'mute', muted: this.muted });
    }
  }

  close() {
    if (this.closed) {
      return;
    }
    this.closed = true;
    clearTimeout(this.retryTimer);
    if (this.ws) {
      this.ws.onclose = null;
      this.ws.onmessage = null;
      this.ws.close(1000, 'call over');
      this.ws = null;
    }
    if (this.mic && this.capture) {
      try {
        this.mic.source.disconnect(this.capture); // the shared mic may live on for a mic test
      } catch {
        // not connected
      }
    }
    disposeNode(this.capture);
    disposeNode(this.player);
    if (this.encoder) {
      this.encoder.close();
      this.decoder.close();
    }
    this.capture = null;
    this.player = null;
    stats.media = 'closed';
    this.onStatus('closed');
  }

  connect() {
    if (this.closed) {
      return;
    }
    stats.media = 'connecting';
    this.onStatus(this.retries > 0 ? 'reconnecting' : 'connecting');
    let ws;
    try {
      ws = new WebSocket(wsUrl(this.url));
    } catch (error) {
      this.fail(`The audio connection could not be opened (${error.message || error.name}).`);
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.retries = 0;
      this.tryAgains = 0; // the 4503 limit is per outage, not per call
      stats.media = 'open';
      this.startCapture();
      this.onStatus('open');
    };
    ws.onmessage = (event) => this.onMessage(event.data);
    ws.onclose = (event) => this.onClose(ws, event);
  }

  startCapture() {
    if (this.capture) {
      return; // reconnected: the running capture keeps its clock
    }
    this.capture = this.engine.createCapture(this.muted);
    this.capture.port.onmessage = (event) => this.onCapturedFrame(event.data);
    if (this.mic) {
      this.mic.source.connect(this.capture);
    }
    this.capture.connect(this.engine.sink);
  }

  onCapturedFrame(message) {
    if (!message || message.type !== 'frame') {
      return;
    }
    this.onRms(message.rms);
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) {
      return; // between reconnects the clock runs on; the gap becomes silence on the server
    }
    if (ws.bufferedAmount > MAX_QUEUED_FRAMES * this.frameBytes) {
      stats.framesDropped++; // the network is not keeping up: old audio is worth less than new
      return;
    }
    if (this.encoder) {
      this.encoder.encode(message.pcm, message.timestamp); // sent when its packet comes out
      return;
    }
    const frame = encodeFrame(this.sequence, message.timestamp, message.pcm);
    ws.send(frame);
    this.sequence = (this.sequence + 1) >>> 0;
    stats.framesSent++;
    stats.bytesSent += frame.byteLength;
  }

  onMessage(data) {
    if (typeof data === 'string') {
      this.onText(data);
      return;
    }
    if (this.decoder) {
      if (this.decoder.decode(data, this.maxFrameBytes)) {
        stats.framesReceived++;
        stats.bytesReceived += data.byteLength;
      } else {
        stats.framesRejected++;
      }
      return;
    }
    const decoded = decodeFrame(data, this.maxFrameBytes);
    if (!decoded) {
      stats.framesRejected++;
      return;
    }
    stats.framesReceived++;
    stats.bytesReceived += data.byteLength;
    stats.lastRxRms = decoded.rms;
    if (this.player) {
      this.player.port.postMessage({ type: 'samples', samples: decoded.samples }, [decoded.samples.buffer]);
    }
  }

  onText(text) {
    // The server reports our malformed frames here (bad_frame). That is a client bug, not
    // something the user can fix: log it, rate limited.
    const now = Date.now();
    if (now - this.lastTextWarning > 5000) {
      this.lastTextWarning = now;
      console.warn('[callvault] media socket says:', text);
    }
  }

  onClose(ws, event) {
    if (ws !== this.ws || this.closed) {
      return;
    }
    this.ws = null;
    stats.media = 'closed';
    switch (event.code) {
      case 1000: // the call ended normally; the event socket brings the final state
      case 1001: // the server is stopping; the event socket brings the final state (server_shutdown)
        this.onStatus('closed');
        return;
      case 4400:
      case 4401:
        this.fail('The audio connection was refused: the call is over or its token expired.');
        return;
      case 1008:
        this.fail('The server closed the audio connection (malformed audio frames).');
        return;
      case 4410: // the call's server was lost: no retry can bring the call back
        this.fail(SERVER_LOST_TEXT);
        return;
      case 4503: // the call's server is quiet, not yet declared lost: the event socket brings the outcome
        if ((this.tryAgains = (this.tryAgains || 0) + 1) <= MEDIA_TRY_AGAIN_RETRIES) {
          console.warn(`[callvault] media socket closed 4503 (${this.tryAgains} of ${MEDIA_TRY_AGAIN_RETRIES}):`
            + ' the call\'s server is not answering yet; again in 1 s');
          this.onStatus('reconnecting');
          clearTimeout(this.retryTimer);
          this.retryTimer = setTimeout(() => this.connect(), 1000);
          return;
        }
        this.fail('The audio connection was lost.');
        return;
      default: // 4409 (our previous socket not yet gone), network loss, server restart: retry
        this.retry();
    }
  }

  retry() {
    if (this.retries >= MEDIA_RECONNECT_DELAYS_MS.length) {
      this.fail('The audio connection was lost.');
      return;
    }
    const delay = MEDIA_RECONNECT_DELAYS_MS[this.retries++];
    this.onStatus('reconnecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  fail(message) {
    stats.media = 'failed';
    this.onStatus('failed', message);
  }
}

/* ------------------------------------------------------------------------------------------------
 * UI pieces: meter, timer, ringback, beep
 * --------------------------------------------------------------------------------------------- */

/**
 * The mic level element (<meter> or anything else). data-level and callvaultStats.micRms carry the
 * RMS of the latest frame, 0..1; a <meter>'s value shows the same with a short decay so speech
 * does not flicker. DOM updates are batched to animation frames.
 */
export class MicMeter {
  constructor(element) {
    this.element = element;
    this.level = 0;
    this.shown = 0;
    this.scheduled = false;
  }

  update(rms) {
    const level = Number.isFinite(rms) ? Math.min(1, Math.max(0, rms)) : 0;
    this.level = level;
    stats.micRms = level;
    this.shown = Math.max(level, this.shown * 0.85);
    this.schedule();
  }

  reset() {
    this.level = 0;
    this.shown = 0;
    stats.micRms = 0;
    this.schedule();
  }

  schedule() {
    if (this.scheduled || !this.element) {
      return;
    }
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.element.dataset.level = this.level.toFixed(4);
      if ('value' in this.element) {
        this.element.value = this.shown;
      }
    });
  }
}

/** The `call-timer` element: mm:ss since the call was answered. */
export class CallTimer {
  constructor(element) {
    this.element = element;
    this.startedAt = null;
    this.interval = null;
  }

  start(epochMs) {
    this.stop();
    this.startedAt = epochMs;
    this.render(Date.now() - epochMs);
    this.interval = setInterval(() => this.render(Date.now() - this.startedAt), 250);
  }

  /** Freezes the display; with a duration from the server, shows that instead. */
  stop(finalMs) {
    clearInterval(this.interval);
    this.interval = null;
    if (Number.isFinite(finalMs)) {
      this.render(finalMs);
    } else if (this.startedAt !== null) {
      this.render(Date.now() - this.startedAt);
    }
    this.startedAt = null;
  }

  reset() {
    this.stop();
    this.render(0);
  }

  get running() {
    return this.interval !== null;
  }

  render(ms) {
    if (this.element) {
      this.element.textContent = formatDuration(ms);
    }
  }
}

/**
 * North American ringback (440 + 480 Hz, 2 s on, 4 s off) made with oscillators, so the caller
 * hears that the far end rings. Cycles are scheduled on the audio clock a few seconds ahead.
 */
export class Ringback {
  constructor(engine) {
    this.engine = engine;
    this.nodes = null;
    this.timer = null;
  }

  get playing() {
    return this.nodes !== null;
  }

  async start() {
    if (this.nodes) {
      return;
    }
    const claim = {}; // claim first: start() or stop() may be called while we await
    this.nodes = claim;
    let ctx;
    try {
      ctx = await this.engine.start();
    } catch {
      if (this.nodes === claim) {
        this.nodes = null; // no audio here: the status line still says "ringing"
      }
      return;
    }
    if (this.nodes !== claim) {
      return; // stopped (or restarted) while we waited
    }
    const gain = new GainNode(ctx, { gain: 0 });
    gain.connect(ctx.destination);
    const oscillators = [440, 480].map((frequency) => {
      const osc = new OscillatorNode(ctx, { type: 'sine', frequency });
      osc.connect(gain);
      osc.start();
      return osc;
    });
    this.nodes = { ctx, gain, oscillators, next: ctx.currentTime + 0.05 };
    stats.ringback = true;
    this.scheduleAhead();
    this.timer = setInterval(() => this.scheduleAhead(), 1000);
  }

  scheduleAhead() {
    const { ctx, gain } = this.nodes;
    const level = 0.12;
    const ramp = 0.015; // short ramps avoid clicks at the tone edges
    while (this.nodes.next < ctx.currentTime + 8) {
      const t = this.nodes.next;
      gain.gain.setValueAtTime(0, t);
      gain.gain.linearRampToValueAtTime(level, t + ramp);
      gain.gain.setValueAtTime(level, t + 2 - ramp);
      gain.gain.linearRampToValueAtTime(0, t + 2);
      this.nodes.next = t + 6;
    }
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    const nodes = this.nodes;
    this.nodes = null;
    stats.ringback = false;
    if (!nodes || !nodes.ctx) {
      return;
    }
    const now = nodes.ctx.currentTime;
    nodes.gain.gain.cancelScheduledValues(now);
    nodes.gain.gain.setTargetAtTime(0, now, 0.01);
    nodes.oscillators.forEach((osc) => osc.stop(now + 0.1));
    setTimeout(() => nodes.gain.disconnect(), 300);
  }
}

/** A short two-note cue for an incoming call (only once audio was enabled by a click). */
export async function beep(engine) {
  const ctx = engine.ctx;
  if (!ctx || ctx.state !== 'running') {
    return;
  }
  const gain = new GainNode(ctx, { gain: 0 });
  gain.connect(ctx.destination);
  const start = ctx.currentTime + 0.02;
  [[880, 0], [660, 0.18]].forEach(([frequency, offset]) => {
    const osc = new OscillatorNode(ctx, { frequency });
    osc.connect(gain);
    osc.start(start + offset);
    osc.stop(start + offset + 0.15);
    gain.gain.setValueAtTime(0, start + offset);
    gain.gain.linearRampToValueAtTime(0.15, start + offset + 0.01);
    gain.gain.linearRampToValueAtTime(0, start + offset + 0.15);
  });
  setTimeout(() => gain.disconnect(), 800);
}

/* ------------------------------------------------------------------------------------------------
 * Call session: "my current call", shared by both pages
 * --------------------------------------------------------------------------------------------- */

/**
 * Tracks the one call this page is a party of. It listens on the event channel for leg, call,
 * media and error, keeps the resume token in sessionStorage, drives the status line, timer, meter,
 * mute and hang-up controls, and runs the MediaLeg while the call is answered.
 *
 * `ui` holds the elements by testid: call-status, call-timer, mic-level, mute, hangup, and
 * optionally media-status and audio-unlock. `onChange(state, call)` lets the page react (ringback,
 * buttons).
 */
export class CallSession {
  constructor({ channel, engine, role, ui, errors, onChange }) {
    this.channel = channel;
    this.engine = engine;
    this.role = role;
    this.ui = ui;
    this.errors = errors;
    this.onChange = onChange || (() => {});
    this.store = new LegStore(`callvault.${role}.leg`);
    this.meter = new MicMeter(ui['mic-level']);
    this.timer = new CallTimer(ui['call-timer']);
    this.calls = new Map(); // latest snapshot of every call seen, by id (order of leg/call varies)
    this.user = null;
    this.state = 'idle';
    this.callId = null;
    this.resumeToken = null;
    this.pending = null; // {kind:'dial'|'answer'|'resume', callId?, hangup?}
    this.mic = null;
    this.leg = null;
    this.muted = false;
    this.sawRinging = false;
    this.epoch = 0; // bumped on teardown so late async work of an old call does nothing

    channel.on('welcome', (m) => this.onWelcome(m));
    channel.on('leg', (m) => this.onLeg(m));
    channel.on('call', (m) => m.call && this.onCall(m.call));
    channel.on('media', (m) => this.onMedia(m));
    channel.on('error', (m) => this.onError(m));
    channel.on('hello', (m) => this.engine.useCodec(m.codec));
    if (ui.mute) {
      ui.mute.addEventListener('click', () => this.toggleMute());
    }
    if (ui.hangup) {
      ui.hangup.addEventListener('click', () => this.hangup());
    }
    if (ui['audio-unlock']) {
      ui['audio-unlock'].addEventListener('click', () => this.engine.start().catch(() => {}));
    }
    engine.onStateChange(() => this.render());
    this.render();
  }

  /** True from the click on Call/Answer until the call is over. */
  get busy() {
    return this.pending !== null || LIVE_STATES.has(this.state);
  }

  get live() {
    return LIVE_STATES.has(this.state);
  }

  /* ---- user actions ---- */

  /** Caller: dial. Gets the microphone first, so a refused permission does not ring anybody. */
  async dial(callerName, callerNumber) {
    if (this.busy) {
      return;
    }
    this.errors.clear();
    const pending = { kind: 'dial' };
    this.pending = pending;
    this.resetForNewCall();
    this.render();
    if (!(await this.prepareAudio(pending))) {
      return;
    }
    const message = { type: 'dial' };
    if (callerName) {
      message.callerName = callerName;
    }
    if (callerNumber) {
      message.callerNumber = callerNumber;
    }
    this.sendOrFail(pending, message);
  }

  /** Agent: answer a ringing call. */
  async answer(callId) {
    if (this.busy) {
      this.errors.show('Hang up the current call before answering another one.');
      return;
    }
    this.errors.clear();
    const pending = { kind: 'answer', callId };
    this.pending = pending;
    this.resetForNewCall();
    this.render();
    if (!(await this.prepareAudio(pending))) {
      return;
    }
    this.sendOrFail(pending, { type: 'answer', callId });
  }

  hangup() {
    if (this.callId && this.live) {
      if (!this.channel.send({ type: 'hangup', callId: this.callId })) {
        this.errors.show('Not connected to the server; the call ends when the connection is back or times out.');
      }
    } else if (this.pending && this.pending.kind === 'dial') {
      this.pending.hangup = true; // no call id yet: hang up as soon as the leg arrives
    }
    this.render();
  }

  toggleMute() {
    this.muted = !this.muted;
    if (this.leg) {
      this.leg.setMuted(this.muted);
    }
    this.render();
  }

  /**
   * Microphone (and AudioContext) for a call, asked on the click. False (and a message) on
   * failure, and also when the user hung up while the browser was still asking.
   */
  async prepareAudio(pending) {
    try {
      await this.engine.start();
      if (!this.mic) {
        this.mic = await this.engine.acquireMic();
      }
    } catch (error) {
      this.errors.show(error instanceof UserError ? error.message : explainMicError(error));
      this.abandon(pending);
      return false;
    }
    if (this.pending !== pending || pending.hangup) {
      this.abandon(pending);
      return false;
    }
    return true;
  }

  sendOrFail(pending, message) {
    if (this.channel.send(message)) {
      pending.sent = true;
    } else {
      this.errors.show('Not connected to the server. Wait for the connection to come back and try again.');
      this.abandon(pending);
    }
  }

  /** Gives up a dial/answer that was not (or could not be) sent. */
  abandon(pending) {
    if (this.pending === pending) {
      this.pending = null;
    }
    if (!this.pending && !this.live) {
      this.releaseAudio();
    }
    this.render();
  }

  /* ---- server messages ---- */

  onWelcome(message) {
    this.user = message.user || null;
    (message.calls || []).forEach((call) => call && call.id && this.remember(call));
    try {
      this.engine.configure(message.media);
    } catch (error) {
      this.errors.show(error.message);
    }
    // Protocol version 2: say which codecs this page can send and receive, before any resume so
    // that the media socket it gets back is already in the agreed codec.
    const hello = helloMessage();
    if (!this.engine.opusPossible) {
      hello.codecs = ['pcm'];
    }
    this.channel.send(hello);
    // After a reload (sessionStorage) or a reconnect of this page (memory): re-attach to the call.
    const stored = this.live && this.callId && this.resumeToken
      ? { callId: this.callId, resumeToken: this.resumeToken }
      : this.store.load();
    if (stored) {
      this.pending = { kind: 'resume', callId: stored.callId, resumeToken: stored.resumeToken, tries: 0 };
      this.channel.send({ type: 'resume', callId: stored.callId, resumeToken: stored.resumeToken });
    } else if (this.pending && this.pending.sent && this.pending.kind !== 'resume') {
      // The socket dropped between our dial/answer and the reply: that request is lost.
      this.pending = null;
      this.releaseAudio();
      this.errors.show('The connection dropped before the server replied. Please try again.');
    }
    this.render();
  }

  onLeg(message) {
    const pending = this.pending;
    const ours = message.callId === this.callId
      || (pending && (pending.kind === 'dial' || pending.callId === message.callId));
    if (!ours) {
      return;
    }
    this.callId = message.callId;
    this.resumeToken = message.resumeToken;
    this.store.save(message.callId, message.resumeToken);
    stats.callId = message.callId;
    if (pending && pending.hangup) {
      pending.hangup = false;
      this.channel.send({ type: 'hangup', callId: message.callId });
    }
    const known = this.calls.get(message.callId);
    if (pending && pending.kind === 'answer') {
      // Our answer went through; the list's last snapshot still says ringing, `call` follows.
      this.sawRinging = true;
      if (known && known.state !== 'ringing') {
        this.applyCall(known);
      }
    } else if (known) {
      this.applyCall(known);
    }
    this.render();
  }

  onCall(call) {
    this.remember(call);
    if (!this.callId && this.role === 'caller' && this.pending && this.pending.kind === 'dial') {
      // A caller only hears about its own call, so this is ours even if `leg` is still on its way.
      this.callId = call.id;
      stats.callId = call.id;
    }
    if (call.id === this.callId) {
      this.applyCall(call);
    }
  }

  onMedia(message) {
    const pending = this.pending;
    const ours = message.callId === this.callId || (pending && pending.callId === message.callId);
    if (!ours || TERMINAL_STATES.has(this.state)) {
      return;
    }
    const url = message.url || `${this.engine.media.path || '/ws/media'}?token=${encodeURIComponent(message.token)}`;
    if (this.leg) {
      this.leg.reopen(url, message);
    } else {
      this.startMedia(url, message);
    }
  }

  onError(message) {
    this.errors.show(describeServerError(message, this.calls));
    const pending = this.pending;
    if (message.code === 'try_again' && pending && pending.kind === 'resume') {
      this.retryResume(pending, message.retryAfterMillis);
      return;
    }
    if (!pending || this.callId && pending.kind !== 'resume') {
      return; // nothing waiting for a reply, or the request already succeeded
    }
    const refersToPending = message.ref === pending.kind || Boolean(message.callId && message.callId === pending.callId);
    if (pending.kind === 'resume') {
      if (message.code === 'invalid_token' || message.code === 'server_lost' || message.code === 'not_found' || refersToPending) {
        this.forgetCall(); // the call is gone: show idle, as on a fresh page
      }
    } else if (pending.kind === 'dial' || refersToPending || ANSWER_REFUSALS.has(message.code)) {
      // A caller has nothing else in flight, so any error answers its dial; an agent's answer
      // is refused by these codes (the server may not echo `ref`).
      this.pending = null;
      this.releaseAudio();
      this.render();
    }
  }

  /**
   * The call's server has gone quiet but is not declared lost yet (several servers): ask again when
   * the server says, until the answer is the call itself or `server_lost`. A resume sent anew by a
   * reconnect replaces this one (the timer then finds another pending request and does nothing).
   */
  retryResume(pending, retryAfterMillis) {
    if (++pending.tries > RESUME_RETRIES) {
      this.forgetCall();
      return;
    }
    const delay = Math.min(Math.max(Number(retryAfterMillis) || 1000, 250), 15000);
    clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => {
      if (this.pending === pending) {
        this.channel.send({ type: 'resume', callId: pending.callId, resumeToken: pending.resumeToken });
      }
    }, delay);
  }

  /** Drops a call we can no longer resume. */
  forgetCall() {
    this.store.clear();
    this.teardown();
    this.callId = null;
    this.resumeToken = null;
    stats.callId = null;
    this.timer.reset();
    this.setState('idle');
    this.render();
  }

  /* ---- internals ---- */

  remember(call) {
    this.calls.set(call.id, call);
    if (this.calls.size > 500) {
      // Bound the memory of a console left open for days: forget the oldest finished calls.
      for (const [id, known] of this.calls) {
        if (TERMINAL_STATES.has(known.state) && id !== this.callId) {
          this.calls.delete(id);
        }
        if (this.calls.size <= 250) {
          break;
        }
      }
    }
  }

  applyCall(call) {
    const previous = this.state;
    this.calls.set(call.id, call);
    if (call.state === 'ringing') {
      this.sawRinging = true;
    } else if (call.state === 'answered') {
      if (this.pending) {
        this.pending = null;
      }
      if (!this.timer.running) {
        this.timer.start(this.answeredAt(call));
      }
    } else if (TERMINAL_STATES.has(call.state)) {
      this.timer.stop(previous === 'answered' && Number.isFinite(call.durationMs) ? call.durationMs : undefined);
      this.store.clear();
      this.teardown();
    }
    if (call.state === 'ringing' && this.pending && this.pending.kind !== 'answer') {
      this.pending = null; // dial or resume confirmed; an agent's answer waits for 'answered'
    }
    this.setState(call.state);
    this.render();
  }

  /**
   * When the timer starts. Seen ringing here: the moment we learn of the answer (immune to clock
   * skew between server and browser). Picked up answered (after a reload): the server's
   * answeredAt, never in the future.
   */
  answeredAt(call) {
    const now = Date.now();
    if (this.sawRinging || !call.answeredAt) {
      return now;
    }
    const at = Date.parse(call.answeredAt);
    return Number.isFinite(at) ? Math.min(at, now) : now;
  }

  async startMedia(url, wire) {
    const epoch = this.epoch;
    try {
      await this.engine.start();
    } catch (error) {
      this.errors.show(error.message || String(error));
      return;
    }
    if (!this.mic) {
      // Resumed after a reload: no click, but a granted permission still works. Without it we
      // still connect, so at least the user hears the other side.
      let mic = null;
      try {
        mic = await this.engine.acquireMic();
      } catch (error) {
        this.errors.show(`${error.message} The other party cannot hear you.`);
      }
      if (epoch !== this.epoch) {
        if (mic) {
          mic.release(); // the call ended while the browser asked for the microphone
        }
        return;
      }
      this.mic = this.mic || mic;
      if (mic && this.mic !== mic) {
        mic.release();
      }
    }
    if (epoch !== this.epoch || this.leg || TERMINAL_STATES.has(this.state)) {
      return; // ended meanwhile, or a second `media` already started the leg
    }
    this.leg = new MediaLeg({
      engine: this.engine,
      mic: this.mic,
      muted: this.muted,
      onRms: (rms) => this.meter.update(rms),
      onStatus: (status, detail) => {
        if (status === 'failed' && detail) {
          this.errors.show(detail);
        }
        this.renderMediaStatus(status);
      },
    });
    this.leg.open(url, wire);
  }

  /** A new call starts: the previous one's final state and time leave the screen. */
  resetForNewCall() {
    this.callId = null;
    this.resumeToken = null;
    this.muted = false;
    this.sawRinging = false;
    this.timer.reset();
    stats.callId = null;
    this.setState('idle');
  }

  /** Stops all audio of the call; the final state stays on screen. */
  teardown() {
    this.epoch++;
    this.pending = null;
    this.resumeToken = null;
    if (this.leg) {
      this.leg.close();
      this.leg = null;
    }
    this.releaseAudio();
    this.meter.reset();
    this.muted = false;
  }

  releaseAudio() {
    if (this.mic) {
      this.mic.release();
      this.mic = null;
    }
  }

  setState(state) {
    const changed = state !== this.state;
    this.state = state;
    stats.state = state;
    if (changed) {
      this.onChange(state, this.callId ? this.calls.get(this.callId) : null);
    }
  }

  render() {
    const { ui } = this;
    if (ui['call-status']) {
      ui['call-status'].textContent = this.state;
      ui['call-status'].dataset.state = this.state;
    }
    if (ui.hangup) {
      ui.hangup.disabled = !(this.live || (this.pending && this.pending.kind === 'dial'));
    }
    if (ui.mute) {
      ui.mute.disabled = !this.live;
      ui.mute.setAttribute('aria-pressed', String(this.muted));
      ui.mute.textContent = this.muted ? 'Unmute' : 'Mute';
      ui.mute.classList.toggle('is-on', this.muted);
    }
    if (ui['audio-unlock']) {
      ui['audio-unlock'].hidden = !(this.live && this.engine.suspended);
    }
    if (!this.leg) {
      this.renderMediaStatus(this.live ? 'waiting' : 'closed');
    }
  }

  renderMediaStatus(status) {
    const element = this.ui['media-status'];
    if (!element) {
      return;
    }
    const text = {
      waiting: this.state === 'ringing' ? '' : 'Audio: waiting',
      connecting: 'Audio: connecting…',
      open: 'Audio: connected',
      reconnecting: 'Audio: reconnecting…',
      failed: 'Audio: lost',
      closed: '',
    }[status];
    element.textContent = text === undefined ? '' : text;
    element.dataset.status = status;
  }
}

/* ------------------------------------------------------------------------------------------------
 * Mic test: record 5 s, upload, play the server's copy
 * --------------------------------------------------------------------------------------------- */

/**
 * Records exactly `seconds` × sampleRate samples through the same capture worklet as a call (its
 * own stream if no call is running, the call's microphone otherwise), uploads the raw PCM16 LE to
 * /api/mic-tests and plays back the copy the server stored, so the user hears the whole path.
 *
 * ui: test-record, test-play, test-status, test-audio (an <audio>), optionally mic-level via meter.
 */
export class MicTest {
  constructor({ engine, ui, errors, meter, seconds = 5 }) {
    this.engine = engine;
    this.ui = ui;
    this.errors = errors;
    this.meter = meter;
    this.seconds = seconds;
    this.state = 'idle';
    this.url = null;
    this.publish({ state: 'idle', id: null, durationMs: null, bytes: null });
    ui['test-record'].addEventListener('click', () => this.record());
    ui['test-play'].addEventListener('click', () => this.play());
    const audio = ui['test-audio'];
    audio.addEventListener('playing', () => this.say('Playing back from the server…'));
    audio.addEventListener('ended', () => this.say('Done. Press Play to hear it again.'));
    audio.addEventListener('error', () => {
      if (this.url) {
        this.say('The recording could not be played back.');
      }
    });
    this.render();
  }

  /** Enabled once the server told us the media format. */
  setAvailable(available) {
    this.available = available;
    this.render();
  }

  async record() {
    if (this.state === 'recording' || this.state === 'uploading' || !this.engine.configured) {
      return;
    }
    this.errors.clear();
    this.ui['test-audio'].pause();
    this.publish({ state: 'recording', id: null, durationMs: null, bytes: null });
    this.say(`Recording… ${this.seconds} s left`);
    this.render();
    let pcm;
    try {
      pcm = await this.capture();
    } catch (error) {
      this.failed(error instanceof UserError ? error.message : explainMicError(error));
      return;
    }
    this.publish({ state: 'uploading' });
    this.say('Uploading…');
    this.render();
    try {
      const result = await this.upload(pcm);
      this.url = result.url;
      this.publish({ state: 'ready', id: result.id, durationMs: result.durationMs, bytes: result.bytes });
      this.say('Uploaded. Playing back from the server…');
      this.render();
      this.play();
    } catch (error) {
      this.failed(error.message || String(error));
    }
  }

  /** Exactly seconds × sampleRate samples, PCM16 LE, counted on the audio clock. */
  async capture() {
    const ctx = await this.engine.start();
    const mic = await this.engine.acquireMic();
    // The context runs at 48 kHz on an Opus page; the server keeps mic tests at the announced rate.
    const rate = ctx.sampleRate;
    const total = Math.round(this.seconds * rate);
    const pcm = new Uint8Array(total * 2);
    let filled = 0; // samples
    const node = this.engine.createCapture(false);
    try {
      await new Promise((resolve, reject) => {
        let lastProgress = this.seconds;
        // A suspended context delivers nothing; do not wait forever.
        let watchdog = setTimeout(() => reject(new UserError('The audio engine did not start. Click the page and try again.')), 3000);
        node.port.onmessage = (event) => {
          const message = event.data;
          if (!message || message.type !== 'frame') {
            return;
          }
          clearTimeout(watchdog);
          watchdog = null;
          if (this.meter) {
            this.meter.update(message.rms);
          }
          const bytes = new Uint8Array(message.pcm);
          const take = Math.min(bytes.length, (total - filled) * 2);
          pcm.set(bytes.subarray(0, take), filled * 2);
          filled += take / 2;
          const left = Math.ceil((total - filled) / rate);
          if (left !== lastProgress && filled < total) {
            lastProgress = left;
            this.say(`Recording… ${left} s left`);
          }
          if (filled >= total) {
            resolve();
          }
        };
        mic.source.connect(node);
        node.connect(this.engine.sink);
        if (ctx.state !== 'running') {
          ctx.resume().catch(() => {});
        }
      });
    } finally {
      try {
        mic.source.disconnect(node);
      } catch {
        // already disconnected
      }
      disposeNode(node);
      mic.release();
      if (this.meter) {
        this.meter.reset();
      }
    }
    return rate === this.engine.media.sampleRate ? pcm : resampleLinear(pcm, rate, this.engine.media.sampleRate);
  }

  async upload(pcm) {
    let response;
    try {
      response = await fetch('/api/mic-tests', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/octet-stream', Accept: 'application/json', ...csrfHeaders() },
        body: pcm,
      });
    } catch (error) {
      throw new UserError(`The upload failed: ${error.message || 'network error'}.`);
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (!response.ok) {
      const why = (body && (body.message || body.error)) || '';
      if (response.status === 401) {
        throw new UserError('Your session has expired. Sign in again to test the microphone.');
      }
      if (response.status === 403) {
        throw new UserError('The server refused the upload (security token expired?). Reload the page and try again.');
      }
      throw new UserError(`The upload failed (HTTP ${response.status}${why ? ': ' + why : ''}).`);
    }
    if (!body || typeof body.url !== 'string') {
      throw new UserError('The server did not say where the recording is.');
    }
    return body;
  }

  play() {
    if (!this.url) {
      return;
    }
    const audio = this.ui['test-audio'];
    if (audio.getAttribute('src') !== this.url) {
      audio.src = this.url;
    }
    audio.currentTime = 0;
    const playing = audio.play();
    if (playing && playing.catch) {
      playing.catch(() => this.say('Uploaded. Press Play to listen to the server’s copy.'));
    }
  }

  failed(message) {
    this.publish({ state: 'error' });
    this.say('Test failed.');
    this.errors.show(message);
    this.render();
  }

  publish(fields) {
    stats.micTest = { ...stats.micTest, ...fields };
    this.state = stats.micTest.state;
  }

  say(text) {
    if (this.ui['test-status']) {
      this.ui['test-status'].textContent = text;
    }
  }

  render() {
    const working = this.state === 'recording' || this.state === 'uploading';
    this.ui['test-record'].disabled = working || !this.available;
    this.ui['test-play'].disabled = working || !this.url;
    this.ui['test-record'].classList.toggle('is-recording', this.state === 'recording');
  }
}

/**
 * PCM16 LE from one rate to another by linear interpolation: for the microphone test's clip only
 * (heard once by its own speaker), never on a call's path, where the server's filters do it.
 */
function resampleLinear(pcm, from, to) {
  const input = new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2);
  const count = Math.floor(input.length * to / from);
  const output = new Int16Array(count);
  for (let i = 0; i < count; i++) {
    const position = i * from / to;
    const left = Math.floor(position);
    const right = Math.min(left + 1, input.length - 1);
    output[i] = Math.round(input[left] + (input[right] - input[left]) * (position - left));
  }
  return new Uint8Array(output.buffer);
}

/* ------------------------------------------------------------------------------------------------
 * Connection line
 * --------------------------------------------------------------------------------------------- */

/** Keeps a `connection` element in sync with the event channel. */
export function showConnection(channel, element) {
  if (!element) {
    return;
  }
  const texts = {
    connecting: 'Connecting…',
    connected: 'Connected',
    reconnecting: 'Connection lost, reconnecting…',
    closed: 'Disconnected',
  };
  channel.onStatus((status, failures) => {
    element.textContent = status === 'reconnecting' && failures >= 4
      ? 'Cannot reach the server, still trying… (signed out? reload the page)'
      : texts[status] || status;
    element.dataset.status = status;
  });
}
