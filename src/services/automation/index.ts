/**
 * The automation entry point for the rest of the application: the engine (./engine.ts) and the
 * production detective set built from the loaded criteria and our data files in
 * criteria/automation/ (validated when loaded; call `productionDetectives` at start-up so a broken
 * file stops the process instead of a form).
 */
import type { CriteriaSet } from '../../criteria/index.ts';
import type { FieldName } from '../../domain/automation.ts';
import type { DetectiveSet } from './engine.ts';

export * from './engine.ts';

/** Builds the detectives every deployment runs. */
export function productionDetectives(set: CriteriaSet): DetectiveSet {
  const baseline = new Set<FieldName>();
  for (const level of set.series('baseline')) {
    for (const c of level.criteria) baseline.add(`${c.id}_status`).add(`${c.id}_justification`);
  }
  return { main: [], last: [], isBaselineField: (field) => baseline.has(field) };
}
