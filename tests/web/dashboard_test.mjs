// Browser test of the dashboard: headless Debian chromium driven by
// playwright-core against a running `jumeau serve` (started by
// run_dashboard_test.sh). Loads the dashboard, zooms the timeline from years
// to one beat checking the plotted points against the API's own answer,
// opens a signal with annotations, checks the progression twin's chart
// (observed points, trajectory, 5-95% band, threshold crossing) against the
// API, runs a what-if. Screenshots go to OUT_DIR.
// Usage: node dashboard_test.mjs URL TOKEN OUT_DIR WEB_DIR
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const [url, token, outDir, webDir] = process.argv.slice(2);
const require = createRequire(path.join(webDir, 'package.json'));
const { chromium } = require('playwright-core');
mkdirSync(outDir, { recursive: true });

let failures = 0, passes = 0;
function check(ok, what) {
  if (ok) { passes++; console.log(`ok - ${what}`); }
  else { failures++; console.log(`FAIL - ${what}`); }
}

// A fresh profile (--user-data-dir) each run: playwright takes it as the
// persistent context's folder.
const browser = await chromium.launchPersistentContext(path.join(outDir, 'chromium-profile'), {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 2400 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = browser.pages()[0] || await browser.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.setDefaultTimeout(120000);

  await page.goto(`${url}/#token=${token}`);
  await page.waitForFunction(() => window.jumeau && window.jumeau.ready === true);
  check(!page.url().includes('token='), 'the token leaves the address bar');
  const patients = await page.$$eval('#patients tbody tr', (rows) => rows.length);
  check(patients >= 1, `patient list shows ${patients} patient(s)`);
  await page.screenshot({ path: path.join(outDir, '01-dashboard.png'), fullPage: true });

  // The plotted arrays of the timeline's signal chart against a fresh fetch
  // of the same window from the API.
  async function compareTimeline(label) {
    const r = await page.evaluate(async () => {
      const j = window.jumeau, tl = j.timeline;
      if (!tl.window) return { missing: true };
      const res = await fetch(tl.window.url, { headers: { Authorization: `Bearer ${j.state.token}` } });
      const api = await res.json();
      const chart = j.state.charts.signal.data;
      const plottedT = Array.from(chart[0]), plottedV = Array.from(chart[1]);
      const apiV = api.exact ? api.value : api.mean;
      let same = plottedT.length === api.t.length && plottedV.length === apiV.length;
      for (let i = 0; same && i < api.t.length; i++) {
        same = plottedT[i] === api.t[i] && plottedV[i] === apiV[i];
      }
      return { same, n: api.t.length, exact: api.exact, span: tl.to - tl.from,
               level: api.pyramid_level, scale: j.state.charts.signal.scales.x };
    });
    check(!r.missing && r.same, `${label}: ${r.n} plotted points equal the API's answer ` +
          `(${r.exact ? 'exact samples' : `pyramid level ${r.level}`}, ${r.span.toPrecision(4)} s)`);
    return r;
  }

  const tl = await page.evaluate(() => {
    const s = window.jumeau.state;
    const stream = s.streams.find((x) => String(x.id) === document.getElementById('timeline-stream').value);
    return { first: s.timeline.patient.first_s, last: s.timeline.patient.last_s, start: stream.start_s,
             rate: stream.rate_hz, name: stream.name };
  });
  check(tl.last - tl.first > 5 * 365 * 86400, `timeline opens on ${((tl.last - tl.first) / 31557600).toFixed(1)} years`);
  const years = await compareTimeline('years');
  const events = await page.evaluate(() => window.jumeau.timeline.events);
  check(events > 0, `years view plots ${events} clinical events`);
  await page.screenshot({ path: path.join(outDir, '02-timeline-years.png'), fullPage: false, clip: { x: 0, y: 0, width: 1280, height: 1000 } });
  check(!years.exact, 'years view is served from the pyramid');
  const day0 = Math.floor(tl.start / 86400) * 86400;
  const steps = [['day', day0, day0 + 86400], ['hour', tl.start, tl.start + 3600],
                 ['minute', tl.start + 60, tl.start + 120], ['beat', tl.start + 60, tl.start + 61]];
  let last;
  for (const [label, a, b] of steps) {
    await page.evaluate(([x, y]) => window.jumeau.zoomTo(x, y), [a, b]);
    last = await compareTimeline(label);
    await page.screenshot({ path: path.join(outDir, `03-timeline-${label}.png`), clip: { x: 0, y: 0, width: 1280, height: 1000 } });
  }
  check(last.exact, 'one-beat view shows exact samples');
  check(Math.abs(last.n - tl.rate) <= 1, `one second of ${tl.name} has ${last.n} samples at ${tl.rate} Hz`);
  check(last.scale.min === tl.start + 60 && last.scale.max === tl.start + 61, 'the chart shows exactly the asked second');

  // A signal with annotations: the ECG's beats.
  const sig = await page.evaluate(() => {
    const ecg = window.jumeau.state.streams.find((s) => !s.analysis && /MLII|ECG/i.test(s.name));
    return window.jumeau.openSignal(ecg.id, 60, 10);
  });
  check(sig.annotations >= 5, `ECG viewer shows ${sig.annotations} annotations (${sig.origins.join(', ')})`);
  await page.locator('#signal-section').screenshot({ path: path.join(outDir, '04-signal-ecg.png') });
  const eeg = await page.evaluate(async () => {
    const j = window.jumeau;
    const s = j.state.streams.find((x) => !x.analysis && x.unit === 'uV');
    if (!s) return null;
    const ev = await j.api(`/api/v1/patients/${j.state.patient}/events?system=urn:jumeau:edf-annotation&limit=5`);
    const at = ev.items.length ? Math.max(0, ev.items[0].t - s.start_s - 1) : 0;
    return j.openSignal(s.id, at, 10);
  });
  if (eeg) {
    check(eeg.points > 0 && eeg.annotations >= 1, `EEG viewer plots ${eeg.points} points with ${eeg.annotations} EDF+ annotations`);
    await page.locator('#signal-section').screenshot({ path: path.join(outDir, '05-signal-eeg.png') });
  }

  // Analyses were drawn.
  const risk = await page.evaluate(() => window.jumeau.riskRows);
  check(risk >= 1, `risk table lists ${risk} score(s)`);
  const bands = await page.evaluate(() => window.jumeau.eegSeries);
  check(bands >= 4, `EEG panel plots ${bands} band powers over time`);
  await page.locator('#analysis-section').screenshot({ path: path.join(outDir, '05b-analyses.png') });

  // The progression twin: each feature's chart plots the API's observed
  // points and trajectory (median, 5% and 95%) exactly, with the band filled.
  const prog = await page.evaluate(async () => {
    const j = window.jumeau, p = j.progression;
    if (!p || !p.features.length) return { missing: true };
    const res = await fetch(p.url, { headers: { Authorization: `Bearer ${j.state.token}` } });
    const api = (await res.json()).latest;
    // The (x, y) pairs a series plots: the joined x axis where y is set.
    const pairs = (d, k) => Array.from(d[0]).map((x, i) => [x, d[k][i]]).filter(([, y]) => y != null);
    const same = (a, xs, ys) => a.length === xs.length && a.every(([x, y], i) => x === xs[i] && y === ys[i]);
    const out = [];
    for (const f of p.features) {
      const u = j.state.progressionCharts[f.chart], d = u.data;
      const a = api.features.find((g) => g.code === f.code);
      const tr = a.trajectory;
      // The band is filled: pixels of exactly its fill colour (#f4a261 at
      // alpha 0x55 on the transparent canvas) inside the plot; the 5% and 95%
      // lines are the same colour, opaque, their antialiased edges rarely
      // exactly that translucent.
      const { left, top, width: w, height: h } = u.bbox;
      const px = u.ctx.getImageData(Math.round(left), Math.round(top), Math.round(w), Math.round(h)).data;
      let filled = 0;
      for (let i = 0; i < px.length; i += 4) {
        if (Math.abs(px[i] - 244) <= 2 && Math.abs(px[i + 1] - 162) <= 2 && Math.abs(px[i + 2] - 97) <= 2 &&
            Math.abs(px[i + 3] - 85) <= 1) filled++;
      }
      const widths = tr.t.map((_, i) => tr.p95[i] - tr.p5[i]);
      out.push({ code: f.code, points: tr.t.length, observed: a.observed.t.length,
        median: same(pairs(d, 3), tr.t, tr.median), p5: same(pairs(d, 1), tr.t, tr.p5),
        p95: same(pairs(d, 2), tr.t, tr.p95), obs: same(pairs(d, 4), a.observed.t, a.observed.value),
        bandSeries: u.bands && u.bands.length === 1 && u.bands[0].series.join() === '2,1',
        filled, minWidth: Math.min(...widths), maxWidth: Math.max(...widths), unit: a.unit,
        crossings: a.thresholds.length, crossing: a.thresholds[0] || null,
        rows: document.querySelectorAll('#progression-thresholds tbody tr').length });
    }
    return { features: out };
  });
  check(!prog.missing, 'the twin panel shows a progression chart');
  for (const f of prog.features || []) {
    check(f.median && f.p5 && f.p95, `${f.code}: the ${f.points} plotted trajectory points (median, 5%, 95%) equal the API's answer`);
    check(f.obs && f.observed > 0, `${f.code}: the ${f.observed} plotted observed points equal the API's answer`);
    check(f.bandSeries && f.minWidth >= 0 && f.filled > 300,
          `${f.code}: the 5-95% band (${f.minWidth.toFixed(2)} to ${f.maxWidth.toFixed(2)} ${f.unit} wide) is filled: ${f.filled} pixels of its colour`);
    check(f.crossings === 1 && f.rows >= 1, `${f.code}: threshold ${f.crossing && f.crossing.value} marked` +
          (f.crossing && f.crossing.t_median != null ? `, crossed about ${new Date(f.crossing.t_median * 1000).toISOString().slice(0, 7)}` : ', not crossed by the end'));
  }
  await page.locator('#progression-section').screenshot({ path: path.join(outDir, '05c-progression.png') });
  const brain = await page.evaluate(() => ({ n: window.jumeau.brainTwins,
    rows: Array.from(document.querySelectorAll('#brain-twins tbody tr')).map((r) => r.textContent) }));
  check(brain.n === 1 && brain.rows.length === 1 && /epileptor_network/.test(brain.rows[0]) && /EZ lF/.test(brain.rows[0]),
        `brain twins listed: ${brain.rows.join(' | ')}`);

  // What if: lower vascular resistance lowers the mean arterial pressure.
  await page.selectOption('#whatif-kind', 'resistance');
  await page.fill('#whatif-amount', '-20');
  await page.click('#whatif-run');
  await page.waitForFunction(() => window.jumeau.whatIf && /x 0.8/.test(document.getElementById('whatif-status').textContent));
  const sim = await page.evaluate(() => window.jumeau.whatIf);
  const map = sim.outputs.find((o) => o.name === 'mean_arterial_pressure');
  check(map && map.scenario.map < map.baseline.map,
        `what-if resistance -20%: MAP ${map.baseline.map.toFixed(1)} -> ${map.scenario.map.toFixed(1)} mmHg`);
  const rows = await page.$$eval('#whatif-outputs tbody tr', (r) => r.length);
  check(rows === sim.outputs.length, `what-if table shows ${rows} outputs with bands`);
  // The sweep: MAP falls as resistance falls, inside its band.
  const sw = await page.evaluate(() => window.jumeau.sweep('resistance'));
  const inBand = sw.map.every((m, i) => sw.p5[i] <= m + 1e-9 && m <= sw.p95[i] + 1e-9);
  check(sw.map[0] < sw.map[sw.map.length - 1] && inBand,
        `sweep of resistance: ${sw.output} from ${sw.map[0].toFixed(1)} to ${sw.map[sw.map.length - 1].toFixed(1)}, each within its 5-95% band`);
  await page.locator('#twin-section').screenshot({ path: path.join(outDir, '06-twin-whatif.png') });

  // A patient without a progression twin: the panel says so, no chart.
  const other = await page.evaluate(async () => {
    const j = window.jumeau;
    await j.selectPatient('peer3');
    return { charts: document.querySelectorAll('#progression-charts .progression-chart').length,
             status: document.getElementById('progression-status').textContent,
             features: j.progression.features.length };
  });
  check(other.charts === 0 && other.features === 0 && /no progression twin/.test(other.status),
        `peer3 (no progression twin): ${other.status}`);

  check(consoleErrors.length === 0, `no console errors${consoleErrors.length ? ': ' + consoleErrors.join(' | ') : ''}`);
} catch (e) {
  failures++;
  console.log(`FAIL - ${e.stack || e}`);
} finally {
  await browser.close();
}
console.log(`${passes} passed, ${failures} failed`);
process.exit(failures ? 1 : 0);
