import type { FeedProject } from '../domain/stats.ts';
import { IN_PROGRESS } from '../services/scoring/index.ts';
import { escapeHtml, renderText } from './text.ts';

/**
 * Atom feed of recently updated projects. Every piece of text goes through escapeXml, and the
 * entry content is HTML (type="html"): the description is rendered by renderText (escaped,
 * links marked nofollow) and the resulting HTML is escaped once more as XML text.
 */
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

// Characters XML 1.0 does not allow at all (even escaped): C0 controls other than tab/LF/CR,
// lone surrogates, U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(text: string): string {
  return text.replace(INVALID_XML, '').replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);
}

export interface FeedLabels {
  title: string;
  unnamed: string;
  /** Display name of a badge level key. */
  level: (key: string) => string;
  /** "in progress: 42%" style summary for an unfinished project. */
  inProgress: (percent: number) => string;
  tiered: (percent: number) => string;
  /** The same three for the baseline series. */
  baselineLevel: (key: string) => string;
  baselineInProgress: (percent: number) => string;
  baselineTiered: (percent: number) => string;
}

export interface FeedOptions {
  baseUrl: string;
  selfUrl: string;
  locale: string;
  labels: FeedLabels;
  badgeLevel: (tieredPercentage: number) => string;
  baselineBadgeLevel: (baselineTieredPercentage: number) => string;
}

function titleCase(text: string): string {
  return text.replace(/\b\p{L}/gu, (c) => c.toUpperCase());
}

/**
 * The baseline line, shown once the project has begun the baseline series: readers of a feed of
 * every update do not need "baseline 0%" under each metal-only project.
 */
function baselineLine(p: FeedProject, options: FeedOptions): string {
  if (p.baselineTieredPercentage <= 0) return '';
  const level = options.baselineBadgeLevel(p.baselineTieredPercentage);
  // As the baseline badge: while in progress, baseline-1's percentage (the level being worked on).
  const levelText = level === IN_PROGRESS
    ? options.labels.baselineInProgress(p.badgePercentageBaseline1 ?? 0)
    : options.labels.baselineLevel(level);
  return `<p><b>${escapeHtml(levelText)}</b> ${escapeHtml(options.labels.baselineTiered(p.baselineTieredPercentage))}</p>`;
}

function entryContent(p: FeedProject, options: FeedOptions): string {
  const level = options.badgeLevel(p.tieredPercentage);
  const levelText = level === IN_PROGRESS
    ? options.labels.inProgress(p.badgePercentage0 ?? 0)
    : titleCase(options.labels.level(level));
  let html = `<p><b>${escapeHtml(levelText)}</b> ${escapeHtml(options.labels.tiered(p.tieredPercentage))}</p>`;
  html += baselineLine(p, options);
  const url = p.homepageUrl ?? p.repoUrl;
  if (url) html += `<p><a href="${escapeHtml(url)}" rel="nofollow ugc noopener noreferrer">${escapeHtml(url)}</a></p>`;
  const description = renderText(p.description);
  if (description) html += `<div lang="${escapeHtml(p.entryLocale)}">${description}</div>`;
  return html;
}

export function renderAtomFeed(projects: readonly FeedProject[], options: FeedOptions, fallbackUpdated: Date): string {
  const newest = projects.reduce<Date | null>((max, p) => (max === null || p.updatedAt > max ? p.updatedAt : max), null);
  const updated = (newest ?? fallbackUpdated).toISOString();
  const entries = projects.map((p) => {
    const link = `${options.baseUrl}/projects/${p.id}`;
    const author = p.owner.name || p.owner.nickname || options.labels.unnamed;
    return [
      '  <entry>',
      `    <id>${escapeXml(link)}</id>`,
      `    <title>${escapeXml(p.name?.trim() ? p.name : options.labels.unnamed)}</title>`,
      `    <link rel="alternate" type="text/html" href="${escapeXml(link)}"/>`,
      `    <updated>${p.updatedAt.toISOString()}</updated>`,
      `    <author><name>${escapeXml(author)}</name></author>`,
      `    <content type="html">${escapeXml(entryContent(p, options))}</content>`,
      '  </entry>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${escapeXml(options.locale)}">`,
    `  <id>${escapeXml(options.selfUrl)}</id>`,
    `  <title>${escapeXml(options.labels.title)}</title>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(options.selfUrl)}"/>`,
    `  <link rel="alternate" type="text/html" href="${escapeXml(`${options.baseUrl}/`)}"/>`,
    `  <updated>${updated}</updated>`,
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}
