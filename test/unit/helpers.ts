import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { ProjectSource } from '../../src/core/model';
import { isSourceFile } from '../../src/core/parse/parse';

/** The repository root, from out/test/unit (compiled) or test/unit (source). */
export const REPO_ROOT = join(__dirname, '..', '..', __dirname.includes(`${sep}out${sep}`) ? '..' : '');

export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');

/** An in-memory ProjectSource over a fixture folder: the engine under test never touches the disk itself. */
export function fixtureProject(dir: string): ProjectSource {
  const files: string[] = [];
  const configFiles: string[] = [];
  const texts = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const abs = join(d, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else {
        const rel = relative(dir, abs).split(sep).join('/');
        texts.set(rel, readFileSync(abs, 'utf8'));
        if (isSourceFile(rel)) files.push(rel);
        else if (/^\.github\/workflows\/[^/]+\.ya?ml$|(^|\/)promptfooconfig\.ya?ml$/.test(rel)) configFiles.push(rel);
      }
    }
  };
  walk(dir);
  files.sort();
  return { files, configFiles, read: (p) => texts.get(p) };
}
