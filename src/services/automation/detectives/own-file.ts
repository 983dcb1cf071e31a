import type { ForgeRepo, RepoEntry } from '../../../domain/automation.ts';
import { skip } from './common.ts';

/** Where a project keeps a file of its own claims: at the top level, or else in one directory. */
export interface OwnFileLocation {
  atTop(entry: RepoEntry): boolean;
  /** The directory looked in when the top level has no such file (`.github`, `.project.d`). */
  fallbackDir: string;
  inFallbackDir(entry: RepoEntry): boolean;
  /** The skip reason when neither place has it. */
  missingKey: string;
  maxBytes: number;
}

/**
 * Finds and reads the file, skipping the detective with the reason the user sees when there is
 * no repository, its listing or the file cannot be read, or the file is not there. The fallback
 * directory is listed only when the top level shows it, to spare a request.
 */
export async function readOwnFile(repo: ForgeRepo | null, where: OwnFileLocation): Promise<{ entry: RepoEntry; text: string }> {
  if (!repo) skip('skipped.no_forge');
  const top = await repo.files.list();
  if (!top) skip('skipped.listing_unreadable', { url: repo.htmlUrl });
  let entry = top.find((e) => e.type === 'file' && where.atTop(e));
  if (!entry && top.some((e) => e.type === 'dir' && e.name === where.fallbackDir)) {
    entry = ((await repo.files.list(where.fallbackDir)) ?? []).find((e) => e.type === 'file' && where.inFallbackDir(e));
  }
  if (!entry) skip(where.missingKey);
  const text = await repo.files.read(entry.path, where.maxBytes);
  if (text === null) skip('skipped.file_unreadable', { url: entry.htmlUrl });
  return { entry, text };
}
