/**
 * Prints bench/results/*.json as Markdown tables (for docs/performance.md).
 *
 *   node --import tsx bench/summary.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface Result {
  benchmark: string;
  machine: { at: string; command: string };
  rows: Record<string, string | number | null>[];
}

const dir = path.resolve('bench/results');
for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const result = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Result;
  const columns = [...new Set(result.rows.flatMap((r) => Object.keys(r)))];
  process.stdout.write(`\n**${result.benchmark}** (${result.machine.at.slice(0, 16).replace('T', ' ')} UTC, \`${result.machine.command}\`)\n\n`);
  process.stdout.write(`| ${columns.join(' | ')} |\n|${columns.map(() => '---').join('|')}|\n`);
  for (const row of result.rows) process.stdout.write(`| ${columns.map((c) => String(row[c] ?? '')).join(' | ')} |\n`);
}
