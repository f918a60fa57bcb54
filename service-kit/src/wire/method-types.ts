/** The part of a generated grpc-js method definition (ts-proto output) the kit relies on. */
export interface MethodShape {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
}

/** A generated service definition, e.g. `NotesServiceService`. */
export type ServiceDefinitionShape = Record<string, MethodShape>;

export type RequestOf<Method> = Method extends { requestDeserialize(bytes: Buffer): infer R }
  ? R
  : never;

export type ResponseOf<Method> = Method extends { responseDeserialize(bytes: Buffer): infer R }
  ? R
  : never;
