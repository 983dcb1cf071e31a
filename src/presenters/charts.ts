import { escapeHtml } from './text.ts';

/**
 * Tiny server-side SVG charts. The CSP forbids inline scripts and style attributes, so every
 * visual property is an SVG presentation attribute (fill, stroke, font-size, …) and the output
 * can be embedded directly in a page. All text is escaped; numbers are formatted by us.
 */
export interface BarChartInput {
  title: string;
  labels: readonly string[];
  values: readonly number[];
  /** Extra class per bar (e.g. `level-gold`): the page's stylesheet may colour it. */
  barClasses?: readonly (string | null)[];
  width?: number;
  height?: number;
}

export interface LineSeries {
  name: string;
  values: readonly number[];
  /** Extra class for the line and its legend entry, as for bars. */
  className?: string;
}

export interface LineChartInput {
  title: string;
  /** One label per x position, shared by all series. */
  labels: readonly string[];
  series: readonly LineSeries[];
  width?: number;
  height?: number;
}

/** The y axis: whole-number ticks from 0 to `max`, `step` apart. */
export interface AxisTicks {
  max: number;
  step: number;
  ticks: number[];
}

const PALETTE = ['#1f6feb', '#2da44e', '#bf8700', '#8250df', '#cf222e', '#0a7f86'] as const;
/**
 * Each chart is drawn twice, and the stylesheet shows one: a wide layout for desktops and a
 * narrow one for phones. Both scale to the column's width, so their text is as large as the
 * column allows: the wide one is meant for columns of at least 640 px (12 px text or more), the
 * narrow one, 320 units wide, for phones (a 390 px screen leaves a 358 px column: 13 px text;
 * 320 px screens 11 px). One layout scaled down to a phone would shrink its text to 7 px.
 */
const WIDTH = 640;
const HEIGHT = 320;
export const NARROW_WIDTH = 320;
const NARROW_HEIGHT = 300;
const FONT = 12;
/** Average advance of a 12 px system-font digit or letter, to keep x labels from overlapping. */
const CHAR_WIDTH = 7.2;
const MARGIN = { top: 34, right: 16, bottom: 58, left: 52 } as const;
const INK = '#1b1f24';
const MUTED = '#57606a';

function n(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 100) / 100) : '0';
}

function classes(base: string, extra: string | null | undefined): string {
  return extra ? `${base} ${escapeHtml(extra)}` : base;
}

/**
 * Counts of projects are whole numbers, so the axis never shows a fraction: the step is 1, 2
 * or 5 × 10^k and at least 1, chosen so that at most `maxIntervals` steps reach `max`.
 */
export function axisTicks(max: number, maxIntervals = 5): AxisTicks {
  const top = Number.isFinite(max) && max > 0 ? Math.ceil(max) : 1;
  const intervals = Math.max(1, Math.floor(maxIntervals));
  let step: number | undefined;
  for (let magnitude = 1; step === undefined; magnitude *= 10) {
    step = [1, 2, 5].map((m) => m * magnitude).find((s) => Math.ceil(top / s) <= intervals);
  }
  const last = Math.ceil(top / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= last; v += step) ticks.push(v);
  return { max: last, step, ticks };
}

/** Which of the two drawings: the stylesheet shows `chart-wide` or `chart-narrow` by screen width. */
type Layout = 'wide' | 'narrow';

/** Average advance of a character of the 15 px bold title. */
const TITLE_CHAR_WIDTH = 8.5;
const TITLE_LINE = 19;

/** The title's words in lines that fit the drawing's width (a long title wraps on the narrow one). */
export function titleLines(title: string, width: number): string[] {
  const room = Math.max(8, Math.floor((width - MARGIN.left - MARGIN.right) / TITLE_CHAR_WIDTH));
  const lines: string[] = [];
  for (const word of title.split(/\s+/).filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= room) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.length ? lines : [''];
}

/**
 * The drawing's opening: a title of one or more lines, then everything else moved down by the
 * extra lines (the viewBox grows by as much, so the plot keeps its size). Close with close().
 */
function open(title: string, width: number, height: number, description: string, layout: Layout): { head: string; close: string } {
  const t = escapeHtml(title);
  const lines = titleLines(title, width);
  const extra = (lines.length - 1) * TITLE_LINE;
  const total = height + extra;
  const text = lines.map((line, i) => `<tspan x="${MARGIN.left}" y="${20 + i * TITLE_LINE}">${escapeHtml(line)}</tspan>`).join('');
  return {
    head:
      `<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-${layout}" role="img" aria-label="${t}" width="${width}" height="${total}" viewBox="0 0 ${width} ${total}">` +
      `<title>${t}</title><desc>${escapeHtml(description)}</desc>` +
      `<text font-size="15" font-weight="bold" fill="${INK}">${text}</text>` +
      (extra ? `<g transform="translate(0 ${extra})">` : ''),
    close: `${extra ? '</g>' : ''}</svg>`,
  };
}

function axes(width: number, height: number, y: AxisTicks): string {
  const plotBottom = height - MARGIN.bottom;
  const plotHeight = plotBottom - MARGIN.top;
  let out = '';
  for (const tick of y.ticks) {
    const at = plotBottom - (tick / y.max) * plotHeight;
    out += `<line x1="${MARGIN.left}" y1="${n(at)}" x2="${width - MARGIN.right}" y2="${n(at)}" stroke="${tick === 0 ? '#8c959f' : '#d0d7de'}" stroke-width="1"/>`;
    out += `<text class="tick" x="${MARGIN.left - 8}" y="${n(at + FONT / 3)}" font-size="${FONT}" text-anchor="end" fill="${MUTED}">${tick}</text>`;
  }
  return out;
}

/** Only every k-th x label is drawn when there are many, so labels never overlap. */
function labelStep(labels: readonly string[], plotWidth: number): number {
  const longest = Math.max(1, ...labels.map((l) => l.length));
  const room = longest * CHAR_WIDTH + 10;
  return Math.max(1, Math.ceil(labels.length / Math.max(1, Math.floor(plotWidth / room))));
}

function xLabel(x: number, y: number, label: string): string {
  return `<text x="${n(x)}" y="${y}" font-size="${FONT}" text-anchor="middle" fill="${MUTED}">${escapeHtml(label)}</text>`;
}

/** The chart in both layouts, wide first (the only one when a width is given). */
export function barChart(input: BarChartInput): string {
  if (input.width !== undefined || input.height !== undefined) return drawBars(input, input.width ?? WIDTH, input.height ?? HEIGHT, 'wide');
  return drawBars(input, WIDTH, HEIGHT, 'wide') + drawBars(input, NARROW_WIDTH, NARROW_HEIGHT, 'narrow');
}

function drawBars(input: BarChartInput, width: number, height: number, layout: Layout): string {
  const values = input.values.map((v) => (Number.isFinite(v) && v > 0 ? v : 0));
  const y = axisTicks(Math.max(0, ...values));
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotBottom = height - MARGIN.bottom;
  const plotHeight = plotBottom - MARGIN.top;
  const slot = values.length > 0 ? plotWidth / values.length : plotWidth;
  const barWidth = Math.max(1, slot * 0.7);
  // Labels too long for one row alternate between two rows before any is left out, so a phone
  // still names every level ("In progress", "Passing", …).
  const oneRow = labelStep(input.labels, plotWidth);
  const stagger = oneRow > 1 && labelStep(input.labels, plotWidth * 2) === 1;
  const step = stagger ? 1 : oneRow;
  const summary = input.labels.map((l, i) => `${l}: ${n(values[i] ?? 0)}`).join('; ');
  const frame = open(input.title, width, height, summary, layout);
  let out = frame.head + axes(width, height, y);
  values.forEach((value, i) => {
    const label = input.labels[i] ?? '';
    const h = (value / y.max) * plotHeight;
    const x = MARGIN.left + i * slot + (slot - barWidth) / 2;
    // The dark outline keeps light fills (silver, gold) distinct from the white background.
    out += `<rect class="${classes('bar', input.barClasses?.[i])}" x="${n(x)}" y="${n(plotBottom - h)}" width="${n(barWidth)}" height="${n(h)}" fill="${PALETTE[0]}" stroke="${INK}" stroke-width="1"><title>${escapeHtml(`${label}: ${n(value)}`)}</title></rect>`;
    if (i % step === 0) out += xLabel(x + barWidth / 2, plotBottom + FONT + 6 + (stagger && i % 2 === 1 ? FONT + 4 : 0), label);
  });
  return out + frame.close;
}

/** The chart in both layouts, wide first (the only one when a width is given). */
export function lineChart(input: LineChartInput): string {
  if (input.width !== undefined || input.height !== undefined) return drawLines(input, input.width ?? WIDTH, input.height ?? HEIGHT, 'wide');
  return drawLines(input, WIDTH, HEIGHT, 'wide') + drawLines(input, NARROW_WIDTH, NARROW_HEIGHT, 'narrow');
}

/** Legend entries left to right, wrapping to a new row where the next would not fit. */
function legendLayout(names: readonly string[], width: number): { x: number; row: number }[] {
  const out: { x: number; row: number }[] = [];
  let x: number = MARGIN.left;
  let row = 0;
  for (const name of names) {
    const room = 18 + name.length * CHAR_WIDTH + 16;
    if (x > MARGIN.left && x + room > width - MARGIN.right) {
      x = MARGIN.left;
      row += 1;
    }
    out.push({ x, row });
    x += room;
  }
  return out;
}

const LEGEND_ROW = 18;

function drawLines(input: LineChartInput, baseWidth: number, baseHeight: number, layout: Layout): string {
  const width = baseWidth;
  const legend = legendLayout(input.series.map((s) => s.name), width);
  const rows = legend.length ? Math.max(...legend.map((l) => l.row)) + 1 : 1;
  // Extra rows of legend make the drawing taller, not the plot smaller.
  const height = baseHeight + (rows - 1) * LEGEND_ROW;
  const count = input.labels.length;
  const all = input.series.flatMap((s) => s.values.filter((v) => Number.isFinite(v)));
  const y = axisTicks(Math.max(0, ...all));
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotBottom = height - MARGIN.bottom - (rows - 1) * LEGEND_ROW;
  const plotHeight = plotBottom - MARGIN.top;
  const xAt = (i: number) => MARGIN.left + (count <= 1 ? plotWidth / 2 : (i * plotWidth) / (count - 1));
  const yAt = (v: number) => plotBottom - ((Number.isFinite(v) ? Math.max(0, v) : 0) / y.max) * plotHeight;
  const summary = input.series.map((s) => `${s.name}: ${n(s.values.at(-1) ?? 0)}`).join('; ');
  const frame = open(input.title, width, height, summary, layout);
  let out = frame.head + axes(width, plotBottom + MARGIN.bottom, y);
  const step = labelStep(input.labels, plotWidth);
  input.labels.forEach((label, i) => {
    if (i % step === 0) out += xLabel(xAt(i), plotBottom + FONT + 6, label);
  });
  input.series.forEach((series, s) => {
    const color = PALETTE[s % PALETTE.length]!;
    const points = series.values.slice(0, count).map((v, i) => `${n(xAt(i))},${n(yAt(v))}`);
    if (points.length > 1) {
      out += `<polyline class="${classes('series', series.className)}" points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="2.5"><title>${escapeHtml(series.name)}</title></polyline>`;
    } else if (points.length === 1) {
      const [x, yy] = points[0]!.split(',');
      out += `<circle class="${classes('series', series.className)}" cx="${x}" cy="${yy}" r="4" fill="${color}"><title>${escapeHtml(series.name)}</title></circle>`;
    }
    // Legend below the axis labels.
    const { x: lx, row } = legend[s]!;
    const ly = height - 20 - (rows - 1 - row) * LEGEND_ROW;
    out += `<rect class="${classes('swatch', series.className)}" x="${n(lx)}" y="${ly}" width="12" height="12" fill="${color}" stroke="${INK}" stroke-width="1"/>`;
    out += `<text x="${n(lx + 18)}" y="${ly + 10}" font-size="${FONT}" fill="${INK}">${escapeHtml(series.name)}</text>`;
  });
  return out + frame.close;
}
