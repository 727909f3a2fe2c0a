/**
 * `npm run docs`: builds the documentation site into one folder that works offline from the
 * file system: the README as `index.html`, every `docs/*.md` page (the generated node reference
 * included) and every tutorial notebook freshly executed through the headless runner (figures
 * interactive, audio players working), all with one navigation; then checks every link.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ampError } from "../errors";
import { htmlPage, notebookHtml } from "../notebook/html-export";
import { readNotebook, type Notebook } from "../notebook/nbformat";
import { runNotebook } from "../notebook/runner";
import { checkSiteLinks, type LinkReport } from "./link-check";
import { markdownHtml } from "./markdown-page";
import { siteHref, sitePages, type SitePage } from "./site-pages";

/** Options of {@link buildSite}. */
export interface SiteOptions {
  /** The repository's root (README.md, docs/, notebooks/). */
  readonly root: string;
  /** The site folder, emptied first. */
  readonly out: string;
  /** Receives progress lines. */
  readonly progress?: (line: string) => void;
  /** Seconds one notebook cell may run; default 600. */
  readonly timeoutSeconds?: number;
  /** Notebooks executed at once (each in its own kernel); default 2. */
  readonly concurrency?: number;
}

/** What was built. */
export interface SiteReport {
  readonly pages: readonly SitePage[];
  readonly links: LinkReport;
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function navigation(pages: readonly SitePage[], current: SitePage): string {
  const section = (heading: string, kinds: readonly SitePage["kind"][]): string => {
    const items = pages
      .filter((p) => kinds.includes(p.kind))
      .map((p) => `<li><a href="${p.file}"${p === current ? ' class="current"' : ""}>${escapeHtml(p.title)}</a></li>`);
    return `<h2>${heading}</h2><ul>${items.join("")}</ul>`;
  };
  return `<nav class="site"><strong>amp-kpn</strong>${section("Start", ["home"])}${section("Tutorials", ["tutorial"])}${section("Reference", ["doc"])}</nav>`;
}

async function executedTutorial(page: SitePage, options: SiteOptions): Promise<Notebook> {
  const notebook = readNotebook(page.source);
  const outcome = await runNotebook(notebook, {
    path: page.source,
    ...(options.timeoutSeconds === undefined ? {} : { timeoutSeconds: options.timeoutSeconds }),
  });
  if (outcome.failure !== undefined) {
    const f = outcome.failure;
    throw ampError("AMP_ERR_INVALID_ARGUMENT", `docs: ${page.source}: cell ${f.cell} failed: ${f.ename}: ${f.evalue}`, {
      stage: "cli",
    });
  }
  options.progress?.(`executed ${page.source} in ${outcome.seconds.toFixed(1)} s`);
  return outcome.notebook;
}

/** Executes every tutorial, `concurrency` at a time, in page order. */
async function executedTutorials(pages: readonly SitePage[], options: SiteOptions): Promise<Map<SitePage, Notebook>> {
  const tutorials = pages.filter((p) => p.kind === "tutorial");
  const executed = new Map<SitePage, Notebook>();
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tutorials.length) {
      const page = tutorials[next++] as SitePage;
      executed.set(page, await executedTutorial(page, options));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  return executed;
}

/** Builds the site; throws when a tutorial fails. Broken links are returned, not thrown. */
export async function buildSite(options: SiteOptions): Promise<SiteReport> {
  const root = resolve(options.root);
  const out = resolve(options.out);
  const pages = sitePages(root);
  const executed = await executedTutorials(pages, options);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const page of pages) {
    const markdown = (text: string): string => markdownHtml(text, (href) => siteHref(href, page.source, pages, out));
    const nav = navigation(pages, page);
    const title = `${page.title} · amp-kpn`;
    let html: string;
    if (page.kind === "tutorial") {
      html = notebookHtml(executed.get(page) as Notebook, { title, nav, markdown });
    } else {
      html = htmlPage(`<article class="md">${markdown(readFileSync(page.source, "utf8"))}</article>`, { title, nav });
    }
    writeFileSync(join(out, page.file), html);
  }
  return { pages, links: checkSiteLinks(out) };
}
