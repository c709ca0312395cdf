// The workspace folders the client named, one WorkspaceSession and one Settings per folder, and which
// folder a document belongs to. Documents are matched by file-system path, not by URI text: clients
// spell the same file differently (percent-encoding, drive letters).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAbsolute, relative, sep } from 'node:path';
import type { Severity } from '../core/model';
import { WorkspaceSession } from '../workspace/session';
import { defaultCacheLocation } from '../workspace/cache';
import type { SessionOptions } from '../workspace/session';
import { DEFAULT_SETTINGS, Settings } from './settings';
import { collectGarbage } from '../workspace/collect';

export interface Folder {
  /** The URI as the client sent it. */
  uri: string;
  name: string;
  /** Absolute file-system path. */
  root: string;
}

export interface Located {
  folder: Folder;
  session: WorkspaceSession;
  /** The document's path relative to the folder, '/' separators. */
  rel: string;
}

/** The file-system path of a `file:` URI, or null for any other scheme (untitled buffers, git views). */
export function uriToPath(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return fileURLToPath(uri);
  } catch {
    return null;
  }
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

export class Workspaces {
  private folders: Folder[] = [];
  private readonly sessions = new Map<string, WorkspaceSession>();
  private readonly settings = new Map<string, Settings>();

  /** Sets the folders (initialize, workspace/didChangeWorkspaceFolders); sessions of folders that stay are kept. */
  setFolders(folders: readonly { uri: string; name?: string }[]): void {
    const next: Folder[] = [];
    for (const f of folders) {
      const root = uriToPath(f.uri);
      if (root) next.push({ uri: f.uri, root, name: f.name ?? root.split(sep).pop() ?? root });
    }
    // The innermost folder wins for nested folders.
    next.sort((a, b) => b.root.length - a.root.length);
    for (const key of this.sessions.keys()) if (!next.some((f) => f.root === key)) this.sessions.delete(key);
    this.folders = next;
  }

  list(): readonly Folder[] {
    return [...this.folders].sort((a, b) => (a.root < b.root ? -1 : a.root > b.root ? 1 : 0));
  }

  /** The document's folder, session and relative path; null outside every folder (nothing is analysed there). */
  locate(uri: string): Located | null {
    const path = uriToPath(uri);
    if (!path) return null;
    for (const folder of this.folders) {
      const rel = relative(folder.root, path);
      if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) continue;
      return { folder, session: this.session(folder), rel: rel.split(sep).join('/') };
    }
    return null;
  }

  session(folder: Folder): WorkspaceSession {
    let session = this.sessions.get(folder.root);
    if (!session) {
      const s = this.settingsFor(folder);
      session = new WorkspaceSession(folder.root, s.options, sessionOptions(s, folder.root));
      this.sessions.set(folder.root, session);
    }
    return session;
  }

  settingsFor(folder: Folder): Settings {
    return this.settings.get(folder.root) ?? DEFAULT_SETTINGS;
  }

  setSettings(folder: Folder, settings: Settings): void {
    this.settings.set(folder.root, settings);
    this.sessions.get(folder.root)?.setOptions(settings.options, sessionOptions(settings, folder.root));
  }

  /** The severity of a batchable call in this folder: the project file's `severity` wins over the editor setting. */
  severityFor(where: Located): Severity {
    return where.session.config().config.severity ?? this.settingsFor(where.folder).severity;
  }
}

/**
 * What a folder's session takes from its settings: where helpers go, and the usage reports to
 * calibrate with; and the audit cache in the user's cache folder, so a workspace scan of an unchanged
 * folder is answered from the last one.
 */
function sessionOptions(s: Settings, root: string): SessionOptions {
  return { helperPath: s.helperPath, usage: s.usage, cache: { location: defaultCacheLocation(root) }, onModelsDropped: collectGarbage };
}
