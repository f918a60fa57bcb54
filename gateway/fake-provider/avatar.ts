// A local picture for the default identities, so a dev UI that shows the avatar loads nothing
// from the internet.
const SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
<rect width="64" height="64" rx="32" fill="#6b7280"/>
<circle cx="32" cy="25" r="11" fill="#e5e7eb"/>
<path d="M12 54c3-11 11-16 20-16s17 5 20 16" fill="#e5e7eb"/>
</svg>
`;

export function avatarResponse(): Response {
  return new Response(SVG, {
    headers: { "content-type": "image/svg+xml", "cache-control": "public, max-age=3600" },
  });
}
