/**
 * Markdown to HTML for the documentation site: GitHub-flavoured markdown through `marked`,
 * heading ids as GitHub makes them (`marked-gfm-heading-id`, so `page.md#section` links keep
 * working), fenced code highlighted by `highlight.js`, and every link and image rewritten by
 * `rewrite` (see ./site-pages.ts).
 */
import hljs from "highlight.js/lib/common";
import { Marked, type Tokens } from "marked";
import { gfmHeadingId } from "marked-gfm-heading-id";

function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Renders `text`; `rewrite` maps each link or image address. */
export function markdownHtml(text: string, rewrite: (href: string) => string): string {
  const marked = new Marked({ gfm: true, async: false });
  marked.use(gfmHeadingId());
  marked.use({
    walkTokens(token) {
      if (token.type === "link" || token.type === "image") {
        const link = token as Tokens.Link | Tokens.Image;
        link.href = rewrite(link.href);
      }
    },
    renderer: {
      code({ text: code, lang }: Tokens.Code): string {
        const language = lang !== undefined && hljs.getLanguage(lang) !== undefined ? lang : undefined;
        const body = language === undefined ? escapeHtml(code) : hljs.highlight(code, { language }).value;
        return `<pre><code class="hljs${language === undefined ? "" : ` language-${language}`}">${body}</code></pre>\n`;
      },
    },
  });
  return marked.parse(text) as string;
}
