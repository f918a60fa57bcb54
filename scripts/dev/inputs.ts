import { join, posix } from "node:path";

/**
 * What the dev runner restarts on a change, and why. Paths are relative to the repository root,
 * with forward slashes. Pure but for `readWorkspace`, which reads the package.json files.
 */

/** A workspace package as the dev runner sees it: where it is and what it depends on. */
export interface WorkspacePackage {
  /** Its folder: `service-kit`, `services/identity`. */
  dir: string;
  /** Names of its run-time dependencies (`dependencies`; dev dependencies run only in tests). */
  dependencies: string[];
  /** The top-level folders its `exports` point into: what its dependents run of it. */
  exportFolders: string[];
}

/** Package name -> package. */
export type Workspace = ReadonlyMap<string, WorkspacePackage>;

/** A process of the dev runner that restarts on change (Vite reloads the web app itself). */
export interface WatchedProcess {
  name: string;
  /** Its package's name, whose workspace dependencies it runs; null to follow none. */
  packageName: string | null;
  /** Its own code: folders or files, relative to the root. */
  own: string[];
}

/** What one batch of changes asks for. */
export interface ChangePlan {
  /** The first .proto changed, if any: lint and generate before restarting. */
  generate: string | null;
  /** Processes to restart, each with the first changed path that concerns it. */
  restart: Map<string, string>;
}

/** Where the protos are: a change there is generated into the contracts package's code. */
export const PROTO_DIR = "contracts/proto";
/** The package the generated code belongs to: its dependents restart after generation. */
export const CONTRACTS_PACKAGE = "@trellis/contracts";

// Files no process runs: tests and benchmarks beside the code, editors' scratch files.
const IGNORED = [
  /\.(test|bench)\.ts$/,
  /(^|\/)node_modules(\/|$)/,
  /(^|\/)\.gen-next(\/|$)/,
  /\.sw[a-p]x?$/,
  /~$/,
  /(^|\/)\.#/,
  /(^|\/)4913$/,
];

/** The workspace packages a package runs, itself excluded, following their dependencies. */
export function workspaceDependencies(packageName: string, workspace: Workspace): string[] {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    for (const dependency of workspace.get(name)?.dependencies ?? []) {
      if (workspace.has(dependency) && !seen.has(dependency) && dependency !== packageName) {
        seen.add(dependency);
        visit(dependency);
      }
    }
  };
  visit(packageName);
  return [...seen].sort();
}

/** Every path whose change restarts `process`: its own code and its dependencies' exports. */
export function processInputs(process: WatchedProcess, workspace: Workspace): string[] {
  const dependencies =
    process.packageName === null ? [] : workspaceDependencies(process.packageName, workspace);
  const fromDependencies = dependencies.flatMap((name) => {
    const found = workspace.get(name);
    return found === undefined ? [] : found.exportFolders.map((f) => posix.join(found.dir, f));
  });
  return [...process.own, ...fromDependencies];
}

/** Whether `path` is `input` or inside it. */
function within(path: string, input: string): boolean {
  return path === input || path.startsWith(`${input}/`);
}

/**
 * The plan for a batch of changed paths: a proto means generation, then a restart of whatever
 * runs the contracts' code; any other path restarts the processes whose inputs hold it.
 */
export function planChanges(
  paths: readonly string[],
  processes: readonly WatchedProcess[],
  workspace: Workspace,
): ChangePlan {
  const plan: ChangePlan = { generate: null, restart: new Map() };
  const contracts = workspace.get(CONTRACTS_PACKAGE);
  for (const path of paths) {
    if (IGNORED.some((pattern) => pattern.test(path))) {
      continue;
    }
    const proto = within(path, PROTO_DIR);
    if (proto && !path.endsWith(".proto")) {
      continue;
    }
    if (proto) {
      plan.generate ??= path;
    }
    // After generation the contracts' generated code is what changed.
    const affects = proto && contracts !== undefined ? contracts.dir : path;
    for (const process of processes) {
      const inputs = processInputs(process, workspace);
      const hit = inputs.some((input) => within(affects, input) || within(input, affects));
      if (hit && !plan.restart.has(process.name)) {
        plan.restart.set(process.name, path);
      }
    }
  }
  return plan;
}

/**
 * The folders to watch for these processes: each input's folder (a file input's parent), the
 * ones inside another left out, since the watch is recursive.
 */
export function watchedFolders(
  processes: readonly WatchedProcess[],
  workspace: Workspace,
  isFile: (path: string) => boolean,
): string[] {
  const folders = new Set<string>([PROTO_DIR]);
  for (const process of processes) {
    for (const input of processInputs(process, workspace)) {
      folders.add(isFile(input) ? posix.dirname(input) : input);
    }
  }
  const sorted = [...folders].sort();
  return sorted.filter((folder) => !sorted.some((o) => o !== folder && within(folder, o)));
}

/** The workspace packages listed in the root package.json, by name. */
export async function readWorkspace(root: string): Promise<Workspace> {
  const manifest = (await Bun.file(join(root, "package.json")).json()) as { workspaces: string[] };
  const workspace = new Map<string, WorkspacePackage>();
  for (const pattern of manifest.workspaces) {
    const glob = new Bun.Glob(posix.join(pattern, "package.json"));
    for await (const file of glob.scan({ cwd: root, onlyFiles: true })) {
      const pkg = (await Bun.file(join(root, file)).json()) as PackageJson;
      if (typeof pkg.name === "string") {
        workspace.set(pkg.name, workspacePackage(posix.dirname(file), pkg));
      }
    }
  }
  return workspace;
}

interface PackageJson {
  name?: unknown;
  dependencies?: Record<string, string>;
  exports?: unknown;
}

/** A package from its manifest: the folders its exports point into (`./src/x.ts` -> `src`). */
export function workspacePackage(dir: string, pkg: PackageJson): WorkspacePackage {
  const targets: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === "string") {
      targets.push(value);
    } else if (typeof value === "object" && value !== null) {
      Object.values(value).forEach(collect);
    }
  };
  collect(pkg.exports);
  const folders = targets
    .map((target) => target.replace(/^\.\//, "").split("/"))
    .filter((parts) => parts.length > 1)
    .map((parts) => parts[0] ?? "");
  return {
    dir,
    dependencies: Object.keys(pkg.dependencies ?? {}),
    exportFolders: [...new Set(folders)].sort(),
  };
}
