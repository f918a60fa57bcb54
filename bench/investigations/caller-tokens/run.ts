// What a caller token costs each side, in-process: minting and verifying a new token (once per
// user, RPC and 10 s step), and the per-call path once it is kept. `bun run.ts` from this folder.
import { Metadata } from "@grpc/grpc-js";
import {
  callerSigner,
  callerVerifier,
  generateCallerKeys,
  parsePublicKeys,
  parseSigningKey,
} from "@trellis/service-kit";

const SERVICE = "trellis.notes.v1.NotesService";
const METHOD = `/${SERVICE}/CreateNote`;
const keys = generateCallerKeys("bench");
const users = Array.from({ length: 2_000 }, () => crypto.randomUUID());

async function perOp(label: string, count: number, run: (i: number) => unknown): Promise<void> {
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    await run(i);
  }
  const us = ((performance.now() - started) * 1000) / count;
  console.log(`${label.padEnd(44)} ${us.toFixed(2)} µs`);
}

const now = Date.now();
const sign = callerSigner(parseSigningKey(keys.signingKey));
await sign(users[0] ?? "", METHOD, now); // imports the key
await perOp("mint a new token (a user's first call)", users.length, (i) =>
  sign(users[i] ?? "", METHOD, now),
);
await perOp("a call whose token is kept (signer)", 200_000, (i) =>
  sign(users[i % users.length] ?? "", METHOD, now),
);

const tokens = await Promise.all(users.map((user) => sign(user, METHOD, now)));
const metadata = tokens.map((token) => {
  const m = new Metadata();
  m.set("x-trellis-caller", token);
  return m;
});
// Twice, each with a fresh verifier: the first round also warms the JIT up.
let verify = callerVerifier(parsePublicKeys(keys.publicKey), SERVICE);
for (const round of ["(warm-up)", ""]) {
  verify = callerVerifier(parsePublicKeys(keys.publicKey), SERVICE);
  await verify(metadata[0] ?? new Metadata(), METHOD, now);
  await perOp(`verify a new token ${round}`, metadata.length, (i) =>
    verify(metadata[i] ?? new Metadata(), METHOD, now),
  );
}
await perOp("a call whose token was accepted (verifier)", 200_000, (i) =>
  verify(metadata[i % metadata.length] ?? new Metadata(), METHOD, now),
);
