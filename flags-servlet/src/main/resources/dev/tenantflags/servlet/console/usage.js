// Usage (SPEC §8) drawn as inline SVG built with DOM APIs: a 7-day sparkline for the flag list and
// a true/false chart for the detail panel. No libraries, no markup strings.
import { h, when } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const HOUR = 3600 * 1000;

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.appendChild(c);
  return el;
}

function title(text) {
  const t = document.createElementNS(SVG, 'title');
  t.textContent = text;
  return t;
}

/** Sums the hourly series into `n` equal slots between from and to. */
export function slots(usage, n) {
  const from = Number(usage.from);
  const span = Math.max(HOUR, Number(usage.to) - from);
  const out = Array.from({ length: n }, () => ({ t: 0, f: 0, r: 0 }));
  for (const b of usage.hours || []) {
    const i = Math.min(n - 1, Math.max(0, Math.floor(((Number(b.hour) - from) / span) * n)));
    out[i].t += Number(b.true) || 0;
    out[i].f += Number(b.false) || 0;
    out[i].r += Number(b.refused) || 0;
  }
  return out;
}

function total(usage) {
  const t = usage.totals || {};
  return { t: Number(t.true) || 0, f: Number(t.false) || 0, r: Number(t.refused) || 0 };
}

/** A small line of evaluations per 6 hours over the usage window (7 days by default). */
export function sparkline(usage) {
  const points = slots(usage, 28);
  const width = 96;
  const height = 22;
  const max = Math.max(1, ...points.map((p) => p.t + p.f));
  const xy = points.map((p, i) => `${((i / (points.length - 1)) * width).toFixed(1)},${(height - 2 - ((p.t + p.f) / max) * (height - 4)).toFixed(1)}`);
  const sum = total(usage);
  const label = `${sum.t + sum.f} evaluations in the last 7 days (${sum.t} true, ${sum.f} false)`;
  return svg('svg', { class: 'sparkline', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': label },
    title(label),
    svg('polyline', { points: xy.join(' '), fill: 'none', stroke: sum.t + sum.f ? '#3b5bdb' : '#c4cad4', 'stroke-width': 1.5, 'stroke-linejoin': 'round' }));
}

/** The detail panel's chart: true and false evaluations per day-part, stacked, plus a summary. */
export function usageChart(usage) {
  const n = 42; // 4-hour slots over 7 days
  const points = slots(usage, n);
  const width = 420;
  const height = 120;
  const base = height - 18;
  const max = Math.max(1, ...points.map((p) => p.t + p.f));
  const bar = width / n;
  const bars = [];
  points.forEach((p, i) => {
    const th = (p.t / max) * (base - 6);
    const fh = (p.f / max) * (base - 6);
    const x = (i * bar + 0.5).toFixed(1);
    const w = Math.max(1, bar - 1).toFixed(1);
    if (p.f) bars.push(svg('rect', { x, y: (base - fh).toFixed(1), width: w, height: fh.toFixed(1), class: 'bar-false' }, title(`${p.f} false`)));
    if (p.t) bars.push(svg('rect', { x, y: (base - fh - th).toFixed(1), width: w, height: th.toFixed(1), class: 'bar-true' }, title(`${p.t} true`)));
  });
  const from = Number(usage.from);
  const to = Number(usage.to);
  const labels = [0, 0.5, 1].map((f) => svg('text', { x: (f * width).toFixed(0), y: height - 4, 'text-anchor': f === 0 ? 'start' : f === 1 ? 'end' : 'middle', class: 'axis' }));
  [from, from + (to - from) / 2, to].forEach((t, i) => { labels[i].textContent = new Date(t).toLocaleDateString(undefined, { month: 'short', day: 'numeric' }); });
  const sum = total(usage);
  const chart = svg('svg', { class: 'usage-chart', viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img',
    'aria-label': `Evaluations over time: ${sum.t} true, ${sum.f} false` },
  svg('line', { x1: 0, x2: width, y1: base + 0.5, y2: base + 0.5, class: 'baseline' }), ...bars, ...labels);
  return h('div', { class: 'usage' },
    chart,
    h('ul', { class: 'usage-legend' },
      h('li', {}, h('span', { class: 'swatch swatch-true' }), `${sum.t} true`),
      h('li', {}, h('span', { class: 'swatch swatch-false' }), `${sum.f} false`),
      h('li', { class: 'refused' }, `${sum.r} refused request${sum.r === 1 ? '' : 's'} (the filter answered 404/403)`)),
    h('p', { class: 'muted', text: usage.lastEvaluatedAt
      ? `Last evaluated ${when(usage.lastEvaluatedAt)}.` : 'Never evaluated since usage counting began.' }),
    usage.stale ? h('p', { class: 'warning', text: 'Stale: nothing evaluated it for the stale period, or it has been fully on with no overrides that long. A candidate for removal from the code.' }) : null);
}

/** Fetches usage for many flags with at most `parallel` requests at a time. */
export async function forEachUsage(keys, fetcher, onResult, parallel = 4) {
  let next = 0;
  async function worker() {
    while (next < keys.length) {
      const key = keys[next];
      next += 1;
      try {
        onResult(key, await fetcher(key));
      } catch (e) {
        onResult(key, null);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(parallel, keys.length) }, worker));
}
