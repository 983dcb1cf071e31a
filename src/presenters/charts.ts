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
  width?: number;
  height?: number;
}

export interface LineSeries {
  name: string;
  values: readonly number[];
}

export interface LineChartInput {
  title: string;
  /** One label per x position, shared by all series. */
  labels: readonly string[];
  series: readonly LineSeries[];
  width?: number;
  height?: number;
}

const PALETTE = ['#1f6feb', '#2da44e', '#bf8700', '#8250df', '#cf222e', '#0a7f86'] as const;
const MARGIN = { top: 28, right: 12, bottom: 44, left: 44 } as const;

function n(value: number): string {
  return Number.isFinite(value) ? String(Math.round(value * 100) / 100) : '0';
}

/** A "nice" upper bound for the y axis (1, 2, 5 × 10^k), at least 1. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (max <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}

function open(title: string, width: number, height: number, description: string): string {
  const t = escapeHtml(title);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="${t}" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<title>${t}</title><desc>${escapeHtml(description)}</desc>` +
    `<text x="${MARGIN.left}" y="16" font-size="13" font-weight="bold" fill="#1f2328">${t}</text>`
  );
}

function axes(width: number, height: number, yMax: number): string {
  const plotBottom = height - MARGIN.bottom;
  const plotHeight = plotBottom - MARGIN.top;
  let out = '';
  for (const fraction of [0, 0.5, 1]) {
    const y = plotBottom - fraction * plotHeight;
    out += `<line x1="${MARGIN.left}" y1="${n(y)}" x2="${width - MARGIN.right}" y2="${n(y)}" stroke="#d0d7de" stroke-width="1"/>`;
    out += `<text x="${MARGIN.left - 6}" y="${n(y + 4)}" font-size="10" text-anchor="end" fill="#57606a">${n(yMax * fraction)}</text>`;
  }
  return out;
}

/** Only every k-th x label is drawn when there are many, so labels never overlap. */
function labelStep(count: number, plotWidth: number): number {
  return Math.max(1, Math.ceil(count / Math.max(1, Math.floor(plotWidth / 40))));
}

export function barChart(input: BarChartInput): string {
  const width = input.width ?? 640;
  const height = input.height ?? 240;
  const values = input.values.map((v) => (Number.isFinite(v) && v > 0 ? v : 0));
  const yMax = niceMax(Math.max(0, ...values));
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotBottom = height - MARGIN.bottom;
  const plotHeight = plotBottom - MARGIN.top;
  const slot = values.length > 0 ? plotWidth / values.length : plotWidth;
  const barWidth = Math.max(1, slot * 0.7);
  const step = labelStep(values.length, plotWidth);
  const summary = input.labels.map((l, i) => `${l}: ${n(values[i] ?? 0)}`).join('; ');
  let out = open(input.title, width, height, summary) + axes(width, height, yMax);
  values.forEach((value, i) => {
    const label = input.labels[i] ?? '';
    const h = (value / yMax) * plotHeight;
    const x = MARGIN.left + i * slot + (slot - barWidth) / 2;
    out += `<rect x="${n(x)}" y="${n(plotBottom - h)}" width="${n(barWidth)}" height="${n(h)}" fill="${PALETTE[0]}"><title>${escapeHtml(`${label}: ${n(value)}`)}</title></rect>`;
    if (i % step === 0) {
      out += `<text x="${n(x + barWidth / 2)}" y="${plotBottom + 14}" font-size="10" text-anchor="middle" fill="#57606a">${escapeHtml(label)}</text>`;
    }
  });
  return `${out}</svg>`;
}

export function lineChart(input: LineChartInput): string {
  const width = input.width ?? 640;
  const height = input.height ?? 260;
  const count = input.labels.length;
  const all = input.series.flatMap((s) => s.values.filter((v) => Number.isFinite(v)));
  const yMax = niceMax(Math.max(0, ...all));
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotBottom = height - MARGIN.bottom;
  const plotHeight = plotBottom - MARGIN.top;
  const xAt = (i: number) => MARGIN.left + (count <= 1 ? plotWidth / 2 : (i * plotWidth) / (count - 1));
  const yAt = (v: number) => plotBottom - ((Number.isFinite(v) ? Math.max(0, v) : 0) / yMax) * plotHeight;
  const summary = input.series.map((s) => `${s.name}: ${n(s.values.at(-1) ?? 0)}`).join('; ');
  let out = open(input.title, width, height, summary) + axes(width, height, yMax);
  const step = labelStep(count, plotWidth);
  input.labels.forEach((label, i) => {
    if (i % step === 0) {
      out += `<text x="${n(xAt(i))}" y="${plotBottom + 14}" font-size="10" text-anchor="middle" fill="#57606a">${escapeHtml(label)}</text>`;
    }
  });
  input.series.forEach((series, s) => {
    const color = PALETTE[s % PALETTE.length]!;
    const points = series.values.slice(0, count).map((v, i) => `${n(xAt(i))},${n(yAt(v))}`);
    if (points.length > 1) {
      out += `<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="2"><title>${escapeHtml(series.name)}</title></polyline>`;
    } else if (points.length === 1) {
      const [x, y] = points[0]!.split(',');
      out += `<circle cx="${x}" cy="${y}" r="3" fill="${color}"><title>${escapeHtml(series.name)}</title></circle>`;
    }
    // Legend below the axis labels.
    const lx = MARGIN.left + s * 110;
    out += `<rect x="${lx}" y="${height - 16}" width="10" height="10" fill="${color}"/>`;
    out += `<text x="${lx + 14}" y="${height - 7}" font-size="10" fill="#1f2328">${escapeHtml(series.name)}</text>`;
  });
  return `${out}</svg>`;
}
