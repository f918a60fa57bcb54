import { parse, stringify } from "yaml";

/** The googleapis module on the Buf Schema Registry: google/api for a consumer of the protos. */
export const GOOGLEAPIS_MODULE = "buf.build/googleapis/googleapis";

type BufYaml = { modules?: { path: string }[]; deps?: string[]; [key: string]: unknown };

/**
 * The contracts' buf.yaml as published. The workspace's names google/api as a local module under
 * node_modules (the pinned google-proto-files package, so it builds offline); a consumer has no
 * such folder, so the published one drops those modules and depends on googleapis from the
 * Buf Schema Registry instead, buf's usual way (`buf dep update` once, then it is in buf.lock).
 */
export function publishedBufYaml(text: string): string {
  const config = parse(text) as BufYaml;
  const modules = config.modules ?? [];
  const local = modules.filter((module) => !module.path.startsWith("node_modules/"));
  const published: BufYaml = { ...config, modules: local };
  if (local.length < modules.length) {
    published.deps = [...new Set([...(config.deps ?? []), GOOGLEAPIS_MODULE])];
  }
  const header =
    "# As published: google/api comes from the Buf Schema Registry (`buf dep update`), where the\n" +
    "# workspace reads it from the google-proto-files package (see the repository's buf.yaml).\n";
  return header + stringify(published);
}
