// The admin REST API (SPEC §6) as the console uses it. The token lives in sessionStorage only (gone
// when the tab closes) and travels as a bearer header; no cookies, so no CSRF surface.

const TOKEN_KEY = 'tenantflags.token';
const ENV_KEY = 'tenantflags.env';

/** An error answer of the API, carrying the RFC 9457 problem fields. */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

function baseUrl() {
  const meta = document.querySelector('meta[name="tenantflags-api"]');
  const configured = (meta && meta.getAttribute('content')) || 'api';
  return new URL(configured.endsWith('/') ? configured : `${configured}/`, document.baseURI);
}

export const session = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY);
  },
  get env() { return sessionStorage.getItem(ENV_KEY); },
  set env(value) {
    if (value) sessionStorage.setItem(ENV_KEY, value); else sessionStorage.removeItem(ENV_KEY);
  },
};

/** Path segments are always encoded, so a key or tenant id cannot add path segments. */
const seg = (s) => encodeURIComponent(String(s));

async function call(method, path, { body, query = {}, ifMatch, env = true } = {}) {
  const url = new URL(path, baseUrl());
  if (env && session.env) url.searchParams.set('env', session.env);
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  const headers = { Accept: 'application/json, application/problem+json' };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  // SPEC §6: every state change carries the JSON content type, even with an empty body.
  if (body !== undefined || method !== 'GET') headers['Content-Type'] = 'application/json';
  if (ifMatch !== undefined && ifMatch !== null) headers['If-Match'] = `"${ifMatch}"`;
  let response;
  try {
    response = await fetch(url, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit', cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, { title: 'Network error', detail: 'The flag server could not be reached.' });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (e) { data = null; }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  const etag = response.headers.get('ETag');
  return { data, etag: etag ? etag.replace(/^W\//, '').replace(/"/g, '') : null, status: response.status };
}

/** Accepts either a bare array or an object wrapping one (e.g. {"flags": [...]}) . */
function list(data, ...names) {
  if (Array.isArray(data)) return data;
  for (const n of names) if (data && Array.isArray(data[n])) return data[n];
  return [];
}

const withComment = (comment) => (comment ? { comment } : {});

export const api = {
  /** The environments and, where the server says so, who the caller is. */
  environmentsAndCaller: async () => {
    const data = (await call('GET', 'environments', { env: false })).data;
    return { environments: list(data, 'environments'), caller: data && !Array.isArray(data) ? (data.caller || null) : null };
  },
  environments: async () => list((await call('GET', 'environments', { env: false })).data, 'environments'),
  createEnvironment: async (name, isProtected, comment) => (await call('POST', 'environments', { env: false, body: { name, protected: isProtected, ...withComment(comment) } })).data,
  deleteEnvironment: async (name, comment) => (await call('DELETE', `environments/${seg(name)}`, { env: false, query: { comment } })).data,
  status: async () => (await call('GET', 'status')).data,
  flags: async (query = {}) => list((await call('GET', 'flags', { query })).data, 'flags'),
  flag: async (key) => {
    const r = await call('GET', `flags/${seg(key)}`);
    return { flag: r.data, etag: r.etag };
  },
  createFlag: async (flag) => (await call('POST', 'flags', { body: flag })).data,
  patchFlag: async (key, version, changes) => (await call('PATCH', `flags/${seg(key)}`, { body: changes, ifMatch: version })).data,
  kill: async (key, comment) => (await call('POST', `flags/${seg(key)}/kill`, { body: withComment(comment) })).data,
  archive: async (key, comment) => (await call('DELETE', `flags/${seg(key)}`, { query: { comment } })).data,
  restore: async (key, comment) => (await call('POST', `flags/${seg(key)}/restore`, { body: withComment(comment) })).data,
  overrides: async (key) => list((await call('GET', `flags/${seg(key)}/overrides`)).data, 'overrides'),
  setOverride: async (key, tenant, value) => (await call('PUT', `flags/${seg(key)}/overrides/${seg(tenant)}`, { body: value })).data,
  clearOverride: async (key, tenant, comment) => (await call('DELETE', `flags/${seg(key)}/overrides/${seg(tenant)}`, { query: { comment } })).data,
  flagTenants: async (key) => (await call('GET', `flags/${seg(key)}/tenants`)).data,
  usage: async (key, query = {}) => (await call('GET', `flags/${seg(key)}/usage`, { query })).data,
  history: async (key, limit = 20) => list((await call('GET', `flags/${seg(key)}/history`, { query: { limit } })).data, 'entries', 'history', 'items'),
  audit: async (query = {}) => {
    const data = (await call('GET', 'audit', { query })).data;
    return { entries: list(data, 'entries', 'items', 'audit'), next: data && !Array.isArray(data) ? (data.next ?? data.nextBefore ?? null) : null };
  },
  tenantFlags: async (tenant, attributes = {}) => {
    const data = (await call('GET', `tenants/${seg(tenant)}/flags`, { query: attributes })).data;
    if (Array.isArray(data)) return data;
    const items = list(data, 'flags', 'items');
    if (items.length || !data) return items;
    // A map keyed by flag key.
    return Object.entries(data).filter(([, v]) => v && typeof v === 'object').map(([key, v]) => ({ key, ...v }));
  },
  tokens: async () => list((await call('GET', 'tokens', { env: false })).data, 'tokens'),
  createToken: async (token) => (await call('POST', 'tokens', { body: token })).data,
  revokeToken: async (name, comment) => (await call('DELETE', `tokens/${seg(name)}`, { query: { comment } })).data,
  evaluate: async (tenant, flags, attributes) => (await call('POST', 'evaluate', { body: { tenant, ...(attributes ? { attributes } : {}), ...(flags ? { flags } : {}) } })).data,
  /**
   * Whether a request is allowed, answered by the API itself: true on 2xx, false on 401/403/404;
   * with passedRoleCheck, another 4xx (the request was judged after the role check) counts as true.
   */
  allowed: async (method, path, options = {}, passedRoleCheck = false) => {
    try {
      await call(method, path, options);
      return true;
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) return false;
      if (e instanceof ApiError && e.status >= 400 && e.status < 500) return passedRoleCheck;
      throw e;
    }
  },
};

const FIELD_WORDS = {
  key: 'the key', description: 'the description', module: 'the module', state: 'the state',
  rolloutPercent: 'the rollout percentage', rolloutSalt: 'the rollout salt', scope: 'the scope',
  prerequisites: 'the prerequisites', tags: 'the tags', tenant: 'the tenant', tenantId: 'the tenant',
  note: 'the note', comment: 'the comment', enabled: 'on/off', locked: 'the lock',
};

/** Turns an API error into a sentence an operator understands, plus the field it concerns. */
export function plainWords(error) {
  if (!(error instanceof ApiError)) return { message: `Something went wrong in the console: ${error && error.message}`, field: null };
  const p = error.problem || {};
  const detail = p.detail ? ` (${p.detail})` : '';
  const field = p.field || null;
  switch (error.status) {
    case 0: return { message: 'The flag server could not be reached. Check that it is running, then try again.', field };
    case 400: return { message: `That was not accepted: please check ${FIELD_WORDS[field] || field || 'your input'}${detail}.`, field };
    case 401: return { message: 'Your token was not accepted or has expired. Please sign in again.', field };
    case 403: return { message: `Your token's role is not allowed to do this here${detail}.`, field };
    case 404: return { message: `That no longer exists, or you may not see it${detail}.`, field };
    case 409:
      if (p.prerequisite) return { message: `It cannot be switched on: the feature it needs, ${p.prerequisite}, is off${detail}.`, field };
      return { message: `This clashes with the current state${detail}.`, field };
    case 412: return { message: 'Someone else changed this flag after you opened it. Reload it to see their change, then apply yours again.', field, reload: true };
    case 413: return { message: 'That is too large to send in one go.', field };
    case 428: return { message: 'The server needs to know which version you edited. Reload the flag and try again.', field };
    default:
      if (error.status >= 500) return { message: `The flag server had a problem${detail}. Try again in a moment.`, field };
      return { message: `${p.title || 'Request failed'}${detail}.`, field };
  }
}

const RANK = { EVALUATOR: 0, SDK: 1, VIEWER: 2, DEVELOPER: 3, ADMIN: 4 };

/**
 * Who is signed in and what that allows in the current environment, so controls can be disabled
 * with a reason before anyone learns it from a refused save. The API still decides every request.
 */
export const access = {
  caller: null, // {name, role, tenant}
  environments: [],
  /** The current environment's record, or null. */
  environment() {
    return this.environments.find((e) => (typeof e === 'string' ? e : e.name) === session.env) || null;
  },
  isProtected() {
    const env = this.environment();
    return Boolean(env && env.protected);
  },
  isTenantAdmin() {
    return Boolean(this.caller && this.caller.role === 'TENANT_ADMIN');
  },
  /** Whether the caller's role includes `least` (ignoring protection). */
  has(least) {
    const role = this.caller && this.caller.role;
    return role !== 'TENANT_ADMIN' && (RANK[role] ?? -1) >= RANK[least];
  },
  /** Null when the caller may make a change that needs `least` here; else the reason in words. */
  denied(least) {
    const role = (this.caller && this.caller.role) || 'unknown';
    if (role === 'TENANT_ADMIN') return 'Tenant admins may change only their own tenant\'s features.';
    if (!this.has(least)) return `Read-only for you: this needs role ${least}, and your token has ${role}.`;
    if (this.isProtected() && role !== 'ADMIN') {
      return `Read-only for you: ${session.env} is protected, so changes need an ADMIN token (yours is ${role}).`;
    }
    return null;
  },
};
