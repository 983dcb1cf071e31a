import { describe, expect, it } from 'vitest';
import { createGithubClient } from '../../src/services/github.ts';

/** A stand-in for the GitHub API that records each repository asked about and answers per token. */
function github(answer: (token: string, path: string) => Response | Error) {
  const asked: string[] = [];
  const fetchImpl = ((input: string | URL | Request, init?: RequestInit) => {
    const path = new URL(input instanceof Request ? input.url : input).pathname;
    const token = new Headers(init?.headers).get('authorization')!.replace(/^Bearer /, '');
    asked.push(`${token} ${path}`);
    const result = answer(token, path);
    return result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
  }) as typeof fetch;
  return { asked, fetchImpl };
}

const push = (value: boolean) => Response.json({ permissions: { push: value } });

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('GitHub push-rights cache', () => {
  it('asks GitHub once per user and repository within the TTL, and again after it', async () => {
    const api = github(() => push(true));
    const time = clock();
    const client = createGithubClient('https://api.example.test', { fetch: api.fetchImpl, ttlMs: 300_000, now: time.now });
    expect(await client.canPush(1, 'token-a', 'Owner', 'Repo')).toBe(true);
    expect(await client.canPush(1, 'token-a', 'owner', 'repo')).toBe(true);
    time.advance(299_999);
    expect(await client.canPush(1, 'token-a', 'owner', 'repo')).toBe(true);
    expect(api.asked).toHaveLength(1);
    time.advance(2);
    expect(await client.canPush(1, 'token-a', 'owner', 'repo')).toBe(true);
    expect(api.asked).toHaveLength(2);
  });

  it('keeps users and repositories apart, whatever their tokens have in common', async () => {
    // Same last characters of the token: a key built from a token suffix would mix these users up.
    const api = github((token, path) => push(token === 'xxxxxxxx-same1234' && path === '/repos/owner/one'));
    const client = createGithubClient('https://api.example.test', { fetch: api.fetchImpl });
    expect(await client.canPush(1, 'xxxxxxxx-same1234', 'owner', 'one')).toBe(true);
    expect(await client.canPush(2, 'yyyyyyyy-same1234', 'owner', 'one')).toBe(false);
    expect(await client.canPush(1, 'xxxxxxxx-same1234', 'owner', 'two')).toBe(false);
    expect(api.asked).toEqual(['xxxxxxxx-same1234 /repos/owner/one', 'yyyyyyyy-same1234 /repos/owner/one', 'xxxxxxxx-same1234 /repos/owner/two']);
    // A new login (new token) of the same user reuses the answer.
    expect(await client.canPush(1, 'renewed-token', 'owner', 'one')).toBe(true);
    expect(api.asked).toHaveLength(3);
  });

  it('evicts the least recently used answer beyond the maximum', async () => {
    const api = github(() => push(true));
    const client = createGithubClient('https://api.example.test', { fetch: api.fetchImpl, maxEntries: 2 });
    await client.canPush(1, 't', 'o', 'a');
    await client.canPush(1, 't', 'o', 'b');
    await client.canPush(1, 't', 'o', 'a'); // a is now the most recently used
    await client.canPush(1, 't', 'o', 'c'); // evicts b
    expect(api.asked).toHaveLength(3);
    await client.canPush(1, 't', 'o', 'a');
    expect(api.asked).toHaveLength(3);
    await client.canPush(1, 't', 'o', 'b');
    expect(api.asked).toHaveLength(4);
  });

  it('keeps a "no" from GitHub but never a failure', async () => {
    let reply: () => Response | Error = () => new Response('not found', { status: 404 });
    const api = github(() => reply());
    const client = createGithubClient('https://api.example.test', { fetch: api.fetchImpl });
    expect(await client.canPush(1, 't', 'o', 'hidden')).toBe(false);
    expect(await client.canPush(1, 't', 'o', 'hidden')).toBe(false);
    expect(api.asked).toHaveLength(1);

    for (const failure of [() => new Error('connection refused'), () => new Response('bad credentials', { status: 401 }), () => new Response('rate limited', { status: 403 }), () => new Response('oops', { status: 502 })]) {
      reply = failure;
      expect(await client.canPush(1, 't', 'o', 'flaky')).toBe(false);
    }
    expect(api.asked).toHaveLength(5);
    reply = () => push(true);
    expect(await client.canPush(1, 't', 'o', 'flaky')).toBe(true);
    expect(api.asked).toHaveLength(6);
  });
});
