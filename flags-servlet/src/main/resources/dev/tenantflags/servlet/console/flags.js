// The flag list and the flag detail panel.
import { api, access, session } from './api.js';
import { h, replace, uid, when, statePill, tagBadges, showError, clearError, notice, confirmAction, chipEditor, splitList } from './dom.js';
import { bucket } from './bucketing.js';
import { entryItem } from './audit.js';
import { overridesSection, loadWhoHasIt } from './overrides.js';
import { sparkline, usageChart, forEachUsage } from './usage.js';

const STATES = ['OFF', 'ON', 'TARGETED', 'ROLLOUT'];
const EDITABLE = ['description', 'module', 'state', 'rolloutPercent', 'rolloutSalt', 'scope', 'prerequisites', 'tenantEditable', 'tags'];

let allFlags = [];
let selected = null; // {flag, version, draft, overrides, history}
let knownTenants = new Set();
const usageByKey = new Map();

// ---- list -----------------------------------------------------------------------------------------

export function init() {
  document.getElementById('flag-search').addEventListener('input', renderList);
  document.getElementById('flag-module').addEventListener('change', renderList);
  document.getElementById('flag-tag').addEventListener('change', renderList);
  document.getElementById('flag-archived').addEventListener('change', () => loadList());
  document.getElementById('flag-stale').addEventListener('change', renderList);
  document.getElementById('new-flag').addEventListener('click', openNewFlag);
  document.getElementById('new-flag-form').addEventListener('submit', createFlag);
  document.getElementById('new-flag-cancel').addEventListener('click', () => document.getElementById('new-flag-dialog').close());
}

export function activate() {
  loadList();
}

export function environmentChanged() {
  selected = null;
  knownTenants = new Set();
  usageByKey.clear();
  document.getElementById('flag-detail').hidden = true;
}

async function loadList() {
  try {
    const archived = document.getElementById('flag-archived').checked;
    allFlags = await api.flags(archived ? { archived: 'all' } : {});
    fillFilter('flag-module', 'All modules', allFlags.map((f) => f.module).filter(Boolean));
    fillFilter('flag-tag', 'All tags', allFlags.flatMap((f) => f.tags || []));
    const newFlag = document.getElementById('new-flag');
    const denied = access.denied('DEVELOPER');
    newFlag.disabled = Boolean(denied);
    newFlag.title = denied || '';
    const deniedLine = document.getElementById('flags-denied');
    deniedLine.textContent = denied || '';
    deniedLine.hidden = !denied;
    renderList();
  } catch (e) {
    showError(e);
    return;
  }
  loadUnreadable();
  loadUsage();
}

/** Rows the server could not read (SPEC §4), from /api/status and the listing, named so an ADMIN can repair them. */
async function loadUnreadable() {
  const banner = document.getElementById('unreadable');
  try {
    const status = await api.status();
    const rows = [...((status && status.unreadable) || [])];
    // The listing reads the store itself, so it also names rows the client has not reloaded yet.
    for (const f of allFlags.filter((x) => x.unreadable)) {
      if (!rows.some((r) => r.kind === 'flag' && r.flagKey === f.key)) rows.push({ kind: 'flag', flagKey: f.key, problem: f.problem });
    }
    banner.hidden = rows.length === 0;
    replace(banner,
      h('strong', { text: `${rows.length} stored row${rows.length === 1 ? '' : 's'} could not be read. ` }),
      rows.length === 1
        ? 'It keeps its last good definition (or the caller\'s default) until an ADMIN replaces or archives it:'
        : 'They keep their last good definition (or the caller\'s default) until an ADMIN replaces or archives them:',
      h('ul', {}, rows.map((r) => h('li', {},
        h('code', { text: r.flagKey || '?' }), r.tenantId ? [' for ', h('code', { text: r.tenantId })] : null,
        ` (${String(r.kind || 'row').toLowerCase()}): ${r.problem || 'unreadable'}`))));
  } catch (e) {
    banner.hidden = true;
  }
}

/** Fetches each listed flag's 7-day usage for the sparklines, a few at a time. */
async function loadUsage() {
  const keys = allFlags.map((f) => f.key).filter((k) => !usageByKey.has(k)).slice(0, 200);
  await forEachUsage(keys, (k) => api.usage(k), (key, usage) => {
    usageByKey.set(key, usage);
    const cell = document.querySelector(`#flag-rows tr[data-flag="${CSS.escape(key)}"] .col-usage`);
    if (cell && usage) replace(cell, sparkline(usage));
  });
}

function fillFilter(id, allLabel, values) {
  const select = document.getElementById(id);
  const keep = select.value;
  const unique = [...new Set(values)].sort();
  replace(select, h('option', { value: '', text: allLabel }), unique.map((v) => h('option', { value: v, text: v })));
  select.value = unique.includes(keep) ? keep : '';
}

/** "Who gets it", in words: the scope summary column. */
export function scopeSummary(flag) {
  const axes = Object.entries(flag.scope || {}).filter(([, v]) => v && v.length);
  const describe = () => axes.map(([axis, values]) => {
    const shown = values.slice(0, 3).join(', ');
    return `${axis}: ${shown}${values.length > 3 ? ` +${values.length - 3} more` : ''}`;
  }).join(' · ');
  switch (flag.state) {
    case 'OFF': return 'Nobody (off)';
    case 'ON': return 'Everyone';
    case 'TARGETED': return axes.length ? describe() : 'Nobody (empty scope)';
    case 'ROLLOUT': return `${flag.rolloutPercent ?? 0}% of ${axes.length ? describe() : 'everyone'}`;
    default: return '';
  }
}

function renderList() {
  const q = document.getElementById('flag-search').value.trim().toLowerCase();
  const module = document.getElementById('flag-module').value;
  const tag = document.getElementById('flag-tag').value;
  const archived = document.getElementById('flag-archived').checked;
  const staleOnly = document.getElementById('flag-stale').checked;
  const shown = allFlags.filter((f) => (archived || !f.archived)
    && (!staleOnly || f.stale)
    && (!module || f.module === module)
    && (!tag || (f.tags || []).includes(tag))
    && (!q || f.key.toLowerCase().includes(q) || (f.description || '').toLowerCase().includes(q)));
  const rows = document.getElementById('flag-rows');
  replace(rows, shown.map((f) => h('tr', { 'data-flag': f.key, class: selected && selected.flag.key === f.key ? 'selected' : null },
    h('td', {},
      h('button', { type: 'button', class: 'link flag-open', 'aria-label': `Open flag ${f.key}`, onclick: () => openFlag(f.key) },
        h('code', { text: f.key })),
      ' ', tagBadges(f.tags), f.archived ? h('span', { class: 'badge', text: 'archived' }) : null,
      f.stale ? h('span', { class: 'badge badge-stale', title: staleWords(f), text: 'stale' }) : null,
      f.description ? h('div', { class: 'muted desc', text: f.description }) : null),
    h('td', { class: 'col-module', text: f.module || '' }),
    h('td', {}, f.unreadable ? h('span', { class: 'badge', title: f.problem, text: 'unreadable' }) : statePill(f.state)),
    h('td', { class: 'scope-summary col-who', text: scopeSummary(f) }),
    h('td', { class: 'col-usage' }, usageByKey.get(f.key) ? sparkline(usageByKey.get(f.key)) : h('span', { class: 'muted', text: '—' })))));
  document.getElementById('flag-empty').hidden = shown.length > 0;
}

function staleWords(f) {
  return f.lastEvaluatedAt
    ? `Last evaluated ${when(f.lastEvaluatedAt)}: a candidate for removal from the code.`
    : 'Not evaluated for the stale period: a candidate for removal from the code.';
}

// ---- create --------------------------------------------------------------------------------------

function openNewFlag() {
  const dialog = document.getElementById('new-flag-dialog');
  document.getElementById('new-flag-form').reset();
  document.getElementById('new-flag-error').hidden = true;
  dialog.showModal();
  document.getElementById('new-flag-key').focus();
}

async function createFlag(event) {
  event.preventDefault();
  const key = document.getElementById('new-flag-key').value.trim();
  const body = { key, description: document.getElementById('new-flag-description').value };
  const module = document.getElementById('new-flag-module').value.trim();
  if (module) body.module = module;
  const tags = splitList(document.getElementById('new-flag-tags').value);
  if (tags.length) body.tags = tags;
  const comment = document.getElementById('new-flag-comment').value.trim();
  if (comment) body.comment = comment;
  const error = document.getElementById('new-flag-error');
  try {
    await api.createFlag(body);
    document.getElementById('new-flag-dialog').close();
    notice(`Created ${key}.`);
    await loadList();
    await openFlag(key);
  } catch (e) {
    error.textContent = showError(e, { key: document.getElementById('new-flag-key') });
    error.hidden = false;
  }
}


// ---- detail --------------------------------------------------------------------------------------

async function openFlag(key) {
  clearError();
  try {
    const [{ flag, etag }, overrides, history] = await Promise.all([
      api.flag(key), api.overrides(key), api.history(key, 20),
    ]);
    const version = etag ?? flag.version;
    selected = { flag, version, draft: structuredClone(flag), overrides, history };
    for (const o of overrides) knownTenants.add(o.tenantId);
    for (const t of (flag.scope && flag.scope.tenant) || []) knownTenants.add(t);
    renderDetail();
    renderList();
    loadKnownTenants();
  } catch (e) {
    showError(e);
  }
}

/** Tenant ids the store knows about: everyone seen in overrides and the audit log. */
async function loadKnownTenants() {
  try {
    const { entries } = await api.audit({ limit: 1000 });
    const before = knownTenants.size;
    for (const e of entries) if (e.tenantId) knownTenants.add(e.tenantId);
    const list = document.getElementById('known-tenants');
    replace(list, [...knownTenants].sort().map((t) => h('option', { value: t })));
    if (knownTenants.size !== before) updatePreview();
  } catch (e) {
    // The preview simply counts fewer tenants; the reason shows elsewhere when it matters.
  }
}

function changes() {
  const out = {};
  for (const field of EDITABLE) {
    if (JSON.stringify(selected.draft[field] ?? null) !== JSON.stringify(selected.flag[field] ?? null)) {
      out[field] = selected.draft[field] ?? null;
    }
  }
  return out;
}

function markDirty() {
  const dirty = Object.keys(changes()).length > 0;
  document.getElementById('detail-save').disabled = !dirty;
  document.getElementById('detail-discard').disabled = !dirty;
  document.getElementById('detail-dirty').hidden = !dirty;
}

/** Why the detail is read-only for this caller (archived, role, protected environment), or null. */
function readOnlyReason(flag) {
  if (flag.archived) return 'Archived: read-only. It evaluates to false for every tenant and keeps its history; restore it to edit it.';
  return access.denied('DEVELOPER');
}

/** Warnings where the flag as drafted can have no effect. */
function effectWarnings(draft) {
  const out = [];
  for (const p of draft.prerequisites || []) {
    const pf = allFlags.find((f) => f.key === p);
    if (!pf) out.push(`Prerequisite ${p} does not exist here, so this flag is off for every tenant.`);
    else if (pf.archived) out.push(`Prerequisite ${p} is archived, so this flag is off for every tenant.`);
    else if (pf.state === 'OFF') out.push(`Prerequisite ${p} is OFF for everyone, so this flag is off for every tenant whatever its own state.`);
  }
  const scopeEmpty = !Object.values(draft.scope || {}).some((v) => v && v.length);
  if (draft.state === 'TARGETED' && scopeEmpty && !(selected.overrides || []).some((o) => o.enabled)) {
    out.push('TARGETED with an empty scope and no override switched on matches nobody.');
  }
  if (draft.state === 'ROLLOUT' && !draft.rolloutPercent) out.push('A 0 % rollout reaches nobody (overrides still apply).');
  return out;
}

function renderWarnings() {
  const box = document.getElementById('effect-warnings');
  if (!box || !selected) return;
  replace(box, effectWarnings(selected.draft).map((w) => h('p', { class: 'warning', text: w })));
}

function renderDetail() {
  const pane = document.getElementById('flag-detail');
  const { flag, draft } = selected;
  const readOnly = readOnlyReason(flag);
  const ids = { desc: uid('desc'), module: uid('module'), salt: uid('salt'), comment: uid('comment') };
  const inputs = {};

  const description = h('textarea', { id: ids.desc, maxlength: 1000, rows: 3, value: draft.description || '',
    oninput: (e) => { draft.description = e.target.value; markDirty(); } });
  inputs.description = description;
  const moduleInput = h('input', { id: ids.module, maxlength: 64, value: draft.module || '',
    oninput: (e) => { draft.module = e.target.value.trim() || null; markDirty(); } });
  inputs.module = moduleInput;

  const segmented = h('div', { class: 'segmented', role: 'radiogroup', 'aria-labelledby': 'state-legend' },
    STATES.map((s) => {
      const id = `detail-state-${s}`;
      return [
        h('input', { type: 'radio', name: 'flag-state', id, value: s, checked: draft.state === s,
          onchange: () => { draft.state = s; markDirty(); updateRolloutEnabled(); renderWarnings(); } }),
        h('label', { for: id, class: `seg seg-${s.toLowerCase()}`, text: s }),
      ];
    }));

  const range = h('input', { type: 'range', id: 'detail-rollout-range', min: 0, max: 100, step: 0.5,
    value: draft.rolloutPercent ?? 0, 'aria-label': 'Rollout percentage slider',
    oninput: (e) => setPercent(Number(e.target.value)) });
  const number = h('input', { type: 'number', id: 'detail-rollout-number', min: 0, max: 100, step: 0.01,
    value: draft.rolloutPercent ?? 0, class: 'percent-input',
    oninput: (e) => { if (e.target.value !== '') setPercent(Number(e.target.value), true); } });
  inputs.rolloutPercent = number;
  function setPercent(p, fromNumber) {
    const clamped = Math.round(Math.min(100, Math.max(0, p)) * 100) / 100;
    draft.rolloutPercent = clamped;
    range.value = clamped;
    if (!fromNumber) number.value = clamped;
    updatePreview();
    renderWarnings();
    markDirty();
  }
  const salt = h('input', { id: ids.salt, value: draft.rolloutSalt || '', placeholder: flag.key,
    oninput: (e) => { draft.rolloutSalt = e.target.value.trim() || null; updatePreview(); markDirty(); } });
  inputs.rolloutSalt = salt;

  const comment = h('input', { id: ids.comment, maxlength: 1000, placeholder: 'optional, recorded in the audit log' });
  inputs.comment = comment;

  const save = h('button', { type: 'button', id: 'detail-save', class: 'button-primary', disabled: true,
    onclick: () => saveFlag(comment.value.trim(), inputs) }, 'Save changes');
  const discard = h('button', { type: 'button', id: 'detail-discard', class: 'button-quiet', disabled: true,
    onclick: () => { selected.draft = structuredClone(selected.flag); renderDetail(); } }, 'Discard');
  const killDenied = flag.archived ? 'Archived flags are off already.' : access.denied('DEVELOPER');
  const archiveDenied = access.denied('ADMIN');
  const editable = !readOnly;

  replace(pane,
    h('div', { class: 'detail-head' },
      h('div', {},
        h('h2', { id: 'detail-title' }, h('code', { text: flag.key })),
        h('div', { class: 'muted' }, `version ${flag.version}`, flag.updatedBy ? ` · changed by ${flag.updatedBy}` : '',
          flag.updatedAt ? ` · ${when(flag.updatedAt)}` : '', ' ', tagBadges(flag.tags),
          flag.archived ? h('span', { class: 'badge', text: 'archived' }) : null,
          flag.stale ? h('span', { class: 'badge badge-stale', text: 'stale' }) : null)),
      h('button', { type: 'button', class: 'button-quiet', 'aria-label': 'Close flag details',
        onclick: () => { selected = null; pane.hidden = true; renderList(); } }, '×')),

    readOnly ? h('div', { id: 'detail-readonly', class: `banner ${flag.archived ? 'banner-archived' : 'banner-warn'}`, role: 'note' },
      h('p', { text: readOnly }),
      flag.archived ? h('button', { type: 'button', id: 'detail-restore', class: 'button-primary', disabled: Boolean(archiveDenied),
        title: archiveDenied || null, onclick: restoreFlag }, 'Restore') : null,
      flag.archived && archiveDenied ? h('p', { class: 'denied', text: archiveDenied }) : null) : null,

    flag.archived ? null : h('div', { class: 'kill-row' },
      h('button', { type: 'button', id: 'detail-kill', class: 'button-danger', disabled: flag.state === 'OFF' || Boolean(killDenied),
        title: killDenied || null, onclick: killFlag }, 'Kill switch'),
      h('span', { class: 'muted', text: flag.state === 'OFF' ? 'The flag is off for everyone.' : 'Turns the flag off for everyone at once, overrides included.' }),
      h('button', { type: 'button', id: 'detail-archive', class: 'button-quiet', disabled: Boolean(archiveDenied),
        title: archiveDenied || 'Archive: soft delete; it evaluates to false and keeps its history', onclick: archiveFlag }, 'Archive')),

    h('div', { id: 'effect-warnings', 'aria-live': 'polite' }),

    h('fieldset', { class: 'group', disabled: !editable },
      h('legend', { id: 'state-legend', text: 'State' }),
      segmented,
      h('div', { id: 'rollout-box', class: 'rollout' },
        h('label', { for: 'detail-rollout-number', text: 'Rollout percentage' }),
        h('div', { class: 'rollout-controls' }, range, number, h('span', { text: '%' })),
        h('p', { id: 'rollout-preview', class: 'preview', 'aria-live': 'polite' }),
        h('label', { for: ids.salt, text: 'Bucketing salt' }),
        salt,
        h('small', { text: 'Flags sharing a salt roll out to the same tenants. Empty means the flag key.' }))),

    h('fieldset', { class: 'group', disabled: !editable },
      h('legend', { text: 'Who it applies to (scope)' }),
      h('p', { class: 'muted', text: 'TARGETED: tenants matching every attribute below. ROLLOUT: the percentage of those (everyone when empty).' }),
      h('div', { id: 'scope-editors' })),

    h('fieldset', { class: 'group', disabled: !editable },
      h('legend', { text: 'Description and labels' }),
      h('label', { for: ids.desc, text: 'Description' }), description,
      h('label', { for: ids.module, text: 'Module' }), moduleInput,
      chipEditor({ label: 'Tags', values: draft.tags || [], id: 'tags',
        onChange: (v) => { draft.tags = v; markDirty(); } }),
      h('label', { class: 'check' },
        h('input', { type: 'checkbox', id: 'detail-tenant-editable', checked: draft.tenantEditable,
          onchange: (e) => { draft.tenantEditable = e.target.checked; markDirty(); } }),
        ' Tenant admins may set their own override')),

    h('fieldset', { class: 'group', disabled: !editable },
      h('legend', { text: 'Prerequisites' }),
      h('p', { class: 'muted', text: 'All of these must be on for a tenant before this flag can be.' }),
      chipEditor({ label: 'Flags this one needs', values: draft.prerequisites || [], id: 'prereq',
        suggestions: allFlags.map((f) => f.key).filter((k) => k !== flag.key),
        onChange: (v) => { draft.prerequisites = v; markDirty(); renderWarnings(); } })),

    editable ? h('div', { class: 'save-row' },
      h('label', { for: ids.comment, text: 'Why' }), comment,
      h('div', { class: 'buttons' }, save, discard,
        h('span', { id: 'detail-dirty', class: 'muted', hidden: true, text: 'Unsaved changes' }))) : null,

    overridesSection({ flag, overrides: selected.overrides, readOnly, refresh, switchToTargeted }),

    h('section', { class: 'group', 'aria-labelledby': 'who-title' },
      h('h3', { id: 'who-title', text: 'Which tenants have it' }),
      h('div', { id: 'who-has-it' }, h('p', { class: 'muted', text: 'Loading…' }))),

    h('section', { class: 'group', 'aria-labelledby': 'usage-title' },
      h('h3', { id: 'usage-title', text: 'Usage, last 7 days' }),
      h('div', { id: 'usage-box' }, h('p', { class: 'muted', text: 'Loading…' }))),

    h('section', { class: 'group', 'aria-labelledby': 'history-title' },
      h('h3', { id: 'history-title', text: 'History' }),
      h('ol', { id: 'history-list', class: 'history' },
        selected.history.map((e) => entryItem(e, { showFlag: false })))));

  renderScopeEditors();
  updateRolloutEnabled();
  updatePreview();
  renderWarnings();
  pane.hidden = false;
  loadDetailExtras(flag.key);
}

/** The detail's slower parts: who has it (its rollout estimate feeds the preview) and usage. */
async function loadDetailExtras(key) {
  const who = document.getElementById('who-has-it');
  const data = await loadWhoHasIt(key, who);
  if (!selected || selected.flag.key !== key) return;
  if (data) {
    for (const o of data.overrides || []) knownTenants.add(o.tenant);
    selected.serverRollout = data.rollout;
    updatePreview();
  }
  const box = document.getElementById('usage-box');
  try {
    const usage = await api.usage(key);
    if (selected && selected.flag.key === key) replace(box, usageChart(usage));
  } catch (e) {
    replace(box, h('p', { class: 'muted', text: 'Usage could not be loaded.' }));
  }
}

function renderScopeEditors() {
  const { draft } = selected;
  draft.scope = draft.scope || {};
  const axes = [...new Set(['tenant', 'plan', ...Object.keys(draft.scope)])];
  const box = document.getElementById('scope-editors');
  const attrId = uid('attr');
  replace(box,
    axes.map((axis) => chipEditor({ label: axis === 'tenant' ? 'Tenants' : axis === 'plan' ? 'Plans' : `Attribute ${axis}`,
      values: draft.scope[axis] || [], id: `scope-${axis}`,
      suggestions: axis === 'tenant' ? [...knownTenants] : [],
      onChange: (v) => {
        const next = { ...draft.scope };
        if (v.length) next[axis] = v; else delete next[axis];
        draft.scope = next;
        updatePreview();
        markDirty();
      } })),
    h('div', { class: 'add-axis' },
      h('label', { for: attrId, text: 'Add an attribute' }),
      h('input', { id: attrId, placeholder: 'e.g. region', spellcheck: 'false' }),
      h('button', { type: 'button', class: 'button-quiet', onclick: () => {
        const name = document.getElementById(attrId).value.trim();
        if (!name) return;
        if (!draft.scope[name]) draft.scope = { ...draft.scope, [name]: [] };
        renderScopeEditors();
        const input = document.getElementById(`scope-${name}-input`);
        if (input) input.focus();
      } }, 'Add attribute')));
}

function updateRolloutEnabled() {
  const box = document.getElementById('rollout-box');
  if (box) box.classList.toggle('inactive', selected.draft.state !== 'ROLLOUT');
}

/**
 * The live "≈N of M known tenants" preview, computed with SPEC §3 bucketing in the browser. Overrides
 * win over the rollout, so tenants with one count by its value; what the console cannot know
 * (tenants never seen, attribute values) is said, not guessed.
 */
function updatePreview() {
  const out = document.getElementById('rollout-preview');
  if (!out || !selected) return;
  const { draft } = selected;
  const basisPoints = Math.round((draft.rolloutPercent ?? 0) * 100);
  const salt = draft.rolloutSalt || draft.key;
  const scope = draft.scope || {};
  const tenantAxis = scope.tenant && scope.tenant.length ? new Set(scope.tenant) : null;
  const otherAxes = Object.keys(scope).filter((a) => a !== 'tenant' && scope[a] && scope[a].length);
  const overrides = new Map((selected.overrides || []).map((o) => [o.tenantId, o.enabled]));
  const tenants = [...knownTenants];
  if (tenants.length === 0) {
    out.textContent = 'No tenants known yet: the preview counts tenants seen in overrides and the audit log.';
    return;
  }
  let byOverride = 0;
  const inside = tenants.filter((t) => {
    if (overrides.has(t)) {
      if (overrides.get(t)) byOverride += 1;
      return overrides.get(t);
    }
    return (!tenantAxis || tenantAxis.has(t)) && bucket(t, salt) < basisPoints;
  });
  const onOverrides = [...overrides.values()].filter(Boolean).length;
  const offOverrides = overrides.size - onOverrides;
  const main = `≈${inside.length} of ${tenants.length} known tenants would be in the rollout.`;
  let more = '';
  if (overrides.size) {
    more += ` Overrides win over the rollout: ${onOverrides} on (${byOverride} of them counted above), ${offOverrides} off.`;
  }
  if (otherAxes.length) more += ` Not checked: the ${otherAxes.join(', ')} condition${otherAxes.length > 1 ? 's' : ''}, since the console does not know tenants' attributes.`;
  more += ' Tenants never seen in an override or the audit log are not counted.';
  replace(out, h('strong', { text: main }), h('span', { class: 'preview-more', text: more }));
  out.title = inside.slice(0, 20).join(', ');
}

async function saveFlag(comment, inputs) {
  const body = changes();
  if (!Object.keys(body).length) return;
  if (comment) body.comment = comment;
  try {
    const saved = await api.patchFlag(selected.flag.key, selected.version, body);
    notice(`Saved ${selected.flag.key}${saved && saved.version ? ` (version ${saved.version})` : ''}.`);
    await refresh();
  } catch (e) {
    showError(e, inputs, () => refresh());
  }
}

async function killFlag() {
  const key = selected.flag.key;
  const { ok, comment } = await confirmAction(
    `Kill ${key}? It turns off for every tenant in ${session.env || 'this environment'} immediately, overrides included.`,
    'Kill the flag');
  if (!ok) return;
  try {
    await api.kill(key, comment || undefined);
    notice(`${key} is off for everyone.`);
    await refresh();
  } catch (e) {
    showError(e);
  }
}

async function refresh() {
  const key = selected.flag.key;
  await loadList();
  await openFlag(key);
}

/** From the override warning: make an OFF flag TARGETED, so overrides that are on take effect. */
async function switchToTargeted() {
  const { flag, version } = selected;
  const { ok, comment } = await confirmAction(
    `Switch ${flag.key} to TARGETED? Tenants whose override is on get it, and tenants its scope names; everyone else stays off.`,
    'Switch to TARGETED', { danger: false });
  if (!ok) return;
  try {
    await api.patchFlag(flag.key, version, { state: 'TARGETED', ...(comment ? { comment } : {}) });
    notice(`${flag.key} is TARGETED now.`);
    await refresh();
  } catch (e) {
    showError(e, {}, () => refresh());
  }
}

async function archiveFlag() {
  const key = selected.flag.key;
  const { ok, comment } = await confirmAction(
    `Archive ${key}? It evaluates to false for every tenant in ${session.env || 'this environment'} and becomes read-only; its history stays, and it can be restored.`,
    'Archive');
  if (!ok) return;
  try {
    await api.archive(key, comment || undefined);
    document.getElementById('flag-archived').checked = true;
    notice(`${key} is archived.`);
    await refresh();
  } catch (e) {
    showError(e);
  }
}

async function restoreFlag() {
  const key = selected.flag.key;
  const { ok, comment } = await confirmAction(`Restore ${key}? It evaluates by its rules again.`, 'Restore', { danger: false });
  if (!ok) return;
  try {
    await api.restore(key, comment || undefined);
    notice(`${key} is restored.`);
    await refresh();
  } catch (e) {
    showError(e);
  }
}
