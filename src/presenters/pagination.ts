export interface Pager {
  page: number;
  pages: number;
  total: number;
  prevHref: string | null;
  nextHref: string | null;
}

/**
 * Previous/next links that keep the other query parameters. Built here rather than in Pug so
 * every value is URL-encoded in one place.
 */
export function pager(path: string, params: Record<string, string>, page: number, perPage: number, total: number): Pager {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const href = (n: number) => {
    const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== ''));
    if (n > 1) query.set('page', String(n));
    const text = query.toString();
    return text ? `${path}?${text}` : path;
  };
  return {
    page,
    pages,
    total,
    prevHref: page > 1 ? href(Math.min(page - 1, pages)) : null,
    nextHref: page < pages ? href(page + 1) : null,
  };
}
