import { redactedError, type Logger } from '../logger.ts';
import { runWithRequestId } from '../request-context.ts';

/**
 * What the outbox and automation runs share: a table of queued jobs that every instance drains
 * by polling (the claims make concurrent drainers safe), and the retry bookkeeping of one job.
 */

export interface PollingWorker {
  /** Asks for a drain soon (after a commit that queued something), without waiting for it. */
  nudge(): void;
  /** Stops polling and waits for the drain in progress, so shutdown does not cut a job short. */
  stop(): Promise<void>;
}

/** Housekeeping on its own slower timer; a failure is logged and the next round tries again. */
export interface PollingChore {
  everyMs: number;
  run(): Promise<unknown>;
  failureMessage: string;
}

export interface PollingWorkerOptions {
  /** Names the drain in the warning logged when it throws (`<name> drain failed`). */
  name: string;
  pollMs: number;
  drain: () => Promise<unknown>;
  logger: Pick<Logger, 'warn'>;
  chores?: readonly PollingChore[];
}

/**
 * Drains every pollMs and on each nudge. One drain runs at a time; a nudge during a drain asks
 * for one more right after it, so a job queued mid-drain is not left for the next tick. A drain
 * that throws (database down) is logged and retried at the next tick. The timers are unref'd:
 * they never keep the process alive on their own.
 */
export function startPollingWorker(options: PollingWorkerOptions): PollingWorker {
  const { name, pollMs, drain, logger, chores = [] } = options;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  const tick = (): void => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .then(() => undefined)
      .catch((err: unknown) => {
        logger.warn(`${name} drain failed`, { error: redactedError(err) });
      })
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          tick();
        }
      });
  };
  const timers = [setInterval(tick, pollMs)];
  for (const chore of chores) {
    timers.push(
      setInterval(() => {
        void chore.run().catch((err: unknown) => {
          logger.warn(chore.failureMessage, { error: redactedError(err) });
        });
      }, chore.everyMs),
    );
  }
  for (const timer of timers) timer.unref();
  return {
    nudge: tick,
    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      await running;
    },
  };
}

/** A claimed job as the drain loop needs it: how often it was tried, and the request that queued it. */
export interface ClaimedJob {
  attempts: number;
  requestId: string | null;
}

export interface DrainJobsOptions<J extends ClaimedJob> {
  maxBatches: number;
  /** The claim's batch size: a shorter batch means nothing more is due. */
  batch: number;
  maxAttempts: number;
  claim(): Promise<J[]>;
  /** Does one job and records its outcome; a throw is a failed attempt. */
  run(job: J): Promise<void>;
  /** The job's last attempt failed: mark it failed and log it. */
  giveUp(job: J, error: string): Promise<void>;
  /** An earlier attempt failed: schedule the next one and log it. */
  retry(job: J, error: string): Promise<void>;
}

/**
 * Claims and runs due jobs in batches (bounded per call), each in the log context of the request
 * that queued it. Every job is finished on its own: a failure is retried later or, after the last
 * attempt, given up, and never blocks the others. Counts retries and give-ups into `counts`; what
 * `run` does with a job it counts itself.
 */
export async function drainJobs<J extends ClaimedJob>(counts: { retried: number; failed: number }, options: DrainJobsOptions<J>): Promise<void> {
  for (let i = 0; i < options.maxBatches; i++) {
    const jobs = await options.claim();
    if (jobs.length === 0) break;
    for (const job of jobs) {
      await runWithRequestId(job.requestId ?? undefined, async () => {
        try {
          await options.run(job);
        } catch (err) {
          // Redacted before it is stored or logged: error texts often quote a mail address.
          const error = redactedError(err);
          if (job.attempts >= options.maxAttempts) {
            await options.giveUp(job, error);
            counts.failed++;
          } else {
            await options.retry(job, error);
            counts.retried++;
          }
        }
      });
    }
    if (jobs.length < options.batch) break;
  }
}
