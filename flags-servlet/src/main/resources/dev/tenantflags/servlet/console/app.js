// Console entry point: sign-in, who the caller is, navigation, environment switcher.
import { api, access, session, ApiError } from './api.js';
import { h, replace, showError, clearError } from './dom.js';
import * as flags from './flags.js';
import * as tenants from './tenants.js';
import * as audit from './audit.js';
import * as admin from './admin.js';
import * as mine from './mine.js';

const views = { flags, tenants, audit, environments: admin.environments, tokens: admin.tokens, mine };
const OPERATOR_VIEWS = ['flags', 'tenants', 'environments', 'tokens', 'audit'];
const TENANT_KEY = 'tenantflags.tenant';
let current = 'flags';

function show(name) {
  current = name;
  for (const v of ['signin', ...Object.keys(views)]) {
    document.getElementById(`view-${v}`).hidden = v !== name;
  }
  for (const b of document.querySelectorAll('.nav-button')) {
    if (b.dataset.view === name) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
  }
  if (views[name]) views[name].activate();
}

function signedIn(on) {
  const tenantAdmin = on && access.isTenantAdmin();
  // A tenant admin gets one page; no operator section is even reachable from the page.
  document.getElementById('nav').hidden = !on || tenantAdmin;
  document.getElementById('env-switcher').hidden = !on;
  document.getElementById('sign-out').hidden = !on;
  const who = document.getElementById('whoami');
  who.hidden = !on;
  if (on && access.caller) {
    const c = access.caller;
    who.textContent = tenantAdmin ? `tenant admin · ${c.tenant}` : (c.name ? `${c.name} · ${c.role}` : c.role);
  }
  for (const b of document.querySelectorAll('.nav-button')) {
    b.hidden = b.dataset.view === 'tokens' && !access.has('ADMIN');
  }
}

function fillEnvironments() {
  const select = document.getElementById('env-select');
  const names = access.environments.map((e) => (typeof e === 'string' ? e : e.name));
  if (!session.env || !names.includes(session.env)) {
    // Start where the server points requests that name no environment.
    const preferred = access.environments.find((e) => e && e.default);
    session.env = preferred ? preferred.name : (names.includes('production') ? 'production' : (names[0] || null));
  }
  replace(select, names.map((n) => h('option', { value: n, text: n })));
  if (session.env) select.value = session.env;
  markProtected();
}

function markProtected() {
  document.getElementById('env-protected').hidden = !access.isProtected();
}

/**
 * Who the token belongs to. The server may say so with the environments; otherwise the console
 * asks the API what the token may do, with requests that never change anything.
 */
async function whoIsIt(fromServer) {
  if (fromServer && fromServer.role) return fromServer;
  if (!(await api.allowed('GET', 'status'))) {
    return { role: 'TENANT_ADMIN', tenant: sessionStorage.getItem(TENANT_KEY) };
  }
  if (await api.allowed('GET', 'tokens', { env: false })) return { role: 'ADMIN' };
  const open = access.environments.find((e) => e && !e.protected);
  if (!open) return { role: 'VIEWER' };
  // Renaming a flag is refused as a bad request after the role check and before any write.
  const developer = await api.allowed('PATCH', 'flags/role-probe', { query: { env: open.name }, body: { key: 'role-probe-renamed' } }, true);
  return { role: developer ? 'DEVELOPER' : 'VIEWER' };
}

async function enter() {
  try {
    const { environments, caller } = await api.environmentsAndCaller();
    access.environments = environments;
    access.caller = await whoIsIt(caller);
  } catch (e) {
    session.token = null;
    signedIn(false);
    show('signin');
    if (e instanceof ApiError && e.status === 403) {
      showError(new ApiError(403, { detail: 'the console needs a VIEWER, DEVELOPER, ADMIN or TENANT_ADMIN token' }));
    } else {
      showError(e);
    }
    return;
  }
  if (access.isTenantAdmin() && !access.caller.tenant) {
    // The server did not say which tenant; the tenant admin tells us (the API still checks).
    show('signin');
    document.getElementById('signin-form').hidden = true;
    document.getElementById('tenant-step').hidden = false;
    document.getElementById('tenant-step-input').focus();
    return;
  }
  clearError();
  fillEnvironments();
  signedIn(true);
  if (access.isTenantAdmin()) {
    show('mine');
  } else {
    show(OPERATOR_VIEWS.includes(current) ? current : 'flags');
  }
}

function signOut() {
  session.token = null;
  access.caller = null;
  sessionStorage.removeItem(TENANT_KEY);
  signedIn(false);
  document.getElementById('signin-form').hidden = false;
  document.getElementById('tenant-step').hidden = true;
  show('signin');
  document.getElementById('token-input').focus();
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = document.getElementById('token-input');
    session.token = input.value.trim();
    input.value = '';
    current = 'flags';
    enter();
  });
  document.getElementById('tenant-step').addEventListener('submit', (event) => {
    event.preventDefault();
    const tenant = document.getElementById('tenant-step-input').value.trim();
    if (!tenant) return;
    sessionStorage.setItem(TENANT_KEY, tenant);
    document.getElementById('tenant-step').hidden = true;
    document.getElementById('signin-form').hidden = false;
    enter();
  });
  document.getElementById('sign-out').addEventListener('click', signOut);
  document.getElementById('alert-close').addEventListener('click', clearError);
  document.addEventListener('tenantflags:unauthorized', signOut);
  document.addEventListener('tenantflags:environments', async () => {
    try {
      access.environments = await api.environments();
      fillEnvironments();
    } catch (e) {
      showError(e);
    }
  });
  for (const b of document.querySelectorAll('.nav-button')) {
    b.addEventListener('click', () => { clearError(); show(b.dataset.view); });
  }
  document.getElementById('env-select').addEventListener('change', (event) => {
    session.env = event.target.value;
    markProtected();
    clearError();
    for (const v of Object.values(views)) v.environmentChanged();
    show(current);
  });
  for (const v of Object.values(views)) v.init();
  if (session.token) {
    enter();
  } else {
    show('signin');
  }
});
