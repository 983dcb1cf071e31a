import { displayId, type Level } from '../criteria/index.ts';
import type { ProjectWithOwner } from '../domain/project.ts';
import { criterionText, headingKey, type Translate } from '../i18n.ts';
import { STATUS } from '../services/scoring/index.ts';
import { escapeHtml } from './text.ts';

/** Criterion and heading text on one line: a bullet item cannot contain a bare newline. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
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
  lines.push(`# ${oneLine(project.name ?? '') || t('projects.unnamed')}`, '');
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
          for (const line of justification.split(/\r?\n/)) lines.push(`      > ${line}`.trimEnd());
          lines.push('');
        }
      }
    }
  }
  lines.push('', t('criteria_pages:markdown.generated_at', { time: now.toISOString() }), '');
  return lines.join('\n');
}
