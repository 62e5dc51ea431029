import type { Detail } from "./bindings";

// Text helpers for the views. The core counts positions in code points (Rust `char`s);
// JavaScript strings count UTF-16 units. Everything that crosses goes through here.

/// UTF-16 index of each code point boundary of `s` (length: code points + 1).
export function codePointOffsets(s: string): Uint32Array {
  const out = new Uint32Array(s.length + 1);
  let cp = 0;
  for (let i = 0; i < s.length; ) {
    out[cp++] = i;
    const c = s.charCodeAt(i);
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < s.length ? 2 : 1;
  }
  out[cp] = s.length;
  return out.subarray(0, cp + 1);
}

/// The number of code points in `s`.
export function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!(c >= 0xdc00 && c <= 0xdfff && i > 0)) n++;
  }
  return n;
}

export interface Mark {
  /// Code-point range.
  start: number;
  end: number;
  /// A CSS class (`hl-yellow`, `hit`…) and, for highlights, the annotation's id.
  kind: string;
  id?: number;
}

export interface Segment {
  text: string;
  marks: Mark[];
}

/// Cuts `text` (which starts at code point `base` of the whole) into segments, each covered
/// by the same set of marks. Rendered as text nodes inside <mark> elements: a clipped string
/// is never parsed as HTML.
export function segments(text: string, base: number, marks: Mark[]): Segment[] {
  const offsets = codePointOffsets(text);
  const length = offsets.length - 1;
  const inside = marks
    .map((m) => ({ ...m, start: m.start - base, end: m.end - base }))
    .filter((m) => m.end > 0 && m.start < length && m.end > m.start);
  const cuts = new Set<number>([0, length]);
  for (const m of inside) {
    cuts.add(Math.max(0, m.start));
    cuts.add(Math.min(length, m.end));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [from, to] = [points[i], points[i + 1]];
    out.push({
      text: text.slice(offsets[from], offsets[to]),
      marks: inside.filter((m) => m.start <= from && m.end >= to),
    });
  }
  return out;
}

/// Highlight ranges of a short text (title, snippet, quote) as segments.
export function highlighted(text: string, ranges: Array<[number, number]>): Segment[] {
  return segments(
    text,
    0,
    ranges.map(([start, end]) => ({ start, end, kind: "hit" })),
  );
}

/// Paragraphs of a canonical body (split by one blank line) with their code-point starts.
export function paragraphs(body: string): Array<{ text: string; start: number }> {
  const out: Array<{ text: string; start: number }> = [];
  let start = 0;
  for (const text of body.split("\n\n")) {
    out.push({ text, start });
    start += codePoints(text) + 2;
  }
  return out;
}

/// One formatter for every date shown: `toLocaleDateString` builds a new one per call, which
/// costs about a millisecond each in WebKit, and a results list shows dozens of dates.
const dateFormat = new Intl.DateTimeFormat(undefined, { year: "numeric", month: "short", day: "numeric" });

export function formatDate(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso.length === 10 ? iso + "T00:00:00" : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return dateFormat.format(d);
}

/// A note detail as the UI names it ("date", not "published").
export function detailName(detail: Detail): string {
  return detail === "published" ? "date" : detail;
}

/// Tags typed by a person: split on commas, trimmed, empty ones dropped.
/// How the import report's format keys read in a sentence.
export function formatName(format: string): string {
  const names: Record<string, string> = {
    pocket: "Pocket",
    omnivore: "Omnivore",
    readwise: "Readwise",
    "readwise-reader": "Readwise Reader",
    hypothesis: "Hypothesis",
    "obsidian-highlights": "Obsidian Web Clipper",
    karakeep: "Karakeep",
    wallabag: "Wallabag",
    instapaper: "Instapaper",
    raindrop: "Raindrop",
    bookmarks: "browser bookmarks",
  };
  return names[format] ?? format;
}

export function parseTags(input: string): string[] {
  return input
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
}

export interface DiffPart {
  kind: "same" | "added" | "removed";
  text: string;
}

/// Past this many edits between two token lists, no diff is computed (the caller shows the
/// two versions side by side): Myers' algorithm keeps a row of 2d + 1 entries for edit d, so
/// memory grows with the square of the edits (2,000 edits: 16 MB), not with the texts.
export const MAX_DIFF_EDITS = 2000;

type Op = { kind: DiffPart["kind"]; token: string };

/// The shortest edit script between two token lists (Myers' O((n + m) · d) algorithm, after
/// the common prefix and suffix are set aside), or `null` when it has more than `maxEdits`.
function myersDiff(a: string[], b: string[], maxEdits = MAX_DIFF_EDITS): Op[] | null {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x0 = a.slice(head, a.length - tail);
  const y0 = b.slice(head, b.length - tail);
  const n = x0.length;
  const m = y0.length;
  const max = n + m;
  const limit = Math.min(max, maxEdits);
  const offset = limit + 1;
  let v = new Int32Array(2 * limit + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  outer: for (let d = 0; d <= limit; d++) {
    trace.push(v.slice(offset - d, offset + d + 1)); // diagonals -d..d before step d
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && x0[x] === y0[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break outer;
      }
    }
  }
  if (found < 0) return null;
  // Walk the trace back from (n, m), collecting the edit script in reverse.
  const reversed: Op[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d];
    const at = (diagonal: number) => prev[diagonal + d];
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) reversed.push({ kind: "same", token: x0[--x] }), y--;
    if (down) reversed.push({ kind: "added", token: y0[--y] });
    else reversed.push({ kind: "removed", token: x0[--x] });
  }
  while (x > 0 && y > 0) reversed.push({ kind: "same", token: x0[--x] }), y--;
  const same = (t: string): Op => ({ kind: "same", token: t });
  return [...a.slice(0, head).map(same), ...reversed.reverse(), ...a.slice(a.length - tail).map(same)];
}

/// What changed from `before` to `after`, paragraph by paragraph; a paragraph replaced by
/// another is diffed word by word. Each inner list is one paragraph of parts. `null` when the
/// versions differ in more than [`MAX_DIFF_EDITS`] paragraphs: History then shows both whole.
export function diffBodies(before: string, after: string): DiffPart[][] | null {
  const ops = myersDiff(before.split("\n\n"), after.split("\n\n"));
  if (!ops) return null;
  const out: DiffPart[][] = [];
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k];
    const next = ops[k + 1];
    const words =
      op.kind === "removed" && next?.kind === "added"
        ? myersDiff(op.token.split(/(?<=\s)/), next.token.split(/(?<=\s)/))
        : null;
    if (words) {
      const parts: DiffPart[] = [];
      for (const w of words) {
        const last = parts[parts.length - 1];
        if (last && last.kind === w.kind) last.text += w.token;
        else parts.push({ kind: w.kind, text: w.token });
      }
      out.push(parts);
      k++;
    } else {
      out.push([{ kind: op.kind, text: op.token }]);
    }
  }
  return out;
}
