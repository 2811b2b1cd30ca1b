import type { Reply } from './fake-route.js';

/**
 * One page of `items` as GitHub pages lists: `per_page` (default 30, at most 100) and `page`
 * (from 1) from the query, and a `Link` header with `next` and `last` while more follow.
 */
export function paginatedReply(
  items: readonly unknown[],
  query: URLSearchParams,
  url: string,
): Reply {
  const perPage = Math.min(Number(query.get('per_page') ?? 30) || 30, 100);
  const page = Math.max(Number(query.get('page') ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const link = (n: number, rel: string): string =>
    `<${url}?per_page=${perPage}&page=${n}>; rel="${rel}"`;
  const headers: Record<string, string> =
    page < last ? { link: `${link(page + 1, 'next')}, ${link(last, 'last')}` } : {};
  return { status: 200, body: items.slice((page - 1) * perPage, page * perPage), headers };
}
