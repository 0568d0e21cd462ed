#!/usr/bin/env node
// Browser test of the HTML report in real headless Chromium (Debian's /usr/bin/chromium, driven
// by playwright-core, which downloads no browser). Registered with CTest by report/CMakeLists.txt.
//
//   node report/browser_test.mjs --alvh build/release/alvh --out DIR [--chromium /usr/bin/chromium]
//   node report/browser_test.mjs --html some-report.html --out DIR
//
// With --alvh it writes the default report (alvh run on the embedded market) and the same report
// re-rendered from its saved JSON (alvh report --input), and checks both: the page loads with no
// console error, no page error and no network request (it must open offline), every chart
// container holds a canvas with drawn (non-blank) pixels, and the renderer reports every chart
// rendered. Artifacts kept in DIR: report.html, run.json, report-from-json.html, report.png
// (full-page screenshot), result.json. Exit 0 = pass, 1 = fail, 77 = skipped (CTest
// SKIP_RETURN_CODE): playwright-core or chromium missing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const SKIP = 77;
const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const outDir = path.resolve(args.out || 'browser-test');
const chromiumPath = args.chromium || '/usr/bin/chromium';
fs.mkdirSync(outDir, { recursive: true });

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.log(`SKIP: playwright-core not installed (run scripts/install-report-assets): ${e.message}`);
  process.exit(SKIP);
}
if (!fs.existsSync(chromiumPath)) {
  console.log(`SKIP: chromium not found at ${chromiumPath} (scripts/install-deps installs it)`);
  process.exit(SKIP);
}

const pages = [];
if (args.alvh) {
  const html = path.join(outDir, 'report.html');
  const json = path.join(outDir, 'run.json');
  const html2 = path.join(outDir, 'report-from-json.html');
  execFileSync(args.alvh, ['--quiet', 'run', '--market', 'embedded', '--paths', '4000', '--out', html, '--save-json', json],
               { stdio: 'inherit' });
  execFileSync(args.alvh, ['--quiet', 'report', '--input', json, '--out', html2], { stdio: 'inherit' });
  pages.push({ file: html, screenshot: path.join(outDir, 'report.png') });
  pages.push({ file: html2, screenshot: path.join(outDir, 'report-from-json.png') });
} else if (args.html) {
  pages.push({ file: path.resolve(args.html), screenshot: path.join(outDir, 'report.png') });
} else {
  console.error('usage: browser_test.mjs (--alvh ALVH | --html FILE) --out DIR');
  process.exit(2);
}

const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'alvh-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: chromiumPath,
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

const results = [];
let failures = 0;
let checks = 0;
function check(ok, what, page) {
  checks += 1;
  if (!ok) failures += 1;
  console.log(`${ok ? 'ok  ' : 'FAIL'}  ${path.basename(page.file)}: ${what}`);
}

try {
  for (const p of pages) {
    const page = await context.newPage();
    const consoleErrors = [];
    const network = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      network.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(p.file).href, { waitUntil: 'load' });
    await page.waitForFunction(() => window.alvhReport && (window.alvhReport.rendered + window.alvhReport.errors.length) >= window.alvhReport.charts,
                               null, { timeout: 30000 }).catch(() => {});
    const state = await page.evaluate(() => window.alvhReport || null);
    // Per chart: a canvas with drawn pixels (ECharts paints on a transparent canvas: count
    // pixels with alpha > 0 on the main layer).
    const charts = await page.$$eval('.alvh-chart', (els) => els.map((el) => {
      const canvas = el.querySelector('canvas');
      if (!canvas) return { id: el.id, canvas: false, painted: 0, width: 0, height: 0 };
      const ctx = canvas.getContext('2d');
      const { width, height } = canvas;
      let painted = 0;
      if (ctx && width && height) {
        const data = ctx.getImageData(0, 0, width, height).data;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted += 1;
      }
      return { id: el.id, canvas: true, painted, width, height };
    }));
    await page.screenshot({ path: p.screenshot, fullPage: true });

    check(consoleErrors.length === 0, `no console errors (${consoleErrors.join(' | ') || 'none'})`, p);
    check(network.length === 0, `no network requests (${network.join(' ') || 'none'})`, p);
    check(state !== null && state.errors.length === 0, `renderer state ${JSON.stringify(state)}`, p);
    check(charts.length >= 4 && state && charts.length === state.charts, `${charts.length} chart containers`, p);
    for (const c of charts)
      check(c.canvas && c.width > 100 && c.height > 100 && c.painted > 2000,
            `${c.id}: canvas ${c.width}x${c.height}, ${c.painted} painted pixels`, p);
    results.push({ file: p.file, screenshot: p.screenshot, consoleErrors, network, state, charts });
    await page.close();
  }
} finally {
  await context.close();
  fs.rmSync(userDataDir, { recursive: true, force: true });
}

fs.writeFileSync(path.join(outDir, 'result.json'), JSON.stringify(results, null, 2));
console.log(`${checks - failures} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
