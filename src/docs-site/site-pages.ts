/**
 * The pages of the documentation site (`npm run docs`) and where each lives. The site is flat:
 * `index.html` (the README), one page per `docs/*.md` (`<name>.html`) and one per tutorial
 * notebook (`tutorial-<name>.html`), so every page links to every other with a bare file name.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";

/** One page of the site. */
export interface SitePage {
  /** Source file, absolute. */
  readonly source: string;
  /** Output file name inside the site folder (no folders). */
  readonly file: string;
  /** Title: the source's first level-1 heading. */
  readonly title: string;
  readonly kind: "home" | "doc" | "tutorial";
}

/** Docs shown first in the navigation, in reading order; the rest follow alphabetically. */
const DOC_ORDER = [
  "architecture",
  "contract",
  "graph-format",
  "scheduling",
  "nodes",
  "oscillators",
  "kernel",
  "figures",
  "notebooks",
  "long-work",
  "analysis",
  "fft",
  "gradients",
  "performance",
];
/** Tutorials shown first, in teaching order; the rest follow alphabetically. */
const TUTORIAL_ORDER = ["tour", "oscillators", "modulation", "feedback", "heat", "node-runner", "figures"];

function ordered(names: string[], order: readonly string[]): string[] {
  const rank = (name: string): number => (order.includes(name) ? order.indexOf(name) : order.length);
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function markdownTitle(text: string, fallback: string): string {
  return /^#\s+(.+)$/m.exec(text)?.[1]?.replace(/`/g, "").trim() ?? fallback;
}

function notebookTitle(path: string, fallback: string): string {
  const notebook = JSON.parse(readFileSync(path, "utf8")) as { cells: { cell_type: string; source: string | string[] }[] };
  for (const cell of notebook.cells) {
    if (cell.cell_type !== "markdown") continue;
    const text = Array.isArray(cell.source) ? cell.source.join("") : cell.source;
    return markdownTitle(text, fallback);
  }
  return fallback;
}

/** Every page of the site for the repository at `root`. */
export function sitePages(root: string): SitePage[] {
  const pages: SitePage[] = [];
  const readme = join(root, "README.md");
  pages.push({ source: readme, file: "index.html", title: "Home", kind: "home" });
  const docs = readdirSync(join(root, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => f.slice(0, -3));
  for (const name of ordered(docs, DOC_ORDER)) {
    const source = join(root, "docs", `${name}.md`);
    pages.push({ source, file: `${name}.html`, title: markdownTitle(readFileSync(source, "utf8"), name), kind: "doc" });
  }
  const notebooks = readdirSync(join(root, "notebooks"))
    .filter((f) => f.endsWith(".ipynb"))
    .map((f) => f.slice(0, -6));
  for (const name of ordered(notebooks, TUTORIAL_ORDER)) {
    const source = join(root, "notebooks", `${name}.ipynb`);
    pages.push({ source, file: `tutorial-${name}.html`, title: notebookTitle(source, name), kind: "tutorial" });
  }
  return pages;
}

/**
 * Where a link written in `fromSource` points to in the site: a page of the site by its file
 * name (keeping `#fragment`), an external or in-page link unchanged, any other repository file
 * by its path relative to the site folder (the site works from a checkout's file system).
 */
export function siteHref(href: string, fromSource: string, pages: readonly SitePage[], siteDir: string): string {
  if (href === "" || href.startsWith("#") || /^[a-z][a-z0-9+.-]*:/i.test(href)) return href;
  const hash = href.indexOf("#");
  const path = hash < 0 ? href : href.slice(0, hash);
  const fragment = hash < 0 ? "" : href.slice(hash);
  const target = resolve(join(fromSource, ".."), decodeURI(path));
  const page = pages.find((p) => p.source === target);
  if (page !== undefined) return page.file + fragment;
  if (!existsSync(target)) return href; // left as written: the link check reports it
  return encodeURI(relative(siteDir, target)) + fragment;
}

/** The page's output name for a source, for messages. */
export function pageLabel(page: SitePage): string {
  return `${basename(page.source)} -> ${page.file}`;
}
