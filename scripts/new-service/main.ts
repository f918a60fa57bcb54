import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { writeServiceEntries } from "../services/entries/index.ts";
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
  // The compose files, the database init and the env examples list every service: their
  // entries are written once the service's files are in place; a refusal there undoes them.
  const entryFiles: string[] = [];
  const { entry, files, names } = await scaffoldService(root, name, {
    resource: values.resource,
    writeServiceEntries: async (at, service) => {
      entryFiles.push(...(await writeServiceEntries(at, service)));
    },
  });
  console.log(
    `created ${entry.packageName} in ${entry.dir} (port ${entry.port}, ${names.protoService})`,
  );
  for (const file of [...files.filter((f) => !f.startsWith(`${entry.dir}/`)), ...entryFiles]) {
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
