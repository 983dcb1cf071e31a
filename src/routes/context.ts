import type { ServiceContext } from '../services/context.ts';

/** Everything a route module needs, passed explicitly (no globals) so tests can build apps freely. */
export type AppContext = ServiceContext;
