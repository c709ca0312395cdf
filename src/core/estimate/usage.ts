// Reads the providers' own usage reports, as the user saved them: OpenAI's Usage API pages
// (/v1/organization/usage/completions and /embeddings), Anthropic's usage report pages
// (/v1/organizations/usage_report/messages), and the CSV exports of both consoles. The kind is told
// from the shape, never from the file name. Text in, rows out: a file that is none of these is a
// message, never an exception.
import { parse as parseCsv } from 'csv-parse/sync';
import type { Provider, UsageTotals } from '../model';

export type UsageFormat = 'openai-usage-json' | 'anthropic-usage-json' | 'openai-usage-csv' | 'anthropic-usage-csv';
export type UsageEndpoint = 'completions' | 'embeddings' | 'messages';

/** One result of one time bucket: a model's usage for one group (batch or not, project, key…). */
export interface UsageRow {
  provider: Provider;
  endpoint: UsageEndpoint;
  /** Bucket start and end, ms since the epoch (UTC); end is exclusive. */
  start: number;
  end: number;
  /** Null when the report was not grouped by model. */
  model: string | null;
  /** True on batch, false not, null when the report was not grouped by batch / service tier. */
  batch: boolean | null;
  /** Anthropic's service tier ('standard', 'priority', 'batch', …) or OpenAI's, when grouped by it. */
  serviceTier: string | null;
  totals: UsageTotals;
  /** Every grouping field with the bucket: the same key in two files is the same usage, counted once. */
  key: string;
}

export interface UsageFile {
  /** The path as given. */
  file: string;
  format: UsageFormat;
  provider: Provider;
  rows: UsageRow[];
  /** Every bucket's [start, end), with or without usage: the period the file covers. */
  buckets: [number, number][];
  /** The page says more pages follow. */
  hasMore: boolean;
  /** The results carry no batch / service-tier grouping, so batch usage cannot be told apart. */
  ungroupedBatch: boolean;
  /** The period is read from the rows with usage alone (the Console's CSV has no empty days). */
  periodFromRows: boolean;
}

export type UsageParse = { ok: true; value: UsageFile } | { ok: false; message: string };

const DAY_MS = 86_400_000;

const MESSAGES = {
  empty: 'the file is empty',
  notJson: (why: string) => `not valid JSON (${why}) and not a CSV export either`,
  unknownJson:
    "not a usage report Batchwise reads: expected a page of OpenAI's Usage API (GET /v1/organization/usage/completions or /embeddings, an object with \"object\": \"page\" and \"data\" buckets) or of Anthropic's usage report (GET /v1/organizations/usage_report/messages, an object with \"data\" buckets that have \"starting_at\" and \"results\")",
  otherOpenAi: (object: string) =>
    `an OpenAI usage page of another kind (${object}): Batchwise reads completions and embeddings usage (GET /v1/organization/usage/completions and /embeddings)`,
  costReport: 'a cost report, not a usage report: Batchwise needs token counts (GET /v1/organizations/usage_report/messages, or OpenAI\'s /v1/organization/usage/completions)',
  unknownCsv: (header: string) =>
    `a CSV whose columns Batchwise does not know (${header}): expected the usage export of the OpenAI dashboard (start_time, input_tokens, num_model_requests, …) or of the Claude Console (usage_date_utc, model_version, usage_input_tokens_no_cache, …)`,
  badCsv: (why: string) => `not a readable CSV (${why})`,
  badNumber: (where: string) => `${where} is not a non-negative whole number`,
  badTime: (where: string) => `${where} is not a time Batchwise can read`,
  badBucket: (where: string) => `${where} ends before it starts`,
  noBuckets: 'a page with no buckets ("data" is empty): nothing to read; check the starting_at / start_time of the request',
  notByModel: (where: string) =>
    `usage at ${where} is not grouped by model ("model" is empty), so it cannot be matched to call sites or priced: save the report again with group_by=model`,
} as const;

export function parseUsageFile(file: string, text: string): UsageParse {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') return { ok: false, message: MESSAGES.empty };
  const first = body.trimStart()[0];
  if (first === '{' || first === '[') {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch (err) {
      return { ok: false, message: MESSAGES.notJson((err as Error).message) };
    }
    return parseJson(file, json);
  }
  return parseCsvExport(file, body);
}

class Invalid extends Error {}

function fail(message: string): never {
  throw new Invalid(message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A token count: absent (undefined or null) is 0; anything else must be a whole number ≥ 0. */
function count(v: unknown, where: string): number {
  if (v === undefined || v === null || v === '') return 0;
  const n = typeof v === 'string' ? Number(v.replace(/,/g, '')) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) fail(MESSAGES.badNumber(where));
  return n;
}

/** Control, separator and bidi characters in an id from the file are shown as escapes, so no report can be made to print them. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function text(v: unknown): string | null {
  if (typeof v !== 'string' || v.trim() === '') return null;
  return v.trim().replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function emptyTotals(requests: number | null): UsageTotals {
  return { requests, inputUncached: 0, inputCached: 0, cacheWrite5m: 0, cacheWrite1h: 0, output: 0 };
}

export function hasUsage(t: UsageTotals): boolean {
  return (t.requests ?? 0) + t.inputUncached + t.inputCached + t.cacheWrite5m + t.cacheWrite1h + t.output > 0;
}

function checkBucket(start: number, end: number, where: string): void {
  if (!Number.isFinite(start)) fail(MESSAGES.badTime(`${where} start`));
  if (!Number.isFinite(end)) fail(MESSAGES.badTime(`${where} end`));
  if (end <= start) fail(MESSAGES.badBucket(where));
}

// ---- JSON pages ----

function parseJson(file: string, json: unknown): UsageParse {
  // Several pages saved into one file as an array are read as the pages they are.
  const pages = Array.isArray(json) ? json : [json];
  if (pages.length === 0 || !pages.every(isObject)) return { ok: false, message: MESSAGES.unknownJson };
  const kinds = pages.map(pageKind);
  const other = kinds.find((k) => k.startsWith('error:'));
  if (other) return { ok: false, message: other.slice('error:'.length) };
  if (kinds.some((k) => k === 'unknown')) return { ok: false, message: MESSAGES.unknownJson };
  const provider: Provider = kinds[0] === 'openai' ? 'openai' : 'anthropic';
  if (kinds.some((k) => k !== kinds[0])) return { ok: false, message: 'pages of OpenAI and of Anthropic in one file: save each provider\'s pages in files of their own' };
  const out: UsageFile = { file, format: provider === 'openai' ? 'openai-usage-json' : 'anthropic-usage-json', provider, rows: [], buckets: [], hasMore: false, ungroupedBatch: false, periodFromRows: false };
  try {
    pages.forEach((page, p) => {
      const prefix = pages.length > 1 ? `[${p}].` : '';
      if (provider === 'openai') readOpenAiPage(page as Record<string, unknown>, prefix, out);
      else readAnthropicPage(page as Record<string, unknown>, prefix, out);
    });
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, message: err.message };
    throw err;
  }
  return { ok: true, value: out };
}

function resultsOf(bucket: Record<string, unknown>): unknown[] | null {
  // The responses say "results"; the OpenAPI description of OpenAI's names it "result".
  const r = bucket.results ?? bucket.result;
  return Array.isArray(r) ? r : null;
}

/** 'openai', 'anthropic', 'unknown', or 'error:<message>' for a known page of the wrong kind. */
function pageKind(page: Record<string, unknown>): string {
  const data = page.data;
  if (!Array.isArray(data)) return 'unknown';
  const buckets = data.filter(isObject);
  if (page.object === 'page' || buckets.some((b) => b.object === 'bucket' || typeof b.start_time === 'number')) {
    for (const b of buckets) {
      for (const r of resultsOf(b) ?? []) {
        const object = isObject(r) ? r.object : undefined;
        if (object === 'organization.costs.result') return 'error:' + MESSAGES.costReport;
        if (typeof object === 'string' && object !== 'organization.usage.completions.result' && object !== 'organization.usage.embeddings.result') {
          return 'error:' + MESSAGES.otherOpenAi(object);
        }
      }
    }
    return 'openai';
  }
  if (buckets.some((b) => typeof b.starting_at === 'string')) {
    for (const b of buckets) {
      for (const r of resultsOf(b) ?? []) if (isObject(r) && ('amount' in r || 'cost_type' in r)) return 'error:' + MESSAGES.costReport;
    }
    return 'anthropic';
  }
  if (data.length === 0) return 'error:' + MESSAGES.noBuckets;
  return 'unknown';
}

function groupKey(r: Record<string, unknown>, numeric: ReadonlySet<string>): string {
  return JSON.stringify(Object.keys(r).filter((k) => !numeric.has(k)).sort().map((k) => [k, r[k]]));
}

const OPENAI_NUMERIC = new Set([
  'input_tokens', 'output_tokens', 'input_cached_tokens', 'input_uncached_tokens', 'input_cache_write_tokens', 'input_audio_tokens',
  'output_audio_tokens', 'input_image_tokens', 'input_text_tokens', 'output_text_tokens', 'num_model_requests',
]);

function readOpenAiPage(page: Record<string, unknown>, prefix: string, out: UsageFile): void {
  if (page.has_more === true) out.hasMore = true;
  (page.data as unknown[]).forEach((b, i) => {
    const where = `${prefix}data[${i}]`;
    if (!isObject(b)) fail(`${where} is not a bucket`);
    const start = typeof b.start_time === 'number' ? b.start_time * 1000 : NaN;
    const end = typeof b.end_time === 'number' ? b.end_time * 1000 : NaN;
    checkBucket(start, end, where);
    out.buckets.push([start, end]);
    const results = resultsOf(b);
    if (!results) fail(`${where} has no "results" list`);
    results.forEach((r, j) => {
      const at = `${where}.results[${j}]`;
      if (!isObject(r)) fail(`${at} is not an object`);
      const embeddings = r.object === 'organization.usage.embeddings.result';
      const input = count(r.input_tokens, `${at}.input_tokens`);
      const cached = count(r.input_cached_tokens, `${at}.input_cached_tokens`);
      const written = count(r.input_cache_write_tokens, `${at}.input_cache_write_tokens`);
      const totals: UsageTotals = {
        requests: count(r.num_model_requests, `${at}.num_model_requests`),
        // input_tokens counts cached and cache-write tokens too.
        inputUncached: Math.max(0, input - cached - written),
        inputCached: cached,
        cacheWrite5m: written,
        cacheWrite1h: 0,
        output: count(r.output_tokens, `${at}.output_tokens`),
      };
      const model = text(r.model);
      if (!model && hasUsage(totals)) fail(MESSAGES.notByModel(at));
      const batch = typeof r.batch === 'boolean' ? r.batch : null;
      if (batch === null && !embeddings && hasUsage(totals)) out.ungroupedBatch = true;
      out.rows.push({
        provider: 'openai',
        endpoint: embeddings ? 'embeddings' : 'completions',
        start,
        end,
        model,
        batch,
        serviceTier: text(r.service_tier),
        totals,
        key: `openai|${embeddings ? 'embeddings' : 'completions'}|${start}|${end}|${groupKey(r, OPENAI_NUMERIC)}`,
      });
    });
  });
}

const ANTHROPIC_NUMERIC = new Set(['uncached_input_tokens', 'cache_read_input_tokens', 'cache_creation', 'cache_creation_5m_input_tokens', 'cache_creation_1h_input_tokens', 'output_tokens', 'server_tool_use']);

function readAnthropicPage(page: Record<string, unknown>, prefix: string, out: UsageFile): void {
  if (page.has_more === true) out.hasMore = true;
  (page.data as unknown[]).forEach((b, i) => {
    const where = `${prefix}data[${i}]`;
    if (!isObject(b)) fail(`${where} is not a bucket`);
    const start = typeof b.starting_at === 'string' ? Date.parse(b.starting_at) : NaN;
    const end = typeof b.ending_at === 'string' ? Date.parse(b.ending_at) : NaN;
    checkBucket(start, end, where);
    out.buckets.push([start, end]);
    const results = resultsOf(b);
    if (!results) fail(`${where} has no "results" list`);
    results.forEach((r, j) => {
      const at = `${where}.results[${j}]`;
      if (!isObject(r)) fail(`${at} is not an object`);
      const creation = isObject(r.cache_creation) ? r.cache_creation : {};
      const totals: UsageTotals = {
        requests: null,
        inputUncached: count(r.uncached_input_tokens, `${at}.uncached_input_tokens`),
        inputCached: count(r.cache_read_input_tokens, `${at}.cache_read_input_tokens`),
        // The response nests the cache writes; some saved copies flatten them.
        cacheWrite5m: count(creation.ephemeral_5m_input_tokens ?? r.cache_creation_5m_input_tokens, `${at}.cache_creation.ephemeral_5m_input_tokens`),
        cacheWrite1h: count(creation.ephemeral_1h_input_tokens ?? r.cache_creation_1h_input_tokens, `${at}.cache_creation.ephemeral_1h_input_tokens`),
        output: count(r.output_tokens, `${at}.output_tokens`),
      };
      const model = text(r.model);
      if (!model && hasUsage(totals)) fail(MESSAGES.notByModel(at));
      const tier = text(r.service_tier);
      if (tier === null && hasUsage(totals)) out.ungroupedBatch = true;
      out.rows.push({
        provider: 'anthropic',
        endpoint: 'messages',
        start,
        end,
        model,
        batch: tier === null ? null : tier === 'batch',
        serviceTier: tier,
        totals,
        key: `anthropic|messages|${start}|${end}|${groupKey(r, ANTHROPIC_NUMERIC)}`,
      });
    });
  });
}

// ---- CSV exports ----
// Neither console documents its export's columns; these are the columns the exports carry: OpenAI's
// are the Usage API's result fields with the bucket's times, Anthropic's one row per day and group.

function parseCsvExport(file: string, body: string): UsageParse {
  let records: Record<string, string>[];
  try {
    records = parseCsv(body, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true, relax_column_count: false }) as Record<string, string>[];
  } catch (err) {
    return { ok: false, message: MESSAGES.badCsv((err as Error).message.split('\n')[0]) };
  }
  const header = body.split(/\r?\n/, 1)[0].trim().toLowerCase();
  const columns = new Set(header.split(',').map((c) => c.trim().replace(/^"|"$/g, '')));
  try {
    if (columns.has('usage_date_utc') && columns.has('model_version') && columns.has('usage_input_tokens_no_cache')) return { ok: true, value: readAnthropicCsv(file, records) };
    if (columns.has('start_time') && columns.has('end_time')) return { ok: true, value: readOpenAiCsv(file, records, columns) };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, message: err.message };
    throw err;
  }
  return { ok: false, message: MESSAGES.unknownCsv(header.length > 120 ? header.slice(0, 117) + '…' : header) };
}

function csvTime(value: string | undefined, iso: string | undefined, where: string): number {
  if (value && /^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const t = Date.parse(iso ?? value ?? '');
  if (!Number.isFinite(t)) fail(MESSAGES.badTime(where));
  return t;
}

function csvBoolean(v: string | undefined): boolean | null {
  const s = (v ?? '').trim().toLowerCase();
  if (s === 'true' || s === '1' || s === 'yes') return true;
  if (s === 'false' || s === '0' || s === 'no') return false;
  return null;
}

function readOpenAiCsv(file: string, records: Record<string, string>[], columns: ReadonlySet<string>): UsageFile {
  const embeddings = !columns.has('output_tokens') && columns.has('input_tokens');
  const out: UsageFile = { file, format: 'openai-usage-csv', provider: 'openai', rows: [], buckets: [], hasMore: false, ungroupedBatch: false, periodFromRows: false };
  records.forEach((r, i) => {
    const at = `row ${i + 2}`;
    const start = csvTime(r.start_time, r.start_time_iso, `${at} start_time`);
    const end = csvTime(r.end_time, r.end_time_iso, `${at} end_time`);
    checkBucket(start, end, at);
    out.buckets.push([start, end]);
    const input = count(r.input_tokens, `${at} input_tokens`);
    const cached = count(r.input_cached_tokens, `${at} input_cached_tokens`);
    const written = count(r.input_cache_write_tokens, `${at} input_cache_write_tokens`);
    const totals: UsageTotals = {
      requests: count(r.num_model_requests, `${at} num_model_requests`),
      inputUncached: Math.max(0, input - cached - written),
      inputCached: cached,
      cacheWrite5m: written,
      cacheWrite1h: 0,
      output: count(r.output_tokens, `${at} output_tokens`),
    };
    const model = text(r.model);
    if (!model && hasUsage(totals)) fail(MESSAGES.notByModel(at));
    const batch = csvBoolean(r.batch);
    if (batch === null && !embeddings && hasUsage(totals)) out.ungroupedBatch = true;
    const group = Object.keys(r).filter((k) => !OPENAI_NUMERIC.has(k) && !/^(start|end)_time(_iso)?$/.test(k)).sort().map((k) => [k, r[k]]);
    const endpoint: UsageEndpoint = embeddings ? 'embeddings' : 'completions';
    out.rows.push({ provider: 'openai', endpoint, start, end, model, batch, serviceTier: text(r.service_tier), totals, key: `openai|${endpoint}|${start}|${end}|${JSON.stringify(group)}` });
  });
  return out;
}

const ANTHROPIC_CSV_NUMERIC = new Set([
  'usage_input_tokens_no_cache', 'usage_input_tokens_cache_write_5m', 'usage_input_tokens_cache_write_1h', 'usage_input_tokens_cache_write',
  'usage_input_tokens_cache_read', 'usage_output_tokens', 'web_search_count',
]);

function readAnthropicCsv(file: string, records: Record<string, string>[]): UsageFile {
  const out: UsageFile = { file, format: 'anthropic-usage-csv', provider: 'anthropic', rows: [], buckets: [], hasMore: false, ungroupedBatch: false, periodFromRows: true };
  records.forEach((r, i) => {
    const at = `row ${i + 2}`;
    const day = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})/.exec(r.usage_date_utc ?? '');
    if (!day) fail(MESSAGES.badTime(`${at} usage_date_utc`));
    const start = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]));
    checkBucket(start, start + DAY_MS, at);
    out.buckets.push([start, start + DAY_MS]);
    const totals: UsageTotals = {
      requests: null,
      inputUncached: count(r.usage_input_tokens_no_cache, `${at} usage_input_tokens_no_cache`),
      inputCached: count(r.usage_input_tokens_cache_read, `${at} usage_input_tokens_cache_read`),
      // Older exports have one cache-write column: those writes were all 5-minute entries.
      cacheWrite5m: count(r.usage_input_tokens_cache_write_5m ?? r.usage_input_tokens_cache_write, `${at} usage_input_tokens_cache_write_5m`),
      cacheWrite1h: count(r.usage_input_tokens_cache_write_1h, `${at} usage_input_tokens_cache_write_1h`),
      output: count(r.usage_output_tokens, `${at} usage_output_tokens`),
    };
    const model = text(r.model_version);
    if (!model && hasUsage(totals)) fail(MESSAGES.notByModel(at));
    // The export calls the service tier usage_type ('standard', 'batch', 'priority').
    const tier = text(r.service_tier ?? r.usage_type);
    if (tier === null && hasUsage(totals)) out.ungroupedBatch = true;
    const group = Object.keys(r).filter((k) => !ANTHROPIC_CSV_NUMERIC.has(k)).sort().map((k) => [k, r[k]]);
    out.rows.push({
      provider: 'anthropic',
      endpoint: 'messages',
      start,
      end: start + DAY_MS,
      model,
      batch: tier === null ? null : tier.toLowerCase() === 'batch',
      serviceTier: tier,
      totals,
      key: `anthropic|messages|${start}|${start + DAY_MS}|${JSON.stringify(group)}`,
    });
  });
  return out;
}

export { emptyTotals, DAY_MS };
