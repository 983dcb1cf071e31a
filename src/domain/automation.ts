/**
 * The contract between the automation engine (src/services/automation/), its detectives and the
 * forges they read (src/services/forges/). Detectives only propose; the engine decides what is
 * applied, and a person's real answer is replaced only by a forced proposal.
 */
import type { StatusCode } from './project.ts';

/** Confidence 1–5; fractions occur (2.5, 3.5). From FORCE_CONFIDENCE on a proposal is forced. */
export type Confidence = number;
export const FORCE_CONFIDENCE = 4;
export const MAX_CONFIDENCE = 5;

/**
 * Why a detective proposes something, as a translation key and its parameters: the text is
 * rendered in the reader's language (and in the project's entry locale when it becomes a
 * justification). Words that are not ours to translate (a justification copied from a mapped
 * criterion or from the repository's own file) travel as a parameter.
 */
export interface Explanation {
  key: string;
  params?: Record<string, string | number>;
}

/**
 * Field names are the wire names: `name`, `description`, `license`, `implementation_languages`,
 * `<criterion>_status`, `<criterion>_justification`, plus pseudo-fields such as `repo_files`
 * that only exist between detectives.
 */
export type FieldName = string;

/** A `_status` proposal carries a StatusCode; every other field a string. */
export type ProposedValue = StatusCode | string;

export interface Proposal {
  value: ProposedValue;
  confidence: Confidence;
  explanation: Explanation;
  /** A link a maintainer can follow to check the claim (a file on the forge, a site). */
  evidenceUrl?: string;
}

export type Proposals = Record<FieldName, Proposal>;

/** What a detective reads: current values of its inputs (the project's, or applied proposals). */
export type FieldValues = Readonly<Record<FieldName, ProposedValue | null | undefined>>;

/** One entry of a repository listing. */
export interface RepoEntry {
  /** File or directory name, without any path. */
  name: string;
  /** Path from the repository root, `/`-separated. */
  path: string;
  type: 'file' | 'dir';
  /** Bytes; 0 for directories or when the forge does not say. */
  size: number;
  /** Where a person sees this entry in the browser (evidence link). */
  htmlUrl: string;
}

/** Read access to one repository's default branch; every method answers null when it cannot tell. */
export interface RepoFiles {
  list(dir?: string): Promise<RepoEntry[] | null>;
  /** Text of a file, or null when absent, unreadable, or larger than maxBytes. */
  read(path: string, maxBytes: number): Promise<string | null>;
}

/** Facts a forge reports about a repository (each absent when it does not say). */
export interface RepoMetadata {
  name?: string;
  description?: string;
  /** SPDX identifier (never NOASSERTION). */
  license?: string;
  /** Largest first. */
  languages?: string[];
  /** Whether the forge says the repository is publicly visible. */
  public?: boolean;
}

export type ForgeKind = 'github' | 'gitlab' | 'gitea';

/** A repository recognised on a configured forge. */
export interface ForgeRepo {
  forge: ForgeKind;
  /** `owner/name` (GitLab: the full namespace path). */
  slug: string;
  htmlUrl: string;
  metadata(): Promise<RepoMetadata | null>;
  files: RepoFiles;
}

/** The outside world as detectives may see it; built per run by the automation service. */
export interface Evidence {
  /** The project's repository on a known forge, or null (unknown host, no repo_url). */
  repo: ForgeRepo | null;
  /**
   * Response headers of an HTTPS site, lower-cased names, through the SSRF-safe fetcher
   * (null when the site cannot be fetched or the URL is refused).
   */
  siteHeaders(url: string): Promise<Record<string, string> | null>;
}

export interface Detective {
  /** Stable identifier, shown in explanations and logs (e.g. `repo-files`). */
  readonly name: string;
  readonly inputs: readonly FieldName[];
  readonly outputs: readonly FieldName[];
  /** Outputs this detective may force (confidence ≥ FORCE_CONFIDENCE); documentation and a test. */
  readonly overridableOutputs?: readonly FieldName[];
  /**
   * `context` (optional to read) lets a detective see what earlier detectives proposed in this
   * run: the mapping detectives scale a proposal-derived answer by the proposal's confidence.
   */
  analyze(evidence: Evidence, current: FieldValues, context?: DetectiveContext): Promise<Proposals>;
}

/** What the engine tells a detective about the run so far. */
export interface DetectiveContext {
  /** Proposals merged so far (before this detective), by field. */
  readonly proposals: Readonly<Proposals>;
  /** Fields whose current value is the project's own (not an applied proposal). */
  readonly fromProject: ReadonlySet<FieldName>;
}

/**
 * Thrown by a detective that has nothing to say for a reason worth showing ("the repository is not
 * on a forge we know"): the engine records the reason under `skipped` and logs nothing.
 */
export class DetectiveSkipped extends Error {
  readonly reason: Explanation;
  constructor(reason: Explanation) {
    super(reason.key);
    this.name = 'DetectiveSkipped';
    this.reason = reason;
  }
}
