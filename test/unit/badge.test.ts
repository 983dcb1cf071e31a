import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// Wrap makeBadge in a spy (keeping the real implementation) so memoisation is observable.
vi.mock('badge-maker', async (importOriginal) => {
  const orig = await importOriginal<typeof import('badge-maker')>();
  return { ...orig, makeBadge: vi.fn(orig.makeBadge) };
});

import { makeBadge } from 'badge-maker';
import {
  BADGE_STYLES,
  BASELINE_LABEL,
  METAL_LABEL,
  inProgressColor,
  parseBadgeValue,
  renderBadgeSvg,
  type BadgeValue,
} from '../../src/services/badge.ts';

// Upstream images (spec §5.1). Outside the repo, hence overridable and skippable.
const REF_DIR = process.env.BADGE_REFERENCE_DIR ?? '/work/shared/reference/badges';

// Decimal allowed: badge-maker's for-the-badge counts UTF-16 units for letter spacing,
// so the 🚧 (a surrogate pair) yields e.g. width="299.5" — valid SVG, just not whole pixels.
const svgWidth = (svg: string): number => Number(/^<svg [^>]*?\bwidth="(\d+(?:\.\d+)?)"/.exec(svg)?.[1]);
const ariaLabel = (svg: string): string | undefined => /aria-label="([^"]*)"/.exec(svg)?.[1];
const title = (svg: string): string | undefined => /<title>([^<]*)<\/title>/.exec(svg)?.[1];
/** Fill of the right-hand (message) background rect: the only rect with an x attribute. */
const messageFill = (svg: string): string | undefined => /<rect x="\d+" width="\d+" height="\d+" fill="([^"]+)"/.exec(svg)?.[1];
/** Shields picks dark (#333) message text on light backgrounds. */
const hasDarkText = (svg: string): boolean => svg.includes('fill="#333"');

/** Crude well-formedness check: every element opened is closed, in order. */
function tagsBalanced(svg: string): boolean {
  const stack: string[] = [];
  for (const [, close, name, selfClose] of svg.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (selfClose) continue;
    if (!close) stack.push(name!);
    else if (stack.pop() !== name) return false;
  }
  return stack.length === 0;
}

/** Line diff over tag boundaries, good enough to eyeball what differs. */
function tagDiff(expected: string, actual: string): string {
  const split = (s: string): string[] => s.trim().replace(/></g, '>\n<').split('\n');
  const a = split(expected);
  const b = split(actual);
  return [...a.filter((l) => !b.includes(l)).map((l) => `- ${l}`), ...b.filter((l) => !a.includes(l)).map((l) => `+ ${l}`)].join('\n');
}

describe('parseBadgeValue', () => {
  it('accepts every percentage 0..99 as a number', () => {
    for (let n = 0; n < 100; n++) expect(parseBadgeValue(String(n))).toBe(n);
  });

  it('accepts every baseline percentage 0..99 as a string', () => {
    for (let n = 0; n < 100; n++) expect(parseBadgeValue(`baseline-pct-${n}`)).toBe(`baseline-pct-${n}`);
  });

  it.each(['passing', 'silver', 'gold', 'baseline-1', 'baseline-2', 'baseline-3'])('accepts %s', (s) => {
    expect(parseBadgeValue(s)).toBe(s);
  });

  it.each([
    '', '00', '01', '007', '100', '-1', '-0', '+1', '1.0', '1.5', '1e1', '0x1', ' 1', '1 ', '1\n', '１',
    'Passing', 'PASSING', 'passing ', 'bronze', 'platinum',
    'baseline', 'baseline-', 'baseline-0', 'baseline-4', 'baseline-01', 'baseline-pct-', 'baseline-pct-100',
    'baseline-pct-05', 'baseline-pct--1', 'baseline_1', 'baseline-pct-1x', 'constructor', '__proto__',
  ])('rejects %j', (s) => {
    expect(parseBadgeValue(s)).toBeNull();
  });
});

describe('inProgressColor', () => {
  it('reproduces the upstream endpoints and midpoint', () => {
    expect(inProgressColor(0)).toBe('#ca3f10');
    expect(inProgressColor(50)).toBe('#ca8410');
    expect(inProgressColor(99)).toBe('#cac910');
  });

  it('keeps R and B fixed and raises G monotonically', () => {
    let prev = -1;
    for (let n = 0; n < 100; n++) {
      const c = inProgressColor(n);
      expect(c).toMatch(/^#ca[0-9a-f]{2}10$/);
      const g = parseInt(c.slice(3, 5), 16);
      expect(g).toBeGreaterThan(prev);
      prev = g;
    }
  });
});

const REFERENCE_CASES: Array<[BadgeValue, string]> = [
  [0, 'badge_static_0.svg'],
  [50, 'badge_static_50.svg'],
  [99, 'badge_static_99.svg'],
  ['passing', 'badge_static_passing.svg'],
  ['silver', 'badge_static_silver.svg'],
  ['gold', 'badge_static_gold.svg'],
  ['baseline-1', 'badge_baseline_1.svg'],
  ['baseline-pct-50', 'badge_baseline_pct_50.svg'],
];

describe.skipIf(!existsSync(REF_DIR))('renderBadgeSvg vs upstream reference images', () => {
  it.each(REFERENCE_CASES)('%s matches %s in width, colours and accessible text', (value, file) => {
    const ref = readFileSync(join(REF_DIR, file), 'utf8');
    const svg = renderBadgeSvg(value);
    expect(svgWidth(svg)).toBe(svgWidth(ref));
    expect(messageFill(svg)).toBe(messageFill(ref));
    expect(hasDarkText(svg)).toBe(hasDarkText(ref));
    expect(ariaLabel(svg)).toBe(ariaLabel(ref));
    expect(title(svg)).toBe(title(ref));
    expect(svg).toContain('role="img"');
    const diff = tagDiff(ref, svg);
    console.log(`--- ${file} vs rendered ${String(value)} (byte-equal: ${svg === ref.trim()})\n${diff || '(no differences)'}`);
  });

  it('baseline flat badges are byte-identical to upstream (same template)', () => {
    for (const [value, file] of REFERENCE_CASES.filter(([v]) => String(v).startsWith('baseline'))) {
      expect(renderBadgeSvg(value)).toBe(readFileSync(join(REF_DIR, file), 'utf8').trim());
    }
  });
});

describe('renderBadgeSvg', () => {
  const all: BadgeValue[] = [
    ...Array.from({ length: 100 }, (_, n) => n),
    'passing', 'silver', 'gold', 'baseline-1', 'baseline-2', 'baseline-3',
    ...Array.from({ length: 100 }, (_, n) => `baseline-pct-${n}` as const),
  ];

  it('gives every value the width listed in spec §5.1', () => {
    const expected = (v: BadgeValue): number => {
      if (typeof v === 'number') return v < 10 ? 228 : 234;
      const fixed: Record<string, number> = { passing: 184, silver: 172, gold: 166, 'baseline-1': 213, 'baseline-2': 213, 'baseline-3': 213 };
      if (fixed[v] !== undefined) return fixed[v];
      return Number(v.slice('baseline-pct-'.length)) < 10 ? 240 : 247;
    };
    for (const v of all) expect(svgWidth(renderBadgeSvg(v)), String(v)).toBe(expected(v));
  });

  it.each(BADGE_STYLES)('style %s renders well-formed SVG with the same text', (style) => {
    const samples: Array<[BadgeValue, string, string, string]> = [
      [7, METAL_LABEL, 'in progress 7%', 'in progress 7%'],
      ['gold', METAL_LABEL, 'gold', 'gold'],
      ['baseline-2', BASELINE_LABEL, '2', '2'],
      ['baseline-pct-42', BASELINE_LABEL, '🚧 42%', 'in progress 42%'],
    ];
    // for-the-badge upper-cases everything it prints, including the accessible text.
    const up = (s: string): string => (style === 'for-the-badge' ? s.toUpperCase() : s);
    for (const [value, label, shown, spoken] of samples) {
      const svg = renderBadgeSvg(value, { style });
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
      expect(svg.endsWith('</svg>')).toBe(true);
      expect(tagsBalanced(svg)).toBe(true);
      expect(svg).toContain('role="img"');
      expect(svgWidth(svg)).toBeGreaterThan(0);
      expect(ariaLabel(svg)).toBe(up(`${label}: ${spoken}`));
      expect(title(svg)).toBe(ariaLabel(svg));
      expect(svg).toContain(`>${up(label)}</text>`);
      expect(svg).toContain(`>${up(shown)}</text>`);
    }
  });

  it('defaults to flat', () => {
    expect(renderBadgeSvg('silver')).toBe(renderBadgeSvg('silver', { style: 'flat' }));
    expect(renderBadgeSvg('silver', { style: 'flat-square' })).not.toBe(renderBadgeSvg('silver'));
  });

  it('memoises per (value, style)', () => {
    const spy = vi.mocked(makeBadge);
    spy.mockClear();
    const first = renderBadgeSvg(63, { style: 'plastic' });
    renderBadgeSvg(63, { style: 'plastic' });
    expect(spy).toHaveBeenCalledTimes(1);
    renderBadgeSvg(63, { style: 'flat-square' });
    expect(spy).toHaveBeenCalledTimes(2);
    expect(renderBadgeSvg(63, { style: 'plastic' })).toBe(first);
    expect(spy).toHaveBeenCalledTimes(2);
  });

  it.each([100, -1, 1.5, Number.NaN, Infinity, 'baseline-pct-100', 'baseline-pct-07', 'bronze', '5'])(
    'throws RangeError for invalid value %j',
    (v) => {
      expect(() => renderBadgeSvg(v as BadgeValue)).toThrow(RangeError);
    },
  );

  it('does not let a string "5" hit the cached number 5', () => {
    renderBadgeSvg(5);
    expect(() => renderBadgeSvg('5' as unknown as BadgeValue)).toThrow(RangeError);
  });

  it('throws RangeError for an unknown style', () => {
    expect(() => renderBadgeSvg('gold', { style: 'social' as never })).toThrow(RangeError);
  });
});

describe('baseline badge: value → colour and text (spec §5.1)', () => {
  /** The visible message text of the flat baseline badge (the second, unshadowed <text>). */
  const shownText = (svg: string): string | undefined => [...svg.matchAll(/<text x="\d+" y="140"[^>]*>([^<]*)<\/text>/g)][1]?.[1];

  it.each([
    ['baseline-1', '#007ec6', '1'],
    ['baseline-2', '#0066a1', '2'],
    ['baseline-3', '#004b87', '3'],
  ] as const)('%s: fill %s, shows "%s" after the versioned label', (value, colour, shown) => {
    const svg = renderBadgeSvg(value);
    expect(messageFill(svg)).toBe(colour);
    expect(shownText(svg)).toBe(shown);
    expect(ariaLabel(svg)).toBe(`${BASELINE_LABEL}: ${shown}`);
    expect(BASELINE_LABEL).toBe('openssf baseline v2026.02.19');
  });

  it('every in-progress percentage: one orange, the construction sign shown, "in progress" spoken', () => {
    for (let n = 0; n <= 99; n++) {
      const svg = renderBadgeSvg(`baseline-pct-${n}`);
      expect(messageFill(svg), String(n)).toBe('#c45500');
      expect(shownText(svg), String(n)).toBe(`🚧 ${n}%`);
      expect(ariaLabel(svg), String(n)).toBe(`${BASELINE_LABEL}: in progress ${n}%`);
      expect(title(svg), String(n)).toBe(ariaLabel(svg));
    }
  });

  it('never uses a metal colour or label', () => {
    for (const value of ['baseline-1', 'baseline-2', 'baseline-3', 'baseline-pct-0', 'baseline-pct-99'] as const) {
      const svg = renderBadgeSvg(value);
      expect(svg).not.toContain(METAL_LABEL);
      expect(['#4c1', '#c0c0c0', '#ffd700', inProgressColor(0)]).not.toContain(messageFill(svg));
    }
  });
});
