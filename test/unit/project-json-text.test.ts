import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { criteria } from '../../src/criteria/index.ts';
import type { ProjectWithOwner, StoredAnswers } from '../../src/db/types.ts';
import { presentProject, projectJsonText } from '../../src/presenters/project-json.ts';

const set = criteria();

function project(answers: StoredAnswers, extra: Partial<ProjectWithOwner>): ProjectWithOwner {
  const at = new Date('2025-03-04T05:06:07.891Z');
  return {
    id: 7, userId: 3, name: 'Name "quoted" \u2028 é', description: 'Line\nbreak\ttab \\ slash', homepageUrl: 'https://example.org/',
    repoUrl: null, license: 'MIT', implementationLanguages: 'C, Rust', cpe: null, generalComments: null, entryLocale: 'en',
    lockVersion: 2, answers,
    badgePercentage0: 40, badgePercentage1: 0, badgePercentage2: 0, badgePercentageBaseline1: null, badgePercentageBaseline2: 0,
    badgePercentageBaseline3: 0, tieredPercentage: 40, baselineTieredPercentage: 0,
    achievedPassingAt: at, achievedSilverAt: null, achievedGoldAt: null, achievedBaseline1At: null, achievedBaseline2At: null,
    achievedBaseline3At: null, firstAchievedPassingAt: at, firstAchievedSilverAt: null, firstAchievedGoldAt: null,
    firstAchievedBaseline1At: null, firstAchievedBaseline2At: null, firstAchievedBaseline3At: null, lostPassingAt: null,
    lostSilverAt: null, lostGoldAt: null, lostBaseline1At: null, lostBaseline2At: null, lostBaseline3At: null,
    passingSaved: true, silverSaved: false, goldSaved: false, baseline1Saved: false, baseline2Saved: false, baseline3Saved: false,
    repoUrlUpdatedAt: null, lastReminderAt: null, disabledReminders: false, unreportedBadgeLoss: 0, unreportedBaselineBadgeLoss: 0,
    unreportedBadgeWarning: 0, unreportedBaselineBadgeWarning: 0, badgeWarningEffectiveDate: new Date('2025-01-02T00:00:00Z'),
    lastLossSentAt: null, lastWarningSentAt: null, createdAt: at, updatedAt: at, deletedAt: null, deletedById: null,
    deletionRationale: null, owner: { id: 3, name: 'Ann "the owner"', nickname: null }, additionalRightUserIds: [4, 9],
    ...extra,
  };
}

describe('projectJsonText', () => {
  it('is exactly JSON.stringify(presentProject(…)) for any answers, texts and owners', () => {
    const answer = fc.record({ status: fc.constantFrom<0 | 1 | 2 | 3>(0, 1, 2, 3), justification: fc.option(fc.string({ unit: 'binary' }), { nil: null }) });
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...set.ids), answer),
        fc.option(fc.string({ unit: 'binary' }), { nil: null }),
        fc.string({ unit: 'binary' }),
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.integer({ min: 0, max: 300 }),
        (answers, name, ownerName, rights, tiered) => {
          const p = project(answers, { name, owner: { id: 3, name: ownerName, nickname: null }, additionalRightUserIds: rights, tieredPercentage: tiered });
          expect(projectJsonText(set, p)).toBe(JSON.stringify(presentProject(set, p)));
        },
      ),
      { numRuns: 200 },
    );
  });
});
