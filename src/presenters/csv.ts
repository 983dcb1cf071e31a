/**
 * The one CSV cell writer, used by every CSV the site serves (project list, bulk export,
 * statistics), so no writer can forget a rule.
 */

// Spreadsheets evaluate a cell that starts with one of these as a formula (OWASP "CSV
// injection"); tab and carriage return count because some programs strip them first.
const FORMULA_START = /^[=+\-@\t\r]/;

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map(String).join(',');
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * One cell. RFC 4180: fields containing a comma, quote or line break are quoted and embedded
 * quotes doubled. OWASP: text that a spreadsheet would read as a formula gets a leading single
 * quote and is quoted. Numbers are written as numbers: a negative count is no formula.
 */
export function csvCell(value: unknown): string {
  const raw = text(value);
  if (typeof value !== 'number' && FORMULA_START.test(raw)) return `"'${raw.replace(/"/g, '""')}"`;
  return /[",\r\n]/.test(raw) ? `"${raw.replace(/"/g, '""')}"` : raw;
}

/** Rows of cells as CSV text with CRLF line ends, ending in a line break. */
export function csvLines(rows: readonly (readonly unknown[])[]): string {
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
