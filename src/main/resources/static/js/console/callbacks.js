/*
 * Missed calls to call back (issue 17 point 5): GET /api/callbacks, and POST /api/callbacks/{id} when
 * an agent has called one back. Refreshed when a call is missed and once a minute.
 */
import { csrfHeaders } from '../callvault-client.js';
import { formatDateTime } from '../time-format.js';

const REFRESH_MS = 60000;

export class Callbacks {
  constructor({ body, empty, errors }) {
    this.body = body;
    this.empty = empty;
    this.errors = errors;
    setInterval(() => this.refresh(), REFRESH_MS);
  }

  /** A call was just missed: its row follows the event by a moment (rows are written behind a queue). */
  refreshSoon() {
    this.refresh();
    setTimeout(() => this.refresh(), 1500);
  }

  async refresh() {
    try {
      const response = await fetch('/api/callbacks', { headers: { Accept: 'application/json' } });
      if (response.ok) {
        this.render((await response.json()).calls || []);
      }
    } catch {
      // the next refresh tries again
    }
  }

  render(calls) {
    this.body.replaceChildren(...calls.map((call) => this.row(call)));
    this.empty.hidden = calls.length > 0;
  }

  /** textContent only: names come from anonymous callers. */
  row(call) {
    const row = document.createElement('tr');
    row.dataset.callId = call.callId;
    row.dataset.testid = 'callback-row';
    const who = document.createElement('td');
    who.textContent = `${call.callerName || 'Unknown caller'}${call.callerNumber ? ` · ${call.callerNumber}` : ''}`;
    const when = document.createElement('td');
    when.textContent = formatDateTime(call.createdAt);
    const done = document.createElement('td');
    if (call.calledBackBy) {
      done.textContent = `by ${call.calledBackByName || call.calledBackBy}`;
    } else {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'secondary';
      button.textContent = 'Mark called back';
      button.dataset.testid = 'callback-done';
      button.addEventListener('click', () => this.done(call.callId));
      done.append(button);
    }
    row.append(who, when, done);
    return row;
  }

  async done(callId) {
    const response = await fetch(`/api/callbacks/${encodeURIComponent(callId)}`, {
      method: 'POST',
      headers: { Accept: 'application/json', ...csrfHeaders() },
    });
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      this.errors.show(body.message || `Could not mark it (${response.status}).`);
    }
    this.refresh();
  }
}
