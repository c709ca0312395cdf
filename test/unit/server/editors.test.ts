// The README's Neovim and Helix set-ups, as written: each block is parsed (Lua with luaparse, TOML with
// smol-toml), the command it names is started, and an LSP client sends its settings the way that
// editor does (Neovim: workspace/configuration from `settings`; Helix: `config` as initialization
// options and as the answer to workspace/configuration).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import luaparse from 'luaparse';
import { parse as parseToml } from 'smol-toml';
import type { Hover } from 'vscode-languageserver-protocol';
import { LspTestClient } from '../../support/lspClient';
import { REPO_ROOT } from '../helpers';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const SECTION = README.slice(README.indexOf('## In other editors'), README.indexOf('\n## ', README.indexOf('## In other editors') + 3));
const BIN = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).bin as Record<string, string>;

function block(lang: string): string {
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(SECTION);
  assert.ok(m, `the README's language-server section has a ${lang} block`);
  return m[1];
}

/** The value of a Lua expression made of tables, strings, numbers and booleans. */
function luaValue(node: luaparse.Expression): unknown {
  switch (node.type) {
    case 'StringLiteral':
      // luaparse keeps the raw text (value is null unless asked to decode): strip the quotes.
      return (node.value as string | null) ?? node.raw.slice(1, -1);
    case 'NumericLiteral':
    case 'BooleanLiteral':
      return node.value;
    case 'TableConstructorExpression': {
      if (node.fields.every((f) => f.type === 'TableValue')) return node.fields.map((f) => luaValue(f.value));
      const out: Record<string, unknown> = {};
      for (const f of node.fields) if (f.type === 'TableKeyString') out[f.key.name] = luaValue(f.value);
      return out;
    }
    default:
      return undefined;
  }
}

/** The fields of the table passed to vim.lsp.start in the README's Lua. */
function neovimConfig(): Record<string, unknown> {
  const ast = luaparse.parse(block('lua'));
  let found: Record<string, unknown> | undefined;
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as { type?: string; base?: unknown; arguments?: luaparse.Expression[] };
    if (n.type === 'CallExpression' && luaText(n.base) === 'vim.lsp.start') {
      const config = n.arguments![0];
      assert.equal(config.type, 'TableConstructorExpression');
      found = {};
      for (const f of (config as luaparse.TableConstructorExpression).fields) if (f.type === 'TableKeyString') found[f.key.name] = luaValue(f.value);
    }
    for (const v of Object.values(node)) visit(v);
  };
  visit(ast);
  assert.ok(found, 'the Lua block calls vim.lsp.start');
  return found;
}

function luaText(node: unknown): string {
  const n = node as { type: string; name?: string; base?: unknown; identifier?: { name: string } };
  if (n.type === 'Identifier') return n.name!;
  if (n.type === 'MemberExpression') return `${luaText(n.base)}.${n.identifier!.name}`;
  return '';
}

/** The command as the editor would run it: the package's bin (`batchwise`) is the built CLI. */
function spawnable(command: string[]): string[] {
  assert.ok(command[0] in BIN, `${command[0]} is the package's bin`);
  return [process.execPath, join(REPO_ROOT, BIN[command[0]]), ...command.slice(1)];
}

/** Opens a call with no volume comment and returns its diagnostic and hover. */
/** A call on the default volume that saves more than the $1/mo noise floor, so its severity is the setting's (the tagging script's: its notes come from a query). */
async function defaultVolumeCall(client: LspTestClient) {
  const uri = await client.open('scripts/tag-notes.ts');
  const [d] = (await client.diagnosticsFor(uri, 1)).diagnostics;
  const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: d.range.start })) as Hover;
  return { d, hover: (hover.contents as { value: string }).value };
}

async function withWorkspace(run: (root: string) => Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'bw-editor-'));
  cpSync(join(REPO_ROOT, 'examples'), root, { recursive: true });
  try {
    await run(root);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('Neovim: the vim.lsp.start block of the README starts the server, whose settings it answers', async () => {
  const config = neovimConfig();
  assert.equal(config.name, 'batchwise');
  assert.deepEqual(config.cmd, ['batchwise', 'lsp', '--stdio']);
  const settings = config.settings as { batchwise: Record<string, unknown> };
  assert.equal(settings.batchwise.defaultCallsPerDay, 5000);
  await withWorkspace(async (root) => {
    // Neovim answers workspace/configuration by looking the section up in `settings`.
    const client = await LspTestClient.start({ command: spawnable(config.cmd as string[]), root, settings: () => settings.batchwise });
    try {
      const { d, hover } = await defaultVolumeCall(client);
      assert.equal(d.code, 'BW001');
      assert.equal(d.severity, 3, 'severity = information, from the settings');
      assert.match(hover, /5,000 calls\/day assumed/);
    } finally {
      assert.equal(await client.stop(), 0);
    }
  });
});

test('Helix: the languages.toml block of the README starts the server with its config', async () => {
  const toml = parseToml(block('toml')) as {
    'language-server': { batchwise: { command: string; args: string[]; config: { batchwise: Record<string, unknown> } } };
    language: { name: string; 'language-servers': string[] }[];
  };
  const server = toml['language-server'].batchwise;
  assert.deepEqual([server.command, ...server.args], ['batchwise', 'lsp', '--stdio']);
  assert.deepEqual(
    toml.language.filter((l) => l['language-servers'].includes('batchwise')).map((l) => l.name).sort(),
    ['javascript', 'jsx', 'tsx', 'typescript'],
  );
  await withWorkspace(async (root) => {
    // Helix sends `config` as the initialization options and answers workspace/configuration from it by section.
    const client = await LspTestClient.start({
      command: spawnable([server.command, ...server.args]),
      root,
      initializationOptions: server.config,
      settings: () => server.config.batchwise,
    });
    try {
      const { d, hover } = await defaultVolumeCall(client);
      assert.equal(d.severity, 3);
      assert.match(hover, /5,000 calls\/day assumed/);
    } finally {
      assert.equal(await client.stop(), 0);
    }
  });
});

test('a client without workspace/configuration: the settings come from the initialization options', async () => {
  const toml = parseToml(block('toml')) as { 'language-server': { batchwise: { config: unknown } } };
  await withWorkspace(async (root) => {
    const client = await LspTestClient.start({
      command: spawnable(['batchwise', 'lsp']),
      root,
      capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
      initializationOptions: toml['language-server'].batchwise.config,
    });
    try {
      const { d, hover } = await defaultVolumeCall(client);
      assert.equal(d.severity, 3);
      assert.match(hover, /5,000 calls\/day assumed/);
    } finally {
      await client.stop();
    }
  });
});
