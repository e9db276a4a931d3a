/*
 * The agent console (/calls): the live call list, answer/decline, and the agent's current call.
 * Rows come and go with `call` events; the first agent to answer wins, the others see who did.
 */
import {
  AudioEngine, CallSession, ErrorBox, EventChannel, MicTest, SERVER_LOST_TEXT, TERMINAL_STATES, beep, findHooks,
  showConnection,
} from './callvault-client.js';
import { Availability } from './console/availability.js';
import { CallNotes } from './console/annotations.js';
import { Callbacks } from './console/callbacks.js';
import { formatTime } from './time-format.js';

const SOUND_KEY = 'callvault.ringSound';

const root = document.querySelector('.console');
/** Finished calls stay in the list this long (dimmed) so agents see how they ended: callvault.console.finished-calls-shown. */
const ROW_LINGER_MS = Number(root.dataset.finishedCallsShownMs ?? 60000);
const ui = findHooks(root, [
  'hangup', 'mute', 'call-status', 'call-timer', 'mic-level', 'error', 'connection', 'media-status',
  'audio-unlock', 'test-record', 'test-play', 'test-status', 'test-audio', 'current-caller', 'ring-sound',
  'incoming', 'no-calls', 'availability-status', 'availability-toggle', 'notes-form', 'notes-call', 'notes-outcome',
  'notes-tags', 'notes-text', 'notes-status', 'callbacks', 'no-callbacks',
]);
const tbody = root.querySelector('tbody.console-calls');
const baseTitle = document.title;

const errors = new ErrorBox(ui.error);
const engine = new AudioEngine();
const channel = new EventChannel('agent');

const session = new CallSession({
  channel,
  engine,
  role: 'agent',
  ui,
  errors,
  onChange: () => {
    renderCurrent();
    list.refreshButtons();
  },
});

const micTest = new MicTest({ engine, ui, errors, meter: session.meter });

/* ---- the live call list ---- */

class CallList {
  constructor(body) {
    this.body = body;
    this.rows = new Map(); // call id -> {row, call, removeTimer}
  }

  /** Replaces everything with the server's list (welcome, also after a reconnect). */
  reset(calls) {
    for (const entry of this.rows.values()) {
      clearTimeout(entry.removeTimer);
      entry.row.remove();
    }
    this.rows.clear();
    (calls || []).forEach((call) => this.upsert(call, false));
    this.afterChange();
  }

  /** The call stopped ringing at this console (the agent went away, or it moved on to another agent). */
  withdraw(callId) {
    const entry = this.rows.get(callId);
    if (entry && entry.call.state === 'ringing') {
      clearTimeout(entry.removeTimer);
      entry.row.remove();
      this.rows.delete(callId);
      this.afterChange();
    }
  }

  update(call) {
    const isNew = !this.rows.has(call.id);
    if (isNew && TERMINAL_STATES.has(call.state)) {
      return; // a call we never listed ended: nothing to show
    }
    this.upsert(call, true);
    if (isNew && call.state === 'ringing') {
      this.cue();
    }
    this.afterChange();
  }

  upsert(call, animate) {
    let entry = this.rows.get(call.id);
    if (!entry) {
      entry = { row: createRow(call.id), call, removeTimer: null };
      this.rows.set(call.id, entry);
      this.body.prepend(entry.row); // newest first
      if (animate) {
        entry.row.classList.add('is-new');
      }
    }
    entry.call = call;
    fillRow(entry.row, call);
    if (TERMINAL_STATES.has(call.state) && !entry.removeTimer) {
      entry.removeTimer = setTimeout(() => {
        entry.row.remove();
        this.rows.delete(call.id);
        this.afterChange();
      }, ROW_LINGER_MS);
    }
  }

  /** Answer buttons are off while this agent is busy with (or answering) another call. */
  refreshButtons() {
    for (const { row } of this.rows.values()) {
      row.querySelectorAll('[data-testid="answer"]').forEach((button) => {
        button.disabled = session.busy || !channel.connected;
      });
      row.querySelectorAll('[data-testid="decline"]').forEach((button) => {
        button.disabled = !channel.connected;
      });
    }
  }

  afterChange() {
    const ringing = [...this.rows.values()].filter(({ call }) => call.state === 'ringing').length;
    if (ui['no-calls']) {
      ui['no-calls'].hidden = this.rows.size > 0;
    }
    if (ui.incoming) {
      ui.incoming.hidden = ringing === 0;
      ui.incoming.textContent = ringing === 1 ? '1 incoming call' : `${ringing} incoming calls`;
    }
    document.title = ringing > 0 ? `(${ringing}) ${baseTitle}` : baseTitle;
    this.refreshButtons();
  }

  cue() {
    if (ui['ring-sound'] && ui['ring-sound'].checked) {
      beep(engine).catch(() => {});
    }
  }
}

function createRow(callId) {
  const row = document.createElement('tr');
  row.dataset.callId = callId;
  row.dataset.testid = 'call-row';
  for (const name of ['caller', 'state', 'agent', 'since', 'actions']) {
    const cell = document.createElement('td');
    cell.className = `console-${name}`;
    row.append(cell);
  }
  return row;
}

/** Writes a call into its row. textContent only: names come from anonymous callers. */
function fillRow(row, call) {
  row.dataset.state = call.state;
  row.classList.toggle('is-ringing', call.state === 'ringing');
  row.classList.toggle('is-over', TERMINAL_STATES.has(call.state));
  row.classList.toggle('is-mine', call.id === session.callId);
  const cell = (name) => row.querySelector(`.console-${name}`);

  const caller = cell('caller');
  caller.replaceChildren();
  const name = document.createElement('strong');
  name.textContent = call.callerName || 'Unknown caller';
  name.dataset.testid = 'row-caller-name';
  const number = document.createElement('span');
  number.className = 'muted';
  number.textContent = call.callerNumber || 'no number';
  number.dataset.testid = 'row-caller-number';
  caller.append(name, document.createElement('br'), number);
  if (call.source === 'sip') {
    const via = document.createElement('span');
    via.className = 'badge';
    via.textContent = 'SIP';
    via.dataset.testid = 'row-source';
    caller.append(' ', via);
  }
  if (Array.isArray(call.dtmf) && call.dtmf.length > 0) {
    // Keys the caller pressed (an account number, a menu choice), oldest first.
    const keys = document.createElement('div');
    keys.className = 'muted';
    keys.dataset.testid = 'row-dtmf';
    keys.textContent = `keys ${call.dtmf.map((d) => d.digit).join('')}`;
    caller.append(keys);
  }

  const state = document.createElement('span');
  state.className = `badge state-${call.state}`;
  state.textContent = call.state;
  state.dataset.testid = 'row-state';
  cell('state').replaceChildren(state);
  if (call.endReason === 'server_lost') {
    const lost = document.createElement('span');
    lost.className = 'badge state-failed';
    lost.textContent = 'server lost';
    lost.title = SERVER_LOST_TEXT;
    lost.dataset.testid = 'row-server-lost';
    cell('state').append(' ', lost);
  }
  if (call.held && call.state === 'answered') {
    const held = document.createElement('span');
    held.className = 'badge state-held';
    held.textContent = 'on hold';
    held.dataset.testid = 'row-held';
    cell('state').append(' ', held);
  }

  const agent = cell('agent');
  agent.dataset.testid = 'row-agent';
  if (call.agent) {
    // "you" only for the call this window holds: the same user may have a second console open.
    // A declined call names who declined it; "you" only for this window's own call or decline.
    const declined = call.state === 'rejected';
    const mine = call.agent === session.user && (declined || call.id === session.callId);
    agent.textContent = `${declined ? 'declined' : 'answered'} by ${mine ? 'you' : (call.agentName || call.agent)}`;
  } else {
    agent.textContent = call.state === 'ringing' ? 'waiting' : '—';
  }

  const since = cell('since');
  since.textContent = call.createdAt ? formatTime(call.createdAt) : '';

  const actions = cell('actions');
  if (call.state === 'ringing') {
    if (!actions.querySelector('[data-testid="answer"]')) {
      actions.replaceChildren(
        actionButton('Answer', 'answer', '', () => session.answer(call.id)),
        actionButton('Decline', 'decline', 'danger', () => decline(call.id)),
      );
    }
  } else {
    actions.replaceChildren();
  }
}

function actionButton(label, testid, className, onClick) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = label;
  button.dataset.testid = testid;
  if (className) {
    button.className = className;
  }
  button.addEventListener('click', () => {
    Promise.resolve(onClick()).catch((error) => errors.show(error.message || String(error)));
    list.refreshButtons();
  });
  return button;
}

function decline(callId) {
  errors.clear();
  if (!channel.send({ type: 'decline', callId })) {
    errors.show('Not connected to the server. Wait for the connection to come back and try again.');
  }
}

const list = new CallList(tbody);
const availability = new Availability({
  channel, status: ui['availability-status'], toggle: ui['availability-toggle'], errors,
});
const notes = new CallNotes({ form: ui['notes-form'], ui });
const callbacks = new Callbacks({ body: ui.callbacks, empty: ui['no-callbacks'], errors });

/* ---- the current call panel ---- */

function renderCurrent() {
  const call = session.callId ? session.calls.get(session.callId) : null;
  if (call && call.agent === session.user && call.state !== 'ringing') {
    notes.follow(call);
  }
  if (ui['current-caller']) {
    ui['current-caller'].textContent = call
      ? `${call.callerName || 'Unknown caller'}${call.callerNumber ? ' · ' + call.callerNumber : ''}${call.held ? ' · on hold' : ''}`
      : 'No call';
  }
  root.dataset.state = session.state;
  availability.setOnCall(session.live);
  for (const { row, call: listed } of list.rows.values()) {
    row.classList.toggle('is-mine', listed.id === session.callId && session.live);
  }
}

/* ---- wiring ---- */

channel.on('welcome', (message) => {
  list.reset(message.calls);
  micTest.setAvailable(true);
  renderCurrent();
});
// Several servers: after messages between them were lost (a Redis outage), the whole list again.
channel.on('resync', (message) => {
  list.reset(message.calls);
  renderCurrent();
});
channel.on('call', (message) => {
  if (message.call && message.call.id) {
    list.update(message.call);
    renderCurrent();
    if (message.call.state === 'missed') {
      callbacks.refreshSoon();
    }
    if (message.call.endReason === 'server_lost' && message.call.agent === session.user) {
      errors.show(SERVER_LOST_TEXT);
    }
  }
});
channel.on('offer_withdrawn', (message) => list.withdraw(message.callId));
channel.on('*', () => list.refreshButtons());
channel.onStatus(() => list.refreshButtons());
showConnection(channel, ui.connection);

if (ui['ring-sound']) {
  try {
    ui['ring-sound'].checked = localStorage.getItem(SOUND_KEY) === 'on';
  } catch {
    // no storage: default off
  }
  ui['ring-sound'].addEventListener('change', () => {
    try {
      localStorage.setItem(SOUND_KEY, ui['ring-sound'].checked ? 'on' : 'off');
    } catch {
      // not remembered, still works for this page
    }
    if (ui['ring-sound'].checked) {
      // This click is the user gesture that lets the page make sound later.
      engine.start().then(() => beep(engine)).catch((error) => errors.show(error.message || String(error)));
    }
  });
}

renderCurrent();
list.afterChange();
callbacks.refresh();
channel.connect();
