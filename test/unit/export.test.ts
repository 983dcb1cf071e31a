import { describe, expect, it } from 'vitest';
import { criteria } from '../../src/criteria/index.ts';
import type { ExportRepo } from '../../src/db/export.ts';
import type { ExportBatch, ExportCursor } from '../../src/domain/export.ts';
import type { ProjectWithOwner } from '../../src/db/types.ts';
import { exportChunks } from '../../src/presenters/project-export.ts';
import { EXPORT_BATCH_SIZE, exportBatches, parseExportQuery, pumpExport, type ExportSink } from '../../src/services/export.ts';

const set = criteria();

function fakeProject(id: number): ProjectWithOwner {
  return {
    id,
    answers: {},
    tieredPercentage: 0,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    owner: { id: 1, name: 'Owner', nickname: null },
    additionalRightUserIds: [],
  } as unknown as ProjectWithOwner;
}

/** A repository of `total` projects that records every call. */
function fakeRepo(total: number): ExportRepo & { calls: { after: ExportCursor | null; limit: number }[] } {
  const calls: { after: ExportCursor | null; limit: number }[] = [];
  return {
    calls,
    batch(after, limit): Promise<ExportBatch> {
      calls.push({ after, limit });
      const start = after ? after.id : 0;
      const ids = Array.from({ length: Math.max(0, Math.min(limit, total - start)) }, (_, i) => start + i + 1);
      const last = ids[ids.length - 1];
      return Promise.resolve({
        projects: ids.map(fakeProject),
        next: ids.length < limit || last === undefined ? null : { createdAt: `t${last}`, id: last },
      });
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

describe('bulk export service', () => {
  it('reads in batches of the batch size and writes one valid JSON array', async () => {
    const repo = fakeRepo(1234);
    const chunks: string[] = [];
    const complete = await pumpExport(exportChunks(exportBatches(repo), set, 'json'), { write: (c) => (chunks.push(c), Promise.resolve(true)) });
    expect(complete).toBe(true);
    expect(EXPORT_BATCH_SIZE).toBe(250);
    expect(repo.calls.map((c) => c.limit)).toEqual(Array.from({ length: Math.ceil(1234 / EXPORT_BATCH_SIZE) }, () => EXPORT_BATCH_SIZE));
    expect((JSON.parse(chunks.join('')) as { id: number }[]).map((p) => p.id)).toEqual(Array.from({ length: 1234 }, (_, i) => i + 1));
  });

  it('writes [] and a lone CSV header when there is nothing to export', async () => {
    for (const [format, expected] of [['json', '[]'], ['csv', null]] as const) {
      const chunks: string[] = [];
      await pumpExport(exportChunks(exportBatches(fakeRepo(0)), set, format), { write: (c) => (chunks.push(c), Promise.resolve(true)) });
      if (expected) expect(chunks.join('')).toBe(expected);
      else expect(chunks.join('').split('\r\n')).toHaveLength(2);
    }
    const csv: string[] = [];
    await pumpExport(exportChunks(exportBatches(fakeRepo(1000)), set, 'csv'), { write: (c) => (csv.push(c), Promise.resolve(true)) });
    expect(csv.join('').split('\r\n')).toHaveLength(1000 + 2);
  });

  it('reads at most one batch ahead while the receiver is full (back-pressure)', async () => {
    const repo = fakeRepo(5000);
    const written: string[] = [];
    let release: (() => void) | undefined;
    let projectsWritten = 0;
    const sink: ExportSink = {
      write(chunk) {
        written.push(chunk);
        projectsWritten += chunk.split('{"id":').length - 1;
        // Like res.write returning false: the promise settles only on 'drain'.
        return new Promise((resolve) => {
          release = () => {
            resolve(true);
          };
        });
      },
    };
    const done = pumpExport(exportChunks(exportBatches(repo), set, 'json'), sink);
    await tick();
    // The batch being written and the one read meanwhile; nothing more until the receiver drains.
    expect(repo.calls).toHaveLength(2);
    expect(written).toHaveLength(1);
    await tick();
    expect(repo.calls).toHaveLength(2);
    expect(written).toHaveLength(1);
    // Draining chunk by chunk: never more than one batch read beyond the ones being written.
    const state = { finished: false };
    void done.then(() => (state.finished = true));
    while (!state.finished) {
      expect(repo.calls.length).toBeLessThanOrEqual(Math.floor(projectsWritten / EXPORT_BATCH_SIZE) + 2);
      release!();
      await new Promise(setImmediate);
    }
    expect(await done).toBe(true);
    expect(repo.calls).toHaveLength(5000 / EXPORT_BATCH_SIZE + 1);
  });

  it('stops reading when the receiver goes away (one batch ahead at most)', async () => {
    const repo = fakeRepo(5000);
    let writes = 0;
    const complete = await pumpExport(exportChunks(exportBatches(repo), set, 'csv'), { write: () => Promise.resolve(++writes < 2) });
    expect(complete).toBe(false);
    expect(repo.calls).toHaveLength(2);
    await tick();
    expect(repo.calls).toHaveLength(2);
  });

  it('accepts all=1 alone or with the list filters, and nothing else', () => {
    expect(parseExportQuery('all=1')).toEqual({ ok: true, filter: {} });
    expect(parseExportQuery('all=1&status=passing&q=tool')).toEqual({ ok: true, filter: { minTiered: 100, text: 'tool' } });
    for (const q of ['all=0', 'all=1&all=1', 'all=1&page=2', 'all=1&gteq=x', 'all=1&status=', 'all=1&bogus=1', 'all=true', 'all=']) {
      expect(parseExportQuery(q).ok, q).toBe(false);
    }
    expect(parseExportQuery('all=1&sort=name')).toMatchObject({ ok: false, details: { sort: expect.any(String) as string } });
  });
});
