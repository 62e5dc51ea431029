// The desktop app's speed on a big library: `tests/e2e/run --perf LIBRARY` (release build).
// LIBRARY is any Lode library, e.g. the 100,000-note one `LODE_BENCH_DIR=DIR cargo bench
// --bench corpus` leaves in DIR/lode. Figures go to $LODE_E2E_ARTIFACTS/perf.json.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { Harness, TIME_READER, TIME_SEARCHES, appMemoryMb, percentile, sleep } from "./harness.mjs";

const library = process.env.LODE_E2E_LIBRARY;
let h;

before(async () => {
  assert.ok(library, "LODE_E2E_LIBRARY names the library to measure");
  h = new Harness({ library, compositing: "auto" });
  await h.start();
});

after(() => h.stop("perf"));

test("speed with a big library", async () => {
  const notes = JSON.parse(await h.cli("list", "--json"));
  h.metrics.notes = notes.length;
  // Deterministic picks: every k-th note; queries typed a keystroke at a time from words of
  // their titles (prefixes while typing, then the whole word), plus two-word queries.
  const step = Math.max(1, Math.floor(notes.length / 60));
  const picked = notes.filter((_, i) => i % step === 0).slice(0, 60);
  const words = picked.flatMap((n) => n.title.split(/\s+/).filter((w) => w.length >= 5).slice(0, 1));
  const typed = words.slice(0, 30).flatMap((w) => [...w].map((_, i) => w.slice(0, i + 1)));
  const pairs = words.slice(0, 30).map((w, i) => `${w} ${words[(i + 7) % words.length]}`);

  const starts = [];
  let s;
  for (let i = 0; i < 3; i++) {
    const launched = await h.launch();
    starts.push(launched.ms);
    if (i < 2) await h.quit(launched.s);
    else s = launched.s;
  }
  h.metrics.window_ready_ms = { runs: starts.map(Math.round), median: Math.round(percentile(starts, 50)) };
  try {
    await s.keys("Control", "k");
    await s.waitFor(".palette input");
    const times = await s.execAsync(TIME_SEARCHES, [[...typed, ...pairs]]);
    h.metrics.search_paint_ms = {
      p50: +percentile(times, 50).toFixed(1),
      p95: +percentile(times, 95).toFixed(1),
      max: +Math.max(...times).toFixed(1),
      keystrokes: times.length,
    };
    const dom = await s.exec("return window.__domTimes");
    h.metrics.search_dom_ms = { p50: +percentile(dom, 50).toFixed(1), p95: +percentile(dom, 95).toFixed(1) };
    // The same queries through the command alone (no rendering), to tell the core's and
    // the IPC's share from the UI's.
    const ipc = await s.execAsync(
      `const [queries, done] = [arguments[0], arguments[arguments.length - 1]];
       (async () => {
         const times = [];
         for (const query of queries) {
           const t0 = performance.now();
           await window.__TAURI_INTERNALS__.invoke("search_query", { query, options: { limit: 20, titles_only: false, facets: true } });
           times.push(performance.now() - t0);
         }
         done(times);
       })();`,
      [[...typed, ...pairs]],
    );
    h.metrics.search_command_ms = { p50: +percentile(ipc, 50).toFixed(1), p95: +percentile(ipc, 95).toFixed(1) };
    await s.keys("Escape");
    const reader = await s.execAsync(TIME_READER, [picked.map((n) => n.id)]);
    h.metrics.reader_open_ms = {
      p50: +percentile(reader, 50).toFixed(1),
      p95: +percentile(reader, 95).toFixed(1),
      max: +Math.max(...reader).toFixed(1),
      notes: reader.length,
    };
    await sleep(5000);
    h.metrics.idle_memory = appMemoryMb();
  } finally {
    await h.quit(s);
  }
});
