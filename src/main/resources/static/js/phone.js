/*
 * The caller's softphone (/phone): dial, ringback while it rings, talk, hang up.
 * Everything call-related lives in callvault-client.js; this file wires the page's form to it.
 */
import {
  AudioEngine, CallSession, ErrorBox, EventChannel, MicTest, Ringback, findHooks, showConnection, SERVER_LOST_TEXT,
} from './callvault-client.js';

const root = document.querySelector('.softphone');
const ui = findHooks(root, [
  'dial', 'caller-name', 'caller-number', 'hangup', 'mute', 'call-status', 'call-timer', 'mic-level',
  'error', 'connection', 'media-status', 'audio-unlock', 'test-record', 'test-play', 'test-status', 'test-audio',
]);
const form = root.querySelector('form.softphone-dialer');
const outcome = root.querySelector('[data-testid="call-outcome"]');

/** What a caller reads about the call, in plain words (the status line keeps the state's name). */
const OUTCOME_WORDS = {
  ringing: 'Calling… someone will answer shortly.',
  answered: 'You are connected.',
  ended: 'The call has ended. Thank you for calling.',
  cancelled: 'You hung up before anyone answered.',
  rejected: 'Nobody can take your call right now. Please try again later.',
  missed: 'Nobody answered this time. Please try again later.',
  failed: 'The call could not be completed. Please try again.',
};

const errors = new ErrorBox(ui.error);
const engine = new AudioEngine();
const channel = new EventChannel('caller');
const ringback = new Ringback(engine);

const session = new CallSession({
  channel,
  engine,
  role: 'caller',
  ui,
  errors,
  onChange: (state, call) => {
    // The caller hears ringback while the far end rings, nothing after.
    if (state === 'ringing') {
      ringback.start();
    } else {
      ringback.stop();
    }
    outcome.textContent = state === 'missed' && call && call.endReason === 'no_agent_available'
      ? 'Nobody is available to take your call right now. Please try again later.'
      : call && call.endReason === 'server_lost' ? SERVER_LOST_TEXT : OUTCOME_WORDS[state] ?? '';
    outcome.hidden = !outcome.textContent;
    render();
  },
});

const micTest = new MicTest({ engine, ui, errors, meter: session.meter });

function render() {
  const busy = session.busy;
  ui.dial.disabled = busy || !channel.connected;
  ui['caller-name'].disabled = busy;
  ui['caller-number'].disabled = busy;
  root.dataset.state = session.state;
}

form.addEventListener('submit', (event) => {
  event.preventDefault(); // the form only exists for Enter-to-dial and built-in validation
  if (!form.reportValidity()) {
    return;
  }
  const name = ui['caller-name'].value.trim();
  const number = ui['caller-number'].value.trim();
  session.dial(name, number).finally(render);
  render();
});

// The hang-up and mute buttons are handled by the session; re-render the form after them.
ui.hangup.addEventListener('click', render);

channel.on('welcome', () => {
  micTest.setAvailable(true);
  render();
});
channel.on('*', render);
channel.onStatus(render);
showConnection(channel, ui.connection);

render();
channel.connect();
