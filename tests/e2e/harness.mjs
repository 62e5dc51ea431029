// What the end-to-end tests share: tauri-driver with a private library, the app's window,
// the X11 clipboard helper, screenshots, the shell's IPC log and in-page timings.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { newSession } from "./webdriver.mjs";

export const root = path.resolve(import.meta.dirname, "../..");
export const shared = path.resolve(root, "../shared");
export const fixtures = path.join(root, "tests/fixtures");
export const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
const artifacts = process.env.LODE_E2E_ARTIFACTS ?? path.join(root, "target/e2e");

export class Harness {
  /// `library`: the library folder the app opens (a fresh one under a temp home by default).
  /// `compositing`: WebKit's GPU compositing (emulated in software under Xvfb), which
  /// WebDriver screenshots need; the speed run measures the app as it ships (`auto`).
  constructor({ library, compositing = "always" } = {}) {
    for (const v of ["LODE_E2E_APP", "LODE_E2E_CLIPBOARD", "LODE_E2E_CLI"]) {
      if (!process.env[v] || !fs.existsSync(process.env[v])) {
        throw new Error(`${v} must name a built binary (tests/e2e/run sets it)`);
      }
    }
    this.home = fs.mkdtempSync(path.join(os.tmpdir(), "lode-e2e-"));
    this.library = library ?? path.join(this.home, "library");
    this.ipcLog = path.join(this.home, "ipc.log");
    this.port = 4444 + (process.pid % 500) * 2;
    this.compositing = compositing;
    this.metrics = {};
    this.ipcSeen = 0;
  }

  async start() {
    this.driver = spawn(
      "tauri-driver",
      ["--port", String(this.port), "--native-driver", "/usr/bin/WebKitWebDriver", "--native-port", String(this.port + 1)],
      {
        env: {
          ...process.env,
          LODE_LIBRARY: this.library,
          XDG_CONFIG_HOME: path.join(this.home, "config"),
          XDG_DATA_HOME: path.join(this.home, "data"),
          LODE_IPC_LOG: this.ipcLog,
          LODE_WEBKIT_COMPOSITING: this.compositing,
          // Clips' pages are served by the tests on 127.0.0.1; nothing reaches the internet.
          LODE_ALLOW_PRIVATE_FETCH: "1",
        },
        stdio: ["ignore", "inherit", "inherit"],
      },
    );
    for (let i = 0; i < 200; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${this.port}/status`)).ok) return;
      } catch {}
      await sleep(100);
    }
    throw new Error("tauri-driver did not start");
  }

  async stop(name) {
    this.owner?.kill();
    this.driver?.kill();
    fs.mkdirSync(artifacts, { recursive: true });
    fs.writeFileSync(path.join(artifacts, `${name}.json`), JSON.stringify(this.metrics, null, 2));
    console.log(`e2e ${name}:`, JSON.stringify(this.metrics));
  }

  /// Starts the app; returns the session and the time until the UI was on screen.
  /// Starts the app (with `args`, as a launcher passes files and links) in a new session.
  async launch(args = []) {
    const t0 = performance.now();
    const s = await newSession(`http://127.0.0.1:${this.port}`, process.env.LODE_E2E_APP, args);
    await s.waitFor(".shell", { timeout: 20000 });
    await s.cmd("POST", "/timeouts", { script: 600000 });
    return { s, ms: performance.now() - t0 };
  }

  /// Ends the WebDriver session and waits for the app to exit (it holds the library's lock).
  /// WebKitWebDriver ends the app's process itself when a session closes, but now and then
  /// leaves it running: after 3 s the app is sent SIGTERM (counted in `exits_forced`), as a
  /// system shutting down would; one that survives that too is a failure, with its stacks.
  async quit(s) {
    const t0 = performance.now();
    await s.quit();
    const wait = async (ms) => {
      for (let i = 0; i < ms / 100 && appPids().length; i++) await sleep(100);
      return appPids();
    };
    let left = await wait(3000);
    if (left.length) {
      this.metrics.exits_forced = (this.metrics.exits_forced ?? 0) + 1;
      left.forEach((pid) => process.kill(pid, "SIGTERM"));
      left = await wait(2000);
    }
    (this.metrics.exit_ms ??= []).push(Math.round(performance.now() - t0));
    fs.mkdirSync(artifacts, { recursive: true });
    if (fs.existsSync(this.ipcLog)) fs.copyFileSync(this.ipcLog, path.join(artifacts, "ipc.log"));
    if (left.length) {
      for (const pid of left) {
        const dump = spawnSync("gdb", ["-p", String(pid), "-batch", "-ex", "thread apply all bt"], { encoding: "utf8" });
        fs.writeFileSync(path.join(artifacts, `hung-${pid}.txt`), `${dump.stdout ?? ""}${dump.stderr ?? ""}`);
      }
      left.forEach((pid) => process.kill(pid, "SIGKILL"));
      throw new Error(`the app did not exit, even on SIGTERM (pids ${left}); stacks in ${artifacts}`);
    }
  }

  /// Runs the `lode` CLI on this library (a window may hold it: the CLI then shares it).
  cli(...args) {
    return new Promise((resolve, reject) => {
      const p = spawn(process.env.LODE_E2E_CLI, ["--library", this.library, ...args], { stdio: ["ignore", "pipe", "inherit"] });
      let out = "";
      p.stdout.on("data", (d) => (out += d));
      p.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`lode ${args.join(" ")} exited ${code}`))));
    });
  }

  /// Puts text (and HTML) on the X11 CLIPBOARD, owned by the helper until the next call;
  /// `null` clears it.
  async setClipboard(textFile, htmlFile) {
    this.owner?.kill();
    const args = textFile === null ? ["--clear"] : [textFile, ...(htmlFile ? [htmlFile] : [])];
    this.owner = spawn(process.env.LODE_E2E_CLIPBOARD, args, { stdio: "inherit" });
    await sleep(300);
  }

  /// A browser's copy of a page: text, HTML and the page's address as `browser`
  /// ("chromium" or "firefox") names it on the clipboard.
  async setBrowserClipboard(textFile, htmlFile, url, browser) {
    this.owner?.kill();
    this.owner = spawn(process.env.LODE_E2E_CLIPBOARD, ["--page", textFile, htmlFile, url, browser], { stdio: "inherit" });
    await sleep(300);
  }

  /// A clipboard offering `bytes` of text in INCR chunks (as a browser does for a large copy).
  async setLargeClipboard(bytes) {
    this.owner?.kill();
    this.owner = spawn(process.env.LODE_E2E_CLIPBOARD, ["--large", String(bytes)], { stdio: "inherit" });
    await sleep(300);
  }

  async shot(s, name) {
    await sleep(250); // let the last frame reach the screen
    fs.mkdirSync(artifacts, { recursive: true });
    fs.writeFileSync(path.join(artifacts, `${name}.png`), Buffer.from(await s.screenshot(), "base64"));
  }

  /// The commands the webview sent the shell since the last call.
  ipcSince() {
    const lines = fs.existsSync(this.ipcLog) ? fs.readFileSync(this.ipcLog, "utf8").split("\n").filter(Boolean) : [];
    const fresh = lines.slice(this.ipcSeen);
    this.ipcSeen = lines.length;
    return fresh;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/// Selects `phrase` in the reader's body as a mouse would, and releases the mouse.
export const SELECT = `
  const phrase = arguments[0];
  for (const p of document.querySelectorAll(".article-body p")) {
    const at = p.textContent.indexOf(phrase);
    if (at < 0) continue;
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let seen = 0, node;
    while ((node = walker.nextNode())) {
      const len = node.data.length;
      if (seen <= at && at < seen + len) range.setStart(node, at - seen);
      if (seen < at + phrase.length && at + phrase.length <= seen + len) { range.setEnd(node, at + phrase.length - seen); break; }
      seen += len;
    }
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    p.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
    return true;
  }
  return false;`;

/// In the page: types each query into the open search palette, one keystroke's input event
/// at a time, and times input -> results painted (the results element names the query it
/// shows; the task after the next animation frame runs once that frame is painted).
export const TIME_SEARCHES = `
  const [queries, done] = [arguments[0], arguments[arguments.length - 1]];
  const input = document.querySelector(".palette input");
  const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  (async () => {
    const times = [];
    for (const q of queries) {
      const t0 = performance.now();
      input.value = q;
      input.dispatchEvent(new Event("input", { bubbles: true }));
      for (let i = 0; i < 2000 && !document.querySelector('.results[data-query="' + CSS.escape(q) + '"]'); i++) {
        await new Promise((r) => setTimeout(r, 1));
      }
      (window.__domTimes ??= []).push(performance.now() - t0);
      await painted();
      times.push(performance.now() - t0);
    }
    done(times);
  })();`;

/// In the page: opens each note through its link and times link -> text painted.
export const TIME_READER = `
  const [ids, done] = [arguments[0], arguments[arguments.length - 1]];
  const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  (async () => {
    const times = [];
    for (const id of ids) {
      const t0 = performance.now();
      location.hash = "#/note/" + id;
      for (let i = 0; i < 5000 && !document.querySelector('article[data-note="' + id + '"] .article-body p'); i++) {
        await new Promise((r) => setTimeout(r, 1));
      }
      await painted();
      times.push(performance.now() - t0);
    }
    location.hash = "";
    done(times);
  })();`;

function appPids() {
  return fs
    .readdirSync("/proc")
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "lode-desktop";
      } catch {
        return false;
      }
    })
    .map(Number);
}

/// Memory (MB) of the app and every process it started (WebKit's web and network processes),
/// from /proc. `pss_mb` counts each shared page once, shared by the processes that map it
/// (WebKit's libraries are mapped by all three): the app's real footprint. `rss_mb` adds up
/// each process's resident pages, counting shared libraries once per process.
export function appMemoryMb() {
  const procs = fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  const info = new Map();
  for (const pid of procs) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      info.set(Number(pid), { ppid, comm });
    } catch {}
  }
  const tree = new Set([...info].filter(([, p]) => p.comm.startsWith("lode-desktop")).map(([pid]) => pid));
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, p] of info) {
      if (!tree.has(pid) && tree.has(p.ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  const each = {};
  let pss = 0;
  let rss = 0;
  for (const pid of tree) {
    try {
      const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
      const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, "m").exec(rollup)?.[1] ?? 0);
      pss += kb("Pss");
      rss += kb("Rss");
      each[`${info.get(pid).comm} ${pid}`] = { pss: Math.round(kb("Pss") / 1024), rss: Math.round(kb("Rss") / 1024) };
    } catch {}
  }
  return { pss_mb: Math.round(pss / 1024), rss_mb: Math.round(rss / 1024), each };
}
