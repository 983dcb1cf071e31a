/**
 * `npm start`'s prestart: regenerates the Prisma client only when prisma/schema.prisma or the
 * prisma version changed since the last generation (a SHA-256 stamp beside the generated
 * client). Generating takes 1–2 s, more than half of a warm `npm start` (docs/performance.md).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const stamp = 'src/db/generated/.schema-sha256';
const prismaVersion = (JSON.parse(readFileSync('node_modules/prisma/package.json', 'utf8')) as { version: string }).version;
const hash = createHash('sha256').update(readFileSync('prisma/schema.prisma')).update(`\0${prismaVersion}`).digest('hex');
const current = existsSync(stamp) && existsSync('src/db/generated/client.ts') && readFileSync(stamp, 'utf8') === hash;
if (!current) {
  execFileSync('npm', ['run', 'db:generate', '--silent'], { stdio: 'inherit' });
  writeFileSync(stamp, hash);
}
