// Meta-frameworks, whose file conventions make entries of exports: Next.js (route.ts, pages/api,
// getServerSideProps, middleware, server actions), Remix loaders and actions, SvelteKit endpoints,
// load functions and form actions, Astro endpoints, Nuxt/Nitro server routes.
import { AST_NODE_TYPES as T } from '../../parse/parse';
import { stripExtension } from '../../project';
import type { Node } from '../../syntax/nodes';
import { Path, toPath } from '../path';
import type { ExportQuestion, FunctionQuestion, MemberQuestion } from './hooks';
import { HTTP_ROUTE_HANDLER } from './httpServers';
import { hasDirective } from './read';
import { defineRule, entry, EntryMatch } from './rule';

export const NEXTJS_ROUTE_HANDLER = defineRule({
  id: 'nextjs-route-handler',
  effect: 'user-waiting',
  title: 'Next.js app router route handler',
  messages: {
    route: (exportName: string, where: string) => `Next.js ${exportName} route handler in ${where}`,
    serverSideProps: (where: string) => `Next.js getServerSideProps in ${where}: it runs on each request for the page`,
    middleware: (where: string) => `Next.js middleware in ${where}: it runs before the requests it matches`,
  },
});

export const NEXTJS_API_ROUTE = defineRule({
  id: 'nextjs-api-route',
  effect: 'user-waiting',
  title: 'Next.js pages/api route',
  messages: {
    route: (where: string) => `Next.js API route handler in ${where}`,
  },
});

export const SERVER_ACTION = defineRule({
  id: 'server-action',
  effect: 'user-waiting',
  title: "Server action ('use server')",
  messages: {
    action: (name: string | null, where: string) => `server action ${name ?? ''} in ${where}`.replace('  ', ' '),
    exported: (exportName: string, file: string) => `server action ${exportName} in ${file}`,
  },
});

export const REMIX_LOADER = defineRule({
  id: 'remix-loader',
  effect: 'user-waiting',
  title: 'Remix loader or action',
  messages: {
    loader: (exportName: string, where: string) => `Remix ${exportName} in ${where}`,
  },
});

export const RULES = [NEXTJS_ROUTE_HANDLER, NEXTJS_API_ROUTE, SERVER_ACTION, REMIX_LOADER] as const;

export const ROUTE_EXPORTS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** The URL path a Next.js route file serves: app/api/x/route.ts and pages/api/x.ts → /api/x. */
export function nextRoutePath(file: string): string | null {
  const base = stripExtension(file);
  const app = /(?:^|\/)app(\/.*)?\/route$/.exec(base);
  if (app) return (app[1] ?? '/').replace(/\/\([^/]+\)/g, '') || '/';
  const pages = /(?:^|\/)pages(\/api\/.*)$/.exec(base);
  if (pages) return pages[1].replace(/\/index$/, '');
  return null;
}

/** File-convention entries for an exported function: Next.js route.ts / pages/api, SvelteKit +server.ts, Remix, Astro, Nuxt. */
export function frameworkConvention(file: string, exportName: string, node: Node): EntryMatch | null {
  const where = `${file}:${node.loc.start.line}`;
  const base = stripExtension(file);
  if (/(^|\/)app\/(.*\/)?route$/.test(base) && ROUTE_EXPORTS.has(exportName)) return entry(NEXTJS_ROUTE_HANDLER, NEXTJS_ROUTE_HANDLER.messages.route(exportName, where), node);
  if (/(^|\/)\+server$/.test(base) && ROUTE_EXPORTS.has(exportName)) return entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.sveltekitEndpoint(exportName, where), node);
  if (/(^|\/)app\/routes\//.test(base) && (exportName === 'loader' || exportName === 'action')) return entry(REMIX_LOADER, REMIX_LOADER.messages.loader(exportName, where), node);
  if (/(^|\/)pages\/api\//.test(base) && exportName === 'default') return entry(NEXTJS_API_ROUTE, NEXTJS_API_ROUTE.messages.route(where), node);
  if (/(^|\/)pages\//.test(base) && exportName === 'getServerSideProps') return entry(NEXTJS_ROUTE_HANDLER, NEXTJS_ROUTE_HANDLER.messages.serverSideProps(where), node);
  if (/(^|\/)(src\/)?middleware$/.test(base) && (exportName === 'middleware' || exportName === 'default')) return entry(NEXTJS_ROUTE_HANDLER, NEXTJS_ROUTE_HANDLER.messages.middleware(where), node);
  if (/(^|\/)\+(page|layout)(\.server)?$/.test(base) && exportName === 'load') return entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.sveltekitLoad(where), node);
  if (/(^|\/)src\/pages\//.test(base) && (ROUTE_EXPORTS.has(exportName) || exportName === 'ALL')) return entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.astro(exportName, where), node);
  if (/(^|\/)server\/(api|routes|middleware)\//.test(base) && exportName === 'default') {
    return entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.nuxt(/\/middleware\//.test(base) ? 'middleware' : 'route', where), node);
  }
  return null;
}

export function frameworkExport(q: ExportQuestion): Path[] | null {
  const match = frameworkConvention(q.file, q.exportName, q.value);
  return match ? [toPath(match, q.file)] : null;
}

/**
 * File conventions for a function kept in an exported object: SvelteKit's `actions` in +page.server,
 * and the `fetch` handler of a default-exported object (Cloudflare Workers, Bun, Deno).
 */
export function frameworkMember(q: MemberQuestion): Path | null {
  const { file, exportName, keys, node } = q;
  const where = `${file}:${node.loc.start.line}`;
  if (/(^|\/)\+page\.server$/.test(stripExtension(file)) && exportName === 'actions' && keys.length === 1) {
    return toPath(entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.sveltekitAction(keys[0], where), node), file);
  }
  if (exportName === 'default' && keys.length === 1 && keys[0] === 'fetch') return toPath(entry(HTTP_ROUTE_HANDLER, HTTP_ROUTE_HANDLER.messages.workerFetch(where), node), file);
  return null;
}

/** A function whose body starts with 'use server'. */
export function serverActionFunction(q: FunctionQuestion): EntryMatch | null {
  const { fn } = q;
  if (fn.body?.type !== T.BlockStatement || !hasDirective(fn.body.body, 'use server')) return null;
  return entry(SERVER_ACTION, SERVER_ACTION.messages.action(q.name, `${q.file}:${fn.loc.start.line}`), fn);
}

/** A named export of a module that starts with 'use server'. */
export function serverActionExport(q: ExportQuestion): Path[] | null {
  if (q.exportName === 'default' || !hasDirective(q.fi.ast.body, 'use server')) return null;
  return [toPath(entry(SERVER_ACTION, SERVER_ACTION.messages.exported(q.exportName, q.file), q.value), q.file)];
}
