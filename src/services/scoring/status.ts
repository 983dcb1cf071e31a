/**
 * Answer status codes as stored per criterion. The numbering is upstream's: 3 = Met was chosen so
 * that a single flipped bit can never turn "unknown" (0) into "Met".
 */
export const STATUS = { unknown: 0, unmet: 1, na: 2, met: 3 } as const;

export type StatusCode = (typeof STATUS)[keyof typeof STATUS];

/** Display label of each status; the index is the status code. */
export const STATUS_LABELS = ['?', 'Unmet', 'N/A', 'Met'] as const satisfies readonly string[];

export interface Answer {
  status: StatusCode;
  justification: string | null;
}

/** Answers keyed by criterion id. A missing id means "unknown" (?). */
export type Answers = Readonly<Record<string, Answer>>;
