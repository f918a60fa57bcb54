// `bun run caller-keys [kid]`: a new Ed25519 key pair for caller tokens, printed as the two
// settings that hold it. CALLER_SIGNING_KEY goes to the gateway only (a secret); CALLER_PUBLIC_KEYS
// to every service (public). The kid names the key in every token, for rotation (deploy/README.md).
import { generateCallerKeys } from "@trellis/service-kit";

const kid = process.argv[2] ?? new Date().toISOString().slice(0, 10);
const keys = generateCallerKeys(kid);
console.log(`CALLER_SIGNING_KEY=${keys.signingKey}`);
console.log(`CALLER_PUBLIC_KEYS=${keys.publicKey}`);
