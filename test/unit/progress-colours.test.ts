import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { progressTone } from '../../src/presenters/project-view.ts';
import { inProgressColor, renderBadgeSvg, type BadgeValue } from '../../src/services/badge.ts';

/**
 * The progress bars of the project pages (level tabs, section menu) fill in the colour the badge
 * has at that percentage. The colours live in public/css/app.css (the CSP allows no inline style,
 * so a bar can only pick a class); these tests hold them to the badges, hold the live form's copy
 * of the class rule to the presenter's, and compute the contrast that axe does not check
 * (WCAG 1.4.11: parts of a graphic needed to understand it at 3:1 against what is next to them).
 */

const root = path.join(import.meta.dirname, '..', '..');
const css = fs.readFileSync(path.join(root, 'public', 'css', 'app.css'), 'utf8');

/** A custom property's value as declared in a rule whose selector is exactly `selector`. */
function declared(selector: string, property: string): string {
  const escaped = selector.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const rule = new RegExp(`(?:^|[}\\s])${escaped}\\s*\\{([^}]*)\\}`).exec(css);
  if (!rule) throw new Error(`no rule for ${selector} in app.css`);
  const value = new RegExp(`${property}:\\s*([^;]+);`).exec(rule[1]!);
  if (!value) throw new Error(`${selector} declares no ${property}`);
  return value[1]!.trim();
}

/** A colour after resolving var(--x) against :root declarations. */
function resolve(value: string): string {
  const reference = /^var\((--[\w-]+)\)$/.exec(value);
  if (!reference) return value;
  const root = new RegExp(`${reference[1]!}:\\s*([^;]+);`).exec(css);
  if (!root) throw new Error(`${reference[1]!} is not declared`);
  return resolve(root[1]!.trim());
}

function expand(hex: string): string {
  const h = hex.toLowerCase().replace('#', '');
  return `#${h.length === 3 ? h.replace(/./g, (c) => c + c) : h}`;
}

function luminance(hex: string): number {
  const h = expand(hex).slice(1);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(h.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [x, y] = [luminance(a), luminance(b)];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/** The fill colour of the badge's right-hand part. */
function badgeColour(value: BadgeValue): string {
  const fills = [...renderBadgeSvg(value, { style: 'flat' }).matchAll(/fill="(#[0-9a-fA-F]{3,6})"/g)].map((m) => expand(m[1]!));
  const colour = fills.find((f) => !['#555555', '#010101', '#ffffff'].includes(f));
  if (!colour) throw new Error(`no colour in the badge for ${String(value)}`);
  return colour;
}

const STEPS = [0, 10, 20, 30, 40, 50, 60, 70, 80, 90];
const LEVELS = { passing: 'passing', silver: 'silver', gold: 'gold', 'baseline-1': 'baseline-1', 'baseline-2': 'baseline-2', 'baseline-3': 'baseline-3' } as const;

/** Every colour a bar can fill with, by the class (or level) that selects it. */
function fills(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const step of STEPS) out[`tone-${String(step)}`] = resolve(declared(`.tone-${String(step)}`, '--tone'));
  out['tone-baseline'] = resolve(declared('.tone-baseline', '--tone'));
  for (const level of Object.keys(LEVELS)) out[`level-${level}`] = resolve(`var(--level-${level})`);
  return out;
}

describe('progress bar colours', () => {
  it('are the badge colours: the metal in-progress colour at each step, the baseline one, each level', () => {
    for (const step of STEPS) expect(expand(resolve(declared(`.tone-${String(step)}`, '--tone'))), `tone-${String(step)}`).toBe(expand(inProgressColor(step)));
    for (const step of STEPS) expect(badgeColour(step)).toBe(expand(inProgressColor(step)));
    expect(expand(resolve(declared('.tone-baseline', '--tone')))).toBe(badgeColour('baseline-pct-40'));
    for (const level of Object.values(LEVELS)) expect(expand(resolve(`var(--level-${level})`)), level).toBe(badgeColour(level));
    // A complete bar takes the level's colour from the level class it carries.
    expect(declared('.tone-level', '--tone')).toBe('var(--level)');
  });

  it('are chosen by the same rule in the presenter and in the live form script', async () => {
    const browser = (await import(pathToFileURL(path.join(root, 'public', 'js', 'criteria-rules.js')).href)) as { progressTone(series: string, percent: number): string };
    for (const series of ['metal', 'baseline']) {
      for (let percent = 0; percent <= 100; percent++) expect(browser.progressTone(series, percent), `${series} ${String(percent)}`).toBe(progressTone(series, percent));
    }
    expect(progressTone('metal', 0)).toBe('tone-0');
    expect(progressTone('metal', 59)).toBe('tone-50');
    expect(progressTone('metal', 99)).toBe('tone-90');
    expect(progressTone('metal', 100)).toBe('tone-level');
    expect(progressTone('baseline', 99)).toBe('tone-baseline');
    // Every class the rule can return has a colour.
    const known = new Set([...STEPS.map((s) => `tone-${String(s)}`), 'tone-baseline', 'tone-level']);
    for (let percent = 0; percent <= 100; percent++) expect(known.has(progressTone('metal', percent))).toBe(true);
  });

  it('stand out at 3:1: each fill against the track, or its dark edge against both; the rim against the page', () => {
    const track = resolve('var(--progress-track)');
    const edge = resolve('var(--progress-edge)');
    const rim = resolve('var(--progress-rim)');
    const weak: string[] = [];
    for (const [name, fill] of Object.entries(fills())) {
      const ownContrast = contrast(fill, track);
      const edged = contrast(edge, fill) >= 3 && contrast(edge, track) >= 3;
      if (ownContrast < 3 && !edged) weak.push(`${name} ${fill}: ${ownContrast.toFixed(2)}:1 against the track, edge ${contrast(edge, fill).toFixed(2)}:1`);
    }
    expect(weak).toEqual([]);
    // The bar's outline against the page and the section menu's panel.
    for (const background of ['var(--bg)', 'var(--panel)']) expect(contrast(rim, resolve(background))).toBeGreaterThanOrEqual(3);
    // The light fills really need the edge: this test is not vacuous.
    expect(contrast(fills()['level-gold']!, track)).toBeLessThan(3);
  });

  it('are applied by the stylesheet to the fill of the level tabs and the section menu bars', () => {
    expect(css).toMatch(/\.section-progress\[class\*="tone-"\] progress::-webkit-progress-value[^{]*\{[^}]*background: var\(--tone\)[^}]*inset -2px 0 0 var\(--progress-edge\)/);
    expect(css).toMatch(/\.levels li\[class\*="tone-"\] progress::-webkit-progress-value/);
  });
});
