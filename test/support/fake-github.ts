import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeGithubUser {
  id: number;
  login: string;
  name: string;
  email: string;
  /** "owner/repo" -> may push */
  push?: Record<string, boolean>;
}

/**
 * A stand-in for github.com and api.github.com on 127.0.0.1: the OAuth authorize and token
 * endpoints plus the few API calls the app makes. Records what it was asked.
 */
export async function startFakeGithub(users: FakeGithubUser[]) {
  const codes = new Map<string, FakeGithubUser>();
  const tokens = new Map<string, FakeGithubUser>();
  const requests: { method: string; path: string; scope?: string | null }[] = [];
  let nextUser = users[0];

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const userOf = (req: IncomingMessage) => tokens.get((req.headers.authorization ?? '').replace(/^(token|Bearer) /i, ''));

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    requests.push({ method: req.method ?? 'GET', path: url.pathname, scope: url.searchParams.get('scope') });
    if (url.pathname === '/login/oauth/authorize') {
      const user = nextUser!;
      const code = `code-${user.id}-${codes.size}`;
      codes.set(code, user);
      const back = new URL(url.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('code', code);
      back.searchParams.set('state', url.searchParams.get('state') ?? '');
      res.writeHead(302, { location: back.toString() });
      res.end();
      return;
    }
    if (url.pathname === '/login/oauth/access_token' && req.method === 'POST') {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const code = new URLSearchParams(body).get('code') ?? '';
        const user = codes.get(code);
        if (!user) {
          json(res, 200, { error: 'bad_verification_code' });
          return;
        }
        codes.delete(code);
        const token = `gho_${user.id}_${tokens.size}`;
        tokens.set(token, user);
        json(res, 200, { access_token: token, token_type: 'bearer', scope: 'user:email' });
      });
      return;
    }
    const user = userOf(req);
    if (!user) {
      json(res, 401, { message: 'Bad credentials' });
      return;
    }
    if (url.pathname === '/api/user') {
      json(res, 200, { id: user.id, login: user.login, name: user.name, email: null });
      return;
    }
    if (url.pathname === '/api/user/emails') {
      json(res, 200, [{ email: user.email, primary: true, verified: true }]);
      return;
    }
    const repo = /^\/api\/repos\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (repo) {
      const key = `${decodeURIComponent(repo[1]!)}/${decodeURIComponent(repo[2]!)}`;
      json(res, 200, { full_name: key, permissions: { admin: false, push: user.push?.[key] === true, pull: true } });
      return;
    }
    json(res, 404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    baseUrl: base,
    apiUrl: `${base}/api`,
    requests,
    /** The next authorize request logs in as this user. */
    loginAs(user: FakeGithubUser) {
      nextUser = user;
    },
    close: () => new Promise<void>((resolve) => server.close(() => { resolve(); })),
  };
}
