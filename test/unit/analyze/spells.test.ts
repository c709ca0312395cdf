// ProjectIndex.spells: whether a file's text has a name as a whole word. The first questions about a
// file search its text; later ones use the file's words kept in a set. Both must answer alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProjectIndex } from '../../../src/core/project';
import { Dependencies } from '../../../src/core/depends';

const TEXT = [
  "import { Summarizer } from './summarizer';",
  'const s = new Summarizer();',
  "await s.process(items); // processAll is another name; $run and _run too",
  "const label = 'ünïcode wörds'; const café = 1; obj.résumé(); x1 = 2;",
].join('\n');

const NAMES = ['Summarizer', 'summarizer', 'process', 'processAll', 'proc', 'items', 'item', '$run', 'run', '_run', 'café', 'caf', 'résumé', 'wörds', 'x1', 'x', 'new Summarizer', 's.process', 'missing'];

/** The answer by a plain reading: whole words for identifier-like names, the substring otherwise. */
function expected(name: string): boolean {
  if (!/^[\p{ID_Start}$_][\p{ID_Continue}$]*$/u.test(name)) return TEXT.includes(name);
  return new RegExp(`(?<![\\p{ID_Continue}$])${name.replace(/\$/g, '\\$')}(?![\\p{ID_Continue}$])`, 'u').test(TEXT);
}

test('spells answers as a whole-word reading of the text, before and after it keeps the words', () => {
  const project = new ProjectIndex({ files: ['a.ts'], read: () => TEXT });
  // Every name three times over: the first answers search the text, the later ones read the kept set.
  for (let round = 0; round < 3; round++) {
    for (const name of NAMES) assert.equal(project.spells('a.ts', name), expected(name), `round ${round}: ${name}`);
  }
  assert.equal(expected('process'), true);
  assert.equal(expected('proc'), false);
});

test('a file that cannot be read spells nothing, and says so once', () => {
  const project = new ProjectIndex({ files: ['gone.ts'], read: () => { throw new Error('EACCES'); } });
  for (let i = 0; i < 10; i++) assert.equal(project.spells('gone.ts', 'anything'), false);
  assert.equal(project.errors.length, 1);
  assert.match(project.errors[0].message, /could not be read: EACCES/);
});

test('filesSpelling lists the files that spell a name, asks each file once per analysis, and a hit counts the same reads', () => {
  const texts: Record<string, string> = { 'a.ts': 'const s = new Summarizer();', 'b.ts': 'const summarizer = 1;', 'c.ts': 'export class Summarizer {}' };
  const deps = new Dependencies();
  const project = new ProjectIndex({ files: Object.keys(texts), read: (f) => texts[f] }, undefined, { deps });
  const asked: string[] = [];
  const spells = project.spells.bind(project);
  project.spells = (file: string, name: string) => {
    asked.push(`${file}#${name}`);
    return spells(file, name);
  };
  const first = deps.track(() => project.filesSpelling('Summarizer'));
  const second = deps.track(() => project.filesSpelling('Summarizer'));
  assert.deepEqual(first.value, ['a.ts', 'c.ts']);
  assert.equal(second.value, first.value);
  assert.deepEqual(asked, ['a.ts#Summarizer', 'b.ts#Summarizer', 'c.ts#Summarizer'], 'the second question asked no file again');
  // What the first read (every file: one that comes to spell the name changes the list) the second reads too.
  assert.ok(first.reads.some((w) => w !== 0));
  assert.deepEqual([...second.reads], [...first.reads]);
});
