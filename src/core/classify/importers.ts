// Which modules import a module: from the import scan where the project has one (parsing only what it
// cannot read exactly), through re-exports, transitively up to a limit. The call graph's searches for
// a function's users start here (graph.ts).
import type { ProjectIndex } from '../project';
import { stripExtension } from '../project';
import { isTestFile } from './rules/calls';
import { WHOLE_MODULE, wholeModuleSpecifiers } from '../textScan';
import type { GraphMemos } from './graph';

/** What a module that re-exports another spells: `export * from`, `export { … } from`, `export type { … } from`. */
export const RE_EXPORT_TEXT = /\bexport\s+(?:type\s+)?(?:\*|\{[^}]*\}\s*from)/;

/** How many modules the search for a method's callers reads before it stops and says so. */
export const MAX_IMPORTERS = 400;

const FOLDER_IMPORT = /(from\s*|require\(\s*)['"]\.\.?\/?['"]/;

export class Importers {
  constructor(
    private readonly project: ProjectIndex,
    private readonly memos: GraphMemos,
  ) {}

  /**
   * Files that import `file`, directly or through modules that re-export it (`export * from
   * './summary.service'` in an index.ts): where an instance of a class it exports can be used.
   */
  reachingImporters(file: string): string[] {
    const out: string[] = [];
    const seen = new Set([file]);
    const queue = [file];
    while (queue.length > 0) {
      const f = queue.shift()!;
      for (const importer of this.scannedImporters(f)) {
        if (seen.has(importer)) continue;
        seen.add(importer);
        out.push(importer);
        // Only a module whose text has a re-export is parsed to see whether it re-exports this one.
        if (this.textTest(RE_EXPORT_TEXT, importer) && this.reExports(importer, f)) queue.push(importer);
      }
    }
    return out;
  }

  /** A fixed test on a file's whole text, once per file: the searches ask it of the same modules again and again. */
  textTest(test: RegExp, file: string): boolean {
    return this.memos.kept.textTest(test).compute(file, () => test.test(this.project.text(file) ?? ''));
  }

  /** Every module that imports `file` directly or through others, up to MAX_IMPORTERS. */
  transitiveImporters(file: string): { files: string[]; truncated: boolean } {
    return this.memos.kept.transitive.compute(file, () => this.transitiveImportersUncached(file));
  }

  private transitiveImportersUncached(file: string): { files: string[]; truncated: boolean } {
    const files: string[] = [];
    const seen = new Set([file]);
    const queue = [file];
    let truncated = false;
    while (queue.length > 0 && !truncated) {
      for (const importer of this.scannedImporters(queue.shift()!)) {
        if (seen.has(importer)) continue;
        if (files.length >= MAX_IMPORTERS) {
          truncated = true;
          break;
        }
        seen.add(importer);
        files.push(importer);
        queue.push(importer);
      }
    }
    return { files, truncated };
  }

  /**
   * The importers of `file` as the import scan reads them, parsing only the files it could not read
   * exactly: the search for a class method's callers parses just the modules that spell its name, not
   * every module on the way (a specifier the scan reads from a comment only widens that search).
   */
  private scannedImporters(file: string): readonly string[] {
    const scan = this.project.scannedImportersOf(file);
    if (!scan) return this.importersOf(file);
    if (scan.inexact.length === 0) return scan.exact.filter((f) => f !== file);
    const exact = new Set(scan.exact);
    const names = this.namesModule(file);
    const confirmed = scan.inexact.filter((f) => {
      if (f === file || exact.has(f) || !names(this.project.text(f))) return false;
      const fi = this.project.get(f);
      return Boolean(fi?.moduleRefs().some((r) => this.project.resolveImport(f, r.source) === file));
    });
    return [...scan.exact.filter((f) => f !== file), ...confirmed];
  }

  private reExports(importer: string, file: string): boolean {
    const exports = this.project.get(importer)?.exports() ?? [];
    return exports.some((e) => (e.kind === 're-export' || e.kind === 'star') && this.project.resolveImport(importer, e.source) === file);
  }

  /**
   * Files that may import `file`: the files a text scan of import specifiers says may load it (or,
   * without the scan, every file), that name it as an import would; a parse of each confirms.
   */
  importersOf(file: string): string[] {
    this.memos.importersAsked.add(file);
    return this.memos.kept.importers.compute(file, () => this.importersOfUncached(file)).files;
  }

  private importersOfUncached(file: string): { files: string[]; unparsed?: string[] } {
    const names = this.namesModule(file);
    const out: string[] = [];
    const scanned = this.project.importCandidates(file);
    if (scanned) {
      // Files that name the module but do not parse are found when a caller's name is asked for (unparsedCandidates).
      for (const f of scanned) {
        if (f === file || !names(this.project.text(f))) continue;
        const fi = this.project.get(f);
        if (fi?.moduleRefs().some((r) => this.project.resolveImport(f, r.source) === file)) out.push(f);
      }
      return { files: out };
    }
    const unparsed: string[] = [];
    for (const f of this.project.files) {
      if (f === file || !names(this.project.text(f))) continue;
      const fi = this.project.get(f);
      if (!fi) {
        if (this.project.parseFailure(f)) unparsed.push(f);
        continue;
      }
      if (fi.moduleRefs().some((r) => this.project.resolveImport(f, r.source) === file)) out.push(f);
    }
    return { files: out, unparsed };
  }

  /** The cheap text test on a file that may import `file`: it spells the module's name, as an import must. */
  private namesModule(file: string): (text: string | undefined) => boolean {
    const stem = stripExtension(file);
    const base = stem.slice(stem.lastIndexOf('/') + 1);
    // A workspace package's files are also imported by the package's name (`from '@acme/ai'`).
    // An index file is also imported by its own name from beside it (`from './index'`), which names no folder.
    const needles = [importNeedle(file), ...(base === 'index' ? ['index'] : []), ...this.project.workspacePackages().filter((p) => file.startsWith(p.dir + '/')).map((p) => p.name)];
    // And as its folder: `from '.'`, `from '..'`.
    return (text) => Boolean(text) && (needles.some((n) => text!.includes(n)) || (base === 'index' && FOLDER_IMPORT.test(text!)));
  }

  /**
   * The importers of `file` that can give a step for its export `exportName`: importersOf(file); with
   * the import scan, a candidate whose text names `exportName` nowhere and loads no module whole (no
   * namespace import, `export *`, `require`, `import()`) is left out unparsed, since none of its
   * imports can be that export.
   */
  importersNaming(file: string, exportName: string): string[] {
    const scanned = this.project.importCandidates(file);
    if (!scanned || exportName === 'default' || this.memos.importersAsked.has(file)) return this.importersOf(file);
    this.memos.askedImporters.add(file);
    return this.memos.kept.importersNaming.compute(`${file}#${exportName}`, () => this.importersNamingUncached(file, exportName));
  }

  private importersNamingUncached(file: string, exportName: string): string[] {
    // Asked again inside the memoised computation, so that its entry knows it read the importer lists.
    const scanned = this.project.importCandidates(file)!;
    const names = this.namesModule(file);
    const out: string[] = [];
    for (const f of scanned) {
      // A test's steps are never taken (importSteps): it is not parsed to find them.
      if (f === file || isTestFile(f)) continue;
      const text = this.project.text(f);
      if (!names(text)) continue;
      // One that does not name the export reaches it only by loading this module whole.
      if (!text!.includes(exportName) && !(this.textTest(WHOLE_MODULE, f) && this.loadsWhole(f, text!, file))) continue;
      // Not parsed here: importSteps parses each in turn and keeps only the imports that load this module,
      // and a walk that stops early (Walker.settled) leaves the rest unparsed.
      out.push(f);
    }
    return out;
  }

  /** Whether `importer` may load `file` whole: one of its whole-module forms names it, or names what the scan cannot read. */
  private loadsWhole(importer: string, text: string, file: string): boolean {
    const specifiers = wholeModuleSpecifiers(text);
    return specifiers === null || specifiers.some((s) => this.project.resolveImport(importer, s) === file);
  }

  /**
   * Files that may import `file` (their text names it) and may not parse: the candidates for
   * unparsed callers, once `importersOf(file)` has been asked. With the import scan, whether each
   * parses is left to the caller, who asks only of the files that name the function.
   */
  unparsedCandidates(file: string): readonly string[] {
    const known = this.memos.importersAsked.has(file) ? this.memos.kept.importers.get(file)?.unparsed : undefined;
    if (known) return known;
    if (!this.memos.importersAsked.has(file) && !this.memos.askedImporters.has(file)) return [];
    return this.memos.kept.naming.compute(file, () => {
      const names = this.namesModule(file);
      // The import scan reads specifiers from the text, so a file that does not parse is among the
      // candidates it gives when it imports the module: only those need the text test, not the tree.
      const pool = this.project.importCandidates(file) ?? this.project.files;
      return pool.filter((f) => f !== file && names(this.project.text(f)));
    });
  }
}

/** The text an import of `file` must contain: its base name, or its folder's for an index file. */
function importNeedle(file: string): string {
  const stem = stripExtension(file);
  const base = stem.slice(stem.lastIndexOf('/') + 1);
  return base === 'index' ? stem.slice(0, stem.lastIndexOf('/')).split('/').pop() ?? base : base;
}

