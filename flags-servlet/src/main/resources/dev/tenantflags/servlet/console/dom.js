import { plainWords } from './api.js';

// DOM helpers. Every piece of text reaches the page through textContent or a DOM attribute,
// never through innerHTML, so flag descriptions and other stored strings cannot become markup.

/**
 * Creates an element. attrs: plain attributes, plus `class`, `text` (textContent), `on<event>`
 * handlers, and boolean attributes given as true/false. Children: nodes, strings (as text), or
 * null/false (skipped), nested arrays allowed.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'text') {
      el.textContent = String(value);
    } else if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2).toLowerCase(), value);
    } else if (name === 'value') {
      el.value = value;
    } else if (name === 'checked') {
      el.checked = Boolean(value);
    } else if (value === true) {
      el.setAttribute(name, '');
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) {
      append(el, child);
    } else if (child instanceof Node) {
      el.appendChild(child);
    } else {
      el.appendChild(document.createTextNode(String(child)));
    }
  }
}

/** Replaces an element's children. */
export function replace(el, ...children) {
  while (el.firstChild) el.removeChild(el.firstChild);
  append(el, children);
  return el;
}

/** Formats an instant (epoch milliseconds, or ISO-8601) for people: local date and time to the minute. */
export function when(at) {
  if (at === null || at === undefined || at === '') return '';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

let idCounter = 0;
/** A document-unique id for label/for pairs. */
export function uid(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** A pill showing a flag state. */
export function statePill(state) {
  return h('span', { class: `pill state-${String(state).toLowerCase()}`, text: state });
}

/** Small badges for a flag's tags; beta and experimental stand out. */
export function tagBadges(tags) {
  return (tags || []).map((t) => h('span', {
    class: t === 'beta' || t === 'experimental' ? `badge badge-${t}` : 'badge',
    text: t,
  }));
}

// ---- page-wide messages and confirmation ---------------------------------------------------------


/** The instant as an ISO string for a <time datetime>. */
export function isoOf(at) {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

let alertAction = null;
/**
 * Shows an error in plain words in the alert bar and, when the problem names a field, marks it.
 * onReload: what the alert's Reload button does when the error is a stale version (412).
 */
export function showError(error, fieldInputs = {}, onReload = null) {
  const { message, field, reload } = plainWords(error);
  const bar = document.getElementById('alert');
  document.getElementById('alert-text').textContent = message;
  const action = document.getElementById('alert-action');
  if (alertAction) action.removeEventListener('click', alertAction);
  alertAction = null;
  action.hidden = !(reload && onReload);
  if (reload && onReload) {
    alertAction = () => { clearError(); onReload(); };
    action.addEventListener('click', alertAction);
  }
  bar.hidden = false;
  for (const input of Object.values(fieldInputs)) if (input) input.removeAttribute('aria-invalid');
  if (field && fieldInputs[field]) {
    fieldInputs[field].setAttribute('aria-invalid', 'true');
    fieldInputs[field].focus();
  }
  if (error && error.status === 401) document.dispatchEvent(new CustomEvent('tenantflags:unauthorized'));
  return message;
}

export function clearError() {
  document.getElementById('alert').hidden = true;
}

let noticeTimer = null;
/** A short, polite confirmation that something was saved. */
export function notice(message) {
  const el = document.getElementById('notice');
  el.textContent = message;
  el.classList.add('visible');
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => el.classList.remove('visible'), 4000);
}

/**
 * Asks for confirmation, with an optional "why", in a modal dialog; resolves to {ok, comment}.
 * danger: whether the confirming button is styled as destructive; warning: an extra line.
 */
export function confirmAction(text, okLabel, { danger = true, warning = null } = {}) {
  const dialog = document.getElementById('confirm-dialog');
  document.getElementById('confirm-text').textContent = text;
  const ok = document.getElementById('confirm-ok');
  ok.textContent = okLabel;
  ok.className = danger ? 'button-danger' : 'button-primary';
  const warn = document.getElementById('confirm-warning');
  warn.textContent = warning || '';
  warn.hidden = !warning;
  const comment = document.getElementById('confirm-comment');
  comment.value = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      resolve({ ok: dialog.returnValue === 'ok', comment: comment.value.trim() });
    }, { once: true });
    dialog.returnValue = 'cancel';
    dialog.showModal();
    document.getElementById('confirm-ok').focus();
  });
}

// ---- chip editor ---------------------------------------------------------------------------------

/** Splits comma-separated text into trimmed, non-empty values. */
export function splitList(text) {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Chips with a remove button each, and an input + Add button. Values go in as text. Enter adds;
 * commas separate several values at once.
 */
export function chipEditor({ label, values, id, onChange, suggestions = [] }) {
  let current = [...values];
  const inputId = `${id}-input`;
  const listId = suggestions.length ? `${id}-suggestions` : null;
  const chips = h('ul', { class: 'chips', 'aria-label': label });
  const input = h('input', { id: inputId, spellcheck: 'false', list: listId, placeholder: 'add…' });
  const render = () => replace(chips, current.map((v) => h('li', { class: 'chip' },
    h('span', { text: v }),
    h('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove ${v} from ${label}`, onclick: () => {
      current = current.filter((x) => x !== v);
      render();
      onChange(current);
      input.focus();
    } }, '×'))));
  const add = () => {
    const added = splitList(input.value).filter((v) => !current.includes(v));
    if (!added.length) return;
    current = [...current, ...added];
    input.value = '';
    render();
    onChange(current);
  };
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); add(); } });
  render();
  return h('div', { class: 'chip-editor', id },
    h('label', { for: inputId, text: label }),
    chips,
    h('div', { class: 'chip-add' }, input,
      h('button', { type: 'button', class: 'button-quiet', id: `${id}-add`, onclick: add, 'aria-label': `Add to ${label}` }, 'Add')),
    listId ? h('datalist', { id: listId }, suggestions.sort().map((s) => h('option', { value: s }))) : null);
}

