// Deno, JSR and CDN specifiers name the npm package whose API they carry; everything else is left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packageSpecifier } from '../../../src/core/syntax/nodes';

test('npm:, jsr: and CDN specifiers are read as the npm package (version and query dropped, subpath kept)', () => {
  const cases: [string, string][] = [
    ['npm:openai@4.20.1', 'openai'],
    ['npm:openai', 'openai'],
    ['npm:@anthropic-ai/sdk@0.30/resources/messages', '@anthropic-ai/sdk/resources/messages'],
    ['jsr:@openai/openai@4', 'openai'],
    ['https://esm.sh/openai@4.28.0', 'openai'],
    ['https://esm.sh/@anthropic-ai/sdk@0.20?target=deno', '@anthropic-ai/sdk'],
    ['https://cdn.jsdelivr.net/npm/openai@4/+esm', 'openai'],
    ['https://deno.land/x/openai@v4.24.0/mod.ts', 'openai'],
  ];
  for (const [spec, want] of cases) assert.equal(packageSpecifier(spec), want, spec);
});

test('relative, bare and other URL specifiers stay as written', () => {
  for (const spec of ['./openai', '../lib/openai.ts', 'openai', '@langchain/openai', 'jsr:@std/path', 'https://example.com/openai.js', 'node:fs']) {
    assert.equal(packageSpecifier(spec), spec === 'jsr:@std/path' ? '@std/path' : spec, spec);
  }
});
