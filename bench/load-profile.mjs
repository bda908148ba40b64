// Where load-to-interactive goes: for RUNS fresh page loads of the built dist/ (headless Chromium,
// the end-to-end tests' server), the resource timings of the app's files and a CPU profile of the
// load (DevTools protocol, 100 µs sampling) summarised as self time per function.
//
// Usage: node bench/load-profile.mjs [RUNS] [TOP]        (default 3 runs, top 12 entries)
//
// The release wasm carries no function names, so its time shows as one `wasm` entry. For names,
// run wasm-bindgen over the unoptimised build (which keeps its name section) into a copy of dist/:
//   cp -r dist /tmp/named && wasm-bindgen --target web --out-dir /tmp/wb --out-name <policy-web-HASH> \
//     target/wasm32-unknown-unknown/release/policy-web.wasm && cp /tmp/wb/<policy-web-HASH>* /tmp/named/
//   DIST_DIR=/tmp/named node bench/load-profile.mjs
// Timings, not assertions.
import { newPage, startHarness } from '../tests/e2e/harness.mjs';

const runs = Number(process.argv[2] ?? 3);
const top = Number(process.argv[3] ?? 12);

/** Self time per function name (wasm functions by name when the module has a name section). */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id).callFrame;
    const wasm = frame.url.endsWith('.wasm') || frame.functionName.startsWith('$');
    const key = wasm
      ? `wasm ${frame.functionName.replace(/::h[0-9a-f]{16}$/, '').slice(0, 90) || '(unnamed)'}`
      : frame.functionName || `(${frame.url.split('/').pop() || 'browser'})`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self.entries()].sort((a, b) => b[1] - a[1]);
}

const harness = await startHarness();
try {
  for (let run = 0; run < runs; run++) {
    const { context, page } = await newPage(harness);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    await page.goto(harness.server.url);
    await page.waitForFunction(() => document.documentElement.dataset.readyMs);
    const { profile } = await cdp.send('Profiler.stop');
    const t = await page.evaluate(() => ({
      ready: Number(document.documentElement.dataset.readyMs),
      dcl: Math.round(performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd),
      files: performance
        .getEntriesByType('resource')
        .map((r) => `${r.name.split('/').pop().replace(/-[0-9a-f]{16}/, '')} ${Math.round(r.startTime)}–${Math.round(r.responseEnd)}`),
    }));
    console.log(`run ${run}: interactive at ${t.ready} ms, DOMContentLoaded ${t.dcl} ms`);
    console.log(`  fetched (start–end ms): ${t.files.join('; ')}`);
    console.log(`  self time (ms): ${selfTimes(profile).slice(0, top).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
    await context.close();
  }
} finally {
  await harness.close();
}
