import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The directory holding package.json, views/, public/, locales/, criteria/ and prisma/.
 *
 * Found by walking up from this module rather than with a fixed number of `..`, because the
 * same module runs from src/ (development, through tsx) and from dist/src/ (the compiled
 * production build), which sit at different depths below the root.
 */
export const projectRoot: string = findProjectRoot(import.meta.dirname);

/** An absolute path below the project root, e.g. `fromProjectRoot('views')`. */
export function fromProjectRoot(...segments: string[]): string {
  return path.join(projectRoot, ...segments);
}

export function findProjectRoot(start: string): string {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${start}: cannot find the project root`);
    dir = parent;
  }
}
