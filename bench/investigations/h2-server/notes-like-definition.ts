// Two unary methods whose messages are raw bytes of the sizes notes' RPCs carry: CreateNote (a
// title and body in, the note back) and ListNotes (a page size in, 20 notes back, ~3.5 KB). Both
// servers answer fixed bytes, so what differs between them is the transport alone; ts-proto's
// encoding, the same on either, is left out.

const bytes = (message: Buffer): Buffer => message;
const method = (path: string) => ({
  path,
  requestStream: false,
  responseStream: false,
  requestSerialize: bytes,
  requestDeserialize: bytes,
  responseSerialize: bytes,
  responseDeserialize: bytes,
});

export const notesLikeDefinition = {
  create: method("/bench.v1.NotesLike/Create"),
  list: method("/bench.v1.NotesLike/List"),
};

export type Payload = keyof typeof notesLikeDefinition;

/** Request and answer of each method, in bytes. */
export const sizes: Record<Payload, { request: number; answer: number }> = {
  create: { request: 140, answer: 190 },
  list: { request: 8, answer: 3_500 },
};

/** The answer each method's handler sends, whatever the request. */
export const answers: Record<Payload, Buffer> = {
  create: Buffer.alloc(sizes.create.answer, 7),
  list: Buffer.alloc(sizes.list.answer, 7),
};
