/*
 * The agent's availability in the console (docs/protocol.md, `availability`): Available or Away,
 * and Busy while on a call (the server says so). Only Available consoles ring. The choice is kept for
 * this tab, and said again after every reconnect: a new socket starts Available.
 */
const KEY = 'callvault.away';

export class Availability {
  constructor({ channel, status, toggle, errors }) {
    this.channel = channel;
    this.status = status;
    this.toggle = toggle;
    this.errors = errors;
    this.wantAway = false;
    this.serverStatus = 'available';
    this.onCall = false;
    try {
      this.wantAway = sessionStorage.getItem(KEY) === 'yes';
    } catch {
      // no storage: Available after a reload
    }
    toggle.addEventListener('click', () => this.set(!this.wantAway));
    channel.on('welcome', (message) => {
      this.show(message.availability || 'available');
      if (this.wantAway) {
        this.send();
      }
    });
    channel.on('availability', (message) => this.show(message.status));
    channel.onStatus(() => {
      this.toggle.disabled = !channel.connected;
    });
  }

  set(away) {
    this.wantAway = away;
    try {
      sessionStorage.setItem(KEY, away ? 'yes' : 'no');
    } catch {
      // remembered for this page only
    }
    this.send();
  }

  send() {
    if (!this.channel.send({ type: 'availability', status: this.wantAway ? 'away' : 'available' })) {
      this.errors.show('Not connected to the server. Wait for the connection to come back and try again.');
    }
  }

  /**
   * This console holds a live call (or no longer does): Busy at once, as the server counts it, without
   * waiting for a message; afterwards the server's last word (available or away) again.
   */
  setOnCall(onCall) {
    if (onCall !== this.onCall) {
      this.onCall = onCall;
      this.show(this.serverStatus);
    }
  }

  /** Busy is the server's word (or this console's) while it holds a call; the button still says what the agent chose. */
  show(status) {
    this.serverStatus = status === 'busy' ? this.serverStatus : status;
    const shown = this.onCall ? 'busy' : status;
    this.status.textContent = shown;
    this.status.dataset.status = shown;
    this.toggle.textContent = this.wantAway ? 'Set available' : 'Set away';
    this.toggle.disabled = !this.channel.connected;
  }
}
