/**
 * Safe rendering of user and criteria text: everything is HTML-escaped, then Markdown links
 * `[text](https://…)` and bare http(s) URLs become anchors marked nofollow/ugc (user content
 * must not pass search-engine reputation or reach window.opener).
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const LINK = /\[([^\]\n]{1,500})\]\((https?:\/\/[^\s()]{1,2000})\)|(https?:\/\/[^\s<>"']{1,2000})/g;

function anchor(href: string, label: string): string {
  // Trailing punctuation is almost always sentence punctuation, not part of the URL.
  return `<a href="${escapeHtml(href)}" rel="nofollow ugc noopener noreferrer">${escapeHtml(label)}</a>`;
}

function renderLine(line: string): string {
  let out = '';
  let last = 0;
  for (const match of line.matchAll(LINK)) {
    out += escapeHtml(line.slice(last, match.index));
    if (match[1] !== undefined) {
      out += anchor(match[2]!, match[1]);
      last = match.index + match[0].length;
    } else {
      const url = match[3]!.replace(/(?<![.,;:!?)])[.,;:!?)]+$/, '');
      out += anchor(url, url);
      last = match.index + url.length;
    }
  }
  return out + escapeHtml(line.slice(last));
}

/** Paragraphs on blank lines, <br> on single newlines. */
export function renderText(text: string | null | undefined): string {
  if (!text) return '';
  return text
    .trim()
    .split(/\r?\n\s*\r?\n/)
    .map((para) => `<p>${para.split(/\r?\n/).map(renderLine).join('<br>')}</p>`)
    .join('');
}

/** One run of text without paragraph wrapping, for use inside headings, legends and lists. */
export function renderInlineText(text: string | null | undefined): string {
  if (!text) return '';
  return text.trim().split(/\r?\n/).map(renderLine).join(' ');
}
