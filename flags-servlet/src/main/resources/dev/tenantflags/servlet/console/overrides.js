// The flag detail's tenant parts: its overrides (set with a "why", cleared with a confirmation),
// the warning when an override would change nothing, and "which tenants have it".
import { api, access, session } from './api.js';
import { h, replace, showError, clearError, notice, confirmAction } from './dom.js';

/**
 * The overrides section. ctx: {flag, overrides, readOnly (reason or null), refresh(), switchToTargeted()}.
 */
export function overridesSection(ctx) {
  return h('section', { class: 'group', 'aria-labelledby': 'overrides-title' },
    h('h3', { id: 'overrides-title', text: 'Tenant overrides' }),
    offWarning(ctx),
    h('div', { id: 'override-list' }, overrideTable(ctx)),
    overrideForm(ctx));
}

/** An override on an OFF flag changes nothing (the kill switch wins): say so and offer TARGETED. */
function offWarning(ctx) {
  if (ctx.flag.state !== 'OFF' || ctx.flag.archived) return null;
  const denied = access.denied('DEVELOPER');
  return h('div', { id: 'override-off-warning', class: 'banner banner-warn' },
    h('p', { text: `${ctx.flag.key} is OFF, and OFF is the kill switch: it beats every override, so an override here changes nothing. `
      + 'Make it TARGETED to give it to exactly the tenants whose override is on (and those its scope names).' }),
    h('button', { type: 'button', id: 'switch-targeted', class: 'button-primary', disabled: Boolean(denied), title: denied || null,
      onclick: ctx.switchToTargeted }, 'Switch to TARGETED'));
}

function lockDenied(o) {
  return o.locked && !access.has('ADMIN') ? 'Locked: only an ADMIN may change or clear it.' : null;
}

function overrideTable(ctx) {
  const { overrides } = ctx;
  if (!overrides.length) return h('p', { class: 'muted', text: 'No tenant has an override.' });
  return h('table', { class: 'override-table' },
    h('thead', {}, h('tr', {}, ['Tenant', 'Value', 'Locked', 'Note', ''].map((t) => h('th', { scope: 'col', text: t })))),
    h('tbody', {}, overrides.map((o) => {
      const denied = ctx.readOnly || lockDenied(o);
      return h('tr', { 'data-tenant': o.tenantId },
        h('td', {}, h('code', { text: o.tenantId })),
        h('td', {}, h('span', { class: `onoff ${o.enabled ? 'on' : 'off'}`, text: o.enabled ? 'ON' : 'OFF' })),
        h('td', { text: o.locked ? 'locked' : '' }),
        h('td', { class: 'muted', text: o.note || '' }),
        h('td', {}, h('button', { type: 'button', class: 'button-quiet', 'aria-label': `Clear override for ${o.tenantId}`,
          disabled: Boolean(denied), title: denied || null, onclick: () => clearOverride(ctx, o.tenantId) }, 'Clear')));
    })));
}

function overrideForm(ctx) {
  const denied = ctx.readOnly;
  const form = h('form', { class: 'override-form', id: 'override-form', onsubmit: (e) => setOverride(e, ctx) },
    h('div', {}, h('label', { for: 'override-tenant', text: 'Tenant' }),
      h('input', { id: 'override-tenant', required: true, spellcheck: 'false', list: 'known-tenants', maxlength: 256 })),
    h('div', {}, h('label', { for: 'override-enabled', text: 'Value' }),
      h('select', { id: 'override-enabled' }, h('option', { value: 'true', text: 'On' }), h('option', { value: 'false', text: 'Off' }))),
    h('div', {}, h('label', { for: 'override-note', text: 'Note' }), h('input', { id: 'override-note', maxlength: 1000 })),
    h('div', { class: 'override-why' }, h('label', { for: 'override-comment', text: 'Why' }),
      h('input', { id: 'override-comment', maxlength: 1000, placeholder: 'optional, recorded in the audit log' })),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', id: 'override-locked', disabled: !access.has('ADMIN') }), ' Lock (ADMIN)'),
    h('button', { type: 'submit', id: 'override-add', class: 'button-primary' }, 'Set override'));
  if (denied) {
    for (const el of form.querySelectorAll('input, select, button')) el.disabled = true;
    return h('div', {}, form, h('p', { class: 'denied', text: denied }));
  }
  return form;
}

async function setOverride(event, ctx) {
  event.preventDefault();
  const tenant = document.getElementById('override-tenant').value.trim();
  if (!tenant) return;
  const body = { enabled: document.getElementById('override-enabled').value === 'true',
    locked: document.getElementById('override-locked').checked };
  const note = document.getElementById('override-note').value.trim();
  const comment = document.getElementById('override-comment').value.trim();
  if (note) body.note = note;
  if (comment) body.comment = comment;
  try {
    await api.setOverride(ctx.flag.key, tenant, body);
    clearError();
    notice(ctx.flag.state === 'OFF'
      ? `Override set for ${tenant}; it has no effect while ${ctx.flag.key} is OFF.`
      : `Override set for ${tenant}.`);
    await ctx.refresh();
  } catch (e) {
    showError(e, { tenant: document.getElementById('override-tenant'), note: document.getElementById('override-note'),
      comment: document.getElementById('override-comment') });
  }
}

async function clearOverride(ctx, tenant) {
  const prot = access.isProtected();
  const { ok, comment } = await confirmAction(
    `Clear ${tenant}'s override of ${ctx.flag.key}? ${tenant} then gets what the flag's rule gives it.`,
    'Clear override',
    { danger: prot, warning: prot ? `${session.env} is protected: this changes what a live tenant sees at once.` : null });
  if (!ok) return;
  try {
    await api.clearOverride(ctx.flag.key, tenant, comment || undefined);
    clearError();
    notice(`Override cleared for ${tenant}.`);
    await ctx.refresh();
  } catch (e) {
    showError(e);
  }
}

// ---- which tenants have it -----------------------------------------------------------------------

/** Fills the "which tenants have it" box from GET /flags/{key}/tenants. */
export async function loadWhoHasIt(key, box) {
  try {
    const data = await api.flagTenants(key);
    const on = (data.overrides || []).filter((o) => o.enabled);
    const off = (data.overrides || []).filter((o) => !o.enabled);
    const names = (list) => list.map((o) => (o.locked ? `${o.tenant} (locked)` : o.tenant)).join(', ');
    replace(box,
      h('ul', { class: 'who-has-it' },
        h('li', {}, h('strong', { text: 'On through an override: ' }), on.length ? names(on) : 'none'),
        h('li', {}, h('strong', { text: 'Off through an override: ' }), off.length ? names(off) : 'none'),
        h('li', {}, h('strong', { text: 'Named in the tenant scope: ' }), (data.scopeTenants || []).length ? data.scopeTenants.join(', ') : 'none'),
        data.rollout ? h('li', {}, h('strong', { text: 'Rollout: ' }), data.rollout.knownTenants
          ? `≈${data.rollout.estimatedOn} of ${data.rollout.knownTenants} known tenants at ${data.rollout.percent}% (the server's estimate over tenants it has seen)`
          : `${data.rollout.percent}% of tenants; the server has seen no tenant yet to estimate with`) : null),
      h('p', { class: 'muted', text: 'Plan and other attribute conditions depend on what each application sends, so they are not listed here.' }));
    return data;
  } catch (e) {
    replace(box, h('p', { class: 'muted', text: 'Could not be loaded.' }));
    return null;
  }
}
