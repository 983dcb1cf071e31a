import { describe, expect, it } from 'vitest';
import { NARROW_WIDTH, axisTicks, barChart, lineChart } from '../../src/presenters/charts.ts';
import { statsCsv } from '../../src/presenters/stats-csv.ts';
import { secondsUntilNextSnapshot } from '../../src/services/stats.ts';describe('axisTicks', () => {
  const wholeNumbers = (ticks: number[]) => ticks.every((v) => Number.isInteger(v));

  it('counts in ones for small maxima, never in fractions', () => {
    expect(axisTicks(1)).toEqual({ max: 1, step: 1, ticks: [0, 1] });
    expect(axisTicks(3)).toEqual({ max: 3, step: 1, ticks: [0, 1, 2, 3] });
    expect(axisTicks(5).ticks).toEqual([0, 1, 2, 3, 4, 5]);
    // 0.4 projects cannot happen; a fractional input still gets whole ticks.
    expect(axisTicks(0.4)).toEqual({ max: 1, step: 1, ticks: [0, 1] });
  });

  it('has an axis for no data at all', () => {
    for (const max of [0, -3, Number.NaN, Number.POSITIVE_INFINITY]) expect(axisTicks(max)).toEqual({ max: 1, step: 1, ticks: [0, 1] });
  });

  it('steps by 1, 2 or 5 times a power of ten, with at most five intervals', () => {
    expect(axisTicks(7)).toEqual({ max: 8, step: 2, ticks: [0, 2, 4, 6, 8] });
    expect(axisTicks(12)).toEqual({ max: 15, step: 5, ticks: [0, 5, 10, 15] });
    expect(axisTicks(101)).toEqual({ max: 150, step: 50, ticks: [0, 50, 100, 150] });
    expect(axisTicks(1000).step).toBe(200);
    expect(axisTicks(12_345)).toEqual({ max: 15_000, step: 5000, ticks: [0, 5000, 10_000, 15_000] });
  });

  it('always reaches the maximum with whole, evenly spaced ticks', () => {
    for (let max = 1; max <= 5000; max += max < 50 ? 1 : 37) {
      const { max: top, step, ticks } = axisTicks(max);
      expect(wholeNumbers(ticks), `max ${max}`).toBe(true);
      expect(top).toBeGreaterThanOrEqual(max);
      expect(ticks.length - 1).toBeLessThanOrEqual(5);
      expect(ticks.at(-1)).toBe(top);
      expect(/^[125]0*$/.test(String(step)), `step ${step} for ${max}`).toBe(true);
      // The axis ends at the first tick at or above the maximum: no empty band on top.
      expect(top - step).toBeLessThan(max);
    }
  });

  it('honours a different number of intervals', () => {
    expect(axisTicks(10, 10).step).toBe(1);
    expect(axisTicks(10, 2).step).toBe(5);
  });
});



/** The two drawings of a chart: [wide, narrow]. */
function layouts(svg: string): string[] {
  return svg.split(/(?=<svg )/);
}
const wide = (svg: string): string => layouts(svg)[0]!;
const narrow = (svg: string): string => layouts(svg)[1]!;

/** Text size on screen when the drawing fills a column `column` px wide (width: 100% in app.css). */
function renderedSizes(svg: string, column: number): number[] {
  const viewWidth = Number(/viewBox="0 0 ([\d.]+) /.exec(svg)![1]);
  const scale = column / viewWidth;
  return [...svg.matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1]) * scale);
}

describe('phone layout', () => {
  // A 390 px phone: main's padding leaves a 358 px column.
  const PHONE_COLUMN = 358;
  const bars = barChart({ title: 'Projects by badge level', labels: ['In progress', 'Passing', 'Silver', 'Gold'], values: [5, 3, 1, 1], barClasses: ['level-in_progress', 'level-passing', 'level-silver', 'level-gold'] });
  const lines = lineChart({
    title: 'History',
    labels: Array.from({ length: 30 }, (_, i) => `2026-04-${String(i + 1).padStart(2, '0')}`),
    series: ['All projects', 'Passing', 'Silver', 'Gold'].map((name, s) => ({ name, values: Array.from({ length: 30 }, (_, i) => i * (4 - s)) })),
  });

  it('draws every chart twice, a wide and a narrow drawing the stylesheet chooses between', () => {
    for (const svg of [bars, lines]) {
      expect(layouts(svg)).toHaveLength(2);
      expect(wide(svg)).toMatch(/^<svg [^>]*class="chart chart-wide"[^>]*viewBox="0 0 640 /);
      expect(narrow(svg)).toMatch(new RegExp(`^<svg [^>]*class="chart chart-narrow"[^>]*viewBox="0 0 ${NARROW_WIDTH} `));
      // Both are the same image to assistive technology; only one is displayed at any width.
      expect(/aria-label="([^"]+)"/.exec(wide(svg))![1]).toBe(/aria-label="([^"]+)"/.exec(narrow(svg))![1]);
    }
  });

  it('keeps text at 12 px or more on a 390 px phone, where the wide drawing would shrink it to 7 px', () => {
    for (const svg of [bars, lines]) {
      expect(Math.min(...renderedSizes(narrow(svg), PHONE_COLUMN))).toBeGreaterThanOrEqual(12);
      expect(Math.min(...renderedSizes(wide(svg), PHONE_COLUMN))).toBeLessThan(7);
    }
  });

  it('names every level on a phone: long labels alternate between two rows instead of being left out', () => {
    for (const label of ['In progress', 'Passing', 'Silver', 'Gold']) expect(narrow(bars)).toContain(`>${label}</text>`);
    const rows = new Set([...narrow(bars).matchAll(/<text x="[^"]+" y="([^"]+)" font-size="12" text-anchor="middle"/g)].map((m) => m[1]));
    expect(rows.size).toBe(2);
  });

  it('wraps a legend that does not fit one row, making the drawing taller, and keeps it inside', () => {
    const swatches = [...narrow(lines).matchAll(/<rect class="swatch[^"]*" x="([\d.]+)" y="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    expect(swatches).toHaveLength(4);
    expect(new Set(swatches.map(([, y]) => y)).size).toBeGreaterThan(1);
    const height = Number(/viewBox="0 0 \d+ ([\d.]+)"/.exec(narrow(lines))![1]);
    for (const [x, y] of swatches) {
      expect(x).toBeLessThan(NARROW_WIDTH);
      expect(y + 12).toBeLessThanOrEqual(height);
    }
    // The wide drawing has room for the four entries in one row.
    expect(new Set([...wide(lines).matchAll(/<rect class="swatch[^"]*" x="[\d.]+" y="([\d.]+)"/g)].map((m) => m[1])).size).toBe(1);
  });

  it('wraps a long title on the narrow drawing instead of cutting it off, growing the drawing by the extra lines', () => {
    const title = 'Progress towards the passing badge';
    const chart = barChart({ title, labels: ['≥ 0%', '≥ 25%'], values: [3, 2] });
    const lines = (svg: string) => [...svg.matchAll(/<tspan x="52" y="[\d.]+">([^<]*)<\/tspan>/g)].map((m) => m[1]);
    expect(lines(wide(chart))).toEqual([title]);
    expect(lines(narrow(chart))).toEqual(['Progress towards the passing', 'badge']);
    expect(narrow(chart)).toContain(`viewBox="0 0 ${NARROW_WIDTH} 319"`);
    expect(narrow(chart)).toContain('<g transform="translate(0 19)">');
    // Each line fits: 15 px bold text of at most (320 - 52 - 16) / 8.5 characters.
    for (const line of lines(narrow(chart))) expect(line!.length).toBeLessThanOrEqual(29);
  });

  it('draws one layout only when a size is asked for', () => {
    expect(layouts(barChart({ title: 'x', labels: ['a'], values: [1], width: 400 }))).toHaveLength(1);
  });
});

describe('barChart', () => {
  const svg = barChart({ title: 'Levels <&> "q"', labels: ['a<b', 'c'], values: [4, 2] });

  it('is an accessible image with an escaped title and label', () => {
    expect(svg.startsWith('<svg ')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('aria-label="Levels &lt;&amp;&gt; &quot;q&quot;"');
    expect(svg).toContain('<title>Levels &lt;&amp;&gt; &quot;q&quot;</title>');
    expect(svg).toContain('a&lt;b');
    expect(svg).not.toContain('a<b');
  });

  it('draws one bar per value scaled to the nice maximum, without style attributes', () => {
    const bars = [...wide(svg).matchAll(/<rect class="bar" x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"/g)].map((m) => Number(m[1]));
    expect(bars).toHaveLength(2);
    expect(bars[0]).toBeCloseTo(bars[1]! * 2, 1);
    expect(svg).not.toMatch(/style=/);
    expect(svg).not.toMatch(/<script/);
  });

  it('labels the axis with whole project counts in text of at least 12 px', () => {
    const small = wide(barChart({ title: 'Few', labels: ['a', 'b', 'c'], values: [1, 3, 2] }));
    const ticks = [...small.matchAll(/<text class="tick"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(ticks).toEqual(['0', '1', '2', '3']);
    const sizes = [...small.matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
  });

  it('is 640 by 320 by default and carries the classes given per bar', () => {
    const out = barChart({ title: 'Levels', labels: ['passing', 'gold'], values: [2, 1], barClasses: ['level-passing', null] });
    expect(wide(out)).toContain('viewBox="0 0 640 320"');
    expect(wide(out)).toContain('<rect class="bar level-passing"');
    expect(wide(out).match(/<rect class="bar"/g)).toHaveLength(1);
  });

  it('does not overlap long x labels', () => {
    const labels = Array.from({ length: 24 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`);
    const out = wide(barChart({ title: 'Months', labels, values: labels.map(() => 1) }));
    const drawn = labels.filter((l) => out.includes(`>${l}</text>`));
    expect(drawn.length).toBeGreaterThan(1);
    expect(drawn.length).toBeLessThanOrEqual(24 / 2);
  });

  it('treats negative and non-finite values as zero', () => {
    const out = barChart({ title: 'x', labels: ['a', 'b'], values: [-5, Number.POSITIVE_INFINITY] });
    expect(out).not.toContain('NaN');
    expect(out).not.toContain('Infinity');
    expect(out).not.toContain('height="-');
  });
});

describe('lineChart', () => {
  it('draws a polyline per series with a legend', () => {
    const svg = wide(lineChart({ title: 'History', labels: ['d1', 'd2', 'd3'], series: [{ name: 'Total', values: [1, 2, 3] }, { name: 'Gold & co', values: [0, 1, 1] }] }));
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('Gold &amp; co');
    expect(svg).toContain('role="img"');
    expect(svg).not.toMatch(/style=/);
  });

  it('draws a point for a single day and copes with no data', () => {
    expect(lineChart({ title: 'One', labels: ['d1'], series: [{ name: 'T', values: [5] }] })).toContain('<circle');
    const empty = lineChart({ title: 'None', labels: [], series: [] });
    expect(empty).toContain('</svg>');
    expect(empty).not.toContain('NaN');
  });
});

describe('stats helpers', () => {
  it('writes CSV with a header and one line per day', () => {
    expect(statsCsv([{ date: '2026-01-01', values: { a: 1, b: 2 } }, { date: '2026-01-02', values: { a: 3 } }])).toBe('date,a,b\r\n2026-01-01,1,2\r\n2026-01-02,3,\r\n');
  });

  it('caches until the next 23:30 UTC, briefly around it', () => {
    expect(secondsUntilNextSnapshot(new Date('2026-01-01T23:00:00Z'))).toBe(1800);
    expect(secondsUntilNextSnapshot(new Date('2026-01-01T23:29:00Z'))).toBe(120);
    expect(secondsUntilNextSnapshot(new Date('2026-01-01T23:31:00Z'))).toBe(120);
    expect(secondsUntilNextSnapshot(new Date('2026-01-02T00:00:00Z'))).toBe(23.5 * 3600);
  });
});
