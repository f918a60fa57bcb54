// Starts Swagger UI on /docs. A file of its own, served from the gateway's origin, because the
// page's Content-Security-Policy allows no inline script.
window.addEventListener("DOMContentLoaded", () => {
  window.SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // "Try it out" sends the browser's session cookie; the API's CSRF rules apply as usual.
    withCredentials: true,
  });
});
