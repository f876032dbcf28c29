// The tenant view: every flag's effective value for one tenant, why, grouped by module.
import { api, access, session } from './api.js';
import { h, replace, showError, clearError, notice, confirmAction, statePill, tagBadges } from './dom.js';

const REASON_WORDS = {
  FLAG_NOT_FOUND: 'no such flag',
  ARCHIVED: 'the flag is archived',
  OFF: 'the flag is switched off for everyone',
  PREREQUISITE_FAILED: 'a flag it depends on is off for this tenant',
  OVERRIDE: 'this tenant has an override',
  ON: 'the flag is on for everyone',
  TARGET_MATCH: 'the tenant is in the flag\'s target scope',
  NO_MATCH: 'the tenant is outside the flag\'s scope',
  ROLLOUT_IN: 'the tenant falls inside the rollout percentage',
  ROLLOUT_OUT: 'the tenant falls outside the rollout percentage',
  ERROR: 'the flag could not be evaluated; the default applies',
};

export function reasonWords(reason) {
  return REASON_WORDS[reason] || String(reason || '').toLowerCase();
}

export function init() {
  document.getElementById('tenant-form').addEventListener('submit', (event) => {
    event.preventDefault();
    load(document.getElementById('tenant-input').value.trim());
  });
}

/** The attributes typed in the form: plan, plus "key=value" pairs separated by commas. */
function attributes() {
  const out = {};
  const plan = document.getElementById('tenant-plan').value.trim();
  if (plan) out.plan = plan;
  for (const pair of document.getElementById('tenant-attributes').value.split(',')) {
    const at = pair.indexOf('=');
    if (at > 0) out[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return out;
}

/** Sets (true/false) or clears (null) a tenant's override from the tenant view, with a "why". */
async function changeOverride(tenant, key, value) {
  const words = value === null ? `Clear ${tenant}'s override of ${key}?` : `Switch ${key} ${value ? 'on' : 'off'} for ${tenant} with an override?`;
  const prot = access.isProtected();
  const { ok, comment } = await confirmAction(words, value === null ? 'Clear override' : (value ? 'Switch on' : 'Switch off'),
    { danger: value !== true && prot, warning: prot ? `${session.env} is protected: a live tenant sees this at once.` : null });
  if (!ok) return;
  try {
    if (value === null) await api.clearOverride(key, tenant, comment || undefined);
    else await api.setOverride(key, tenant, { enabled: value, ...(comment ? { comment } : {}) });
    clearError();
    notice(value === null ? `Cleared ${tenant}'s override of ${key}.` : `${key} is ${value ? 'on' : 'off'} for ${tenant} by override.`);
    await load(tenant);
  } catch (e) {
    showError(e);
  }
}

function overrideControls(tenant, key, e) {
  const denied = access.denied('DEVELOPER') || (e.locked && !access.has('ADMIN') ? 'Locked: only an ADMIN may change it.' : null);
  return h('div', { class: 'row-actions' },
    h('button', { type: 'button', class: 'button-quiet', disabled: Boolean(denied) || (e.overridden && e.override && e.override.enabled === true),
      title: denied || null, 'aria-label': `Override ${key} on for ${tenant}`, onclick: () => changeOverride(tenant, key, true) }, 'Set on'),
    h('button', { type: 'button', class: 'button-quiet', disabled: Boolean(denied) || (e.overridden && e.override && e.override.enabled === false),
      title: denied || null, 'aria-label': `Override ${key} off for ${tenant}`, onclick: () => changeOverride(tenant, key, false) }, 'Set off'),
    e.overridden ? h('button', { type: 'button', class: 'button-quiet', disabled: Boolean(denied), title: denied || null,
      'aria-label': `Clear override of ${key} for ${tenant}`, onclick: () => changeOverride(tenant, key, null) }, 'Clear') : null,
    e.state === 'OFF' ? h('span', { class: 'muted', text: 'OFF beats overrides.' }) : null);
}

export function activate() {
  document.getElementById('tenant-input').focus();
}

export function environmentChanged() {
  replace(document.getElementById('tenant-result'));
}

async function load(tenant) {
  const out = document.getElementById('tenant-result');
  if (!tenant) return;
  try {
    const [effective, flags] = await Promise.all([api.tenantFlags(tenant, attributes()), api.flags().catch(() => [])]);
    const byKey = new Map(flags.map((f) => [f.key, f]));
    const value = new Map(effective.map((e) => [e.key ?? e.flagKey, e]));
    const groups = new Map();
    for (const e of effective) {
      const key = e.key ?? e.flagKey;
      const flag = byKey.get(key) || {};
      const module = e.module ?? flag.module ?? '';
      if (!groups.has(module)) groups.set(module, []);
      groups.get(module).push({ key, e, flag });
    }
    const modules = [...groups.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
    const on = effective.filter((e) => e.enabled).length;
    replace(out,
      h('p', { class: 'summary' }, h('code', { text: tenant }), ` has ${on} of ${effective.length} flags on.`),
      modules.map((module) => h('section', { class: 'module-group' },
        h('h2', { text: module ? `Module ${module}` : 'No module' }),
        h('ul', { class: 'tenant-flags' }, groups.get(module).sort((a, b) => a.key.localeCompare(b.key)).map(({ key, e, flag }) => {
          const prerequisites = e.prerequisites ?? flag.prerequisites ?? [];
          const failing = prerequisites.filter((p) => value.has(p) && !value.get(p).enabled);
          return h('li', { class: `tenant-flag ${e.enabled ? 'is-on' : 'is-off'}`, 'data-flag': key },
            h('span', { class: `onoff ${e.enabled ? 'on' : 'off'}`, text: e.enabled ? 'ON' : 'OFF' }),
            h('div', {},
              h('div', {}, h('code', { class: 'flag-key', text: key }), ' ', tagBadges(e.tags ?? flag.tags),
                flag.state ? [' ', statePill(flag.state)] : null,
                e.overridden ? h('span', { class: 'badge', text: e.locked ? 'override, locked' : 'override' }) : null),
              flag.description ? h('div', { class: 'muted', text: flag.description }) : null,
              h('div', { class: 'why', text: `Why: ${reasonWords(e.reason)}.` }),
              failing.length ? h('div', { class: 'warning', text: `Depends on ${failing.join(', ')}, which ${failing.length === 1 ? 'is' : 'are'} off for this tenant.` }) : null,
              overrideControls(tenant, key, { ...e, state: e.state ?? flag.state })));
        })))));
    if (effective.length === 0) out.appendChild(h('p', { class: 'empty', text: 'No flags in this environment.' }));
  } catch (e) {
    replace(out);
    showError(e);
  }
}
