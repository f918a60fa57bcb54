import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ScaffoldError, scaffoldService } from "./scaffold.ts";

// `bun run new-service <name> [--resource <singular>]`: a new service from the template.

const usage = "usage: bun run new-service <name> [--resource <singular>]";
const root = resolve(import.meta.dir, "../..");

try {
  const { values, positionals } = parseArgs({
    args: Bun.argv.slice(2),
    options: { resource: { type: "string" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
  });
  if (values.help === true) {
    console.log(usage);
    process.exit(0);
  }
  const [name, ...extra] = positionals;
  if (name === undefined || extra.length > 0) {
    throw new ScaffoldError([usage]);
  }
  // The entries in compose, deploy and env files come from `writeServiceEntries`, an option of
  // scaffoldService: passed here, it runs once the files are in place, and its failure undoes them.
  const { entry, files, names } = await scaffoldService(root, name, { resource: values.resource });
  console.log(
    `created ${entry.packageName} in ${entry.dir} (port ${entry.port}, ${names.protoService})`,
  );
  for (const file of files.filter((f) => !f.startsWith(`${entry.dir}/`))) {
    console.log(`  ${file}`);
  }
  // The new workspace joins the lockfile and its proto the generated code, so `bun run dev`
  // (which installs frozen) and the type checker see it right away.
  await step(["bun", "install"]);
  await step(["bun", "run", "generate"]);
  console.log(`next: bun run dev, then /api/${names.plural} through the gateway (sign in first)`);
} catch (error) {
  const problems = error instanceof ScaffoldError ? error.problems : [String(error)];
  for (const problem of problems) {
    console.error(`new-service: ${problem}`);
  }
  console.error("nothing was written");
  process.exit(1);
}

/** Runs a command at the root with its output shown; a failure is reported, the files stay. */
async function step(cmd: string[]): Promise<void> {
  const child = Bun.spawn(cmd, { cwd: root, stdout: "inherit", stderr: "inherit" });
  if ((await child.exited) !== 0) {
    console.error(`new-service: \`${cmd.join(" ")}\` failed; the service is written, run it again`);
    process.exit(1);
  }
}
