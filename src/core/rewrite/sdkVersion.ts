// Which version of the provider's SDK a project has, and which helper fits it. The helper is written
// for the SDK the project compiles against: its installed package.json, else its lockfile, else the
// lowest version its package.json range allows. Read through the project's reader (ProjectSource['read']).
import semver from 'semver';
import { typescript } from '../heavy';
import { parseSyml } from '@yarnpkg/parsers';
import { parse as parseYaml } from 'yaml';
import type { ProjectSource, Provider } from '../model';
import { dirname, joinPath } from '../project';

export type SdkPackage = 'openai' | '@anthropic-ai/sdk' | '@google/genai' | '@mistralai/mistralai';

/** The providers the batch helpers are written for. */
export type RewriteProvider = Extract<Provider, 'openai' | 'anthropic' | 'google' | 'mistral'>;

export const SDK_PACKAGE: Record<RewriteProvider, SdkPackage> = { openai: 'openai', anthropic: '@anthropic-ai/sdk', google: '@google/genai', mistral: '@mistralai/mistralai' };

/** The version a project has, and where it was read. */
export interface SdkVersion {
  version: string;
  /** The file it was read from, and how: 'node_modules/openai/package.json', 'pnpm-lock.yaml', 'package.json ("openai": "^4.20.0", its lowest version)'. */
  source: string;
}

/** A capability of the SDK the helper template writes differently for, and the first release that has it (read in the SDK's CHANGELOG.md and types). */
interface FeatureRow {
  feature: HelperFeature;
  since: string;
}

/**
 * `openai`: batches.list, which finds a batch whose create response was lost, came in 4.38.0 (the Batch
 *   API itself in 4.34.0); the 'batch' file purpose is typed from 4.43.0, the Responses API from 4.87.0;
 *   from 5.0.0 the error classes read a fetch `Headers`.
 * `@anthropic-ai/sdk`: Message Batches came in 0.29.0 as `client.beta.messages.batches`, generally
 *   available as `client.messages.batches` from 0.33.0; the error classes read a fetch `Headers` from
 *   0.50.0; retrieve, cancel and results take a params argument before the request options from 0.124.0.
 * `@google/genai`: batch mode (`ai.batches`) came in 1.7.0; inline requests take `metadata` from 1.24.0,
 *   and the answers give it back (the key that maps each answer to its request) from 1.39.0; the client's
 *   `retryOptions`, which the helper turns off for a create, came in 1.41.0.
 * `@mistralai/mistralai`: batch jobs (`client.batch.jobs`) and the 'batch' file purpose came in 1.3.0
 *   (the 0.x client, MistralClient, has none); the package root exports HTTPClient, through which the
 *   helper has the SDK write each request and read each answer, from 1.10.0 (found by type-checking
 *   the helper against 1.3.0, 1.5.0, 1.7.5 and 1.9.18).
 */
export type HelperFeature = 'file-purpose-batch' | 'responses' | 'headers-class' | 'ga-batches' | 'batch-params' | 'retry-options';

interface SdkSupport {
  package: SdkPackage;
  /** The first release with a Batch API at all. */
  batches: string;
  /** The first release the helper supports, and why a later one than `batches` when it is. */
  floor: string;
  floorWhy?: string;
  features: FeatureRow[];
}

const SUPPORT: Record<RewriteProvider, SdkSupport> = {
  openai: {
    package: 'openai',
    batches: '4.34.0',
    floor: '4.38.0',
    floorWhy: 'batches.list, which the helper needs to find a batch whose create response was lost, came in 4.38.0',
    features: [
      { feature: 'file-purpose-batch', since: '4.43.0' },
      { feature: 'responses', since: '4.87.0' },
      { feature: 'headers-class', since: '5.0.0' },
    ],
  },
  anthropic: {
    package: '@anthropic-ai/sdk',
    batches: '0.29.0',
    floor: '0.29.0',
    features: [
      { feature: 'ga-batches', since: '0.33.0' },
      { feature: 'headers-class', since: '0.50.0' },
      { feature: 'batch-params', since: '0.124.0' },
    ],
  },
  google: {
    package: '@google/genai',
    batches: '1.7.0',
    floor: '1.39.0',
    floorWhy: "the answers of a batch give back their request's metadata, which the helper maps each answer to its request by, from 1.39.0",
    features: [{ feature: 'retry-options', since: '1.41.0' }],
  },
  mistral: {
    package: '@mistralai/mistralai',
    batches: '1.3.0',
    floor: '1.10.0',
    floorWhy: 'the package root exports HTTPClient, through which the helper has the SDK write each request and read each answer as the synchronous call does, from 1.10.0',
    features: [],
  },
};

/** How each provider's batch API is named in a refusal. */
const BATCH_API_NAME: Record<RewriteProvider, string> = { openai: 'the Batch API (client.batches)', anthropic: 'Message Batches', google: 'batch mode (ai.batches)', mistral: 'the Batch API (client.batch.jobs)' };

/** The helper written for one SDK: the template's feature switches, and the versions it fits. */
export interface HelperVariant {
  features: ReadonlySet<HelperFeature>;
  /** The SDK versions this text is written for, e.g. 'openai 4.87.0 up to 5.0.0' or 'openai 5.0.0 and later'. */
  fits: string;
  /** The project's version, when one was found. */
  sdk?: SdkVersion;
}

/** The helper for the newest SDKs: every feature on. */
export function newestVariant(provider: RewriteProvider): HelperVariant {
  const support = SUPPORT[provider];
  const last = support.features[support.features.length - 1];
  return { features: new Set(support.features.map((f) => f.feature)), fits: `${support.package} ${last?.since ?? support.floor} and later` };
}

/** Every helper text there is for a provider, oldest SDKs first: to recognise a helper written for another version. */
export function allVariants(provider: RewriteProvider): HelperVariant[] {
  const support = SUPPORT[provider];
  const starts = [support.floor, ...support.features.map((f) => f.since)].filter((v, i, all) => all.indexOf(v) === i);
  return starts.map((version) => (helperVariantFor(provider, { version, source: '' }) as { ok: true; variant: HelperVariant }).variant).map(({ features, fits }) => ({ features, fits }));
}

/** The helper that fits the project's SDK, or why there is none. `sdk` undefined: the version is unknown, and the newest helper is written. */
export function helperVariantFor(provider: RewriteProvider, sdk: SdkVersion | undefined, api?: string): HelperVariantAnswer {
  if (!sdk) return { ok: true, variant: newestVariant(provider) };
  // The same answer for every call of a project (the fix check asks once per call): kept per version read.
  let known = variantsBySdk.get(sdk);
  if (!known) variantsBySdk.set(sdk, (known = new Map()));
  const key = `${provider} ${api ?? ''}`;
  let answer = known.get(key);
  if (!answer) known.set(key, (answer = variantFor(provider, sdk, api)));
  return answer;
}

type HelperVariantAnswer = { ok: true; variant: HelperVariant } | { ok: false; reason: string };
const variantsBySdk = new WeakMap<SdkVersion, Map<string, HelperVariantAnswer>>();

function variantFor(provider: RewriteProvider, sdk: SdkVersion, api?: string): HelperVariantAnswer {
  const support = SUPPORT[provider];
  const version = sdk.version;
  const name = `${support.package} ${version}`;
  if (semver.lt(version, support.batches)) {
    const added = `${BATCH_API_NAME[provider]} came in ${support.batches}`;
    return { ok: false, reason: `the project has ${name} (${sdk.source}), which has no batch support: ${added}${support.floorWhy && semver.gt(support.floor, support.batches) ? `, and ${support.floorWhy}` : ''}; upgrade ${support.package} to ${support.floor} or later to get a fix` };
  }
  if (semver.lt(version, support.floor)) {
    return { ok: false, reason: `the project has ${name} (${sdk.source}): ${support.floorWhy}; upgrade ${support.package} to ${support.floor} or later to get a fix` };
  }
  const rows = support.features;
  const features = new Set(rows.filter((f) => semver.gte(version, f.since)).map((f) => f.feature));
  if (api === 'responses' && provider === 'openai' && !features.has('responses')) {
    return { ok: false, reason: `the project has ${name} (${sdk.source}), whose types have no Responses API (it came in 4.87.0); upgrade openai to get a fix` };
  }
  // The range of versions with exactly these features: from the newest feature it has to the first it lacks.
  const lower = [support.floor, ...rows.filter((f) => features.has(f.feature)).map((f) => f.since)].sort(semver.compare).pop()!;
  const upper = rows.filter((f) => !features.has(f.feature)).map((f) => f.since).sort(semver.compare)[0];
  const fits = upper ? `${support.package} ${lower} up to ${upper}` : `${support.package} ${lower} and later`;
  return { ok: true, variant: { features, fits, sdk } };
}

/**
 * The SDK version the project around `file` has: the installed package (what tsc compiles against),
 * else the lockfile's entry (package-lock.json, npm-shrinkwrap.json, pnpm-lock.yaml, yarn.lock, bun.lock),
 * else the lowest version the nearest package.json's range allows; undefined when none says.
 */
export function sdkVersionFor(provider: RewriteProvider, file: string, read: ProjectSource['read']): SdkVersion | undefined {
  return packageVersionFor(SDK_PACKAGE[provider], file, read);
}

/** The version of any package the project around `file` has, read as sdkVersionFor reads the SDK's. */
export function packageVersionFor(pkg: string, file: string, read: ProjectSource['read']): SdkVersion | undefined {
  const dirs = ancestors(dirname(file));
  for (const dir of dirs) {
    const path = joinPath(dir, `node_modules/${pkg}/package.json`);
    const version = clean(jsonFile(read(path))?.version);
    if (version) return { version, source: path };
  }
  const declared = declaredRange(pkg, dirs, read);
  for (const dir of dirs) {
    const found = fromLockfile(pkg, dir, declared, read);
    if (found) return found;
  }
  if (declared) {
    const min = semver.validRange(declared.range) ? semver.minVersion(declared.range) : null;
    if (min) return { version: min.version, source: `${declared.path} ("${pkg}": "${declared.range}", its lowest version)` };
  }
  return undefined;
}

/** The folder and every folder above it, nearest first ('' is the root). */
function ancestors(dir: string): string[] {
  const out = [dir];
  while (dir) {
    dir = dirname(dir);
    out.push(dir);
  }
  return out;
}

/** The range the nearest package.json that names the package gives it, and that package.json's folder. */
function declaredRange(pkg: string, dirs: string[], read: (path: string) => string | undefined): { range: string; dir: string; path: string } | undefined {
  for (const dir of dirs) {
    const path = joinPath(dir, 'package.json');
    const json = jsonFile(read(path));
    if (!json) continue;
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
      const range = jsonObject(json[field])?.[pkg];
      if (typeof range === 'string') return { range: range.replace(/^npm:[^@]+@/, ''), dir, path };
    }
  }
  return undefined;
}

function fromLockfile(pkg: string, dir: string, declared: { range: string; dir: string } | undefined, read: (path: string) => string | undefined): SdkVersion | undefined {
  // The package's folder relative to the lockfile's (its workspace in a monorepo).
  const project = declared && (declared.dir === dir || declared.dir.startsWith(dir ? `${dir}/` : '')) ? declared.dir.slice(dir ? dir.length + 1 : 0) : '';
  for (const name of ['package-lock.json', 'npm-shrinkwrap.json']) {
    const path = joinPath(dir, name);
    const lock = jsonFile(read(path));
    if (!lock) continue;
    const packages = jsonObject(lock.packages);
    for (const at of ancestors(project)) {
      const version = clean(jsonObject(packages?.[joinPath(at, `node_modules/${pkg}`)])?.version);
      if (version) return { version, source: path };
    }
    const version = clean(jsonObject(jsonObject(lock.dependencies)?.[pkg])?.version);
    if (version) return { version, source: path };
  }
  const pnpmPath = joinPath(dir, 'pnpm-lock.yaml');
  const pnpm = yamlObject(read(pnpmPath));
  if (pnpm) {
    const importers = jsonObject(pnpm.importers);
    const importer = importers ? jsonObject(importers[project || '.']) : pnpm; // lockfile v5 without workspaces: the root holds them
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies']) {
      const entry = jsonObject(importer?.[field])?.[pkg];
      const raw = typeof entry === 'string' ? entry : jsonObject(entry)?.version;
      // '4.104.0(zod@3.25.76)' (v6+), '4.104.0_zod@3.25.76' (v5): the version before the peers.
      const version = typeof raw === 'string' ? clean(raw.split(/[(_]/)[0]) : undefined;
      if (version) return { version, source: pnpmPath };
    }
  }
  const yarnPath = joinPath(dir, 'yarn.lock');
  const yarnText = read(yarnPath);
  if (yarnText !== undefined) {
    let lock: Record<string, unknown> | undefined;
    try {
      lock = parsedOnce(yarnText, 'syml', () => jsonObject(parseSyml(yarnText)));
    } catch {
      lock = undefined; // a lockfile yarn itself could not read says nothing
    }
    // Keys are '<name>@<range>' (yarn 1) or '<name>@npm:<range>' (yarn 2+); the declared range picks the entry.
    const entries = Object.entries(lock ?? {}).filter(([key]) => key.startsWith(`${pkg}@`));
    const wanted = declared ? entries.find(([key]) => [`${pkg}@${declared.range}`, `${pkg}@npm:${declared.range}`].includes(key)) : undefined;
    const versions = new Set(entries.map(([, value]) => clean(jsonObject(value)?.version)));
    const version = wanted ? clean(jsonObject(wanted[1])?.version) : versions.size === 1 ? [...versions][0] : undefined;
    if (version) return { version, source: yarnPath };
  }
  const bunPath = joinPath(dir, 'bun.lock');
  const bunText = read(bunPath);
  if (bunText !== undefined) {
    // "packages": { "openai": ["openai@4.104.0", "", {…}, "sha512-…"] } (a workspace's own copy is "<workspace>/openai").
    // TypeScript's reader of JSON with comments and trailing commas, as bun writes it.
    const packages = jsonObject(jsonObject(typescript().parseConfigFileTextToJson(bunPath, bunText).config)?.packages);
    const entry = packages?.[pkg];
    const spec = Array.isArray(entry) && typeof entry[0] === 'string' ? entry[0] : undefined;
    const version = spec?.startsWith(`${pkg}@`) ? clean(spec.slice(pkg.length + 1)) : undefined;
    if (version) return { version, source: bunPath };
  }
  return undefined;
}

/** A plain version ('4.104.0'), or undefined for anything else (a tag, a git URL, a workspace link). */
function clean(value: unknown): string | undefined {
  return typeof value === 'string' ? (semver.valid(value) ?? undefined) : undefined;
}

export function jsonObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function jsonFile(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  const parse = () => {
    try {
      return jsonObject(JSON.parse(text));
    } catch {
      return undefined; // a file npm could not read either says nothing
    }
  };
  // A package-lock.json is megabytes; a package.json is parsed as it comes.
  return text.length > 100_000 ? parsedOnce(text, 'json', parse) : parse();
}

function yamlObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  return parsedOnce(text, 'yaml', () => {
    try {
      return jsonObject(parseYaml(text, { maxAliasCount: -1 }));
    } catch {
      return undefined;
    }
  });
}

/**
 * A lockfile's parse, kept for the texts parsed last: every folder of a monorepo asks for the same root
 * lockfile (vercel/ai's pnpm-lock.yaml was parsed once per example folder, 4.3 s of a 21 s audit).
 * Texts are compared by identity first (the project's reader hands out the same string), then by value.
 */
const lastParsed: { text: string; kind: string; value: Record<string, unknown> | undefined }[] = [];
const PARSED_KEPT = 4;
function parsedOnce(text: string, kind: string, parse: () => Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const hit = lastParsed.find((p) => p.kind === kind && p.text === text);
  if (hit) return hit.value;
  const value = parse();
  lastParsed.unshift({ text, kind, value });
  if (lastParsed.length > PARSED_KEPT) lastParsed.pop();
  return value;
}
