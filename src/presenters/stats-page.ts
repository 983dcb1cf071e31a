import type { CriteriaSet } from '../criteria/index.ts';
import { HIGHER_BANDS, PASSING_BANDS, type StatsDay } from '../domain/stats.ts';
import type { Translate } from '../i18n.ts';
import { IN_PROGRESS, badgeLevelNames } from '../services/scoring/index.ts';
import { baselineBandPrefix, baselineLevelField, isoDate, statsRows, type StatsData } from '../services/stats.ts';
import { barChart, lineChart } from './charts.ts';

export interface StatsPageInput {
  /** Every daily snapshot, oldest first; the newest is the one shown. */
  days: StatsDay[];
  /** Today's numbers computed live, used only while there is no snapshot. */
  current: StatsData | null;
  months: { month: string; count: number }[];
  monthsCount: number;
}

/** Progress-band field prefixes and titles of the metal levels, by rank (upstream's names). */
const METAL_PREFIXES = ['percent_ge_', 'percent_1_ge_', 'percent_2_ge_'];
const METAL_TITLES = ['progress', 'progress_silver', 'progress_gold'];

/**
 * The statistics page: for each series, projects per badge level and the progress bands of each
 * level; new projects per month; badge holders over time. The view follows every chart with its
 * numbers as a folded table, so both are drawn from the rows built here.
 */
export function statsPageView(set: CriteriaSet, t: Translate, input: StatsPageInput) {
  const { days, months, monthsCount } = input;
  const latest = days.at(-1);
  const data: StatsData = latest ? latest.data : (input.current ?? {});
  const levelTitle = (key: string) => t(`criteria:levels.${key}`, { defaultValue: key });
  const levels = badgeLevelNames(set).map((key) => ({ key, className: `level-${key}`, name: t(`badge_levels.${key}`, { defaultValue: key }), count: data[`level_${key}`] ?? 0 }));
  const baselineSeries = set.series('baseline');
  // The baseline in-progress bar takes the colour of the baseline in-progress badge.
  const baselineLevels = baselineSeries.length
    ? badgeLevelNames(set, 'baseline').map((key) => ({
        key,
        className: key === IN_PROGRESS ? 'level-baseline-in-progress' : `level-${key}`,
        name: key === IN_PROGRESS ? t(`badge_levels.${key}`) : levelTitle(key),
        count: data[baselineLevelField(key)] ?? 0,
      }))
    : [];
  const bands = (prefix: string, list: readonly number[]) => list.map((band) => ({ band, count: data[`${prefix}${band}`] ?? 0 }));
  const progress = [
    ...set.series('metal').map((level) => ({
      level: level.key,
      title: t(`stats:page.${METAL_TITLES[level.rank] ?? 'progress_level'}`, { level: levelTitle(level.key) }),
      bands: bands(METAL_PREFIXES[level.rank] ?? '', level.rank === 0 ? PASSING_BANDS : HIGHER_BANDS),
    })),
    ...baselineSeries.map((level) => ({
      level: level.key,
      title: t('stats:page.progress_level', { level: levelTitle(level.key) }),
      bands: bands(baselineBandPrefix(level.rank), HIGHER_BANDS),
    })),
  ].map((p) => ({
    ...p,
    chart: barChart({ title: p.title, labels: p.bands.map((b) => t('stats:page.band', { band: b.band })), values: p.bands.map((b) => b.count) }),
  }));
  const rows = statsRows(days);
  const history = rows.length
    ? lineChart({
        title: t('stats:page.history_passing'),
        labels: rows.map((r) => r.date),
        series: [
          { name: t('stats:page.series_total'), values: rows.map((r) => r.values.total_projects ?? r.values.percent_ge_0 ?? 0) },
          { name: t('stats:page.series_passing'), values: rows.map((r) => r.values.percent_ge_100 ?? 0), className: 'level-passing' },
          { name: t('stats:page.series_silver'), values: rows.map((r) => r.values.percent_1_ge_100 ?? 0), className: 'level-silver' },
          { name: t('stats:page.series_gold'), values: rows.map((r) => r.values.percent_2_ge_100 ?? 0), className: 'level-gold' },
        ],
      })
    : null;
  // Holders of each baseline badge per day (the 100 band needs every lower level complete).
  const baselineHistorySeries = baselineSeries.map((level) => ({
    key: level.key,
    name: levelTitle(level.key),
    values: rows.map((r) => r.values[`${baselineBandPrefix(level.rank)}100`] ?? 0),
  }));
  const baselineHistory = rows.length && baselineSeries.length
    ? lineChart({
        title: t('stats:page.history_baseline'),
        labels: rows.map((r) => r.date),
        series: baselineHistorySeries.map((s) => ({ name: s.name, values: s.values, className: `level-${s.key}` })),
      })
    : null;
  const countsChart = (title: string, list: typeof levels) =>
    barChart({ title, labels: list.map((l) => l.name), values: list.map((l) => l.count), barClasses: list.map((l) => l.className) });
  return {
    asOf: latest ? isoDate(latest.day) : null,
    total: data.total_projects ?? data.percent_ge_0 ?? 0,
    levels,
    levelChart: countsChart(t('stats:page.by_level'), levels),
    baselineLevels,
    baselineLevelChart: baselineLevels.length ? countsChart(t('stats:page.by_baseline_level'), baselineLevels) : null,
    months,
    monthsCount,
    monthChart: barChart({ title: t('stats:page.new_per_month', { months: monthsCount }), labels: months.map((m) => m.month), values: months.map((m) => m.count) }),
    progress,
    history,
    historyRows: rows,
    baselineHistory,
    baselineHistorySeries,
  };
}
