// The AI SDK releases the rewrite is tested against (one of each major it follows), and a node_modules that
// holds one of them beside the official clients: for the AI SDK fixtures and the differential programs.
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensurePackages, sdkCacheDir } from './sdkMatrix';

const ROOT = resolve(__dirname, '..', '..', '..');

export const AI_SDK_RELEASES = {
  // AI SDK 6 takes the v5 fixtures as they are (the options and results they use did not change).
  v6: ['ai@6.0.333', '@ai-sdk/openai@3.0.141', '@ai-sdk/anthropic@3.0.140', 'zod@3.25.76'],
  v5: ['ai@5.0.277', '@ai-sdk/openai@2.0.130', '@ai-sdk/anthropic@2.0.112', 'zod@3.25.76'],
  v4: ['ai@4.3.6', '@ai-sdk/openai@1.3.9', '@ai-sdk/anthropic@1.2.9', 'zod@3.25.76'],
} as const;
export type AiSdkRelease = keyof typeof AI_SDK_RELEASES;

/**
 * Makes `<dir>/node_modules`: the release's packages from the SDK cache (installed from npm the first
 * time), the official clients and Node's types from ours. Programs under `dir` resolve them from there.
 */
export async function aiSdkModules(release: AiSdkRelease, dir: string): Promise<string> {
  return cachedModules(`ai-sdk-${release}`, [...AI_SDK_RELEASES[release]], dir, ['openai', '@anthropic-ai']);
}

/**
 * Makes `<dir>/node_modules` of packages installed from npm into the SDK cache folder `cacheName` (the
 * first time), linked, with Node's types and the packages named in `ours` (where the cache has none) from
 * this repository's node_modules.
 */
export async function cachedModules(cacheName: string, packages: string[], dir: string, ours: string[] = []): Promise<string> {
  const cache = await ensurePackages(join(sdkCacheDir(), cacheName), packages);
  const modules = join(dir, 'node_modules');
  rmSync(modules, { recursive: true, force: true });
  mkdirSync(join(modules, '@types'), { recursive: true });
  for (const entry of readdirSync(join(cache, 'node_modules'))) {
    if (entry.startsWith('.')) continue;
    if (entry !== '@types') symlinkSync(join(cache, 'node_modules', entry), join(modules, entry));
    else for (const types of readdirSync(join(cache, 'node_modules', entry))) if (types !== 'node') symlinkSync(join(cache, 'node_modules', entry, types), join(modules, entry, types));
  }
  for (const name of ours) if (!existsSync(join(modules, name))) symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  symlinkSync(join(ROOT, 'node_modules', '@types', 'node'), join(modules, '@types', 'node'));
  return modules;
}

/**
 * The LangChain release the LangChain rewrites are checked against: the newest whose packages all run on
 * Node 20 (@langchain/openai 1.5.9 and later need Node 22). It brings openai 6.49.0 and @anthropic-ai/sdk 0.122.0.
 * @langchain/classic holds the vector stores of langchain 0.x (MemoryVectorStore); its own copy of
 * @langchain/openai (1.6.0) is not the one the programs import.
 */
export const LANGCHAIN_RELEASE = ['@langchain/core@1.4.0', '@langchain/openai@1.5.8', '@langchain/anthropic@1.5.11', '@langchain/classic@1.0.50'];

/** What a project with that release and the official clients lists (the clients as the release brings them). */
export const LANGCHAIN_PROJECT = '{ "private": true, "dependencies": { "@langchain/core": "1.4.0", "@langchain/openai": "1.5.8", "@langchain/anthropic": "1.5.11", "@langchain/classic": "1.0.50", "openai": "6.49.0", "@anthropic-ai/sdk": "0.122.0" } }\n';

/** `<dir>/node_modules` with the LangChain release (from the SDK cache, installed the first time). */
export async function langchainModules(dir: string): Promise<string> {
  return cachedModules('langchain-v1-classic', LANGCHAIN_RELEASE, dir);
}
