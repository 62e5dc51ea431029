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

/// Tags typed by a person: split on commas, trimmed, empty ones dropped.
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

/// Longest-common-subsequence diff of two token lists.
function lcsDiff(a: string[], b: string[]): Array<{ kind: DiffPart["kind"]; token: string }> {
  const n = a.length;
  const m = b.length;
  const table = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  const out: Array<{ kind: DiffPart["kind"]; token: string }> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ kind: "same", token: a[i++] });
      j++;
    } else if (table[i + 1][j] >= table[i][j + 1]) out.push({ kind: "removed", token: a[i++] });
    else out.push({ kind: "added", token: b[j++] });
  }
  while (i < n) out.push({ kind: "removed", token: a[i++] });
  while (j < m) out.push({ kind: "added", token: b[j++] });
  return out;
}

/// What changed from `before` to `after`, paragraph by paragraph; a paragraph replaced by
/// another is diffed word by word. Each inner list is one paragraph of parts.
export function diffBodies(before: string, after: string): DiffPart[][] {
  const ops = lcsDiff(before.split("\n\n"), after.split("\n\n"));
  const out: DiffPart[][] = [];
  for (let k = 0; k < ops.length; k++) {
    const op = ops[k];
    const next = ops[k + 1];
    if (op.kind === "removed" && next?.kind === "added") {
      const words = lcsDiff(op.token.split(/(?<=\s)/), next.token.split(/(?<=\s)/));
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
