import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client.ts';
import { createUsersRepo, type UsersRepo } from './users.ts';
import { createProjectsRepo, type ProjectsRepo } from './projects.ts';

/**
 * The only module that constructs the Prisma client. Everything else receives the
 * repositories below (or the shared pg pool, which the session store needs).
 */
export interface Database {
  pool: pg.Pool;
  users: UsersRepo;
  projects: ProjectsRepo;
  /** Runs fn in one transaction with repositories bound to it. */
  transaction<T>(fn: (tx: Pick<Database, 'users' | 'projects'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export function connectDatabase(url: string, options: { max?: number } = {}): Database {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10 });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    pool,
    users: createUsersRepo(prisma),
    projects: createProjectsRepo(prisma),
    transaction: (fn) =>
      prisma.$transaction((tx) => fn({ users: createUsersRepo(tx), projects: createProjectsRepo(tx) })),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
