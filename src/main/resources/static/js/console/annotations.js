/*
 * Notes, tags and the outcome code of the call this console answered (issue 17 point 4): saved with
 * PUT /api/calls/{id}/annotations during the call or after it, until the next call is answered.
 */
import { csrfHeaders } from '../callvault-client.js';

const TAG = /^[a-z0-9][a-z0-9-]{0,31}$/;

export class CallNotes {
  constructor({ form, ui }) {
    this.form = form;
    this.ui = ui;
    this.callId = null;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.save();
    });
  }

  /** A call this agent answered: the form is for it from now on (a new one starts empty). */
  follow(call) {
    if (!call || call.id === this.callId) {
      return;
    }
    this.callId = call.id;
    this.form.hidden = false;
    this.ui['notes-call'].textContent = call.callerName || call.callerNumber || 'this call';
    this.ui['notes-outcome'].value = '';
    this.ui['notes-tags'].value = '';
    this.ui['notes-text'].value = '';
    this.say('');
  }

  tags() {
    return this.ui['notes-tags'].value.split(/[\s,]+/).map((t) => t.trim().toLowerCase()).filter(Boolean);
  }

  async save() {
    const tags = this.tags();
    const bad = tags.find((t) => !TAG.test(t));
    if (bad) {
      this.say(`"${bad}" is not a tag: use a-z, 0-9 and -, at most 32 characters.`);
      return;
    }
    this.say('Saving…');
    try {
      const response = await fetch(`/api/calls/${encodeURIComponent(this.callId)}/annotations`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...csrfHeaders() },
        body: JSON.stringify({
          notes: this.ui['notes-text'].value,
          tags,
          outcomeCode: this.ui['notes-outcome'].value || null,
        }),
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        this.say(body.message || `Not saved (${response.status}).`);
        return;
      }
      this.ui['notes-tags'].value = (body.tags || []).join(' ');
      this.say('Saved.');
    } catch (error) {
      this.say(`Not saved: ${error.message || error}`);
    }
  }

  say(text) {
    this.ui['notes-status'].textContent = text;
  }
}
