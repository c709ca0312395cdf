// How import specifiers resolve to workspace files: the nearest tsconfig/jsconfig (paths, baseUrl,
// extends) and the packages of an npm/yarn/pnpm workspace. A caller the resolver misses is a path
// the call graph never sees, so each shape is pinned here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProjectIndex } from '../../../src/core/project';
import type { ProjectSource } from '../../../src/core/model';

function project(texts: Record<string, string>): ProjectIndex {
  const files = Object.keys(texts).filter((f) => /\.[cm]?[jt]sx?$/.test(f));
  const source: ProjectSource = { files, read: (p) => texts[p] };
  return new ProjectIndex(source);
}

test('paths resolve against baseUrl, or against the config that declares them when there is none', () => {
  const p = project({
    'tsconfig.json': '{ "compilerOptions": { "paths": { "@/*": ["./src/*"] } } }',
    'src/lib/llm.ts': '',
    'src/app.ts': '',
  });
  assert.equal(p.resolveImport('src/app.ts', '@/lib/llm'), 'src/lib/llm.ts');
  assert.equal(p.resolveImport('src/app.ts', 'express'), null);
  assert.equal(p.resolveImport('src/app.ts', 'node:fs'), null);
});

test('baseUrl alone resolves bare specifiers from it; comments and trailing commas are allowed', () => {
  const p = project({
    'tsconfig.json': '{\n // from src\n "compilerOptions": { "baseUrl": "src", },\n}',
    'src/lib/llm.ts': '',
    'src/server.ts': '',
  });
  assert.equal(p.resolveImport('src/server.ts', 'lib/llm'), 'src/lib/llm.ts');
});

test('extends is followed, and inherited paths are re-rooted at the extending config’s baseUrl', () => {
  const p = project({
    'tsconfig.base.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["src/lib/*"] } } }',
    'tsconfig.json': '{ "extends": "./tsconfig.base.json" }',
    'packages/app/tsconfig.json': '{ "extends": "../../tsconfig.base", "compilerOptions": { "baseUrl": "." } }',
    'src/lib/llm.ts': '',
    'src/server.ts': '',
    'packages/app/src/lib/llm.ts': '',
    'packages/app/main.ts': '',
  });
  assert.equal(p.resolveImport('src/server.ts', '@lib/llm'), 'src/lib/llm.ts');
  assert.equal(p.resolveImport('packages/app/main.ts', '@lib/llm'), 'packages/app/src/lib/llm.ts');
});

test('the nearest tsconfig or jsconfig governs a file, not only the root one', () => {
  const p = project({
    'tsconfig.json': '{ "compilerOptions": { "paths": { "@/*": ["./shared/*"] } } }',
    'apps/web/jsconfig.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["./src/*"] } } }',
    'apps/web/src/lib/llm.js': '',
    'apps/web/src/page.js': '',
    'shared/lib/llm.ts': '',
    'tools/x.ts': '',
  });
  assert.equal(p.resolveImport('apps/web/src/page.js', '@/lib/llm'), 'apps/web/src/lib/llm.js');
  assert.equal(p.resolveImport('tools/x.ts', '@/lib/llm'), 'shared/lib/llm.ts');
});

test('workspace packages resolve by name: exports subpaths, build output mapped to source, src/index', () => {
  const p = project({
    'package.json': '{ "workspaces": { "packages": ["packages/*", "!packages/skip"] } }',
    'pnpm-workspace.yaml': "packages:\n  - 'libs/**'\n",
    'packages/ai/package.json': '{ "name": "@acme/ai", "main": "./dist/index.js" }',
    'packages/ai/src/index.ts': '',
    'packages/llm/package.json': '{ "name": "@acme/llm", "exports": { ".": "./dist/index.js", "./embeddings": { "types": "./dist/embeddings.d.ts", "default": "./dist/embeddings.js" }, "./tools/*": "./dist/tools/*.js" } }',
    'packages/llm/src/index.ts': '',
    'packages/llm/src/embeddings.ts': '',
    'packages/llm/src/tools/search.ts': '',
    'packages/skip/package.json': '{ "name": "skip" }',
    'packages/skip/index.ts': '',
    'libs/deep/util/package.json': '{ "name": "util" }',
    'libs/deep/util/src/index.ts': '',
    'app.ts': '',
  });
  assert.equal(p.resolveImport('app.ts', '@acme/ai'), 'packages/ai/src/index.ts');
  assert.equal(p.resolveImport('app.ts', '@acme/llm'), 'packages/llm/src/index.ts');
  assert.equal(p.resolveImport('app.ts', '@acme/llm/embeddings'), 'packages/llm/src/embeddings.ts');
  assert.equal(p.resolveImport('app.ts', '@acme/llm/tools/search'), 'packages/llm/src/tools/search.ts');
  assert.equal(p.resolveImport('app.ts', 'skip'), null);
  assert.equal(p.resolveImport('app.ts', 'util'), 'libs/deep/util/src/index.ts');
});
