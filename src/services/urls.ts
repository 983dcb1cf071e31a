/**
 * Canonical form of project URLs, used on write and (later) on lookup so that
 * "HTTPS://GitHub.com/Org/Repo.git/" and "https://github.com/Org/Repo" are the same project.
 * Only the scheme and host are case-folded: paths are case-sensitive on most forges.
 */
export const MAX_URL_LENGTH = 254;

export type UrlResult = { ok: true; url: string } | { ok: false; reason: 'scheme' | 'invalid' | 'too_long' };

export function canonicalUrl(input: string): UrlResult {
  const trimmed = input.trim();
  if (trimmed.length > MAX_URL_LENGTH) return { ok: false, reason: 'too_long' };
  if (!/^https?:\/\//i.test(trimmed)) return { ok: false, reason: 'scheme' };
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  // Credentials in a public project URL are almost certainly a mistake and would be published.
  if (!parsed.hostname || parsed.username || parsed.password || /\s/.test(trimmed)) {
    return { ok: false, reason: 'invalid' };
  }
  // URL already lower-cases scheme and host and drops default ports.
  let path = parsed.pathname;
  for (;;) {
    const next = path.replace(/(?<!\/)\/+$/, '').replace(/\.git$/i, '');
    if (next === path) break;
    // Removing ".git" can leave a dot segment ("/repo/..git" -> "/repo/."), which the next parse
    // would resolve: resolve it now, or the stored form would not be canonical.
    path = next === '' ? '' : new URL(`${parsed.protocol}//${parsed.host}${next}`).pathname;
  }
  const url = `${parsed.protocol}//${parsed.host}${path}${parsed.search}${parsed.hash}`;
  if (url.length > MAX_URL_LENGTH) return { ok: false, reason: 'too_long' };
  return { ok: true, url };
}
