import { displayId, type Level } from '../criteria/index.ts';
import type { ProjectWithOwner } from '../domain/project.ts';
import { criterionText, headingKey, type Translate } from '../i18n.ts';
import { STATUS } from '../services/scoring/index.ts';
import { escapeHtml } from './text.ts';

/** Criterion and heading text on one line: a bullet item cannot contain a bare newline. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const HTML_SPECIAL: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * User text as literal Markdown text. Markdown passes raw HTML through, so `&`, `<` and `>`
 * become entities; inline syntax (code spans, links and images, emphasis, strikethrough, table
 * cells, backslash escapes) is backslash-escaped; and a line that would start a block (heading,
 * quote, list, setext underline, thematic break, indented code) is defused at its start.
 */
export function escapeMarkdown(text: string): string {
  return text
    .split(/\r\n|[\r\n]/)
    .map((line) => {
      const inline = line
        .trimStart()
        .replace(/[\\`*_[\]~|!]/g, '\\$&')
        .replace(/[&<>]/g, (c) => HTML_SPECIAL[c]!);
      return inline.replace(/^[#+=-]/, '\\$&').replace(/^(\d{1,9})([.)])/, '$1\\$2');
    })
    .join('\n');
}

/**
 * The Markdown checklist export of one level: `# name`, a level heading linking to the project,
 * nested bullets per major/minor group and one task item per criterion (checked when Met or
 * N/A), the justification as an indented quote, and a closing generated-at line.
 */
export function projectMarkdown(t: Translate, publicUrl: string, project: ProjectWithOwner, level: Level, now: Date): string {
  const heading = (text: string) => oneLine(t(`criteria:headings.${headingKey(text)}`, { defaultValue: text }));
  const levelName = t(`criteria:levels.${level.key}`, { defaultValue: level.name });
  const lines: string[] = [];
  lines.push(`# ${escapeMarkdown(oneLine(project.name ?? '')) || t('projects.unnamed')}`, '');
  lines.push(`## [${oneLine(levelName)}](${publicUrl}/projects/${project.id}/${level.key})`, '');
  for (const section of level.sections) {
    lines.push(`- ${heading(section.major)}`);
    for (const group of section.groups) {
      lines.push(`  - ${heading(group.minor)}`);
      for (const c of group.criteria) {
        const answer = project.answers[c.id];
        const done = answer?.status === STATUS.met || answer?.status === STATUS.na;
        const description = oneLine(criterionText(t, c, 'description') ?? '');
        lines.push(`    - [${done ? 'x' : ' '}] ${description} [${displayId(c)}]`);
        const details = criterionText(t, c, 'details');
        if (details) {
          lines.push(`      <details><summary>${escapeHtml(t('criteria_pages:markdown.details'))}</summary>${escapeHtml(oneLine(details))}</details>`);
        }
        const justification = answer?.justification?.trim();
        if (justification) {
          lines.push('');
          for (const line of escapeMarkdown(justification).split('\n')) lines.push(`      > ${line}`.trimEnd());
          lines.push('');
        }
      }
    }
  }
  lines.push('', t('criteria_pages:markdown.generated_at', { time: now.toISOString() }), '');
  return lines.join('\n');
}
