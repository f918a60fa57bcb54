import { contractsRegistry } from "@trellis/contracts/descriptors";
import { type HttpRule, httpRules } from "@trellis/contracts/http-rules";

const rules = httpRules(contractsRegistry());

/** The REST rule of one NotesService RPC, read from the real descriptors. */
export function notesRule(rpc: string): HttpRule {
  const rule = rules.find((r) => r.method === `/trellis.notes.v1.NotesService/${rpc}`);
  if (rule === undefined) {
    throw new Error(`no REST rule for ${rpc}`);
  }
  return rule;
}
