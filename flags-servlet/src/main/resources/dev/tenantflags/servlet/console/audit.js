// The audit log view, and the rendering of audit entries shared with a flag's history.
import { api } from './api.js';
import { h, replace, when, isoOf, showError } from './dom.js';

const ACTION_WORDS = {
  FLAG_CREATED: 'created the flag',
  FLAG_UPDATED: 'changed the flag',
  FLAG_ARCHIVED: 'archived the flag',
  FLAG_RESTORED: 'restored the flag',
  FLAG_KILLED: 'killed the flag (switched it off)',
  OVERRIDE_SET: 'set an override',
  OVERRIDE_CLEARED: 'cleared an override',
  ENVIRONMENT_CREATED: 'created the environment',
  ENVIRONMENT_DELETED: 'deleted the environment',
  TOKEN_CREATED: 'created an API token',
  TOKEN_REVOKED: 'revoked an API token',
};

function parse(json) {
  if (json === null || json === undefined) return null;
  if (typeof json === 'object') return json;
  try { return JSON.parse(json); } catch (e) { return null; }
}

function show(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '—';
  if (typeof value === 'object') {
    const parts = Object.entries(value).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`);
    return parts.length ? parts.join('; ') : '—';
  }
  return String(value);
}

const IGNORED = new Set(['version', 'updatedAt', 'updatedBy']);

/** What changed between before and after, as "field: old → new" lines. */
export function differences(entry) {
  const before = parse(entry.before);
  const after = parse(entry.after);
  if (entry.action === 'OVERRIDE_SET' && after) {
    return [`${after.tenantId ?? entry.tenantId}: ${after.enabled ? 'on' : 'off'}${after.locked ? ', locked' : ''}${after.note ? ` (${after.note})` : ''}`
      + (before ? ` — was ${before.enabled ? 'on' : 'off'}` : '')];
  }
  if (entry.action === 'OVERRIDE_CLEARED') {
    return [`${entry.tenantId}: back to the flag's rule`];
  }
  if (!before || !after) return [];
  const lines = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (IGNORED.has(key)) continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      lines.push(`${key}: ${show(before[key])} → ${show(after[key])}`);
    }
  }
  return lines;
}

/** One audit entry as a list item; every string goes in as text. */
export function entryItem(entry, { showFlag = true } = {}) {
  const lines = differences(entry);
  return h('li', { class: 'history-entry', 'data-action': entry.action },
    h('div', { class: 'history-head' },
      h('time', { datetime: isoOf(entry.at), text: when(entry.at) }),
      ' ',
      h('strong', { text: entry.actor }),
      ` ${ACTION_WORDS[entry.action] || entry.action}`,
      showFlag && entry.flagKey ? [' ', h('code', { text: entry.flagKey })] : null,
      entry.tenantId && entry.action !== 'OVERRIDE_SET' && entry.action !== 'OVERRIDE_CLEARED' ? [' for ', h('code', { text: entry.tenantId })] : null,
      h('span', { class: 'badge badge-action', text: entry.action })),
    lines.length ? h('ul', { class: 'diff' }, lines.map((l) => h('li', { text: l }))) : null,
    entry.comment ? h('p', { class: 'comment', text: `“${entry.comment}”` }) : null);
}

let before = null;

export function init() {
  document.getElementById('audit-form').addEventListener('submit', (event) => {
    event.preventDefault();
    before = null;
    load(false);
  });
  document.getElementById('audit-more').addEventListener('click', () => load(true));
}

export function activate() {
  before = null;
  load(false);
}

export function environmentChanged() {
  before = null;
}

async function load(more) {
  const list = document.getElementById('audit-list');
  const flag = document.getElementById('audit-flag').value.trim();
  const action = document.getElementById('audit-action').value;
  const limit = 50;
  try {
    const { entries, next } = await api.audit({
      limit,
      before: more ? before : undefined,
      actor: document.getElementById('audit-actor').value.trim(),
      tenant: document.getElementById('audit-tenant').value.trim(),
      flag: flag || undefined,
      action: action || undefined,
    });
    // The server may not filter by flag or action; filtering again here is harmless.
    const shown = entries.filter((e) => (!flag || e.flagKey === flag) && (!action || e.action === action));
    if (!more) replace(list);
    for (const e of shown) list.appendChild(entryItem(e));
    if (!more && shown.length === 0) list.appendChild(h('li', { class: 'empty', text: 'No audit entries match.' }));
    before = next ?? (entries.length ? entries[entries.length - 1].id : null);
    document.getElementById('audit-more').hidden = entries.length < limit;
  } catch (e) {
    showError(e);
  }
}
