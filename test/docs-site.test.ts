// `npm run docs` builds the documentation site offline: the README as the index, every docs page
// and every tutorial notebook freshly executed, one navigation, no broken links. The site is
// opened in headless Chromium with the network cut: every page loads, every figure draws, every
// audio element has a playable source; screenshots go to out/docs-*.png. The link check itself
// is shown to catch a missing file and a missing anchor.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDist, ROOT } from "./helpers/dist";
import { launchChromium } from "./helpers/chromium";
import type { checkSiteLinks as CheckSiteLinks } from "../src/docs-site/link-check";

let tmp = "";
beforeAll(() => {
  ensureDist();
  tmp = mkdtempSync(join(tmpdir(), "amp-docs-"));
});
afterAll(() => {
  if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
});

async function linkChecker(): Promise<typeof CheckSiteLinks> {
  return ((await import(join(ROOT, "dist", "docs-site", "link-check.js"))) as { checkSiteLinks: typeof CheckSiteLinks }).checkSiteLinks;
}

describe("the link check", () => {
  it("reports a link to a missing file and a link to a missing anchor, and passes good ones", async () => {
    const checkSiteLinks = await linkChecker();
    const site = join(tmp, "tiny");
    mkdirSync(site);
    writeFileSync(join(site, "a.html"), `<h2 id="here">x</h2><a href="b.html#there">1</a><a href="#here">2</a><a href="gone.html">3</a>`);
    writeFileSync(join(site, "b.html"), `<p id="elsewhere"></p><a href="a.html#here">4</a><a href="https://example.org">5</a>`);
    const report = checkSiteLinks(site);
    expect(report.checked).toBe(4);
    expect(report.external).toEqual(["https://example.org"]);
    expect(report.broken).toEqual([
      { page: "a.html", href: "b.html#there", reason: 'no element with id "there"' },
      { page: "a.html", href: "gone.html", reason: "no such file" },
    ]);
  });
});

describe("npm run docs", () => {
  it("builds every page with fresh tutorials and no broken link; Chromium draws every figure offline", async () => {
    const site = join(tmp, "site");
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile("npm", ["run", "docs", "--", "--out", site], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : 1, stdout, stderr }),
      );
    });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/links: \d+ checked, 0 broken/);

    const docs = readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md"));
    const notebooks = readdirSync(join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb"));
    const pages = readdirSync(site).filter((f) => f.endsWith(".html"));
    expect(pages.sort()).toEqual(
      [
        "index.html",
        ...docs.map((d) => d.replace(/\.md$/, ".html")),
        ...notebooks.map((n) => `tutorial-${n.replace(/\.ipynb$/, ".html")}`),
      ].sort(),
    );

    const out = join(ROOT, "out");
    mkdirSync(out, { recursive: true });
    const browser = await launchChromium();
    try {
      for (const file of pages) {
        const page = await browser.newPage();
        const errors: string[] = [];
        const blocked: string[] = [];
        page.on("pageerror", (error) => errors.push(String(error)));
        await page.setRequestInterception(true);
        page.on("request", (request) => {
          if (/^(file|data|blob):/.test(request.url())) void request.continue();
          else {
            blocked.push(request.url());
            void request.abort();
          }
        });
        await page.goto(`file://${join(site, file)}`, { waitUntil: "load", timeout: 120_000 });
        await page
          .waitForFunction(`[...document.querySelectorAll("div.amp-plotly")].every((d) => d.querySelector("svg.main-svg") !== null)`, {
            timeout: 60_000,
          })
          .catch(() => undefined);
        const report = (await page.evaluate(`(() => ({
          nav: document.querySelectorAll("nav.site a").length,
          current: document.querySelector("nav.site a.current")?.getAttribute("href"),
          figures: document.querySelectorAll("main div.amp-plotly").length,
          drawn: [...document.querySelectorAll("main div.amp-plotly")].filter((d) => d.querySelector("svg.main-svg") !== null).length,
          audios: [...document.querySelectorAll("audio")].map((a) => (a.getAttribute("src") || "").startsWith("data:audio/wav;base64,") && a.canPlayType("audio/wav") !== ""),
          text: document.querySelector("main")?.textContent?.length ?? 0,
        }))()`)) as { nav: number; current: string; figures: number; drawn: number; audios: boolean[]; text: number };
        expect(errors, file).toEqual([]);
        expect(blocked, file).toEqual([]);
        expect(report.nav, file).toBe(pages.length);
        expect(report.current, file).toBe(file);
        expect(report.drawn, file).toBe(report.figures);
        expect(
          report.audios.every((ok) => ok),
          file,
        ).toBe(true);
        expect(report.text, file).toBeGreaterThan(200);
        if (file.startsWith("tutorial-tour")) {
          expect(report.figures).toBeGreaterThanOrEqual(4);
          expect(report.audios.length).toBeGreaterThanOrEqual(2);
        }
        if (file === "index.html" || file.startsWith("tutorial-tour") || file === "nodes.html")
          await page.screenshot({ path: join(out, `docs-${file.replace(/\.html$/, "")}.png`), fullPage: false });
        await page.close();
      }
    } finally {
      await browser.close();
    }
  }, 1_200_000);
});
