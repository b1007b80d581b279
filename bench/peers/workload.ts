/**
 * What every peer server of bench/workloads.ts answers, so that each does the same work:
 *
 * - `hello`: `Hello World!` as text/plain.
 * - `api`: the GitHub API route set; each route answers JSON `{ route, params, page }` (its Express-syntax route,
 *   its path values in pattern order, the `page` query value as a number, 1 when absent), with status 200; POST,
 *   PUT and PATCH read a JSON body (an {@link Item}) first and add it as `body`, POST answering 201.
 * - `static DIR`: a file server over DIR.
 * - `upload`: `POST /upload` reads the whole body and answers its length in bytes.
 *
 * Usage of every peer: `PEER WORKLOAD [DIR] PORT`; each prints `listening on host:port`.
 */

import { githubRoutes } from '../router/github-routes';

/** The JSON body API requests carry (and Go decodes into a struct of these fields). */
export interface Item {
  title: string;
  labels: string[];
  n: number;
}

export const sampleItem: Item = { title: 'Found a bug', labels: ['bug', 'ui'], n: 42 };

/** The API reply of every peer. */
export interface Reply {
  route: string;
  params: Record<string, string>;
  page: number;
  body?: Item;
}

export interface ApiRoute {
  method: string;
  /** Express syntax, as github-routes has it (`/repos/:owner/:repo`, `/…/*path`). */
  route: string;
  /** Parameter names in pattern order, the catch-all last. */
  names: string[];
  hasBody: boolean;
}

export const apiRoutes: ApiRoute[] = githubRoutes.map(([method, route]) => ({
  method,
  route,
  names: [...route.matchAll(/[:*](\w+)/g)].map((m) => m[1]),
  hasBody: method === 'POST' || method === 'PUT' || method === 'PATCH',
}));

/** The status of an API reply. */
export function apiStatus(method: string): number {
  return method === 'POST' ? 201 : 200;
}

/** The page number of a `page` query value, as every peer reads it. */
export function pageOf(v: string | undefined | null): number {
  const n = v ? Number.parseInt(v, 10) : NaN;
  return Number.isNaN(n) ? 1 : n;
}

/** The workload and extra arguments of a peer's command line, and the port (last). */
export function peerArgs(): { workload: string; dir: string; port: number } {
  const a = process.argv.slice(2);
  return { workload: a[0], dir: a.length > 2 ? a[1] : '', port: Number(a[a.length - 1] ?? 0) };
}

export function listening(port: number): void {
  process.stdout.write(`listening on 127.0.0.1:${port}\n`);
}

process.on('SIGTERM', () => process.exit(0));
