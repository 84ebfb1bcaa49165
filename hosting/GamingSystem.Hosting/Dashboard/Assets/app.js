// GamingSystem dashboard: each page is drawn from the JSON API and kept live with server-sent events.
'use strict';

const $ = (selector, root = document) => root.querySelector(selector);
const params = new URLSearchParams(location.search);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null) node.append(child.nodeType ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function getJson(url) {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

function live(url, eventName, onData) {
  const source = new EventSource(url);
  const indicator = $('#live');
  source.onopen = () => indicator.classList.add('on');
  source.onerror = () => indicator.classList.remove('on');
  // Objects arrive as JSON; plain strings (the telemetry stream's "logs", "traces", "metrics") as they are.
  source.addEventListener(eventName, e => onData(/^[[{"]/.test(e.data) ? JSON.parse(e.data) : e.data));
  return source;
}

// At most one run per window, at its end: telemetry arrives every second from every service, so a
// debounce would keep postponing the refresh for as long as the system is busy.
function throttle(fn, ms) {
  let timer = null;
  return () => {
    if (timer) return;
    timer = setTimeout(() => { timer = null; fn(); }, ms);
  };
}

function debounce(fn, ms) {
  let timer;
  return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
}

const time = iso => new Date(iso).toLocaleTimeString([], { hour12: false }) + '.' + String(new Date(iso).getMilliseconds()).padStart(3, '0');
const ms = value => value >= 1000 ? `${(value / 1000).toFixed(2)} s` : value >= 1 ? `${value.toFixed(1)} ms` : `${(value * 1000).toFixed(0)} µs`;

// One colour per resource, stable across pages (FNV-1a over the name).
const palette = ['#4f46e5', '#16a34a', '#ea580c', '#0891b2', '#c026d3', '#ca8a04', '#dc2626', '#2563eb', '#65a30d', '#9333ea'];
function color(name) {
  let h = 2166136261;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return palette[h % palette.length];
}

function uptime(startedAt) {
  if (!startedAt) return '';
  let s = Math.max(0, Math.floor((Date.now() - new Date(startedAt)) / 1000));
  const h = Math.floor(s / 3600); s %= 3600;
  const m = Math.floor(s / 60); s %= 60;
  return h ? `${h}h ${m}m` : m ? `${m}m ${s}s` : `${s}s`;
}

// Running + healthy reads as "healthy": the one word a person scans for.
function displayState(instance) {
  if (instance.state === 'Running') {
    return instance.health === 'Healthy' ? 'healthy' : instance.health === 'Unhealthy' ? 'unhealthy' : 'running';
  }
  return instance.state === 'FailedToStart' ? 'failed' : instance.state.toLowerCase();
}

function filterSelect(id, label, options, selected, onChange) {
  return [el('label', { for: id }, label),
    el('select', { id, onchange: onChange }, options.map(([value, text]) => el('option', { value, selected: value === selected }, text)))];
}

async function resourceNames() {
  return (await getJson('/api/resources')).map(r => r.name);
}

// ---------------------------------------------------------------- resources
function resourcesPage(root) {
  const body = el('tbody');
  root.append(el('table', { class: 'grid', id: 'resources' },
    el('thead', {}, el('tr', {}, ['Name', 'Type', 'State', 'Uptime', 'Restarts', 'Endpoints', 'Environment', 'Actions'].map(h => el('th', {}, h)))),
    body));

  const command = (name, verb) => fetch(`/api/resources/${encodeURIComponent(name)}/${verb}`, { method: 'POST', credentials: 'same-origin' });

  function render(resources) {
    body.replaceChildren(...resources.flatMap(resource => resource.instances.map(instance => el('tr', {
      'data-resource': resource.name, 'data-instance': instance.instanceName,
    },
      el('td', {}, el('strong', {}, instance.instanceName)),
      el('td', { class: 'muted' }, resource.resourceType),
      el('td', {}, el('span', { class: `badge state ${displayState(instance)}`, title: instance.message || '' }, displayState(instance)),
        instance.message ? el('div', { class: 'muted' }, instance.message) : null),
      el('td', { class: 'uptime', 'data-started': instance.state === 'Running' ? instance.startedAt : '' }, instance.state === 'Running' ? uptime(instance.startedAt) : ''),
      el('td', { class: 'restarts' }, instance.restartCount),
      el('td', {}, instance.endpoints.map(e => el('div', {}, el('a', { href: e.url, target: '_blank', rel: 'noopener' }, e.url)))),
      el('td', {}, instance.environment.length ? el('details', {},
        el('summary', {}, `${instance.environment.length} variables`),
        el('table', { class: 'env' }, instance.environment.map(v => el('tr', {}, el('td', {}, v.name), el('td', {}, v.value)))))
        : ''),
      el('td', { class: 'actions' },
        ['stop', 'start', 'restart'].map(verb => el('button', { 'data-command': verb, onclick: () => command(resource.name, verb) }, verb)),
        el('a', { href: `/consolelogs?resource=${encodeURIComponent(instance.instanceName)}` }, 'logs'))))));
  }

  live('/api/resources/stream', 'resources', render);
  setInterval(() => document.querySelectorAll('td.uptime').forEach(td => { td.textContent = uptime(td.dataset.started); }), 1000);
}

// ---------------------------------------------------------------- console logs
async function consoleLogsPage(root) {
  const instances = await getJson('/api/consolelogs');
  const selected = params.get('resource') || instances.find(i => !['nats', 'redis'].includes(i)) || instances[0];
  const output = el('pre', { class: 'console', id: 'console' });
  root.append(el('div', { class: 'toolbar' }, filterSelect('resource', 'Resource', instances.map(i => [i, i]), selected,
    e => { location.search = `?resource=${encodeURIComponent(e.target.value)}`; })), output);
  if (!selected) return;

  const maxLines = 5000;
  live(`/api/consolelogs/${encodeURIComponent(selected)}/stream`, 'line', line => {
    const atBottom = output.scrollTop + output.clientHeight >= output.scrollHeight - 20;
    output.append(el('div', { class: line.isErrorStream ? 'err' : '' }, `${time(line.timestamp)}  ${line.text}`));
    while (output.childElementCount > maxLines) output.firstElementChild.remove();
    if (atBottom) output.scrollTop = output.scrollHeight;
  });
}

// ---------------------------------------------------------------- structured logs
async function structuredLogsPage(root) {
  const names = await resourceNames();
  const state = { resource: params.get('resource') || '', level: params.get('level') || '', text: params.get('text') || '', traceId: params.get('traceId') || '' };
  const body = el('tbody');
  const refresh = async () => {
    const query = new URLSearchParams(Object.entries(state).filter(([, v]) => v));
    const logs = await getJson(`/api/telemetry/logs?${query}`);
    body.replaceChildren(...logs.map(log => {
      const row = el('tr', { class: 'clickable log-row', 'data-resource': log.resource },
        el('td', { class: 'mono' }, time(log.timestamp)),
        el('td', {}, el('span', { class: 'res-dot', style: `background:${color(log.resource)}` }), log.resource),
        el('td', {}, el('span', { class: `badge ${log.level.toLowerCase()}` }, log.level)),
        el('td', { class: 'message' }, log.message, el('div', { class: 'muted' }, log.category)),
        el('td', {}, log.traceId ? el('a', { href: `/traces/detail/${log.traceId}`, class: 'mono' }, log.traceId.slice(0, 8)) : ''));
      row.addEventListener('click', e => {
        if (e.target.tagName === 'A') return;
        const next = row.nextElementSibling;
        if (next && next.classList.contains('attrs')) { next.remove(); return; }
        row.after(el('tr', { class: 'attrs' }, el('td', { colspan: 5 }, el('table', { class: 'env' },
          Object.entries(log.attributes).map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', {}, v)))))));
      });
      return row;
    }));
    if (!logs.length) body.append(el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'No log records match yet.')));
  };
  const set = key => e => { state[key] = e.target.value; refresh(); };
  root.append(
    el('div', { class: 'toolbar' },
      filterSelect('resource', 'Resource', [['', 'All'], ...names.map(n => [n, n])], state.resource, set('resource')),
      filterSelect('level', 'Level', [['', 'All'], ['Debug', 'Debug+'], ['Information', 'Information+'], ['Warning', 'Warning+'], ['Error', 'Error+']], state.level, set('level')),
      el('label', { for: 'text' }, 'Filter'),
      el('input', { id: 'text', placeholder: 'message, category or attribute', value: state.text, oninput: debounce(set('text'), 250) })),
    el('table', { class: 'grid', id: 'logs' }, el('thead', {}, el('tr', {}, ['Time', 'Resource', 'Level', 'Message', 'Trace'].map(h => el('th', {}, h)))), body));
  await refresh();
  const later = throttle(refresh, 700);
  live('/api/telemetry/stream', 'changed', kind => { if (kind === 'logs') later(); });
}

// ---------------------------------------------------------------- traces
async function tracesPage(root) {
  const names = await resourceNames();
  const state = { resource: params.get('resource') || '', text: '' };
  const body = el('tbody');
  const refresh = async () => {
    const query = new URLSearchParams(Object.entries(state).filter(([, v]) => v));
    const traces = await getJson(`/api/telemetry/traces?${query}`);
    body.replaceChildren(...traces.map(t => el('tr', {
      class: 'clickable trace-row', 'data-trace-id': t.traceId, onclick: () => { location.href = `/traces/detail/${t.traceId}`; },
    },
      el('td', { class: 'mono' }, time(t.start)),
      el('td', {}, el('a', { href: `/traces/detail/${t.traceId}` }, t.name)),
      el('td', {}, t.resources.map(r => el('span', { class: 'badge', style: `margin-right:4px` }, el('span', { class: 'res-dot', style: `background:${color(r)}` }), r))),
      el('td', {}, t.spanCount),
      el('td', {}, ms(t.durationMs)),
      el('td', {}, t.hasError ? el('span', { class: 'badge error' }, 'error') : el('span', { class: 'badge healthy' }, 'ok')))));
    if (!traces.length) body.append(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'No traces yet: make a request through the gateway.')));
  };
  root.append(
    el('div', { class: 'toolbar' },
      filterSelect('resource', 'Resource', [['', 'All'], ...names.map(n => [n, n])], state.resource, e => { state.resource = e.target.value; refresh(); }),
      el('label', { for: 'text' }, 'Filter'),
      el('input', { id: 'text', placeholder: 'name or trace id', oninput: debounce(e => { state.text = e.target.value; refresh(); }, 250) })),
    el('table', { class: 'grid', id: 'traces' }, el('thead', {}, el('tr', {}, ['Time', 'Name', 'Resources', 'Spans', 'Duration', 'Status'].map(h => el('th', {}, h)))), body));
  await refresh();
  const later = throttle(refresh, 700);
  live('/api/telemetry/stream', 'changed', kind => { if (kind === 'traces') later(); });
}

// ---------------------------------------------------------------- one trace
async function tracePage(root) {
  const traceId = location.pathname.split('/').pop();
  let trace;
  try {
    trace = await getJson(`/api/telemetry/traces/${traceId}`);
  } catch {
    root.append(el('div', { class: 'empty' }, `Trace ${traceId} is not (or no longer) in the dashboard's memory.`));
    return;
  }

  const { summary, spans } = trace;
  const start = Math.min(...spans.map(s => new Date(s.start).getTime()));
  const total = Math.max(summary.durationMs, 0.001);
  const children = new Map();
  const ids = new Set(spans.map(s => s.spanId));
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : '';
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent).push(span);
  }
  const ordered = [];
  const visit = (parent, depth) => (children.get(parent) || [])
    .sort((a, b) => new Date(a.start) - new Date(b.start))
    .forEach(span => { ordered.push([span, depth]); visit(span.spanId, depth + 1); });
  visit('', 0);

  root.append(el('div', { class: 'toolbar' },
    el('span', { class: 'mono', id: 'trace-id' }, summary.traceId),
    el('span', { class: 'muted' }, `${spans.length} spans · ${ms(summary.durationMs)} · ${summary.resources.join(', ')}`),
    el('a', { href: `/structuredlogs?traceId=${summary.traceId}` }, 'logs of this trace')));

  const waterfall = el('div', { class: 'waterfall', id: 'waterfall' });
  for (const [span, depth] of ordered) {
    const left = ((new Date(span.start).getTime() - start) / total) * 100;
    const width = Math.max((span.durationMs / total) * 100, 0.3);
    const row = el('div', { class: 'span-row', 'data-resource': span.resource, 'data-span-id': span.spanId },
      el('div', { class: 'span-name', style: `padding-left:${8 + depth * 16}px`, title: span.name },
        el('span', { class: 'res-dot', style: `background:${color(span.resource)}` }), el('strong', {}, span.resource), ' ', span.name),
      el('div', { class: 'span-track' }, el('div', {
        class: `span-bar${span.isError ? ' error' : ''}`, style: `left:${Math.min(left, 99.7)}%;width:${width}%;background:${color(span.resource)}`,
      })),
      el('div', { class: 'span-duration' }, ms(span.durationMs)));
    row.addEventListener('click', () => {
      const next = row.nextElementSibling;
      if (next && next.classList.contains('span-detail')) { next.remove(); return; }
      row.after(el('div', { class: 'span-detail' },
        el('div', { class: 'muted' }, `${span.kind} · ${span.scope} · ${span.instance}${span.statusMessage ? ' · ' + span.statusMessage : ''}`),
        el('table', { class: 'env' }, Object.entries(span.attributes).map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', {}, v))))));
    });
    waterfall.append(row);
  }
  root.append(waterfall);
}

// ---------------------------------------------------------------- metrics
const preferred = ['gaming.rpc.server.duration', 'http.server.request.duration', 'gaming.rpc.client.duration'];

function chart(points, unit) {
  const width = 400, height = 130, pad = 30;
  if (points.length < 2) return el('div', { class: 'muted' }, 'Waiting for data…');
  const xs = points.map(p => p.t), ys = points.map(p => p.v);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const top = Math.max(...ys);
  const y1 = top > 0 ? top : 1;
  const x = t => pad + ((t - x0) / Math.max(x1 - x0, 1)) * (width - pad - 6);
  const y = v => height - 18 - (v / y1) * (height - 28);
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.innerHTML = `<line x1="${pad}" y1="${height - 18}" x2="${width}" y2="${height - 18}" stroke="#e3e6eb"/>`
    + `<text x="2" y="12" font-size="10" fill="#6a7282">${top > 0 ? +top.toPrecision(3) : 0} ${unit}</text>`
    + `<text x="2" y="${height - 20}" font-size="10" fill="#6a7282">0</text>`
    + `<path d="${path}" fill="none" stroke="#4f46e5" stroke-width="1.8"/>`;
  return el('div', { class: 'chart' }, svg);
}

// Counters and histograms arrive cumulative: rates and averages come from consecutive points.
function derive(series) {
  const pts = series.points.map(p => ({ t: new Date(p.time).getTime() / 1000, value: p.value, count: p.count, sum: p.sum }));
  const out = { rate: [], average: [], value: [] };
  for (let i = 1; i < pts.length; i++) {
    const dt = pts[i].t - pts[i - 1].t;
    if (dt <= 0) continue;
    if (series.kind === 'histogram') {
      const dc = pts[i].count - pts[i - 1].count, ds = pts[i].sum - pts[i - 1].sum;
      out.rate.push({ t: pts[i].t, v: Math.max(dc, 0) / dt });
      out.average.push({ t: pts[i].t, v: dc > 0 ? (ds / dc) * (series.unit === 's' ? 1000 : 1) : 0 });
    } else if (series.kind === 'sum') {
      out.rate.push({ t: pts[i].t, v: Math.max(pts[i].value - pts[i - 1].value, 0) / dt });
    }
  }
  out.value = pts.map(p => ({ t: p.t, v: p.value }));
  return out;
}

async function metricsPage(root) {
  const names = await resourceNames();
  const selected = params.get('resource') || names.find(n => !['nats', 'redis'].includes(n)) || names[0];
  const cards = el('div', { class: 'cards', id: 'metrics' });
  root.append(el('div', { class: 'toolbar' },
    filterSelect('resource', 'Resource', names.map(n => [n, n]), selected, e => { location.search = `?resource=${encodeURIComponent(e.target.value)}`; })), cards);

  const refresh = async () => {
    const series = (await getJson(`/api/telemetry/metrics?resource=${encodeURIComponent(selected)}`))
      .sort((a, b) => ((preferred.indexOf(a.name) + 1 || 99) - (preferred.indexOf(b.name) + 1 || 99)) || a.name.localeCompare(b.name));
    if (!series.length) {
      cards.replaceChildren(el('div', { class: 'empty' }, `No metrics from ${selected} yet.`));
      return;
    }
    cards.replaceChildren(...series.map(s => {
      const d = derive(s);
      const unitLabel = s.unit === 's' ? 'ms' : s.unit;
      const card = el('div', { class: 'card', 'data-metric': s.name }, el('h3', {}, s.name), el('div', { class: 'sub' }, s.description || s.kind));
      if (s.kind === 'histogram') {
        card.append(el('div', { class: 'sub' }, 'requests per second'), chart(d.rate, '/s'),
          el('div', { class: 'sub' }, `average (${unitLabel})`), chart(d.average, unitLabel));
      } else if (s.kind === 'sum') {
        card.append(el('div', { class: 'sub' }, 'per second'), chart(d.rate, '/s'));
      } else {
        card.append(chart(d.value, s.unit));
      }
      return card;
    }));
  };
  await refresh();
  const later = throttle(refresh, 1500);
  live('/api/telemetry/stream', 'changed', kind => { if (kind === 'metrics') later(); });
}

// ---------------------------------------------------------------- start
const pages = {
  resources: resourcesPage, consolelogs: consoleLogsPage, structuredlogs: structuredLogsPage,
  traces: tracesPage, trace: tracePage, metrics: metricsPage,
};
const page = document.body.dataset.page;
document.querySelector(`nav a[data-nav="${page === 'trace' ? 'traces' : page}"]`)?.classList.add('active');
pages[page]($('#content')).catch(error => $('#content').append(el('div', { class: 'empty' }, `Could not load: ${error.message}`)));
