// Console entry point: sign-in, navigation, environment switcher.
import { api, session } from './api.js';
import { h, replace, showError, clearError } from './dom.js';
import * as flags from './flags.js';
import * as tenants from './tenants.js';
import * as audit from './audit.js';

const views = { flags, tenants, audit };
let environments = [];
let current = 'flags';

function show(name) {
  current = name;
  for (const v of ['signin', 'flags', 'tenants', 'audit']) {
    document.getElementById(`view-${v}`).hidden = v !== name;
  }
  for (const b of document.querySelectorAll('.nav-button')) {
    if (b.dataset.view === name) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
  }
  if (views[name]) views[name].activate();
}

function signedIn(on) {
  document.getElementById('nav').hidden = !on;
  document.getElementById('env-switcher').hidden = !on;
  document.getElementById('sign-out').hidden = !on;
}

async function loadEnvironments() {
  environments = await api.environments();
  const select = document.getElementById('env-select');
  const names = environments.map((e) => (typeof e === 'string' ? e : e.name));
  if (!session.env || !names.includes(session.env)) {
    // Start where the server points requests that name no environment.
    const preferred = environments.find((e) => e && e.default);
    session.env = preferred ? preferred.name : (names.includes('production') ? 'production' : (names[0] || null));
  }
  replace(select, names.map((n) => h('option', { value: n, text: n })));
  if (session.env) select.value = session.env;
  markProtected();
}

function markProtected() {
  const env = environments.find((e) => (typeof e === 'string' ? e : e.name) === session.env);
  document.getElementById('env-protected').hidden = !(env && env.protected);
}

async function enter() {
  try {
    await loadEnvironments();
  } catch (e) {
    session.token = null;
    signedIn(false);
    show('signin');
    showError(e);
    return;
  }
  clearError();
  signedIn(true);
  show(current === 'signin' ? 'flags' : current);
}

function signOut() {
  session.token = null;
  signedIn(false);
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
  document.getElementById('sign-out').addEventListener('click', signOut);
  document.getElementById('alert-close').addEventListener('click', clearError);
  document.addEventListener('tenantflags:unauthorized', signOut);
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
