import { statsColumns, type StatsRow } from '../services/stats.ts';
import { csvLines } from './csv.ts';

/** /project_stats.csv: a date column, then the union of the numeric columns of all rows. */
export function statsCsv(rows: StatsRow[]): string {
  const columns = statsColumns(rows);
  return csvLines([['date', ...columns], ...rows.map((row) => [row.date, ...columns.map((c) => row.values[c] ?? '')])]);
}
