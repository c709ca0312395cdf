// tRPC context clients: `({ ctx }) => ctx.openai.…` in a procedure's resolver is found through the type
// `initTRPC.context<…>()` declares, whichever way it is written; not through a builder of another library.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Analyzer } from '../../../src/core/analyze';
import { DEFAULT_OPTIONS } from '../../../src/core/model';

const ROUTER = `import { t } from './trpc';
export const router = t.router({
  ask: t.procedure.mutation(async ({ ctx: { openai } }) => {
    const r = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    return r.choices[0].message.content;
  }),
});
`;

function apis(trpc: string, router = ROUTER): string[] {
  const files: Record<string, string> = { 'trpc.ts': trpc, 'router.ts': router };
  return new Analyzer({ files: Object.keys(files), read: (p) => files[p] }, DEFAULT_OPTIONS).run().findings.map((f) => `${f.site.file} ${f.site.provider} ${f.site.api}`);
}

const CONTEXT = "import { initTRPC } from '@trpc/server';\nimport OpenAI from 'openai';\nexport const createContext = async () => ({ openai: new OpenAI() });\n";

test('the context type as tRPC takes it: typeof createContext, inferAsyncReturnType, an alias of Awaited<ReturnType<…>>', () => {
  const found = ['router.ts openai chat.completions'];
  assert.deepEqual(apis(`${CONTEXT}export const t = initTRPC.context<typeof createContext>().create();\n`), found);
  assert.deepEqual(apis(`${CONTEXT}import type { inferAsyncReturnType } from '@trpc/server';\nexport const t = initTRPC.context<inferAsyncReturnType<typeof createContext>>().create();\n`), found);
  assert.deepEqual(apis(`${CONTEXT}type Context = Awaited<ReturnType<typeof createContext>>;\nexport const t = initTRPC.context<Context>().create();\n`), found);
});

test('a builder that does not come from initTRPC of @trpc/server, or a context with no client, finds nothing', () => {
  assert.deepEqual(apis(`${CONTEXT.replace("'@trpc/server'", "'./fake-trpc'")}export const t = initTRPC.context<typeof createContext>().create();\n`), []);
  assert.deepEqual(apis("import { initTRPC } from '@trpc/server';\nexport const t = initTRPC.context<{ userId: string }>().create();\n"), []);
});
