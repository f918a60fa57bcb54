import type { ServiceEntry } from "./discover.ts";

/** One image the workflows build: `trellis-<service>`, from its folder's own Dockerfile. */
export interface ImageTarget {
  service: string;
  /** The build context: the folder, relative to the repository root. */
  context: string;
  dockerfile: string;
}

/**
 * The gateway has an image but is not a gRPC service (it declares no `trellis.service`), so it
 * is the one name kept here; every other image is a discovered service.
 */
export const GATEWAY: ImageTarget = {
  service: "gateway",
  context: "gateway",
  dockerfile: "gateway/Dockerfile",
};

/** Every image of the repository: the gateway's, then each service's, by name. */
export function imageTargets(services: readonly ServiceEntry[]): ImageTarget[] {
  return [
    GATEWAY,
    ...services.map(({ name, dir }) => ({
      service: name,
      context: dir,
      dockerfile: `${dir}/Dockerfile`,
    })),
  ];
}

/** The folder an image builds from; throws on a name that has no image. */
export function imageContext(targets: readonly ImageTarget[], name: string): string {
  const target = targets.find((candidate) => candidate.service === name);
  if (target === undefined) {
    const known = targets.map((candidate) => candidate.service).join(", ");
    throw new Error(`no image for a service named '${name}' (there are: ${known})`);
  }
  return target.context;
}
