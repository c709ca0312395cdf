// The imports a fix adds for the helpers it calls. A name the file already gives to something else
// would clash (`SyntaxError: Identifier 'runChatCompletionsBatch' has already been declared`, or a
// local function called instead of the helper), so such an export is imported under a fresh alias; an
// export the file already imports from the helper is reused under its local name; exports of one
// module go into one declaration, the file's own if it has one.
import { AST_NODE_TYPES as T, TSESTree } from '../parse/parse';
import { propertyName } from '../syntax/nodes';
import type { TextEdit } from '../model';
import type { Node } from '../parse/walk';
import type { NameSet } from './names';

export interface HelperImport {
  /** The import's specifier ('./batchwise/openaiBatch'). */
  specifier: string;
  /** The helper's export. */
  name: string;
}

/** Where a helper import stands in the file: its local name, and whether it is imported already. */
export interface PlannedImport extends HelperImport {
  local: string;
  present: boolean;
}

const withoutExtension = (s: string) => s.replace(/\.[cm]?[jt]s$/, '');

/** `require('<specifier>')`, the initialiser of a top-level `const { … } = require(…)`. */
function requiredSpecifier(init: Node | null | undefined): string | null {
  if (init?.type !== T.CallExpression || init.callee.type !== T.Identifier || init.callee.name !== 'require') return null;
  const arg = init.arguments[0];
  return arg?.type === T.Literal && typeof arg.value === 'string' ? arg.value : null;
}

type Existing = { node: Node; names: Map<string, string>; insertAt: number | null; cjs: boolean } | null;

/** Per program and specifier: the fix check asks for every call of a file, and the top level of a file of 4,000 loops is 4,000 statements long. */
const existingByProgram = new WeakMap<TSESTree.Program, Map<string, Existing>>();

/** The file's own declaration importing from `specifier`, with the named bindings it has. */
function existingDeclaration(program: TSESTree.Program, specifier: string): Existing {
  let bySpecifier = existingByProgram.get(program);
  if (!bySpecifier) existingByProgram.set(program, (bySpecifier = new Map()));
  if (!bySpecifier.has(specifier)) bySpecifier.set(specifier, findExistingDeclaration(program, specifier));
  return bySpecifier.get(specifier)!;
}

function findExistingDeclaration(program: TSESTree.Program, specifier: string): Existing {
  for (const s of program.body) {
    if (s.type === T.ImportDeclaration && s.importKind !== 'type' && withoutExtension(s.source.value) === withoutExtension(specifier)) {
      const named = s.specifiers.filter((sp): sp is TSESTree.ImportSpecifier => sp.type === T.ImportSpecifier);
      const names = new Map(named.map((sp) => [propertyName(sp.imported, false) ?? '', sp.local.name]));
      return { node: s, names, insertAt: named.length > 0 ? named[named.length - 1].range[1] : null, cjs: false };
    }
    if (s.type !== T.VariableDeclaration) continue;
    for (const d of s.declarations) {
      const required = requiredSpecifier(d.init);
      if (required === null || withoutExtension(required) !== withoutExtension(specifier) || d.id.type !== T.ObjectPattern) continue;
      const names = new Map<string, string>();
      let rest = false;
      for (const p of d.id.properties) {
        if (p.type === T.RestElement) rest = true;
        else if (p.value.type === T.Identifier) names.set(propertyName(p.key, p.computed) ?? '', p.value.name);
      }
      const last = d.id.properties[d.id.properties.length - 1];
      return { node: s, names, insertAt: rest || !last ? null : last.range[1], cjs: true };
    }
  }
  return null;
}

/**
 * The local name each helper export gets: the one the file imports it under already, else the
 * export's own name when nothing in the file uses it, else that name with a number. `used` holds the
 * file's identifiers and gets the new names added.
 */
export function planImports(program: TSESTree.Program, wanted: HelperImport[], used: NameSet): PlannedImport[] {
  return wanted.map((w) => {
    const existing = existingDeclaration(program, w.specifier)?.names.get(w.name);
    if (existing) return { ...w, local: existing, present: true };
    let local = w.name;
    for (let i = 2; used.has(local); i++) local = `${w.name}${i}`;
    used.add(local);
    return { ...w, local, present: false };
  });
}

/**
 * The edits adding what is not imported yet: into the file's own declaration for that module, else as
 * new lines after its last import (one edit: the first returned, possibly empty).
 */
export function importEdits(program: TSESTree.Program, text: string, moduleKind: 'cjs' | 'esm', planned: PlannedImport[], anchor: Node | null): TextEdit[] {
  const bySpecifier = new Map<string, PlannedImport[]>();
  for (const p of planned.filter((x) => !x.present)) bySpecifier.set(p.specifier, [...(bySpecifier.get(p.specifier) ?? []), p]);
  const lines: string[] = [];
  const inserts: TextEdit[] = [];
  for (const [specifier, list] of bySpecifier) {
    const existing = existingDeclaration(program, specifier);
    const cjs = existing ? existing.cjs : moduleKind === 'cjs';
    const names = list.map((p) => (p.local === p.name ? p.name : cjs ? `${p.name}: ${p.local}` : `${p.name} as ${p.local}`));
    if (existing?.insertAt != null) {
      inserts.push({ range: [existing.insertAt, existing.insertAt], newText: `, ${names.join(', ')}` });
      continue;
    }
    lines.push(moduleKind === 'cjs' ? `const { ${names.join(', ')} } = require('${specifier}');` : `import { ${names.join(', ')} } from '${specifier}';`);
  }
  if (lines.length === 0) return [{ range: [0, 0], newText: '' }, ...inserts];
  if (anchor) return [{ range: [anchor.range[1], anchor.range[1]], newText: `\n${lines.join('\n')}` }, ...inserts];
  const shebang = text.startsWith('#!') ? text.indexOf('\n') + 1 : 0;
  return [{ range: [shebang, shebang], newText: `${lines.join('\n')}\n` }, ...inserts];
}
