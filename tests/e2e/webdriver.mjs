// A small W3C WebDriver client over fetch, enough to drive Lode's window through
// tauri-driver and WebKitWebDriver. No dependencies.

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriverError extends Error {}

async function request(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(120000),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok || (json.value && json.value.error)) {
    const v = json.value ?? {};
    throw new WebDriverError(`${method} ${url}: ${v.error ?? res.status}: ${v.message ?? ""}`);
  }
  return json.value;
}

export async function newSession(base, application, args = []) {
  const value = await request("POST", `${base}/session`, {
    capabilities: { alwaysMatch: { "tauri:options": { application, args } } },
  });
  return new Session(base, value.sessionId);
}

export class Session {
  constructor(base, id) {
    this.url = `${base}/session/${id}`;
  }
  cmd(method, path, body) {
    return request(method, `${this.url}${path}`, body);
  }
  async quit() {
    await request("DELETE", this.url);
  }
  async find(css) {
    const el = await this.cmd("POST", "/element", { using: "css selector", value: css });
    return el[ELEMENT];
  }
  async findAll(css) {
    const els = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return els.map((e) => e[ELEMENT]);
  }
  /// Waits until `css` matches (and, when `test` is given, until one of the matching
  /// elements' text passes it: notices stack, and the one awaited need not be the first);
  /// returns that element.
  async waitFor(css, { timeout = 10000, test } = {}) {
    const until = Date.now() + timeout;
    let last = [];
    for (;;) {
      try {
        if (!test) return await this.find(css);
        last = [];
        for (const el of await this.findAll(css)) {
          const text = await this.text(el);
          last.push(text);
          if (test(text)) return el;
        }
      } catch (e) {
        if (!(e instanceof WebDriverError)) throw e;
      }
      if (Date.now() > until) {
        const seen = last.length === 1 ? JSON.stringify(last[0]) : JSON.stringify(last);
        throw new Error(`timed out waiting for ${css}${test ? ` (last text: ${seen})` : ""}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  /// Clicks the first element matching `css` whose text is `label`.
  async clickText(css, label) {
    const until = Date.now() + 10000;
    for (;;) {
      const ok = await this.exec(
        `const el = [...document.querySelectorAll(arguments[0])].find(e => e.textContent.trim() === arguments[1]);
         if (el) el.click();
         return !!el;`,
        [css, label],
      );
      if (ok) return;
      if (Date.now() > until) throw new Error(`no ${css} reads "${label}"`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  click(el) {
    return this.cmd("POST", `/element/${el}/click`, {});
  }
  type(el, text) {
    return this.cmd("POST", `/element/${el}/value`, { text });
  }
  clear(el) {
    return this.cmd("POST", `/element/${el}/clear`, {});
  }
  /// The element's text content, white space collapsed (WebKitWebDriver's rendered text
  /// leaves out what is scrolled or clipped away).
  text(el) {
    return this.exec(`return arguments[0].textContent.replace(/\\s+/g, " ").trim()`, [{ [ELEMENT]: el }]);
  }
  value(el) {
    return this.exec("return arguments[0].value", [{ [ELEMENT]: el }]);
  }
  exec(script, args = []) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }
  execAsync(script, args = []) {
    return this.cmd("POST", "/execute/async", { script, args });
  }
  screenshot() {
    return this.cmd("GET", "/screenshot");
  }
  currentUrl() {
    return this.cmd("GET", "/url");
  }
  windowHandles() {
    return this.cmd("GET", "/window/handles");
  }
  /// Presses a chord: `keys("Control", "Shift", "v")`.
  async keys(...keys) {
    const code = { Control: "\uE009", Shift: "\uE008", Alt: "\uE00A", Enter: "\uE007", Escape: "\uE00C", ArrowDown: "\uE015" };
    const k = keys.map((key) => code[key] ?? key);
    const actions = [
      ...k.map((value) => ({ type: "keyDown", value })),
      ...k.reverse().map((value) => ({ type: "keyUp", value })),
    ];
    await this.cmd("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
    await this.cmd("DELETE", "/actions");
  }
}
