/**
 * The automation entry point for the rest of the application: the engine (./engine.ts) and the
 * production detective set built from the loaded criteria and our data files in
 * criteria/automation/ (validated when loaded; call `productionDetectives` at start-up so that a
 * broken file stops the process instead of a form).
 */
import { displayId, type CriteriaSet } from '../../criteria/index.ts';
import type { FieldName } from '../../domain/automation.ts';
import { loadCrosswalk, type Crosswalk } from './crosswalk.ts';
import { buildFiles } from './detectives/build-files.ts';
import { crosswalkDetective } from './detectives/crosswalk.ts';
import { docsDir } from './detectives/docs-dir.ts';
import { flossLicense } from './detectives/floss-license.ts';
import { forgeBasics } from './detectives/forge-basics.ts';
import { hardenedSites } from './detectives/hardened-sites.ts';
import { nameFromUrl } from './detectives/name-from-url.ts';
import { repoFiles } from './detectives/repo-files.ts';
import { repoJson } from './detectives/repo-json.ts';
import { securityInsights } from './detectives/security-insights.ts';
import { sitesHttps } from './detectives/sites-https.ts';
import type { DetectiveSet } from './engine.ts';
import { repoJsonKeys } from './repo-json.ts';
import { loadSecurityInsightsRules, type SecurityInsightsRule } from './security-insights.ts';
import { loadOsiLicenses } from './spdx.ts';

export * from './engine.ts';
export type { Crosswalk, CrosswalkEntry, CrosswalkRule, Inference } from './crosswalk.ts';
export { loadCrosswalk } from './crosswalk.ts';

/** Our data files, loaded and validated (throws naming the file and entry when one is wrong). */
export interface AutomationData {
  crosswalk: Crosswalk;
  securityInsights: readonly SecurityInsightsRule[];
  osiLicenses: ReadonlySet<string>;
}

export function loadAutomationData(set: CriteriaSet): AutomationData {
  return {
    crosswalk: loadCrosswalk(set),
    securityInsights: loadSecurityInsightsRules(),
    osiLicenses: loadOsiLicenses(),
  };
}

/**
 * The detectives every deployment runs, in their preferred order: facts from the entry itself
 * first, then the forge and the repository's files, then the sites; the crosswalk between the
 * series after them, and the repository's own answer file last.
 */
export function productionDetectives(set: CriteriaSet, data: AutomationData = loadAutomationData(set)): DetectiveSet {
  const baseline = new Set<FieldName>();
  for (const level of set.series('baseline')) {
    for (const c of level.criteria) baseline.add(`${c.id}_status`).add(`${c.id}_justification`);
  }
  const display = (id: string) => {
    const def = set.definitions(id)[0];
    return def ? displayId(def) : id;
  };
  return {
    main: [
      nameFromUrl,
      forgeBasics,
      flossLicense(data.osiLicenses),
      repoFiles,
      docsDir,
      buildFiles,
      securityInsights(data.securityInsights),
      sitesHttps,
      hardenedSites,
    ],
    toBaseline: crosswalkDetective('metal-to-baseline', data.crosswalk.metalToBaseline, display),
    toMetal: crosswalkDetective('baseline-to-metal', data.crosswalk.baselineToMetal, display),
    last: [repoJson(repoJsonKeys(set))],
    isBaselineField: (field) => baseline.has(field),
  };
}
