// The desktop app's speed on a big library: `tests/e2e/run --perf LIBRARY` (release build).
// LIBRARY is any Lode library, e.g. the 100,000-note one `LODE_BENCH_DIR=DIR cargo bench
// --bench corpus` leaves in DIR/lode. Figures go to $LODE_E2E_ARTIFACTS/perf.json.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Harness, TIME_READER, TIME_SEARCHES, appMemoryMb, percentile, sleep } from "./harness.mjs";

const library = process.env.LODE_E2E_LIBRARY;
/// In the page: the `search_query` command alone (no rendering) for each query.
const TIME_COMMAND = `const [queries, done] = [arguments[0], arguments[arguments.length - 1]];
  (async () => {
    const times = [];
    for (const query of queries) {
      const t0 = performance.now();
      await window.__TAURI_INTERNALS__.invoke("search_query", { query, options: { limit: 20, titles_only: false, facets: true } });
      times.push(performance.now() - t0);
    }
    done(times);
  })();`;
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
    const ipc = await s.execAsync(TIME_COMMAND, [[...typed, ...pairs]]);
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

    // The same, while 10,000 notes are imported: by `lode import` beside the window, whose
    // writes the app's indexer makes searchable as they land. Measured from the import's start
    // until the window's index holds every imported note (the CLI's writes end first), each
    // round of samples with its time since the start; three imports, for enough samples.
    const imported = 10000;
    const sentences = notes.slice(0, 200).map((n) => `${n.title}${n.standfirst ? `: ${n.standfirst}` : "."}`);
    const COUNT = `const [query, done] = [arguments[0], arguments[arguments.length - 1]];
      window.__TAURI_INTERNALS__.invoke("search_query", { query, options: { limit: 1, titles_only: false, facets: false } })
        .then((r) => done(r.total), () => done(-1));`;
    const busySearch = [];
    const busyReader = [];
    const busyCommand = [];
    const imports = [];
    for (let n = 0; n < 3; n++) {
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), "lode-perf-import-"));
      const run = `perfrun${Date.now().toString(36)}`; // new notes on every run, not "already saved"
      // Article-sized notes (about 400 words).
      for (let i = 0; i < imported; i++) {
        const body = Array.from({ length: 12 }, (_, k) => sentences[(i * 7 + k * 13) % sentences.length]).join(" ");
        fs.writeFileSync(
          path.join(folder, `import-${i}.txt`),
          `Harbour log ${i} of perf run ${run}\n\nEntry ${i} of run ${run}: the dredger worked the ${i % 2 ? "northern" : "southern"} channel until dusk.\n\n${body}\n\n${body}\n`,
        );
      }
      const started = performance.now();
      const since = () => Math.round(performance.now() - started);
      let finished = null;
      const importing = h.cli("import", folder, "--json").then((out) => {
        finished = performance.now();
        return JSON.parse(out);
      });
      const timeline = [];
      let searchable = null;
      for (let round = 0; round < 400; round++) {
        const at = since();
        const reader = await s.execAsync(TIME_READER, [picked.slice(round % 6 * 10, round % 6 * 10 + 5).map((n) => n.id)]);
        const command = await s.execAsync(TIME_COMMAND, [pairs.slice(0, 5)]);
        await s.keys("Control", "k");
        await s.waitFor(".palette input");
        const search = await s.execAsync(TIME_SEARCHES, [pairs.slice(round % 6 * 5, round % 6 * 5 + 5)]);
        await s.keys("Escape");
        busyReader.push(...reader);
        busyCommand.push(...command);
        busySearch.push(...search);
        timeline.push({ at_ms: at, importing: finished === null, reader_max: Math.round(Math.max(...reader)), paint_max: Math.round(Math.max(...search)) });
        if (finished !== null && (await s.execAsync(COUNT, [run])) >= imported) {
          searchable = performance.now();
          break;
        }
      }
      const report = await importing;
      assert.equal(report.created, imported, "every file is a new note");
      assert.ok(searchable, "the window's index holds every imported note");
      imports.push({
        import_seconds: +((finished - started) / 1000).toFixed(1),
        searchable_seconds: +((searchable - started) / 1000).toFixed(1),
        timeline,
      });
      fs.rmSync(folder, { recursive: true, force: true });
    }
    const stats = (xs) => ({ p50: +percentile(xs, 50).toFixed(1), p95: +percentile(xs, 95).toFixed(1), max: +Math.max(...xs).toFixed(1), samples: xs.length });
    h.metrics.during_import = {
      notes: imported,
      search_paint_ms: stats(busySearch),
      search_command_ms: stats(busyCommand),
      reader_open_ms: stats(busyReader),
      imports,
    };
  } finally {
    await h.quit(s);
  }
});
