/**
 * Link check of a built site: every `href` and `src` of every page must reach a file that
 * exists, and a `#fragment` an element with that id in the target page. Script and style
 * contents are not links and are skipped; `data:`, `blob:`, `javascript:` and `mailto:`
 * addresses need nothing; `http(s):` addresses are listed (the site works offline: they are
 * reported, not fetched).
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

/** A link that leads nowhere. */
export interface BrokenLink {
  readonly page: string;
  readonly href: string;
  readonly reason: string;
}

/** The outcome of {@link checkSiteLinks}. */
export interface LinkReport {
  readonly checked: number;
  readonly external: readonly string[];
  readonly broken: readonly BrokenLink[];
}

function markup(html: string): string {
  return html.replace(/<script\b[\s\S]*?<\/script>/gi, "").replace(/<style\b[\s\S]*?<\/style>/gi, "");
}

function decodeEntities(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function ids(html: string): Set<string> {
  const found = new Set<string>();
  for (const m of markup(html).matchAll(/\s(?:id|name)="([^"]*)"/g)) found.add(decodeEntities(m[1] as string));
  return found;
}

/** Checks every page (`*.html`) directly inside `siteDir`. */
export function checkSiteLinks(siteDir: string): LinkReport {
  const pages = readdirSync(siteDir).filter((f) => f.endsWith(".html"));
  const idCache = new Map<string, Set<string>>();
  const idsOf = (file: string): Set<string> => {
    let set = idCache.get(file);
    if (set === undefined) {
      set = ids(readFileSync(file, "utf8"));
      idCache.set(file, set);
    }
    return set;
  };
  const external = new Set<string>();
  const broken: BrokenLink[] = [];
  let checked = 0;
  for (const page of pages) {
    const file = join(siteDir, page);
    for (const m of markup(readFileSync(file, "utf8")).matchAll(/<[a-z][^>]*?\s(?:href|src)="([^"]*)"/gi)) {
      const href = decodeEntities(m[1] as string);
      if (/^(data|blob|javascript|mailto):/i.test(href)) continue;
      if (/^https?:/i.test(href)) {
        external.add(href);
        continue;
      }
      checked += 1;
      const hash = href.indexOf("#");
      const path = hash < 0 ? href : href.slice(0, hash);
      const fragment = hash < 0 ? "" : decodeURIComponent(href.slice(hash + 1));
      const target = path === "" ? file : resolve(siteDir, decodeURI(path));
      if (!existsSync(target)) {
        broken.push({ page, href, reason: "no such file" });
        continue;
      }
      if (fragment !== "" && statSync(target).isFile() && target.endsWith(".html") && !idsOf(target).has(fragment))
        broken.push({ page, href, reason: `no element with id "${fragment}"` });
    }
  }
  return { checked, external: [...external].sort(), broken };
}
