/**
 * The README and the guide pages link to each other by file and heading: every relative link must
 * reach an existing file, and every `#anchor` a heading of that file (GitHub's anchor rules), so that
 * moving a section between pages can never leave a dead link behind.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(__dirname, "..", "..");

/** The Markdown files a reader follows links through: README.md, docs/, emulator/ and examples/. */
function pages(): string[] {
  const found = ["README.md", "BENCHMARKS.md", "emulator/README.md"];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith(".md")) found.push(rel);
    }
  };
  walk("docs");
  for (const example of fs.readdirSync(path.join(ROOT, "examples"))) {
    if (fs.existsSync(path.join(ROOT, "examples", example, "README.md"))) found.push(path.join("examples", example, "README.md"));
  }
  return found;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let inCode = false;
  for (const line of markdown.split("\n")) {
    if (line.startsWith("```")) inCode = !inCode;
    const m = !inCode && /^#{1,6} (.*)$/.exec(line);
    if (!m) continue;
    const base = m[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The relative links of a Markdown text, outside code. */
function links(markdown: string): string[] {
  const text = markdown.replace(/^```[\s\S]*?^```$/gm, "").replace(/`[^`\n]*`/g, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/i.test(t));
}

describe("docs: links between the README and the guide pages", () => {
  it("finds the pages and their links (so the check below has something to check)", () => {
    const all = pages();
    assert.ok(all.includes(path.join("docs", "ownership.md")), "docs/ownership.md is a page");
    assert.ok(links(fs.readFileSync(path.join(ROOT, "README.md"), "utf8")).length > 10, "the README links to the guide");
  });

  it("reach an existing file and, with an anchor, one of its headings", () => {
    const dead: string[] = [];
    for (const page of pages()) {
      const text = fs.readFileSync(path.join(ROOT, page), "utf8");
      for (const link of links(text)) {
        const [file = "", anchor] = link.split("#");
        const target = file === "" ? page : path.normalize(path.join(path.dirname(page), decodeURIComponent(file)));
        if (!fs.existsSync(path.join(ROOT, target))) {
          dead.push(`${page}: ${link} (no file ${target})`);
          continue;
        }
        if (anchor && target.endsWith(".md") && !anchors(fs.readFileSync(path.join(ROOT, target), "utf8")).has(anchor)) {
          dead.push(`${page}: ${link} (no heading #${anchor} in ${target})`);
        }
      }
    }
    assert.deepEqual(dead, []);
  });
});
