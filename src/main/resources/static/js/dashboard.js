/*
 * The dashboard (/): the calls-per-day chart (Chart.js from the WebJar, global `Chart`) and a live
 * refresh of every figure from /api/dashboard every 5 seconds. The page is rendered complete by the
 * server; this script only keeps it current.
 *
 * Test hook: window.callvaultDashboard = {refreshes, lastRefreshAt, lastError, stats, chart}.
 */
import { formatDateTime, formatDay } from './time-format.js';

const REFRESH_MS = 5000;
const GB = 1024 * 1024 * 1024;
const MB = 1024 * 1024;

const root = document.querySelector('main.dash');
const hooks = {};
root.querySelectorAll('[data-testid]').forEach((element) => {
  hooks[element.dataset.testid] = element;
});

const state = {
  refreshes: 0,
  lastRefreshAt: null,
  lastError: null,
  stats: null,
  chart: null,
};
window.callvaultDashboard = state;

/* ---- formatting: the same text the server renders ---- */

function formatClock(ms) {
  const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

function formatUsed(bytes) {
  return bytes >= GB ? `${(bytes / GB).toFixed(2)} GB` : `${(bytes / MB).toFixed(1)} MB`;
}

function formatFree(bytes) {
  if (!(bytes >= 0)) {
    return 'unknown';
  }
  return bytes >= GB ? `${(bytes / GB).toFixed(1)} GB` : `${(bytes / MB).toFixed(1)} MB`;
}


function retentionText(retention) {
  if (!retention || !retention.enabled) {
    return 'Off: recordings are kept for ever';
  }
  const days = `${retention.days} ${retention.days === 1 ? 'day' : 'days'}`;
  const last = retention.lastRunAt
    ? `last run ${formatDateTime(retention.lastRunAt)} deleted ${retention.lastRunDeleted ?? 0}`
    : 'it has not run since the server started';
  return `Recordings older than ${days} are deleted daily; ${last}`;
}

/* ---- the cards ---- */

function setText(id, text) {
  const element = hooks[id];
  if (element && element.textContent !== text) {
    element.textContent = text;
  }
}

function render(stats) {
  setText('active-calls', String(stats.activeCalls));
  hooks['active-calls']?.closest('.dash-active')?.classList.toggle('is-live', stats.activeCalls > 0);
  setText('calls-today', String(stats.callsToday));
  setText('calls-week', String(stats.callsThisWeek));
  setText('answered-today', String(stats.answeredToday));
  setText('missed-today', String(stats.missedToday));
  setText('average-duration', formatClock(stats.averageDurationMs));
  setText('recordings-count', String(stats.recordings));
  setText('storage-used', formatUsed(stats.storageUsedBytes));
  setText('storage-free', formatFree(stats.storageFreeBytes));
  setText('retention-status', retentionText(stats.retention));
  renderChart(stats.callsPerDay || []);
}

/* ---- the chart ---- */

function dayLabel(isoDate) {
  const [year, month, day] = isoDate.split('-').map(Number);
  const date = new Date(year, month - 1, day);
  return Number.isNaN(date.getTime()) ? isoDate
    : formatDay(date);
}

function cssColour(name, fallback) {
  return window.getComputedStyle(root).getPropertyValue(name).trim() || fallback;
}

function series(days) {
  return {
    labels: days.map((day) => dayLabel(day.date)),
    answered: days.map((day) => day.answered),
    missed: days.map((day) => day.missed),
    other: days.map((day) => Math.max(0, day.total - day.answered - day.missed)),
  };
}

let chartKey = '';

function renderChart(days) {
  const canvas = hooks['calls-chart'];
  const key = JSON.stringify(days);
  if (!canvas || key === chartKey) {
    return; // unchanged: no redraw, no animation every 5 s
  }
  chartKey = key;
  const data = series(days);
  const total = days.reduce((sum, day) => sum + day.total, 0);
  canvas.setAttribute('aria-label', `Calls per day over the last ${days.length} days: ${total} in all, `
    + `${data.answered.reduce((a, b) => a + b, 0)} answered, ${data.missed.reduce((a, b) => a + b, 0)} missed`);

  if (typeof window.Chart !== 'function') {
    hooks['chart-fallback'].hidden = false;
    hooks['chart-fallback'].textContent = 'The chart library did not load; the figures above are still live.';
    return;
  }
  if (state.chart) {
    state.chart.data.labels = data.labels;
    state.chart.data.datasets[0].data = data.answered;
    state.chart.data.datasets[1].data = data.missed;
    state.chart.data.datasets[2].data = data.other;
    state.chart.$dates = days.map((day) => day.date);
    state.chart.update();
    return;
  }
  const chart = new window.Chart(canvas, {
    type: 'bar',
    data: {
      labels: data.labels,
      datasets: [
        { label: 'Answered', data: data.answered, backgroundColor: cssColour('--dash-answered', '#2e7d32'), stack: 'calls' },
        { label: 'Missed', data: data.missed, backgroundColor: cssColour('--dash-missed', '#c62828'), stack: 'calls' },
        { label: 'Other (declined, cancelled, failed)', data: data.other,
          backgroundColor: cssColour('--dash-other', '#9aa4b2'), stack: 'calls' },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: { duration: 300 },
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true, grid: { display: false } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            title: (items) => (items.length ? chart.$dates[items[0].dataIndex] : ''),
            footer: (items) => `Total: ${items.reduce((sum, item) => sum + item.parsed.y, 0)}`,
          },
        },
      },
    },
  });
  chart.$dates = days.map((day) => day.date);
  state.chart = chart;
}

/* ---- live refresh ---- */

let timer = 0;
let inFlight = false;

function setLive(status, text) {
  const badge = hooks['live-status'];
  badge.dataset.status = status;
  badge.textContent = text;
}

async function refresh() {
  window.clearTimeout(timer);
  if (inFlight) {
    return;
  }
  inFlight = true;
  let stopped = false;
  try {
    const response = await fetch('/api/dashboard', {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
      cache: 'no-store',
    });
    if (response.status === 401) {
      stopped = true;
      setLive('signed-out', 'Signed out: reload to sign in');
      return;
    }
    if (!response.ok) {
      throw new Error(`the server answered ${response.status}`);
    }
    const stats = await response.json();
    state.stats = stats;
    state.refreshes += 1;
    state.lastRefreshAt = new Date().toISOString();
    state.lastError = null;
    render(stats);
    setLive('live', 'Live');
  } catch (error) {
    state.lastError = String(error.message || error);
    setLive('offline', 'Offline: retrying');
  } finally {
    inFlight = false;
    if (!stopped && !document.hidden) {
      timer = window.setTimeout(refresh, REFRESH_MS);
    }
  }
}

// A hidden tab does not poll; it catches up as soon as it is shown again.
document.addEventListener('visibilitychange', () => {
  if (document.hidden) {
    window.clearTimeout(timer);
  } else {
    refresh();
  }
});

/* ---- retention (ADMIN): confirm before the form posts ---- */

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

refresh();
