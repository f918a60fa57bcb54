// B: unary-server.ts answering the notes-like methods with fixed bytes, plus two methods for
// interop.mjs (a failure and a call that outlives its deadline). Environment: PORT.
import { status } from "@grpc/grpc-js";
import { answers, notesLikeDefinition } from "./notes-like-definition.ts";
import { createUnaryServer, RpcError } from "./unary-server.ts";

const server = createUnaryServer({
  [notesLikeDefinition.create.path]: () => answers.create,
  [notesLikeDefinition.list.path]: () => answers.list,
  "/bench.v1.Interop/Fail": () => {
    throw new RpcError(status.INVALID_ARGUMENT, "title: must not be empty ☺");
  },
  "/bench.v1.Interop/Sleep": (_request, signal) =>
    new Promise((_resolve, reject) =>
      signal.addEventListener("abort", () => reject(signal.reason)),
    ),
});
server.listen(Number(process.env.PORT), "127.0.0.1", () => console.log("ready"));
process.on("SIGTERM", () => server.close());
