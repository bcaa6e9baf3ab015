// Fathom's web page: plain JavaScript over the HTTP API of `fathom serve` (docs/web.md).
// Every piece of server text is put into the page with textContent, never parsed as markup.
'use strict';

const $ = (id) => document.getElementById(id);
const state = { key: sessionStorage.getItem('fathom.key') || '', collections: false, session: null };

// ---- API calls -----------------------------------------------------------------------------

function headers(json) {
  const h = {};
  if (json) h['Content-Type'] = 'application/json';
  if (state.key) h['Authorization'] = 'Bearer ' + state.key;
  return h;
}

/** fetch with the key; a 401 shows the key form and fails the call. */
async function api(path, options = {}) {
  const res = await fetch(path, { ...options, headers: headers(options.body !== undefined) });
  if (res.status === 401) {
    askForKey(state.key ? 'That key was refused.' : '');
    throw new Error('an API key is required');
  }
  return res;
}

async function apiJson(path, options) {
  const res = await api(path, options);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(errorText(body) || res.status + ' ' + res.statusText);
  return body;
}

function errorText(body) {
  const e = body && body.error;
  if (!e) return '';
  return typeof e === 'string' ? e : e.message || e.reason || JSON.stringify(e);
}

/** POSTs JSON and calls onEvent(name, data) for every server-sent event of the reply. */
async function stream(path, body, onEvent) {
  const res = await api(path, { method: 'POST', body: JSON.stringify({ ...body, stream: true }) });
  if (!res.ok) {
    const b = await res.json().catch(() => ({}));
    throw new Error(errorText(b) || res.status + ' ' + res.statusText);
  }
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffer += decoder.decode(value, { stream: true });
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let name = 'message', data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data += line.slice(5).trim();
      }
      if (data) onEvent(name, JSON.parse(data));
    }
    if (done) return;
  }
}

// ---- API key --------------------------------------------------------------------------------

function askForKey(message) {
  $('key-form').hidden = false;
  $('key-error').textContent = message || '';
  $('key').focus();
}

$('key-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  state.key = $('key').value.trim();
  sessionStorage.setItem('fathom.key', state.key);
  $('key-form').hidden = true;
  await loadCollections();
});

// ---- tabs -----------------------------------------------------------------------------------

for (const b of document.querySelectorAll('nav button')) {
  b.addEventListener('click', () => {
    for (const o of document.querySelectorAll('nav button')) o.classList.toggle('active', o === b);
    for (const t of document.querySelectorAll('.tab')) t.hidden = t.id !== 'tab-' + b.dataset.tab;
    if (b.dataset.tab === 'documents') loadDocuments();
  });
}

// ---- collections (optional: servers without GET /v1/collections have one index) ------------

function collection() {
  return state.collections ? $('collection').value : null;
}

function withCollection(body) {
  const c = collection();
  return c ? { ...body, collection: c } : body;
}

async function loadCollections() {
  let res;
  try {
    res = await api('/v1/collections');
  } catch (e) {
    return; // 401: the key form is shown
  }
  if (!res.ok) return; // 404: this server has no collections
  const body = await res.json();
  const list = Array.isArray(body) ? body : body.collections || [];
  const select = $('collection');
  select.replaceChildren();
  for (const c of list) {
    const name = typeof c === 'string' ? c : c.name;
    select.append(new Option(name, name));
  }
  state.collections = list.length > 0;
  $('collection-box').hidden = !state.collections;
}

$('collection').addEventListener('change', () => loadDocuments());

// ---- answers and citations ------------------------------------------------------------------

/** Renders answer text with its [n] markers as links that open the cited passage. */
function renderAnswer(target, text, citations) {
  target.replaceChildren();
  const byN = new Map((citations || []).map((c) => [String(c.n), c]));
  let last = 0;
  for (const m of text.matchAll(/\[(\d+)\]/g)) {
    target.append(text.slice(last, m.index));
    const c = byN.get(m[1]);
    if (c) target.append(citeLink(m[0], c));
    else target.append(m[0]);
    last = m.index + m[0].length;
  }
  target.append(text.slice(last));
}

function citeLink(label, c) {
  const a = document.createElement('a');
  a.className = 'cite';
  a.href = '#';
  a.textContent = label;
  a.title = c.title || c.source;
  a.addEventListener('click', (e) => {
    e.preventDefault();
    showDocument(c);
  });
  return a;
}

function renderSources(list, citations) {
  list.replaceChildren();
  for (const c of citations || []) {
    const li = document.createElement('li');
    li.value = c.n;
    li.append(citeLink(c.title || c.source, c), ' ');
    const src = document.createElement('span');
    src.className = 'muted';
    src.textContent = c.source;
    li.append(src);
    list.append(li);
  }
}

/** The cited span of a citation: its own offsets, or those of its first passage when grouped. */
function span(c) {
  if (Array.isArray(c.passages) && c.passages.length) {
    const p = c.passages[0];
    return { start: p.start, end: p.end, text: p.passage || p.text || '' };
  }
  return { start: c.start, end: c.end, text: c.passage || '' };
}

/** Opens the document of citation or hit {@code c} beside the answer, its passage marked. */
async function showDocument(c) {
  const view = $('doc-view');
  view.hidden = false;
  $('doc-title').textContent = c.title || c.source;
  $('doc-source').textContent = c.source;
  const text = $('doc-text');
  text.replaceChildren();
  const want = span(c);
  let doc;
  try {
    const q = new URLSearchParams({ source: c.source });
    if (collection()) q.set('collection', collection());
    doc = await apiJson('/v1/passages?' + q);
  } catch (e) {
    // The document cannot be listed (deleted since, or an older server): show the passage alone.
    doc = { passages: [{ start: want.start, end: want.end, text: want.text }] };
  }
  let marked = null;
  for (const p of doc.passages) {
    const para = document.createElement('p');
    para.className = 'passage';
    para.textContent = p.text;
    para.dataset.start = p.start;
    const overlaps = p.start < want.end && want.start < p.end;
    if (!marked && (overlaps || (want.text && p.text.includes(want.text.slice(0, 80))))) {
      para.classList.add('hit');
      marked = para;
    }
    text.append(para);
  }
  if (marked) marked.scrollIntoView({ block: 'center' });
}

$('doc-close').addEventListener('click', () => ($('doc-view').hidden = true));

// ---- ask ------------------------------------------------------------------------------------

$('ask-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const question = $('ask-input').value.trim();
  if (!question) return;
  const answer = $('answer');
  const button = $('ask-button');
  button.disabled = true;
  answer.textContent = '…';
  answer.classList.remove('done', 'error');
  $('sources').replaceChildren();
  $('timings').textContent = '';
  let text = '';
  try {
    await stream('/v1/ask', withCollection({ question }), (name, data) => {
      if (name === 'partial') {
        text += data.text;
        answer.textContent = text;
      } else if (name === 'answer') {
        if (data.error) throw new Error(errorText(data));
        renderAnswer(answer, data.answer || '', data.citations);
        renderSources($('sources'), data.citations);
        if (data.timings_ms) $('timings').textContent = 'answered in ' + data.timings_ms.total + ' ms';
        answer.classList.add('done');
      }
    });
  } catch (err) {
    answer.textContent = 'fathom: ' + err.message;
    answer.classList.add('error');
  } finally {
    button.disabled = false;
  }
});

// ---- chat (a server-side session: POST /v1/sessions, then /v1/sessions/{id}/ask) ------------

function chatMessage(kind, text) {
  const div = document.createElement('div');
  div.className = 'msg ' + kind;
  div.textContent = text;
  $('chat-log').append(div);
  div.scrollIntoView({ block: 'end' });
  return div;
}

async function newSession() {
  const body = await apiJson('/v1/sessions', { method: 'POST', body: '{}' });
  state.session = body.session;
  $('session-id').textContent = state.session;
  $('chat-log').replaceChildren();
}

$('chat-new').addEventListener('click', () => newSession().catch((e) => chatMessage('bot error', e.message)));

$('chat-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const question = $('chat-input').value.trim();
  if (!question) return;
  $('chat-input').value = '';
  let reply = null;
  try {
    if (!state.session) await newSession();
    chatMessage('user', question);
    reply = chatMessage('bot', '…');
    let text = '';
    await stream('/v1/sessions/' + encodeURIComponent(state.session) + '/ask', withCollection({ question }), (name, data) => {
      if (name === 'partial') {
        text += data.text;
        reply.textContent = text;
      } else if (name === 'answer') {
        if (data.error) throw new Error(errorText(data));
        renderAnswer(reply, data.answer || '', data.citations);
        const searched = data.rewrite && (data.rewrite.query || data.rewrite);
        if (typeof searched === 'string' && searched !== question) {
          const note = document.createElement('div');
          note.className = 'muted';
          note.textContent = 'searched: ' + searched;
          reply.append(note);
        }
      }
    });
  } catch (err) {
    reply = reply || chatMessage('bot', '');
    reply.textContent = 'fathom: ' + err.message;
    reply.classList.add('error');
  }
});

// ---- search ---------------------------------------------------------------------------------

$('search-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const q = new URLSearchParams({ q: $('search-input').value, k: $('search-k').value, mode: $('search-mode').value });
  if (collection()) q.set('collection', collection());
  const list = $('hits');
  list.replaceChildren();
  try {
    const body = await apiJson('/v1/search?' + q);
    for (const h of body.hits) {
      const li = document.createElement('li');
      li.append(citeLink(h.title || h.source, h), ' ');
      const meta = document.createElement('span');
      meta.className = 'muted';
      meta.textContent = h.source + ' · score ' + Number(h.score).toFixed(3);
      const p = document.createElement('p');
      p.className = 'passage';
      p.textContent = h.passage;
      li.append(meta, p);
      list.append(li);
    }
    if (!body.hits.length) list.textContent = 'No passages match.';
  } catch (err) {
    list.textContent = 'fathom: ' + err.message;
  }
});

// ---- documents ------------------------------------------------------------------------------

const uploaded = []; // ids sent from this page, listed when the server cannot list documents

function documentsPath(id) {
  const c = collection();
  const base = c ? '/v1/collections/' + encodeURIComponent(c) + '/documents' : '/v1/documents';
  return id === undefined ? base : base + '/' + encodeURIComponent(id);
}

$('upload-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const status = $('upload-status');
  const files = [...$('upload-files').files];
  for (const f of files) {
    status.textContent = 'sending ' + f.name + ' …';
    try {
      const text = await f.text();
      // Through the collection's own endpoint when the server has collections, else /v1/documents.
      await apiJson(documentsPath(), { method: 'POST', body: JSON.stringify({ id: f.name, title: f.name, text }) });
      uploaded.push(f.name);
      status.textContent = 'sent ' + f.name + '; it is searchable within moments';
    } catch (err) {
      status.textContent = 'fathom: ' + f.name + ': ' + err.message;
      return;
    }
  }
  setTimeout(loadDocuments, 1500);
});

async function loadDocuments() {
  const list = $('documents');
  const note = $('documents-note');
  let items = null;
  if (state.collections) {
    try {
      const res = await api(documentsPath());
      if (res.ok) {
        const body = await res.json();
        items = Array.isArray(body) ? body : body.documents || [];
      }
    } catch (e) {
      return;
    }
  }
  list.replaceChildren();
  if (items === null) {
    note.textContent = 'This server does not list its documents; shown are those sent from this page.';
    items = uploaded.map((id) => ({ id }));
  } else {
    note.textContent = items.length ? '' : 'No documents in this collection yet.';
  }
  for (const d of items) {
    const id = d.id || d.source;
    const li = document.createElement('li');
    li.append(citeLink(d.title || id, { source: d.source || id, title: d.title || id }));
    const del = document.createElement('button');
    del.textContent = 'delete';
    del.addEventListener('click', async () => {
      try {
        const res = await api(documentsPath(id), { method: 'DELETE' });
        if (!res.ok && res.status !== 404) throw new Error(res.status + ' ' + res.statusText);
        uploaded.splice(uploaded.indexOf(id), 1);
        li.remove();
      } catch (err) {
        note.textContent = 'fathom: ' + err.message;
      }
    });
    li.append(del);
    list.append(li);
  }
}

loadCollections();
