// CI's security rules, run by .ci/run and the ci workflow's check job (`bun run security`):
// - no Math.random in auth or session code, no raw SQL text (the SQL client's unsafe) outside
//   migration code (scripts/security/source-rules.ts says where each applies);
// - no known high or critical advisory against a production dependency (`bun audit`, which asks
//   the npm registry). An audit that could not run fails as well: a check that did not happen
//   is not a pass. SECURITY_AUDIT=skip leaves it out, on purpose and saying so, for a machine
//   that cannot reach the registry's advisory endpoint.
// Exit codes: 0 all clear, 1 a rule was broken, 2 the audit could not run.
import { resolve } from "node:path";
import { type AuditOutcome, auditProductionDependencies } from "./security/dependency-audit.ts";
import { findViolations, sourceRules } from "./security/source-rules.ts";

const root = resolve(import.meta.dir, "..");
let exitCode = 0;

const violations = await findViolations(root);
for (const { rule, file, line } of violations) {
  const fix = sourceRules.find((candidate) => candidate.name === rule)?.fix ?? "";
  console.error(`${file}:${line}: ${rule}: ${fix}`);
}
console.log(`security: ${violations.length} source rule violation(s)`);
if (violations.length > 0) {
  exitCode = 1;
}

if (process.env.SECURITY_AUDIT === "skip") {
  console.warn("security: dependency audit SKIPPED (SECURITY_AUDIT=skip): nothing was checked");
} else {
  const audit = await auditProductionDependencies({ cwd: root });
  report(audit);
  if (audit.kind !== "clean") {
    exitCode = Math.max(exitCode, audit.kind === "advisories" ? 1 : 2);
  }
}
process.exit(exitCode);

function report(audit: AuditOutcome): void {
  switch (audit.kind) {
    case "clean":
      console.log("security: no high or critical advisory against a production dependency");
      return;
    case "advisories":
      for (const { name, severity, title, vulnerableVersions, url } of audit.advisories) {
        console.error(`${name} ${vulnerableVersions}: ${severity}: ${title} (${url})`);
      }
      console.error(
        `security: ${audit.advisories.length} high or critical advisory(ies) against production dependencies: upgrade them (bun audit fix)`,
      );
      return;
    case "unavailable":
      console.error(
        `security: the dependency audit could not run (${audit.reason}); failing, since nothing was checked`,
      );
  }
}
