import { existsSync, type FSWatcher, watch } from "node:fs";
import { join, posix } from "node:path";

/** A running watch over some folders; `close` ends it. */
export interface FolderWatch {
  close(): void;
}

export interface WatchOptions {
  /** The repository root; folders and reported paths are relative to it. */
  root: string;
  folders: readonly string[];
  /** Called with every path changed since the last call, once the changes stop for a moment. */
  onChanges: (paths: string[]) => void;
  /** Checked when an event arrives: false drops it (the runner's own writes, while it makes them). */
  accept?: (path: string) => boolean;
  /** How long the changes must pause: an editor's save is several events, a checkout many. */
  debounceMs?: number;
}

/**
 * Watches each folder recursively with fs.watch (inotify under Bun on Linux follows folders
 * created later, and a rename into the tree), and its parent shallowly: a folder replaced whole,
 * as generation replaces contracts/gen, is watched again and reported as changed.
 */
export function watchFolders(options: WatchOptions): FolderWatch {
  const watcher = new FolderWatcher(options);
  watcher.start();
  return watcher;
}

class FolderWatcher implements FolderWatch {
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly parents: FSWatcher[] = [];
  // Folders seen replaced: watched again once the events pause, since the parent's events for
  // a remove and a rename back of the same name come as one, before the rename is done.
  private readonly stale = new Set<string>();
  private readonly pending = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private rearmTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(private readonly options: WatchOptions) {}

  start(): void {
    const byParent = new Map<string, string[]>();
    for (const folder of this.options.folders) {
      this.arm(folder);
      const parent = posix.dirname(folder);
      byParent.set(parent, [...(byParent.get(parent) ?? []), folder]);
    }
    for (const [parent, folders] of byParent) {
      this.watchParent(parent, folders);
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.flushTimer);
    clearTimeout(this.rearmTimer);
    for (const watcher of [...this.watchers.values(), ...this.parents]) {
      watcher.close();
    }
    this.watchers.clear();
  }

  private get debounceMs(): number {
    return this.options.debounceMs ?? 100;
  }

  private changed(path: string): void {
    if (this.options.accept !== undefined && !this.options.accept(path)) {
      return;
    }
    this.pending.add(path);
    clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => {
      const paths = [...this.pending];
      this.pending.clear();
      this.options.onChanges(paths);
    }, this.debounceMs);
  }

  /** Watches `folder` afresh; false when it does not exist (now). */
  private arm(folder: string): boolean {
    this.watchers.get(folder)?.close();
    this.watchers.delete(folder);
    const path = join(this.options.root, folder);
    if (!existsSync(path)) {
      return false;
    }
    const watcher = watch(path, { recursive: true }, (_event, file) => {
      this.changed(file ? posix.join(folder, String(file).replaceAll("\\", "/")) : folder);
    });
    // A folder removed under the watch may end it with an error; the parent's watch re-arms it.
    watcher.on("error", () => undefined);
    this.watchers.set(folder, watcher);
    return true;
  }

  private watchParent(parent: string, folders: string[]): void {
    if (!existsSync(join(this.options.root, parent))) {
      return;
    }
    const names = new Map(folders.map((folder) => [posix.basename(folder), folder]));
    const watcher = watch(join(this.options.root, parent), (_event, file) => {
      const folder = file ? names.get(String(file)) : undefined;
      if (folder !== undefined) {
        this.stale.add(folder);
        this.scheduleRearm(this.debounceMs);
        this.changed(folder);
      }
    });
    watcher.on("error", () => undefined);
    this.parents.push(watcher);
  }

  /** Watches the replaced folders again; one still missing is looked for every 250 ms. */
  private scheduleRearm(delayMs: number): void {
    clearTimeout(this.rearmTimer);
    this.rearmTimer = setTimeout(() => {
      for (const folder of this.stale) {
        if (this.arm(folder)) {
          this.stale.delete(folder);
        }
      }
      if (this.stale.size > 0 && !this.closed) {
        this.scheduleRearm(250);
      }
    }, delayMs);
  }
}
