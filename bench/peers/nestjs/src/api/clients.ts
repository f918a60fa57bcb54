import { type CallOptions, Metadata } from "@grpc/grpc-js";
import { Inject, Injectable, type OnModuleInit } from "@nestjs/common";
import type { ClientGrpc } from "@nestjs/microservices";
import { lastValueFrom, type Observable } from "rxjs";
import type { Timestamp } from "../shared/grpc.js";
import { asHttpError } from "./grpc-errors.js";

export const IDENTITY_PACKAGE = "IDENTITY_PACKAGE";
export const NOTES_PACKAGE = "NOTES_PACKAGE";

/** Every call gets a deadline (grpc-js has none by default). */
const CALL_TIMEOUT_MS = 5_000;

export interface UserMessage {
  id: string;
  name: string;
  email: string;
  avatarUrl: string;
  createTime: Timestamp;
}

export interface NoteMessage {
  id: string;
  title: string;
  body: string;
  createTime: Timestamp;
  updateTime: Timestamp;
}

/** The stubs Nest's ClientGrpc makes from the protos: each call an Observable. */
interface IdentityService {
  validateSession(
    request: { sessionToken: string },
    metadata: Metadata,
    options: CallOptions,
  ): Observable<{ user: UserMessage | null }>;
}

interface NotesService {
  createNote(
    request: { ownerId: string; title: string; body: string },
    metadata: Metadata,
    options: CallOptions,
  ): Observable<{ note: NoteMessage | null }>;
  listNotes(
    request: { ownerId: string; pageSize: number; pageToken: string },
    metadata: Metadata,
    options: CallOptions,
  ): Observable<{ notes: NoteMessage[]; nextPageToken: string }>;
}

/** Awaits one unary call with its deadline; a gRPC error becomes the HTTP error of its status. */
function call<T>(start: (metadata: Metadata, options: CallOptions) => Observable<T>): Promise<T> {
  const options = { deadline: Date.now() + CALL_TIMEOUT_MS };
  return lastValueFrom(start(new Metadata(), options)).catch((error: unknown) => {
    throw asHttpError(error);
  });
}

@Injectable()
export class IdentityClient implements OnModuleInit {
  private service!: IdentityService;

  constructor(@Inject(IDENTITY_PACKAGE) private readonly client: ClientGrpc) {}

  onModuleInit(): void {
    this.service = this.client.getService<IdentityService>("IdentityService");
  }

  validateSession(sessionToken: string): Promise<{ user: UserMessage | null }> {
    return call((metadata, options) =>
      this.service.validateSession({ sessionToken }, metadata, options),
    );
  }
}

@Injectable()
export class NotesClient implements OnModuleInit {
  private service!: NotesService;

  constructor(@Inject(NOTES_PACKAGE) private readonly client: ClientGrpc) {}

  onModuleInit(): void {
    this.service = this.client.getService<NotesService>("NotesService");
  }

  createNote(request: { ownerId: string; title: string; body: string }) {
    return call((metadata, options) => this.service.createNote(request, metadata, options));
  }

  listNotes(request: { ownerId: string; pageSize: number; pageToken: string }) {
    return call((metadata, options) => this.service.listNotes(request, metadata, options));
  }
}
