// The tenant admin's page, "Features for <tenant>": every feature grouped by module, what it is for
// this tenant and why, a switch for the ones the operators made tenant-editable, and the tenant's
// own audit log. Nothing here can name another tenant: the tenant is the signed-in one.
import { api, access, session } from './api.js';
import { h, replace, tagBadges, showError, clearError, notice, confirmAction } from './dom.js';
import { entryItem } from './audit.js';

let features = [];

function tenant() {
  return access.caller && access.caller.tenant;
}

/** Why a feature is what it is, in a tenant admin's words. */
function why(f, byKey) {
  switch (f.reason) {
    case 'OFF': return 'Switched off for everyone by the operators.';
    case 'PREREQUISITE_FAILED': {
      const off = offPrerequisites(f, byKey);
      return off.length ? `Needs ${off.join(' and ')}, which ${off.length === 1 ? 'is' : 'are'} off for you.` : 'Needs another feature that is off for you.';
    }
    case 'OVERRIDE': return f.locked ? 'Set for you by an admin, and locked.' : (f.enabled ? 'Switched on for you.' : 'Switched off for you.');
    case 'ON': return 'On for everyone.';
    case 'TARGET_MATCH': return 'On for you: you are in its target group.';
    case 'NO_MATCH': return 'Not available to you yet (you are outside its target group).';
    case 'ROLLOUT_IN': return 'On for you: part of a gradual rollout.';
    case 'ROLLOUT_OUT': return 'Not yet on for you: it is being rolled out gradually.';
    case 'ERROR': return 'It could not be evaluated just now; the safe default applies.';
    default: return '';
  }
}

function offPrerequisites(f, byKey) {
  return (f.prerequisites || []).filter((p) => !(byKey.get(p) && byKey.get(p).enabled));
}

/** Null when the tenant admin may switch the feature; else why not, in words. */
function blocked(f, byKey) {
  if (!f.tenantEditable) return 'Managed by your operators.';
  if (f.locked) return 'Locked by an admin: only an admin can change it for you.';
  if (f.reason === 'OFF' || f.state === 'OFF') return 'Switched off for everyone by the operators, so a setting here would change nothing.';
  if (f.reason === 'PREREQUISITE_FAILED') {
    const off = offPrerequisites(f, byKey);
    return off.length
      ? `Cannot be switched: it needs ${off.join(' and ')}, which ${off.length === 1 ? 'is' : 'are'} off for you.`
      : 'Cannot be switched: it needs another feature that is off for you.';
  }
  return null;
}

export function init() {
  document.getElementById('mine-search').addEventListener('input', render);
  document.getElementById('mine-module').addEventListener('change', render);
}

export function activate() {
  load();
}

export function environmentChanged() {
  features = [];
}

async function load() {
  const t = tenant();
  document.getElementById('mine-title').textContent = `Features for ${t}`;
  try {
    features = await api.tenantFlags(t);
    const select = document.getElementById('mine-module');
    const keep = select.value;
    const modules = [...new Set(features.map((f) => f.module).filter(Boolean))].sort();
    replace(select, h('option', { value: '', text: 'All modules' }), modules.map((m) => h('option', { value: m, text: m })));
    select.value = modules.includes(keep) ? keep : '';
    render();
  } catch (e) {
    replace(document.getElementById('mine-list'));
    if (e.status === 404) {
      showError(new e.constructor(404, { detail: `your token does not manage tenant ${t}; sign out and try again` }));
    } else {
      showError(e);
    }
    return;
  }
  loadAudit();
}

function render() {
  const q = document.getElementById('mine-search').value.trim().toLowerCase();
  const module = document.getElementById('mine-module').value;
  const byKey = new Map(features.map((f) => [f.key, f]));
  const shown = features.filter((f) => (!module || f.module === module)
    && (!q || f.key.toLowerCase().includes(q) || (f.description || '').toLowerCase().includes(q)));
  const groups = new Map();
  for (const f of shown) {
    const m = f.module || '';
    if (!groups.has(m)) groups.set(m, []);
    groups.get(m).push(f);
  }
  const modules = [...groups.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
  const list = document.getElementById('mine-list');
  replace(list,
    modules.map((m) => h('section', { class: 'module-group', 'data-module': m },
      h('h2', { text: m ? `Module ${m}` : 'Other features' }),
      h('ul', { class: 'tenant-flags' }, groups.get(m).sort((a, b) => a.key.localeCompare(b.key)).map((f) => featureItem(f, byKey))))),
    shown.length ? null : h('p', { class: 'empty', text: features.length ? 'No features match.' : 'No features in this environment.' }));
}

function featureItem(f, byKey) {
  const reason = blocked(f, byKey);
  const reasonId = `mine-why-${f.key}`;
  const toggle = f.tenantEditable
    ? h('button', { type: 'button', role: 'switch', class: `switch ${f.enabled ? 'on' : 'off'}`, 'aria-checked': String(Boolean(f.enabled)),
      'aria-label': `${f.key} for ${tenant()}`, 'aria-describedby': reason ? reasonId : null, disabled: Boolean(reason),
      onclick: () => toggleFeature(f, byKey) }, h('span', { class: 'switch-knob' }), h('span', { class: 'switch-text', text: f.enabled ? 'On' : 'Off' }))
    : h('span', { class: `onoff ${f.enabled ? 'on' : 'off'}`, text: f.enabled ? 'ON' : 'OFF' });
  return h('li', { class: `tenant-flag ${f.enabled ? 'is-on' : 'is-off'}`, 'data-flag': f.key },
    toggle,
    h('div', { class: 'tenant-flag-body' },
      h('div', {}, h('code', { class: 'flag-key', text: f.key }), ' ', tagBadges(f.tags),
        f.locked ? h('span', { class: 'badge badge-locked', text: 'locked by admin' }) : null,
        f.overridden && !f.locked ? h('span', { class: 'badge', text: 'your setting' }) : null),
      f.description ? h('div', { class: 'muted desc', text: f.description }) : null,
      // When the switch is blocked, its reason already says why the feature is what it is.
      reason && f.tenantEditable && (f.reason === 'PREREQUISITE_FAILED' || f.locked) ? null : h('div', { class: 'why', text: why(f, byKey) }),
      reason && f.tenantEditable ? h('div', { class: f.reason === 'PREREQUISITE_FAILED' ? 'warning blocked' : 'muted blocked', id: reasonId, text: reason }) : null,
      f.tenantEditable ? null : h('div', { class: 'muted managed', text: 'Managed by your operators.' }),
      f.overridden && !f.locked && f.tenantEditable
        ? h('button', { type: 'button', class: 'link reset', onclick: () => resetFeature(f) }, 'Back to the default')
        : null));
}

async function toggleFeature(f, byKey) {
  const next = !f.enabled;
  const t = tenant();
  const dependents = features.filter((d) => d.enabled && (d.prerequisites || []).includes(f.key)).map((d) => d.key);
  const { ok, comment } = await confirmAction(
    next ? `Turn on ${f.key} for ${t}?` : `Turn off ${f.key} for ${t}? Your users lose it at once.`,
    next ? 'Turn on' : 'Turn off',
    { danger: !next, warning: !next && dependents.length ? `These need it and will go off too: ${dependents.join(', ')}.` : null });
  if (!ok) return;
  try {
    await api.setOverride(f.key, t, { enabled: next, ...(comment ? { comment } : {}) });
    clearError();
    notice(`${f.key} is now ${next ? 'on' : 'off'} for ${t}.`);
    await load();
  } catch (e) {
    showError(e);
    await load();
  }
}

async function resetFeature(f) {
  const t = tenant();
  const { ok, comment } = await confirmAction(
    `Remove your setting of ${f.key}? It then follows the operators' rule for ${t}.`, 'Back to the default', { danger: false });
  if (!ok) return;
  try {
    await api.clearOverride(f.key, t, comment || undefined);
    notice(`${f.key} follows the default again.`);
    await load();
  } catch (e) {
    showError(e);
  }
}

async function loadAudit() {
  const list = document.getElementById('mine-audit');
  document.getElementById('mine-audit-title').textContent = `Audit log for ${tenant()} in ${session.env}`;
  try {
    const { entries } = await api.audit({ tenant: tenant(), limit: 50 });
    replace(list, entries.map((e) => entryItem(e)));
    if (!entries.length) list.appendChild(h('li', { class: 'empty', text: 'No changes for your tenant yet.' }));
  } catch (e) {
    replace(list, h('li', { class: 'empty', text: 'The audit log could not be loaded.' }));
  }
}
