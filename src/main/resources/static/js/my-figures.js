/*
 * The dashboard's "Your calls today": the signed-in agent's own figures from GET /api/agents/figures
 * (which gives an agent their own line only), refreshed once a minute.
 */
import { formatDuration } from './callvault-client.js';

const root = document.querySelector('[data-testid="my-figures"]');
const field = (name) => root.querySelector(`[data-testid="${name}"]`);

async function refresh() {
  try {
    // An administrator's request without `agent` would list everyone: ask for this user's own line.
    const response = await fetch(`/api/agents/figures?agent=${encodeURIComponent(root.dataset.user)}`,
      { headers: { Accept: 'application/json' } });
    if (!response.ok) {
      return;
    }
    const report = await response.json();
    const mine = (report.agents || [])[0]
      || { offered: 0, answered: 0, missedWhileAvailable: 0, talkTimeMs: 0, averageHandleTimeMs: 0 };
    field('my-offered').textContent = String(mine.offered);
    field('my-answered').textContent = String(mine.answered);
    field('my-missed').textContent = String(mine.missedWhileAvailable);
    field('my-talk').textContent = formatDuration(mine.talkTimeMs);
    field('my-aht').textContent = formatDuration(mine.averageHandleTimeMs);
  } catch {
    // the next refresh tries again
  }
}

if (root) {
  refresh();
  setInterval(refresh, 60000);
}
