/**
 * Badge SVG rendering (spec §5.1).
 *
 * Upstream serves pre-generated files; we render them on demand and memoise,
 * because the whole output space is tiny (206 values × 4 styles).
 *
 * - Metal series: upstream's files were fetched from shields.io
 *   (`rake update_badge_images`), so `badge-maker` (the shields renderer)
 *   reproduces their geometry: same widths, rects, text positions, colours.
 * - Baseline series: upstream's files are NOT shields output; they come from a
 *   hand-written template (`script/generate_baseline_badges.rb`) with its own
 *   width rule (ceil(text px) + 20) and an aria-label that differs from the
 *   visible text ("in progress N%" vs "🚧 N%"). badge-maker cannot produce
 *   those widths (it gives 192 instead of 213 for "1"), and the widths are
 *   part of the spec (used for `<img width>`), so the default flat style
 *   uses a small template replicating that script; other styles use
 *   badge-maker with the aria text patched.
 */
import { makeBadge } from 'badge-maker';

export const METAL_LABEL = 'openssf best practices';
/** Bump together with the baseline criteria version; the label (and so the width) follows. */
export const BASELINE_VERSION = 'v2026.02.19';
export const BASELINE_LABEL = `openssf baseline ${BASELINE_VERSION}`;

export type MetalBadgeValue = number | 'passing' | 'silver' | 'gold';
export type BaselineBadgeValue =
  | 'baseline-1'
  | 'baseline-2'
  | 'baseline-3'
  | `baseline-pct-${number}`;
export type BadgeValue = MetalBadgeValue | BaselineBadgeValue;

export const BADGE_STYLES = ['flat', 'flat-square', 'for-the-badge', 'plastic'] as const;
export type BadgeStyle = (typeof BADGE_STYLES)[number];

export function isBadgeStyle(s: unknown): s is BadgeStyle {
  return typeof s === 'string' && (BADGE_STYLES as readonly string[]).includes(s);
}

// One regex so "what is a valid badge value" lives in one place.
// Percentages are 0..99 without leading zeros: 100% is "passing", not "in progress".
const BADGE_VALUE_RE =
  /^(?:(0|[1-9][0-9]?)|(passing|silver|gold|baseline-[123])|(baseline-pct-(?:0|[1-9][0-9]?)))$/;

/** Parse a badge value as it appears in URLs / file names; null if not one of the 206 values. */
export function parseBadgeValue(s: string): BadgeValue | null {
  const m = BADGE_VALUE_RE.exec(s);
  if (!m) return null;
  if (m[1] !== undefined) return Number(m[1]);
  return (m[2] ?? m[3]) as BadgeValue;
}

const METAL_COLORS = { passing: '#4c1', silver: '#c0c0c0', gold: '#ffd700' } as const;
const BASELINE_COLORS = { 1: '#007ec6', 2: '#0066a1', 3: '#004b87' } as const;
/** Upstream uses one colour for every baseline percentage (PERCENTAGE_COLOR), no gradient. */
const BASELINE_PCT_COLOR = '#c45500';

/**
 * In-progress colour for the metal series. Upstream generated each file with
 * Paleta::Color.new(:hsl, 15 + 0.45*p, 85, 43).hex, i.e. the hue walks from
 * red-orange (15°) towards yellow (59.55°) as the project nears passing.
 * Paleta truncates channels (202.85 -> 0xca), so we floor; this reproduces
 * #ca3f10 / #ca8410 / #cac910 for 0 / 50 / 99 (R and B stay fixed, G is linear in p).
 */
export function inProgressColor(percent: number): string {
  const h = 15 + 0.45 * percent;
  const s = 0.85;
  const l = 0.43;
  const a = s * Math.min(l, 1 - l);
  // CSS Color 4 hsl->rgb; identical to Paleta's for all 0..99 (checked).
  const channel = (n: number): number => {
    const k = (n + h / 30) % 12;
    return Math.floor(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return `#${[0, 8, 4].map((n) => channel(n).toString(16).padStart(2, '0')).join('')}`;
}

interface BadgeSpec {
  label: string;
  message: string; // visible text
  accessible: string; // text after "label: " in aria-label/<title>
  color: string;
  baseline: boolean;
}

function isPercent(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 99;
}

function specFor(value: BadgeValue): BadgeSpec {
  if (typeof value === 'number') {
    if (!isPercent(value)) throw new RangeError(`invalid badge percentage: ${value}`);
    const message = `in progress ${value}%`;
    return { label: METAL_LABEL, message, accessible: message, color: inProgressColor(value), baseline: false };
  }
  if (value === 'passing' || value === 'silver' || value === 'gold') {
    return { label: METAL_LABEL, message: value, accessible: value, color: METAL_COLORS[value], baseline: false };
  }
  if (value === 'baseline-1' || value === 'baseline-2' || value === 'baseline-3') {
    const level = value.slice(-1) as '1' | '2' | '3';
    return { label: BASELINE_LABEL, message: level, accessible: level, color: BASELINE_COLORS[level], baseline: true };
  }
  const m = /^baseline-pct-(0|[1-9][0-9]?)$/.exec(value);
  if (!m) throw new RangeError(`invalid badge value: ${value}`);
  return {
    label: BASELINE_LABEL,
    message: `🚧 ${m[1]}%`,
    accessible: `in progress ${m[1]}%`, // screen readers should not read "construction sign"
    color: BASELINE_PCT_COLOR,
    baseline: true,
  };
}

/**
 * Verdana 11px advance widths used by upstream's baseline generator (its
 * FALLBACK_WIDTHS table), limited to the characters our baseline texts use.
 * Non-ASCII (the 🚧 emoji) counts 11px, as upstream does.
 */
const VERDANA_11: Record<string, number> = {
  ' ': 3.875, '%': 11.844, '.': 4.0, a: 6.609, b: 6.859, c: 5.734, d: 6.859, e: 6.547,
  f: 3.875, g: 6.859, h: 6.969, i: 3.016, j: 3.781, k: 6.516, l: 3.016, m: 10.703,
  n: 6.969, o: 6.672, p: 6.859, q: 6.859, r: 4.688, s: 5.734, t: 4.328, u: 6.969,
  v: 6.516, w: 9.0, x: 6.516, y: 6.516, z: 5.781,
};
for (const d of '0123456789') VERDANA_11[d] = 7.0;

function textPx(s: string): number {
  let px = 0;
  for (const ch of s) px += VERDANA_11[ch] ?? (ch.codePointAt(0)! > 126 ? 11 : 7);
  return px;
}

/**
 * Flat baseline badge, byte-for-byte the layout of upstream's baseline
 * generator. Texts are our own constants (no XML-special characters), so no escaping.
 */
function baselineFlatSvg({ label, message, accessible, color }: BadgeSpec): string {
  const lpx = textPx(label);
  const rpx = textPx(message);
  const lw = Math.ceil(lpx) + 20;
  const rw = Math.ceil(rpx) + 20;
  const tw = lw + rw;
  const text = (x: number, px: number, s: string): string => {
    const tl = Math.round(px * 10);
    return (
      `<text aria-hidden="true" x="${x}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="${tl}">${s}</text>` +
      `<text x="${x}" y="140" transform="scale(.1)" fill="#fff" textLength="${tl}">${s}</text>`
    );
  };
  const aria = `${label}: ${accessible}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${tw}" height="20" role="img" aria-label="${aria}"><title>${aria}</title>` +
    `<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>` +
    `<clipPath id="r"><rect width="${tw}" height="20" rx="3" fill="#fff"/></clipPath>` +
    `<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${rw}" height="20" fill="${color}"/><rect width="${tw}" height="20" fill="url(#s)"/></g>` +
    `<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">` +
    text(Math.trunc((lw / 2) * 10), lpx, label) +
    text(Math.trunc((lw + rw / 2) * 10), rpx, message) +
    `</g></svg>`
  );
}

function render(spec: BadgeSpec, style: BadgeStyle): string {
  if (spec.baseline && style === 'flat') return baselineFlatSvg(spec);
  const svg = makeBadge({ label: spec.label, message: spec.message, color: spec.color, style });
  if (spec.accessible === spec.message) return svg;
  // badge-maker always uses "label: message" for aria-label/<title>; swap in the
  // accessible wording (for-the-badge upper-cases that text, so follow suit).
  const up = (s: string): string => (style === 'for-the-badge' ? s.toUpperCase() : s);
  return svg.replaceAll(`${up(spec.label)}: ${up(spec.message)}`, `${up(spec.label)}: ${up(spec.accessible)}`);
}

const cache = new Map<string, string>();

/** Render the badge SVG for a value; throws RangeError for values outside the 206 valid ones. */
export function renderBadgeSvg(value: BadgeValue, opts: { style?: BadgeStyle } = {}): string {
  const style = opts.style ?? 'flat';
  if (!isBadgeStyle(style)) throw new RangeError(`invalid badge style: ${String(style)}`);
  // typeof in the key: a stray string "5" must not hit the cached number 5.
  const key = `${typeof value}:${String(value)}|${style}`;
  let svg = cache.get(key);
  if (svg === undefined) {
    // Validate before caching so the map only ever holds valid keys (bounded size).
    svg = render(specFor(value), style);
    cache.set(key, svg);
  }
  return svg;
}
