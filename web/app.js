// Jumeau dashboard: fetches the JSON API (/api/v1, docs/api.md) with the
// bearer token and draws with uPlot. Every view asks the server for about as
// many points as the chart is wide (the store's pyramid answers). window.jumeau
// exposes the views' state and actions to the browser tests (tests/web/).
import uPlot from './node_modules/uplot/dist/uPlot.esm.js';

const $ = (id) => document.getElementById(id);
const CLINICAL = new Set(['Observation', 'Condition', 'MedicationRequest',
  'MedicationStatement', 'Procedure', 'Encounter', 'AllergyIntolerance',
  'Immunization', 'DiagnosticReport', 'Device']);

const state = {
  token: '', patient: null, info: null, streams: [], timeline: null,
  charts: {}, view: { from: 0, to: 1 }, signal: null, fetches: 0,
};
const jumeau = (window.jumeau = { state, busy: 0, errors: [] });

function setStatus(text, error = false) {
  $('status').textContent = text;
  $('status').className = error ? 'error' : '';
  if (error) jumeau.errors.push(text);
}

// Nanoseconds since the epoch, exactly, from seconds (a double).
function ns(seconds) {
  const whole = Math.floor(seconds);
  return (BigInt(whole) * 1000000000n +
          BigInt(Math.round((seconds - whole) * 1e9))).toString();
}

async function api(path, options = {}) {
  jumeau.busy++;
  try {
    const headers = { Authorization: `Bearer ${state.token}`, ...(options.headers || {}) };
    const res = await fetch(path, { ...options, headers });
    const body = await res.json().catch(() => null);
    if (!res.ok) {
      const message = body && body.error ? body.error.message : `HTTP ${res.status}`;
      throw new Error(`${res.status}: ${message}`);
    }
    return body;
  } finally {
    jumeau.busy--;
  }
}

function fmtTime(s) { return new Date(s * 1000).toISOString().replace('.000Z', 'Z'); }
function fmt(v) { return v == null ? '' : Number(v).toPrecision(4).replace(/\.?0+$/, ''); }
function width(el) { return Math.max(300, Math.floor(el.getBoundingClientRect().width || 900)); }
function fill(tbody, rows) {
  tbody.innerHTML = '';
  for (const cells of rows) {
    const tr = document.createElement('tr');
    for (const c of cells) {
      const td = document.createElement('td');
      td.textContent = c;
      tr.appendChild(td);
    }
    tbody.appendChild(tr);
  }
}
function options(select, items, value) {
  select.innerHTML = '';
  for (const [v, label] of items) {
    const o = document.createElement('option');
    o.value = v;
    o.textContent = label;
    select.appendChild(o);
  }
  if (value != null) select.value = value;
}

// A window of a stream as uPlot data: exact samples, or buckets drawn as the
// mean inside a min–max band.
async function fetchWindow(stream, from, to, points) {
  const a = Math.max(from, stream.start_s), b = Math.min(to, stream.end_s);
  if (!(b > a)) return null;
  const url = `/api/v1/patients/${encodeURIComponent(state.patient)}/streams/${stream.id}` +
              `/window?from=${ns(a)}&to=${ns(b)}&points=${points}`;
  const w = await api(url);
  w.url = url;
  return w;
}
function windowData(w) {
  if (!w) return [[], [], [], []];
  if (w.exact) {
    const none = w.t.map(() => null);
    return [w.t, w.value, none, none];
  }
  return [w.t, w.mean, w.min, w.max];
}
function signalChart(el, title, unit, extra = {}) {
  const opts = {
    title, width: width(el), height: 220,
    scales: { x: { time: true } },
    series: [{}, { label: 'value', stroke: '#1d3557', width: 1 },
             { label: 'min', stroke: '#a8dadc', width: 1 },
             { label: 'max', stroke: '#a8dadc', width: 1 }],
    bands: [{ series: [3, 2], fill: '#a8dadc55' }],
    axes: [{}, { label: unit }],
    ...extra,
  };
  el.innerHTML = '';
  return new uPlot(opts, [[], [], [], []], el);
}

// ---- patients ----
async function loadPatients() {
  const list = await api('/api/v1/patients?limit=500');
  fill($('patients').tBodies[0], list.items.map((p) =>
    [p.id, p.birth, p.sex, p.streams, p.events, p.first || '', p.last || '']));
  options($('patient'), list.items.map((p) => [p.id, p.id]));
  jumeau.patients = list.items;
  if (list.items.length) await selectPatient(list.items[0].id);
}

async function selectPatient(id) {
  state.patient = id;
  $('patient').value = id;
  const base = `/api/v1/patients/${encodeURIComponent(id)}`;
  state.info = await api(base);
  state.timeline = await api(`${base}/timeline`);
  state.streams = (await api(`${base}/streams`)).items;
  const raw = state.streams.filter((s) => !s.analysis);
  const pick = (sel, list) => options(sel, list.map((s) => [s.id, `${s.name} (${fmt(s.rate_hz)} Hz, ${s.unit})`]));
  pick($('timeline-stream'), raw);
  pick($('signal-stream'), raw);
  pick($('hrv-stream'), state.streams.filter((s) => s.analysis.startsWith('hrv/')));
  await Promise.all([setupTimeline(), openSignal(), loadAnalyses(), loadTwin(),
                     loadProgression(), loadBrainTwins()]);
  jumeau.ready = true;
  setStatus(`patient ${id}: ${state.info.streams} streams, ${state.info.events} events`);
}

// ---- timeline: events in lanes above the selected stream, one x range ----
function lanes() {
  return state.timeline.groups.map((g) => g.origin || g.system);
}
function streamById(id) { return state.streams.find((s) => String(s.id) === String(id)); }

async function setupTimeline() {
  const lanesList = lanes();
  const evEl = $('timeline-events');
  evEl.innerHTML = '';
  const series = [{}];
  lanesList.forEach((name, i) => series.push({
    label: name, stroke: `hsl(${(i * 67) % 360} 60% 40%)`, paths: () => null,
    points: { show: true, size: 6, fill: `hsl(${(i * 67) % 360} 60% 40%)` },
  }));
  const sync = uPlot.sync('timeline');
  const common = {
    cursor: { sync: { key: sync.key }, drag: { x: true, y: false, setScale: false } },
    hooks: { setSelect: [(u) => {
      if (u.select.width < 3) return;
      const a = u.posToVal(u.select.left, 'x'), b = u.posToVal(u.select.left + u.select.width, 'x');
      u.setSelect({ width: 0, height: 0 }, false);
      zoomTo(a, b);
    }] },
  };
  state.charts.events = new uPlot({
    title: 'Events', width: width(evEl), height: 90 + 14 * lanesList.length,
    scales: { x: { time: true }, y: { range: [-0.5, lanesList.length - 0.5] } },
    series, axes: [{}, { show: false }], legend: { show: lanesList.length < 12 }, ...common,
  }, [[], ...lanesList.map(() => [])], evEl);
  const stream = streamById($('timeline-stream').value);
  state.charts.signal = signalChart($('timeline-signal'), stream ? stream.name : 'signal',
                                    stream ? stream.unit : '', common);
  const p = state.timeline.patient;
  await zoomTo(p.first_s, p.last_s, { animate: false });
}

let zoomSeq = 0;
// Shows [from, to) on the timeline. Animated zooms pass through intermediate
// views (geometric in width), each fetched at screen resolution; resolves when
// the final view is drawn.
async function zoomTo(from, to, { animate = true, steps = 6 } = {}) {
  const seq = ++zoomSeq;
  const v0 = state.view;
  const c0 = (v0.from + v0.to) / 2, w0 = Math.max(v0.to - v0.from, 1e-6);
  const c1 = (from + to) / 2, w1 = Math.max(to - from, 1e-6);
  const n = animate && v0.to > v0.from ? steps : 1;
  for (let k = 1; k <= n; k++) {
    if (seq !== zoomSeq) return;
    const f = k / n;
    const w = w0 * Math.pow(w1 / w0, f), c = c0 + (c1 - c0) * f;
    await drawTimeline(c - w / 2, c + w / 2);
  }
}

async function drawTimeline(from, to) {
  state.view = { from, to };
  $('timeline-range').textContent = `${fmtTime(from)} → ${fmtTime(to)} (${fmt(to - from)} s)`;
  const stream = streamById($('timeline-stream').value);
  const points = width($('timeline-signal'));
  const lanesList = lanes();
  const base = `/api/v1/patients/${encodeURIComponent(state.patient)}/events`;
  // Clinical history at any zoom; annotations (beats…) once under a day.
  const wanted = state.timeline.groups.filter((g) =>
    CLINICAL.has(g.origin) || to - from <= 86400);
  const [w, ...eventPages] = await Promise.all([
    stream ? fetchWindow(stream, from, to, points) : null,
    ...wanted.map((g) => api(`${base}?from=${ns(from)}&to=${ns(to)}&limit=1000` +
                             (g.origin ? `&origin=${encodeURIComponent(g.origin)}` : '') +
                             `&system=${encodeURIComponent(g.system)}`)),
  ]);
  const xs = [], ys = lanesList.map(() => []);
  eventPages.forEach((page, gi) => {
    const lane = lanesList.indexOf(wanted[gi].origin || wanted[gi].system);
    for (const e of page.items) {
      xs.push(e.t);
      ys.forEach((y, i) => y.push(i === lane ? lane : null));
    }
  });
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const evData = [order.map((i) => xs[i]), ...ys.map((y) => order.map((i) => y[i]))];
  state.charts.events.batch(() => {
    state.charts.events.setData(evData, false);
    state.charts.events.setScale('x', { min: from, max: to });
  });
  const data = windowData(w);
  state.charts.signal.batch(() => {
    state.charts.signal.setData(data, false);
    state.charts.signal.setScale('x', { min: from, max: to });
  });
  jumeau.timeline = { from, to, window: w, plotted: data, events: evData[0].length };
}

function zoomPreset(which) {
  const v = state.view;
  const stream = streamById($('timeline-stream').value);
  const p = state.timeline.patient;
  if (which === 'all') return zoomTo(p.first_s, p.last_s);
  if (which === 'out') {
    const c = (v.from + v.to) / 2, w = (v.to - v.from) * 10;
    return zoomTo(Math.max(c - w / 2, p.first_s), Math.min(c + w / 2, p.last_s));
  }
  if (!stream) return null;
  const s = stream.start_s;
  if (which === 'day') return zoomTo(Math.floor(s / 86400) * 86400, Math.floor(s / 86400) * 86400 + 86400);
  if (which === 'minute') return zoomTo(s + 60, s + 120);
  if (which === 'beat') return zoomTo(s + 60, s + 61);  // about one beat at rest
  return null;
}

// ---- signal viewer with annotations ----
function annotationPlugin(getMarks) {
  return { hooks: { draw: [(u) => {
    const ctx = u.ctx;
    ctx.save();
    ctx.font = `${11 * devicePixelRatio}px sans-serif`;
    for (const m of getMarks()) {
      const x = u.valToPos(m.t, 'x', true);
      if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
      if (m.end != null) {
        const x2 = u.valToPos(m.end, 'x', true);
        ctx.fillStyle = '#e6394622';
        ctx.fillRect(x, u.bbox.top, Math.max(1, x2 - x), u.bbox.height);
      }
      ctx.strokeStyle = '#e63946aa';
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.fillStyle = '#e63946';
      ctx.fillText(m.label, x + 2, u.bbox.top + 12 * devicePixelRatio);
    }
    ctx.restore();
  }] } };
}

async function openSignal(streamId, start, length) {
  if (streamId != null) $('signal-stream').value = String(streamId);
  if (start != null) $('signal-start').value = start;
  if (length != null) $('signal-length').value = length;
  const stream = streamById($('signal-stream').value);
  if (!stream) return null;
  const from = stream.start_s + Number($('signal-start').value);
  const to = from + Math.max(0.1, Number($('signal-length').value));
  const el = $('signal-chart');
  const w = await fetchWindow(stream, from, to, width(el) * 2);
  const ev = await api(`/api/v1/patients/${encodeURIComponent(state.patient)}/events` +
                       `?from=${ns(from)}&to=${ns(to)}&limit=2000`);
  // Annotations of this signal: not clinical history, not spans covering the
  // whole view (a recording-level result such as HRV of the recording).
  const marks = ev.items
    .filter((e) => !CLINICAL.has(e.origin) && (!e.channel || e.channel === stream.label))
    .filter((e) => e.end_t == null || e.system !== 'urn:jumeau:analysis' || e.end_t - e.t < to - from)
    .map((e) => ({ t: e.t, end: e.end_t, label: e.code, origin: e.origin || e.system }));
  state.signal = { stream, window: w, marks };
  if (state.charts.viewer) state.charts.viewer.destroy();
  state.charts.viewer = signalChart(el, `${stream.name} ${fmtTime(from)}`, stream.unit,
                                    { plugins: [annotationPlugin(() => state.signal.marks)] });
  state.charts.viewer.setData(windowData(w));
  const origins = [...new Set(marks.map((m) => m.origin))];
  $('signal-annotations').textContent = `${marks.length} annotations (${origins.join(', ') || 'none'})`;
  jumeau.signal = { url: w && w.url, points: w ? w.t.length : 0, annotations: marks.length, origins };
  return jumeau.signal;
}

// ---- analyses ----
async function loadAnalyses() {
  const base = `/api/v1/patients/${encodeURIComponent(state.patient)}`;
  const list = (await api(`${base}/analyses`)).items.map((a) => a.name);
  await drawHrv();
  // EEG band powers over time: the eeg analysis's relative band-power
  // streams of the first channel ("EEG Fp1 alpha relative"), at screen width.
  const bandStreams = state.streams.filter((s) => s.analysis.startsWith('eeg/') && / relative$/.test(s.name));
  const el = $('eeg-chart');
  el.innerHTML = '';
  if (bandStreams.length) {
    const channel = bandStreams[0].name.split(' ').slice(0, -2).join(' ');
    const bands = bandStreams.filter((s) => s.name.startsWith(channel + ' ')).slice(0, 6);
    const windows = await Promise.all(bands.map((s) => fetchWindow(s, s.start_s, s.end_s, width(el))));
    const data = uPlot.join(windows.map((w) => { const d = windowData(w); return [d[0], d[1]]; }));
    new uPlot({ title: `${channel}: relative band power`, width: width(el), height: 220,
      scales: { x: { time: true } },
      series: [{}, ...bands.map((s, i) => ({ label: s.name.split(' ').slice(-2, -1)[0],
        stroke: `hsl(${i * 60} 60% 45%)` }))], axes: [{}, { label: 'fraction' }] }, data, el);
    jumeau.eegSeries = bands.length;
  } else {
    el.textContent = 'no EEG band powers yet (run `jumeau analyze`)';
    jumeau.eegSeries = 0;
  }
  const rows = [];
  if (list.includes('risk')) {
    const risk = await api(`${base}/analyses/risk`);
    for (const s of risk.series) {
      s.t.forEach((t, i) => rows.push([s.display || s.code, `${fmt(s.value[i])} ${s.unit}`,
                                       fmtTime(t), s.text[i] || '']));
    }
  }
  fill($('risk').tBodies[0], rows);
  jumeau.riskRows = rows.length;
}

async function drawHrv() {
  const stream = streamById($('hrv-stream').value);
  const el = $('hrv-chart');
  if (!stream) { el.textContent = 'no HRV yet (run `jumeau analyze`)'; return; }
  const w = await fetchWindow(stream, stream.start_s, stream.end_s, width(el));
  if (state.charts.hrv) state.charts.hrv.destroy();
  state.charts.hrv = signalChart(el, stream.name, stream.unit);
  state.charts.hrv.setData(windowData(w));
}

// ---- the twin ----
async function loadTwin() {
  const base = `/api/v1/patients/${encodeURIComponent(state.patient)}`;
  const snaps = (await api(`${base}/twin/snapshots`)).items;
  state.snapshots = snaps;
  const latest = snaps[snaps.length - 1];
  fill($('twin-observations').tBodies[0], latest ? latest.observations.map((o) =>
    [o.output, fmt(o.value), fmt(o.predicted), o.unit, fmt(o.standardized_residual)]) : []);
  const rows = [];
  for (const s of snaps) {
    for (const p of s.parameters) {
      rows.push([p.name, `${s.snapshot_id} (${s.created.slice(0, 10)})`, fmt(p.map),
                 `${fmt(p.ci90[0])} – ${fmt(p.ci90[1])}`, p.unit]);
    }
  }
  rows.sort((a, b) => a[0].localeCompare(b[0]));
  fill($('twin-parameters').tBodies[0], rows);
  jumeau.snapshots = snaps.length;
  const names = latest ? latest.parameters.map((p) => p.name) : [];
  options($('param-select'), names.map((n) => [n, n]));
  drawParameterHistory();
}

// One parameter across snapshots: MAP with its 90% credible interval as a
// band, at each snapshot's creation time.
function drawParameterHistory() {
  const el = $('param-chart');
  el.innerHTML = '';
  const name = $('param-select').value;
  const snaps = (state.snapshots || []).filter((s) => s.parameters.some((p) => p.name === name));
  if (!snaps.length) return;
  const t = [], map = [], lo = [], hi = [];
  for (const s of snaps) {
    const p = s.parameters.find((q) => q.name === name);
    t.push(s.created_s); map.push(p.map); lo.push(p.ci90[0]); hi.push(p.ci90[1]);
  }
  const unit = snaps[0].parameters.find((q) => q.name === name).unit;
  const pad = (u, min, max) => (max - min < 3600 ? [min - 86400, max + 86400] : [min, max]);
  new uPlot({ width: width(el), height: 200, scales: { x: { time: true, range: pad } },
    series: [{}, { label: `${name} MAP`, stroke: '#1d3557', points: { show: true, size: 8 } },
             { label: '5%', stroke: '#a8dadc' }, { label: '95%', stroke: '#a8dadc' }],
    bands: [{ series: [3, 2], fill: '#a8dadc55' }], axes: [{}, { label: unit }] },
    [t, map, lo, hi], el);
}

// ---- the long-term (progression) twin ----
// The latest progression snapshot: per feature, the observed points, the
// personalised trajectory (median) inside its shaded 5–95% band, the
// threshold as a dashed line and its crossing (median date, 5–95% range).
async function loadProgression() {
  const url = `/api/v1/patients/${encodeURIComponent(state.patient)}/twin/progression`;
  const answer = await api(url);
  const el = $('progression-charts');
  for (const c of state.progressionCharts || []) c.destroy();
  state.progressionCharts = [];
  el.innerHTML = '';
  const twin = answer.latest;
  jumeau.progression = { url, snapshots: answer.items.length, features: [] };
  const rows = [];
  if (!twin) {
    $('progression-status').textContent =
      'no progression twin (jumeau cohort fit, then jumeau twin build --model progression)';
    fill($('progression-thresholds').tBodies[0], rows);
    return jumeau.progression;
  }
  $('progression-status').textContent =
    `snapshot ${twin.snapshot_id} (${twin.model} ${twin.model_version}, ${twin.created.slice(0, 10)}), ` +
    `data ${twin.data_from.slice(0, 10)} → ${twin.data_to.slice(0, 10)}; ` +
    `population model ${twin.population_model.data_source || twin.population_model.hash.slice(0, 12)}` +
    (twin.population_model.converged ? '' : ' (fit did not converge)');
  for (const f of twin.features) {
    const div = document.createElement('div');
    div.className = 'progression-chart';
    div.dataset.code = f.code;
    el.appendChild(div);
    const chart = progressionChart(div, f);
    state.progressionCharts.push(chart);
    jumeau.progression.features.push({ code: f.code, chart: state.progressionCharts.length - 1,
                                       crossings: f.thresholds.length });
    for (const c of f.thresholds) {
      rows.push([f.display || f.code, `${fmt(c.value)} ${c.unit}`,
                 c.t_median != null ? fmtTime(c.t_median).slice(0, 10) + (c.already_crossed ? ' (already)' : '') : 'not by end',
                 c.t_p5 != null ? `${fmtTime(c.t_p5).slice(0, 10)} – ${c.t_p95 != null ? fmtTime(c.t_p95).slice(0, 10) : 'after end'}` : '',
                 fmt(c.probability_by_end)]);
    }
  }
  fill($('progression-thresholds').tBodies[0], rows);
  return jumeau.progression;
}

// Draws each threshold of `feature`: a dashed horizontal line at its value,
// and where it is crossed a vertical line at the median date over the 5–95%
// span of crossing dates.
function thresholdPlugin(feature) {
  return { hooks: { draw: [(u) => {
    const ctx = u.ctx, { left, top, width: w, height: h } = u.bbox;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, w, h);
    ctx.clip();
    ctx.font = `${11 * devicePixelRatio}px sans-serif`;
    ctx.textAlign = 'left';  // uPlot leaves the axes' alignment behind
    ctx.textBaseline = 'alphabetic';
    for (const c of feature.thresholds) {
      const y = u.valToPos(c.value, 'y', true);
      ctx.strokeStyle = '#e63946';
      ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
      ctx.lineWidth = devicePixelRatio;
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + w, y);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = '#e63946';
      ctx.fillText(`threshold ${fmt(c.value)} ${c.unit}`, left + 4, y - 4);
      if (c.t_median == null) continue;
      if (c.t_p5 != null) {
        const x1 = u.valToPos(c.t_p5, 'x', true);
        const x2 = c.t_p95 != null ? u.valToPos(c.t_p95, 'x', true) : left + w;
        ctx.fillStyle = '#e6394618';
        ctx.fillRect(x1, top, Math.max(1, x2 - x1), h);
      }
      const x = u.valToPos(c.t_median, 'x', true);
      ctx.strokeStyle = '#e63946';
      ctx.lineWidth = 2 * devicePixelRatio;
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + h);
      ctx.stroke();
      ctx.fillStyle = '#e63946';
      ctx.fillText(`crosses ${fmtTime(c.t_median).slice(0, 7)} (p=${fmt(c.probability_by_end)})`,
                   x + 4, top + 14 * devicePixelRatio);
    }
    ctx.restore();
  }] } };
}

function progressionChart(el, f) {
  const tr = f.trajectory, ob = f.observed;
  // One x axis for the trajectory's grid and the visits' dates; each series
  // keeps its own points (null elsewhere) and lines span the gaps.
  const data = uPlot.join([[tr.t, tr.p5, tr.p95, tr.median], [ob.t, ob.value]]);
  const values = [...tr.p5, ...tr.p95, ...ob.value, ...f.thresholds.map((c) => c.value)];
  const lo = Math.min(...values), hi = Math.max(...values), pad = (hi - lo) * 0.05 || 1;
  const name = f.display ? `${f.display} (${f.code})` : f.code;
  return new uPlot({
    title: name, width: width(el), height: 260,
    scales: { x: { time: true }, y: { range: () => [lo - pad, hi + pad] } },
    series: [{},
      { label: '5%', stroke: '#f4a261', width: 1, spanGaps: true, points: { show: false } },
      { label: '95%', stroke: '#f4a261', width: 1, spanGaps: true, points: { show: false } },
      { label: 'trajectory (median)', stroke: '#1d3557', width: 2, spanGaps: true,
        points: { show: false } },
      { label: 'observed', stroke: '#2a9d8f', paths: () => null,
        points: { show: true, size: 6, fill: '#2a9d8f' } }],
    bands: [{ series: [2, 1], fill: '#f4a26155' }],
    axes: [{}, { label: f.unit }],
    plugins: [thresholdPlugin(f)],
  }, data, el);
}

// ---- brain twins: one row per snapshot ----
async function loadBrainTwins() {
  const url = `/api/v1/patients/${encodeURIComponent(state.patient)}/twin/brain`;
  const items = (await api(url)).items;
  fill($('brain-twins').tBodies[0], items.map((b) => {
    let quality;
    if (b.method === 'hypothesis') {
      const p = b.propagation;
      quality = `EZ ${b.ez_regions.join(', ') || '—'}; ` + (p.seizing.length
        ? `seizing ${p.seizing.map((r, i) => `${r} (${fmt(p.onset_ms[i])} ms)`).join(', ')}`
        : 'no region seizes');
    } else {
      quality = `RMS standardised residual ${fmt(b.rms_standardized)} (${b.observations.length} EEG features, ` +
                `${b.evaluations} simulations)`;
    }
    return [String(b.snapshot_id), `${b.model} ${b.model_version}`, b.created.slice(0, 10),
            `${b.regions} regions; ${quality}`,
            b.parameters.map((p) => `${p.name} ${fmt(p.estimate)} [${fmt(p.lower)}–${fmt(p.upper)}] ${p.unit}`).join('; ')];
  }));
  if (!items.length) {
    fill($('brain-twins').tBodies[0], [['—', 'no brain twin (jumeau twin build --model brain)', '', '', '']]);
  }
  jumeau.brainTwins = items.length;
  return items;
}

// The scenario swept over its range: one simulation per step, the chosen
// output's MAP and posterior 5–95% band against the change.
async function sweep(kind) {
  if (kind != null) $('whatif-kind').value = kind;
  const k = $('whatif-kind').value;
  const amounts = k === 'hr' ? [-30, -20, -10, 0, 10, 20, 30] : [-50, -35, -20, -10, 0, 10, 20, 35, 50];
  const base = `/api/v1/patients/${encodeURIComponent(state.patient)}/twin/simulate`;
  $('whatif-status').textContent = `sweeping ${k}…`;
  const results = [];
  for (const a of amounts) {
    const scenario = k === 'hr' ? `hr=${a >= 0 ? '+' : ''}${a}` : `${k}=${a >= 0 ? '+' : ''}${a}%`;
    results.push(await api(base, { method: 'POST', headers: { 'Content-Type': 'application/json' },
                                   body: JSON.stringify({ scenario, samples: 12 }) }));
  }
  const outputs = results[0].outputs.map((o) => o.name);
  const chosen = outputs.includes($('whatif-output').value) ? $('whatif-output').value : outputs[0];
  options($('whatif-output'), outputs.map((n) => [n, n]), chosen);
  const pick = (r) => r.outputs.find((o) => o.name === chosen);
  const unit = pick(results[0]).unit;
  const data = [amounts, results.map((r) => pick(r).scenario.map), results.map((r) => pick(r).scenario.p5),
                results.map((r) => pick(r).scenario.p95), results.map((r) => pick(r).baseline.map)];
  const el = $('whatif-sweep-chart');
  el.innerHTML = '';
  new uPlot({ width: width(el), height: 220, scales: { x: { time: false } },
    series: [{ label: k === 'hr' ? 'Δ heart rate (/min)' : `${k} change (%)` },
             { label: `${chosen} (MAP)`, stroke: '#e63946', points: { show: true } },
             { label: '5%', stroke: '#f4a3a8' }, { label: '95%', stroke: '#f4a3a8' },
             { label: 'baseline', stroke: '#1d3557', dash: [5, 5] }],
    bands: [{ series: [3, 2], fill: '#e6394622' }],
    axes: [{ label: k === 'hr' ? '/min' : '%' }, { label: unit }] }, data, el);
  $('whatif-status').textContent = `${k} swept over ${amounts.length} values`;
  jumeau.sweep = { amounts, output: chosen, map: data[1], p5: data[2], p95: data[3] };
  return jumeau.sweep;
}

async function whatIf(kind, amount) {
  if (kind != null) $('whatif-kind').value = kind;
  if (amount != null) { $('whatif-amount').value = amount; $('whatif-amount-out').value = amount; }
  const k = $('whatif-kind').value, a = Number($('whatif-amount').value);
  const scenario = k === 'hr' ? `hr=${a >= 0 ? '+' : ''}${a}` : `${k}=${a >= 0 ? '+' : ''}${a}%`;
  $('whatif-status').textContent = `simulating ${scenario}…`;
  $('whatif-status').className = '';
  try {
    const sim = await api(`/api/v1/patients/${encodeURIComponent(state.patient)}/twin/simulate`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ scenario, samples: 20, waveform_points: 200 }),
    });
    const band = (b) => `${fmt(b.map)} [${fmt(b.p5)}–${fmt(b.p95)}]`;
    fill($('whatif-outputs').tBodies[0], sim.outputs.map((o) =>
      [o.name, band(o.baseline), band(o.scenario), o.unit]));
    const el = $('whatif-waveform');
    el.innerHTML = '';
    if (sim.waveform) {
      const wf = sim.waveform;
      new uPlot({ width: width(el), height: 200, scales: { x: { time: false } },
        series: [{ label: 's' }, { label: 'LV pressure', stroke: '#e63946' },
                 { label: 'aortic pressure', stroke: '#1d3557' }],
        axes: [{ label: 's' }, { label: 'mm[Hg]' }] },
        [wf.time_s, wf.lv_pressure, wf.aortic_pressure], el);
      drawPvLoop(wf.lv_volume, wf.lv_pressure);
    }
    $('whatif-status').textContent = `${sim.description}: ${sim.samples - sim.failed_samples} posterior samples`;
    jumeau.whatIf = sim;
    return sim;
  } catch (e) {
    $('whatif-status').textContent = e.message;
    $('whatif-status').className = 'error';
    throw e;
  }
}

function drawPvLoop(volume, pressure) {
  const c = $('whatif-pv'), ctx = c.getContext('2d');
  ctx.clearRect(0, 0, c.width, c.height);
  const pad = 35;
  const vx = [Math.min(...volume), Math.max(...volume)], py = [0, Math.max(...pressure) * 1.05];
  const X = (v) => pad + (v - vx[0]) / (vx[1] - vx[0] || 1) * (c.width - 2 * pad);
  const Y = (p) => c.height - pad - (p - py[0]) / (py[1] - py[0] || 1) * (c.height - 2 * pad);
  ctx.strokeStyle = '#888';
  ctx.strokeRect(pad, pad, c.width - 2 * pad, c.height - 2 * pad);
  ctx.fillStyle = '#333';
  ctx.fillText('LV volume (mL)', c.width / 2 - 30, c.height - 8);
  ctx.fillText(`${fmt(vx[0])}`, pad, c.height - pad + 12);
  ctx.fillText(`${fmt(vx[1])}`, c.width - pad - 20, c.height - pad + 12);
  ctx.fillText(`${fmt(py[1])} mmHg`, 2, pad - 4);
  ctx.strokeStyle = '#e63946';
  ctx.lineWidth = 2;
  ctx.beginPath();
  volume.forEach((v, i) => (i ? ctx.lineTo(X(v), Y(pressure[i])) : ctx.moveTo(X(v), Y(pressure[i]))));
  ctx.closePath();
  ctx.stroke();
}

// ---- wiring ----
Object.assign(jumeau, { zoomTo, zoomPreset, openSignal, whatIf, sweep, selectPatient, api, ns,
  loadProgression });

async function start() {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  state.token = fromHash || sessionStorage.getItem('jumeau-token') || '';
  if (fromHash) {
    sessionStorage.setItem('jumeau-token', fromHash);
    history.replaceState(null, '', location.pathname);  // keep it out of the address bar
  }
  $('token').value = state.token;
  $('token').addEventListener('change', () => {
    state.token = $('token').value.trim();
    sessionStorage.setItem('jumeau-token', state.token);
    run(loadPatients);
  });
  $('patient').addEventListener('change', () => run(() => selectPatient($('patient').value)));
  document.querySelectorAll('[data-zoom]').forEach((b) =>
    b.addEventListener('click', () => run(() => zoomPreset(b.dataset.zoom))));
  $('timeline-stream').addEventListener('change', () => run(setupTimeline));
  $('signal-show').addEventListener('click', () => run(() => openSignal()));
  $('hrv-stream').addEventListener('change', () => run(drawHrv));
  $('whatif-amount').addEventListener('input', () => { $('whatif-amount-out').value = $('whatif-amount').value; });
  $('whatif-run').addEventListener('click', () => run(() => whatIf()));
  $('whatif-sweep').addEventListener('click', () => run(() => sweep()));
  $('param-select').addEventListener('change', drawParameterHistory);
  if (state.token) await run(loadPatients);
  else setStatus('enter a token (jumeau token create STORE --role clinician)');
}

async function run(action) {
  try {
    await action();
  } catch (e) {
    setStatus(e.message, true);
  }
}

start();
