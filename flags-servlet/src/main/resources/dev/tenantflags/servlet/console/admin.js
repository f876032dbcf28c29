// The environments page and the API tokens page: both ADMIN changes, shown read-only to others.
import { api, access, session } from './api.js';
import { h, replace, when, isoOf, showError, clearError, notice, confirmAction } from './dom.js';

function denyForm(form, deniedEl, reason) {
  for (const el of form.querySelectorAll('input, select, button')) el.disabled = Boolean(reason);
  deniedEl.textContent = reason || '';
  deniedEl.hidden = !reason;
}

// ---- environments ---------------------------------------------------------------------------------

async function loadEnvironments() {
  const rows = document.getElementById('environment-rows');
  // Creating and deleting environments is ADMIN everywhere; protection does not matter here.
  const reason = access.has('ADMIN') ? null : `Read-only for you: creating and deleting environments needs role ADMIN (yours is ${access.caller.role}).`;
  denyForm(document.getElementById('environment-form'), document.getElementById('environment-denied'), reason);
  try {
    const list = await api.environments();
    access.environments = list;
    replace(rows, list.map((e) => h('tr', { 'data-environment': e.name },
      h('td', {}, h('code', { text: e.name }), e.default ? h('span', { class: 'badge', text: 'default' }) : null,
        e.name === session.env ? h('span', { class: 'badge', text: 'current' }) : null),
      h('td', {}, e.protected ? h('span', { class: 'badge badge-protected', text: 'protected' }) : h('span', { class: 'muted', text: 'no' })),
      h('td', {}, h('button', { type: 'button', class: 'button-quiet danger-text', 'aria-label': `Delete environment ${e.name}`,
        disabled: Boolean(reason) || e.default || e.name === session.env,
        title: reason || (e.default ? 'The server\'s default environment cannot be deleted.' : e.name === session.env ? 'Switch to another environment first.' : ''),
        onclick: () => deleteEnvironment(e.name) }, 'Delete')))));
  } catch (e) {
    showError(e);
  }
}

async function createEnvironment(event) {
  event.preventDefault();
  const name = document.getElementById('environment-name').value.trim();
  const isProtected = document.getElementById('environment-protected').checked;
  const comment = document.getElementById('environment-comment').value.trim();
  try {
    await api.createEnvironment(name, isProtected, comment || undefined);
    clearError();
    document.getElementById('environment-form').reset();
    notice(`Created environment ${name}.`);
    document.dispatchEvent(new CustomEvent('tenantflags:environments'));
    await loadEnvironments();
  } catch (e) {
    showError(e, { name: document.getElementById('environment-name') });
  }
}

async function deleteEnvironment(name) {
  const { ok, comment } = await confirmAction(
    `Delete the environment ${name}? Its flags and overrides are deleted with it; its audit entries stay readable.`,
    `Delete ${name}`);
  if (!ok) return;
  try {
    await api.deleteEnvironment(name, comment || undefined);
    clearError();
    notice(`Deleted environment ${name}.`);
    document.dispatchEvent(new CustomEvent('tenantflags:environments'));
    await loadEnvironments();
  } catch (e) {
    showError(e);
  }
}

export const environments = {
  init() {
    document.getElementById('environment-form').addEventListener('submit', createEnvironment);
  },
  activate() { loadEnvironments(); },
  environmentChanged() {},
};

// ---- tokens ---------------------------------------------------------------------------------------

async function loadTokens() {
  const rows = document.getElementById('token-rows');
  const reason = access.has('ADMIN') ? null : 'Only ADMIN tokens may see and manage tokens.';
  denyForm(document.getElementById('token-form'), document.getElementById('tokens-denied'), reason);
  if (reason) {
    replace(rows);
    return;
  }
  try {
    const tokens = await api.tokens();
    replace(rows, tokens.map((t) => h('tr', { 'data-token': t.name },
      h('td', {}, h('code', { text: t.name })),
      h('td', {}, t.role, t.tenant ? [' of ', h('code', { text: t.tenant })] : null),
      h('td', {}, h('time', { datetime: isoOf(t.createdAt), text: when(t.createdAt) }), t.createdBy ? h('div', { class: 'muted', text: `by ${t.createdBy}` }) : null),
      h('td', { class: 'last-used' }, t.lastUsedAt ? h('time', { datetime: isoOf(t.lastUsedAt), text: when(t.lastUsedAt) }) : h('span', { class: 'muted', text: 'never' })),
      h('td', {}, h('button', { type: 'button', class: 'button-quiet danger-text', 'aria-label': `Revoke token ${t.name}`,
        onclick: () => revokeToken(t.name) }, 'Revoke')))));
    if (!tokens.length) rows.appendChild(h('tr', {}, h('td', { colspan: 5, class: 'empty', text: 'No tokens created here yet (the tokens file and FLAGS_ADMIN_TOKEN are not listed).' })));
  } catch (e) {
    showError(e);
  }
}

async function createToken(event) {
  event.preventDefault();
  const name = document.getElementById('token-name').value.trim();
  const role = document.getElementById('token-role').value;
  const tenant = document.getElementById('token-tenant').value.trim();
  const comment = document.getElementById('token-comment').value.trim();
  const body = { name, role };
  if (role === 'TENANT_ADMIN') body.tenant = tenant;
  if (comment) body.comment = comment;
  try {
    const created = await api.createToken(body);
    clearError();
    document.getElementById('token-form').reset();
    updateTenantBox();
    showSecret(created.name || name, created.token);
    await loadTokens();
  } catch (e) {
    showError(e, { name: document.getElementById('token-name'), tenant: document.getElementById('token-tenant') });
  }
}

function showSecret(name, secret) {
  const dialog = document.getElementById('secret-dialog');
  document.getElementById('secret-name').textContent = name;
  const value = document.getElementById('secret-value');
  value.value = secret || '';
  dialog.addEventListener('close', () => { value.value = ''; }, { once: true });
  dialog.showModal();
  value.focus();
  value.select();
}

async function revokeToken(name) {
  const { ok, comment } = await confirmAction(
    `Revoke the token ${name}? Anyone using it is refused from now on.`, `Revoke ${name}`);
  if (!ok) return;
  try {
    await api.revokeToken(name, comment || undefined);
    clearError();
    notice(`Revoked ${name}.`);
    await loadTokens();
  } catch (e) {
    showError(e);
  }
}

function updateTenantBox() {
  const tenantAdmin = document.getElementById('token-role').value === 'TENANT_ADMIN';
  document.getElementById('token-tenant-box').hidden = !tenantAdmin;
  document.getElementById('token-tenant').required = tenantAdmin;
}

export const tokens = {
  init() {
    document.getElementById('token-form').addEventListener('submit', createToken);
    document.getElementById('token-role').addEventListener('change', updateTenantBox);
    // The secret leaves the page as soon as the dialog is dismissed.
    document.querySelector('#secret-dialog form').addEventListener('submit', () => {
      document.getElementById('secret-value').value = '';
    });
    document.getElementById('secret-copy').addEventListener('click', async () => {
      const value = document.getElementById('secret-value');
      value.select();
      try {
        await navigator.clipboard.writeText(value.value);
        notice('Copied.');
      } catch (e) {
        notice('Select the token and copy it with Ctrl+C.');
      }
    });
  },
  activate() { loadTokens(); },
  environmentChanged() {},
};
