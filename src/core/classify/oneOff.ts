// A one-off script: a migration, a backfill, a seed, run by hand once (or a few times), not every day.
// Its calls are counted per run: a monthly figure for it would be money nobody spends each month.
import { BIN_ENTRY, MAIN_MODULE, NPM_SCRIPT, SHEBANG_SCRIPT, TOP_LEVEL_AWAIT } from './rules/cli';
import type { Rule } from './rules/rule';

/** The entries that run a file as a program of its own: only those can be a one-off script. */
export const ONE_OFF_RULES: ReadonlySet<Rule> = new Set<Rule>([NPM_SCRIPT, BIN_ENTRY, SHEBANG_SCRIPT, MAIN_MODULE, TOP_LEVEL_AWAIT]);

const WORD = '(migrat(?:e|es|ion|ions)|backfill(?:s|ing)?|seed(?:s|er|ers|ing)?|one-?offs?)';
/** A folder of one-off scripts: `migrations/`, `backfill/`, `seeds/`, `one-off/`. */
const ONE_OFF_DIR = new RegExp(`(^|/)${WORD}/`, 'i');
/** A file named as one: `migrate-users.ts`, `backfill_embeddings.mjs`, `seed.ts`. */
const ONE_OFF_FILE = new RegExp(`(^|/)${WORD}([-_.][^/]*)?$`, 'i');
/** The same in camelCase: `backfillEmbeddings.ts`, `seedUsers.js`. */
const ONE_OFF_CAMEL = /(^|\/)(migrate|backfill|seed|oneOff)[A-Z][^/]*$/;
/** An npm script named as one: `migrate`, `db:seed`, `backfill:embeddings`. */
const ONE_OFF_SCRIPT = new RegExp(`(^|[:_-])${WORD}($|[:_-])`, 'i');

/** Why the file (run by the npm script `script`, if one) is a one-off script, or null. */
export function oneOffScript(file: string, script?: string): string | null {
  const dir = ONE_OFF_DIR.exec(file);
  if (dir) return `${file}, a one-off script (under ${dir[2]}/)`;
  if (ONE_OFF_FILE.test(file) || ONE_OFF_CAMEL.test(file)) return `${file}, a one-off script (by its name)`;
  if (script && ONE_OFF_SCRIPT.test(script)) return `${file}, a one-off script (run by the npm script \`${script}\`)`;
  return null;
}
