/**
 * The one way CallVault shows a moment to people: the reader's locale decides the order and words
 * of the date, the clock is always 24-hour (hourCycle 'h23', so an en-US browser shows "14:05",
 * never "2:05 PM"). Pages render <time data-time="..."> through fragments/time.html with a
 * 24-hour fallback in the server's zone; this module rewrites them in the reader's zone.
 */

const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});
const secondsFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: 'short', day: 'numeric',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});
const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const dateFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' });

function toDate(value) {
  // 'YYYY-MM-DD' alone is a calendar day: midnight here, not midnight UTC (which is yesterday in the west).
  const day = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value.split('-').map(Number) : null;
  const date = value instanceof Date ? value : day ? new Date(day[0], day[1] - 1, day[2]) : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** Date and time to the minute ("Dec 2, 2026, 14:05" in en-US); the input itself when unreadable. */
export function formatDateTime(value) {
  const date = toDate(value);
  return date ? dateTimeFormat.format(date) : String(value ?? '');
}

/** Date and time to the second. */
export function formatDateTimeSeconds(value) {
  const date = toDate(value);
  return date ? secondsFormat.format(date) : String(value ?? '');
}

/** Time of day only ("14:05:09"), for moments of today such as the console's rows. */
export function formatTime(value) {
  const date = toDate(value);
  return date ? timeFormat.format(date) : '';
}

/** A calendar day ("Wed, Dec 2"), for chart labels. */
export function formatDay(date) {
  return dayFormat.format(date);
}

/** A calendar day with its year ("Wed, Dec 2, 2026"), from a Date or 'YYYY-MM-DD'. */
export function formatDate(value) {
  const date = toDate(value);
  return date ? dateFormat.format(date) : String(value ?? '');
}

const FORMATS = { datetime: formatDateTime, seconds: formatDateTimeSeconds, time: formatTime, day: formatDate };

/** Rewrites every <time data-time> under {@code root} in the reader's locale and zone. */
export function formatTimes(root = document) {
  for (const element of root.querySelectorAll('time[data-time]')) {
    const value = element.getAttribute('datetime');
    if (toDate(value)) { // an unreadable value keeps the server's text
      element.textContent = (FORMATS[element.dataset.time] || formatDateTime)(value);
    }
  }
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', () => formatTimes());
  } else {
    formatTimes();
  }
}
