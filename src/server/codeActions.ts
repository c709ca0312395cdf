// The Quick Fixes: the batch rewrite and the comments that settle a finding by hand. Each action
// carries the document version it was offered for; its edit is computed when it is chosen (resolve, or
// the apply command for clients without resolve), by one planning function, and refused when stale.
import {
  CodeAction,
  CodeActionKind,
  CreateFile,
  Diagnostic,
  OptionalVersionedTextDocumentIdentifier,
  TextDocumentEdit,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { join } from 'node:path';
import type { Finding } from '../core/model';
import { fixTitle } from '../core/rewrite';
import { FixGate, gateFix } from '../core/rewrite/gate';
import { ANNOTATIONS, AnnotationKind, planAnnotation } from '../core/rewrite/annotate';
import { RULE_CODES } from '../core/report/message';
import type { DocumentAnalyses, DocumentFindings } from './analysis';
import { calleeOffsets, DiagnosticData, SOURCE } from './diagnostics';
import { pathToUri } from './workspaces';
import { ActionData, ActionKind, APPLY_ACTION_COMMAND } from './protocol';

/** The comments offered on each diagnostic: a verdict the user knows better than inference, or silence. */
const COMMENTS: Record<string, AnnotationKind[]> = {
  [RULE_CODES.batchable.code]: ['declare-user-waiting', 'ignore-line', 'ignore-file'],
  [RULE_CODES.unknown.code]: ['declare-batch', 'declare-user-waiting', 'ignore-line', 'ignore-file'],
};

/** A quick fix of Batchwise's (`editor.action.codeAction` can ask for them by this kind, in a keybinding). */
export const ACTION_KIND = `${CodeActionKind.QuickFix}.batchwise`;
/** The rewrite, and the rewrite shown in a refactor preview first: kinds of their own, so a keybinding can ask for either. */
export const REWRITE_KIND = `${ACTION_KIND}.rewrite`;
export const PREVIEW_KIND = `${ACTION_KIND}.preview`;

/** What the client can do with a workspace edit and a code action (from its initialize capabilities). */
export interface EditCapabilities {
  /** codeAction/resolve may fill in `edit`; without it an action carries the apply command instead. */
  resolveEdit: boolean;
  /** documentChanges with versioned text edits. */
  documentChanges: boolean;
  /** The 'create' resource operation (the helper modules a rewrite adds). */
  createFiles: boolean;
  /** Change annotations (labels in a refactor preview, and edits that need the user's confirmation). */
  changeAnnotations?: boolean;
}

/** The change annotations of a rewrite: the edited call and the created helpers, each a group in a refactor preview. */
const REWRITE_ANNOTATION = 'batchwise.rewrite';
const HELPER_ANNOTATION = 'batchwise.helper';
const MANIFEST_ANNOTATION = 'batchwise.manifest';

/** The rewrite's edit is shown in the editor's refactor preview first, and applied only once the user accepts it. */
const PREVIEW_TITLE = (title: string) => `${title}: preview the changes first`;
/** A call whose context is unknown: rewritten only once the user confirms, in the refactor preview, knowing what is unknown. */
const UNKNOWN_TITLE = (title: string) => `${title} anyway (the context is unknown: confirm in the preview)`;

/**
 * Whether the client can ask the user to confirm an edit before it is applied: change annotations with
 * `needsConfirmation` on an edit resolved when chosen. That is the confirmation step the fix gate asks
 * for an unknown context; a client without it is refused with the gate's reason.
 */
export function canConfirm(caps: EditCapabilities): boolean {
  return caps.changeAnnotations === true && caps.resolveEdit && caps.documentChanges;
}

/** The gate every rewrite passes: never a call a person waits for; an unknown context only through the confirming action. */
function gateFor(f: Finding, action: ActionKind, caps: EditCapabilities): FixGate {
  return gateFix(f, { front: 'lsp', allowUnknown: action === 'rewrite-unknown' && canConfirm(caps) });
}

/** The finding a diagnostic of ours is about, in the document's current findings. */
function findingOf(entry: DocumentFindings, d: Diagnostic): Finding | undefined {
  const data = d.data as Partial<DiagnosticData> | undefined;
  if (data && Number.isInteger(data.start) && Number.isInteger(data.end)) {
    return entry.findings.find((f) => f.site.range[0] === data.start && f.site.range[1] === data.end);
  }
  // A client that drops `data`: the diagnostic's range is the callee's, in the text the findings were computed for.
  const doc = TextDocument.create('', '', 0, entry.text);
  const r = d.range;
  return entry.findings.find((f) => {
    const [from, to] = calleeOffsets(f, entry.text);
    return doc.offsetAt(r.start) === from && doc.offsetAt(r.end) === to;
  });
}

/** The actions offered (not yet computed) for the Batchwise diagnostics in `diagnostics`. */
export function offeredActions(uri: string, entry: DocumentFindings, diagnostics: readonly Diagnostic[], caps: EditCapabilities): CodeAction[] {
  const rewrites: CodeAction[] = [];
  const comments: CodeAction[] = [];
  const make = (title: string, d: Diagnostic, f: Finding, action: ActionKind): CodeAction => {
    const data: ActionData = { uri, version: entry.version, start: f.site.range[0], end: f.site.range[1], action };
    const a: CodeAction = { title: `Batchwise: ${title}`, kind: ACTION_KIND, diagnostics: [d], data };
    if (!caps.resolveEdit) a.command = { title: a.title, command: APPLY_ACTION_COMMAND, arguments: [data] };
    return a;
  };
  for (const d of diagnostics) {
    const code = String(d.code ?? '');
    if (d.source !== SOURCE || !COMMENTS[code]) continue;
    const f = findingOf(entry, d);
    if (!f) continue;
    // Batch results arrive up to 24 hours later: a change of timing the user chooses, never a fix-all (isPreferred false).
    if (offersRewrite(f) && gateFor(f, 'rewrite', caps).ok) {
      rewrites.push({ ...make(fixTitle(f.fix!.strategy, f.site.provider), d, f, 'rewrite'), kind: REWRITE_KIND, isPreferred: false });
      if (caps.changeAnnotations && caps.resolveEdit) rewrites.push({ ...make(PREVIEW_TITLE(fixTitle(f.fix!.strategy, f.site.provider)), d, f, 'preview-rewrite'), kind: PREVIEW_KIND, isPreferred: false });
    } else if (f.classification.verdict === 'unknown') {
      const gate = gateFor(f, 'rewrite-unknown', caps);
      // Offered only where a strategy takes the call's shape: the plan is made now to know which.
      const outcome = gate.ok ? entry.where.session.fixFor(f, gate.permit) : undefined;
      if (outcome?.ok) rewrites.push({ ...make(UNKNOWN_TITLE(fixTitle(outcome.fix.strategy, f.site.provider)), d, f, 'rewrite-unknown'), kind: PREVIEW_KIND, isPreferred: false });
    }
    for (const kind of COMMENTS[code]) {
      const { title, comment } = ANNOTATIONS[kind];
      comments.push(make(`${title} (// ${comment})`, d, f, kind));
    }
  }
  return [...rewrites, ...comments];
}

/** Whether the rewrite is offered for a finding at all: a batchable call whose shape a strategy accepted. */
function offersRewrite(f: Finding): boolean {
  return f.classification.verdict === 'batchable' && f.fix !== null;
}

export type ActionPlan = { ok: true; edit: WorkspaceEdit } | { ok: false; reason: string; severity: 'warning' | 'error' };

/**
 * The one place an action's edit is computed: the rewrite (through the session's fix planning) or a
 * comment, for the document version the action was offered for and no other.
 */
export function planAction(doc: TextDocument | undefined, data: ActionData, analyses: DocumentAnalyses, caps: EditCapabilities): ActionPlan {
  if (!doc || doc.version !== data.version) {
    return { ok: false, severity: 'warning', reason: 'the file changed since this fix was offered; use the Quick Fix again.' };
  }
  const stored = analyses.current(doc.uri);
  // The rewrite is planned on a fresh analysis: project files may have changed since the last one.
  const rewrite = data.action === 'rewrite' || data.action === 'preview-rewrite' || data.action === 'rewrite-unknown';
  const entry = rewrite ? analyses.analyzeNow(doc) : stored;
  const finding = entry?.findings.find((f) => f.site.range[0] === data.start && f.site.range[1] === data.end);
  if (!entry || !finding) return { ok: false, severity: 'warning', reason: 'the call is no longer there; nothing was changed.' };
  const versioned: OptionalVersionedTextDocumentIdentifier = { uri: doc.uri, version: doc.version };
  const textEdits = (edits: readonly { range: [number, number]; newText: string }[]): TextEdit[] =>
    edits.map((e) => TextEdit.replace({ start: doc.positionAt(e.range[0]), end: doc.positionAt(e.range[1]) }, e.newText));

  if (rewrite) {
    const gate = gateFor(finding, data.action, caps);
    if (!gate.ok) return { ok: false, severity: 'error', reason: `no fix applied: ${gate.reason}.` };
    if (gate.permit.verdict === 'batchable' && !offersRewrite(finding)) return { ok: false, severity: 'error', reason: `no fix applied: ${finding.fixRefusal ?? 'no rewrite is offered for this call'}` };
    const outcome = entry.where.session.fixFor(finding, gate.permit);
    if (!outcome.ok) return { ok: false, severity: 'error', reason: `no fix applied: ${outcome.reason}` };
    const created = outcome.fix.createFiles;
    if (created.length > 0 && !(caps.documentChanges && caps.createFiles)) {
      return { ok: false, severity: 'error', reason: `no fix applied: it adds ${created.map((c) => c.path).join(' and ')}, and this editor cannot create files through LSP; run \`batchwise fix ${finding.site.file} --line ${finding.site.loc.start.line} --write\` instead` };
    }
    // Another file's edits (a package.json given a package), in that file's positions.
    const others = outcome.fix.editFiles.map((e) => {
      const uri = pathToUri(join(entry.where.folder.root, e.path));
      const before = TextDocument.create(uri, 'json', 0, e.before);
      return { uri, why: e.why, edits: e.edits.map((x) => TextEdit.replace({ start: before.positionAt(x.range[0]), end: before.positionAt(x.range[1]) }, x.newText)) };
    });
    // An editor holding other text for that file (unsaved changes) would get the edits at the wrong places.
    const unsaved = outcome.fix.editFiles.find((e, i) => (analyses.openText(others[i].uri) ?? e.before) !== e.before);
    if (unsaved) return { ok: false, severity: 'error', reason: `no fix applied: it edits ${unsaved.path}, which has changes the fix was not planned on; save it and use the Quick Fix again` };
    if (!caps.documentChanges) return { ok: true, edit: { changes: { [doc.uri]: textEdits(outcome.fix.edits), ...Object.fromEntries(others.map((o) => [o.uri, o.edits])) } } };
    const changes: WorkspaceEdit['documentChanges'] = [];
    const annotated = caps.changeAnnotations === true;
    for (const file of created) {
      const uri = pathToUri(join(entry.where.folder.root, file.path));
      // Neither overwrite nor ignoreIfExists: if the file appeared meanwhile the whole edit fails and nothing is lost.
      changes.push(CreateFile.create(uri, { overwrite: false, ignoreIfExists: false }, annotated ? HELPER_ANNOTATION : undefined));
      const insert = TextEdit.insert({ line: 0, character: 0 }, file.content);
      changes.push(TextDocumentEdit.create({ uri, version: null }, [annotated ? { ...insert, annotationId: HELPER_ANNOTATION } : insert]));
    }
    const edits = textEdits(outcome.fix.edits);
    changes.push(TextDocumentEdit.create(versioned, annotated ? edits.map((e) => ({ ...e, annotationId: REWRITE_ANNOTATION })) : edits));
    // After the rewritten file, which a client opens beside the helpers it creates (the first document edited).
    for (const other of others) changes.push(TextDocumentEdit.create({ uri: other.uri, version: null }, annotated ? other.edits.map((e) => ({ ...e, annotationId: MANIFEST_ANNOTATION })) : other.edits));
    if (!annotated) return { ok: true, edit: { documentChanges: changes } };
    // The gate's warning (an unknown context) is what the user confirms; a preview is confirmed too.
    const warning = gate.permit.warning;
    const needsConfirmation = data.action !== 'rewrite' || warning !== null;
    const title = fixTitle(outcome.fix.strategy, finding.site.provider);
    const changeAnnotations = {
      [REWRITE_ANNOTATION]: warning
        ? { label: `${title}: ${finding.site.file} — the context is unknown`, description: warning, needsConfirmation }
        : { label: `${title}: ${finding.site.file}`, description: 'the call goes to the batch path', needsConfirmation },
      [HELPER_ANNOTATION]: { label: 'Batch helper modules (new files)', description: created.map((c) => c.path).join(', '), needsConfirmation },
      ...(others.length ? { [MANIFEST_ANNOTATION]: { label: 'Packages the batch goes through (install them afterwards)', description: others.map((o) => o.why).join('; '), needsConfirmation } } : {}),
    };
    return { ok: true, edit: { documentChanges: changes, changeAnnotations } };
  }

  const plan = planAnnotation(finding.site.file, doc.getText(), finding.site, data.action as AnnotationKind);
  if (!plan.ok) return { ok: false, severity: 'error', reason: `no comment added: ${plan.reason}` };
  const edits = textEdits([plan.edit]);
  return { ok: true, edit: caps.documentChanges ? { documentChanges: [TextDocumentEdit.create(versioned, edits)] } : { changes: { [doc.uri]: edits } } };
}
