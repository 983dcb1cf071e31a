import { describe, expect, it } from 'vitest';
import { barChart, lineChart, niceMax } from '../../src/presenters/charts.ts';
import { statsCsv } from '../../src/presenters/stats-csv.ts';
import { secondsUntilNextSnapshot } from '../../src/services/stats.ts';

describe('niceMax', () => {
  it('rounds up to 1, 2 or 5 times a power of ten', () => {
    expect(niceMax(0)).toBe(1);
    expect(niceMax(Number.NaN)).toBe(1);
    expect(niceMax(1)).toBe(1);
    expect(niceMax(3)).toBe(5);
    expect(niceMax(7)).toBe(10);
    expect(niceMax(101)).toBe(200);
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
    const bars = [...svg.matchAll(/<rect x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"/g)].map((m) => Number(m[1]));
    expect(bars).toHaveLength(2);
    expect(bars[0]).toBeCloseTo(bars[1]! * 2, 1);
    expect(svg).not.toMatch(/style=/);
    expect(svg).not.toMatch(/<script/);
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
    const svg = lineChart({ title: 'History', labels: ['d1', 'd2', 'd3'], series: [{ name: 'Total', values: [1, 2, 3] }, { name: 'Gold & co', values: [0, 1, 1] }] });
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
