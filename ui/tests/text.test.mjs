// The UI's text helpers (compiled from src/text.ts by `npm test`): History's diff.
import { test } from "node:test";
import assert from "node:assert/strict";
import { diffBodies, MAX_DIFF_EDITS } from "../.test-build/text.js";

/// The two texts a diff stands for, rebuilt from its parts.
function sides(diff) {
  const side = (drop) =>
    diff
      .filter((p) => !(p.length === 1 && p[0].kind === drop))
      .map((p) => p.filter((x) => x.kind !== drop).map((x) => x.text).join(""))
      .join("\n\n");
  return [side("added"), side("removed")];
}

test("a diff rebuilds both versions, paragraph by paragraph and word by word", () => {
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed / 2147483648);
  const words = ["a", "b", "c", "d", "e", "f"];
  const text = () =>
    Array.from({ length: 1 + Math.floor(next() * 8) }, () =>
      Array.from({ length: 1 + Math.floor(next() * 6) }, () => words[Math.floor(next() * 6)]).join(" "),
    ).join("\n\n");
  for (let i = 0; i < 2000; i++) {
    const [a, b] = [text(), text()];
    assert.deepEqual(sides(diffBodies(a, b)), [a, b], `${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
  }
});

test("a word changed in one of 20,000 paragraphs is found without a table of 20,000 squared", () => {
  const before = Array.from({ length: 20000 }, (_, i) => `paragraph ${i}`).join("\n\n");
  const after = before.replace("paragraph 10000", "paragraph ten thousand");
  const diff = diffBodies(before, after);
  assert.equal(diff.length, 20000);
  assert.deepEqual(
    diff[10000].map((p) => p.kind),
    ["same", "removed", "added"],
  );
});

test("versions too different to diff are shown side by side (null), not computed", () => {
  const before = Array.from({ length: 20000 }, (_, i) => `paragraph ${i}`).join("\n\n");
  const after = Array.from({ length: 20000 }, (_, i) => `other ${i}`).join("\n\n");
  assert.equal(diffBodies(before, after), null);
  assert.ok(MAX_DIFF_EDITS >= 1000);
});
