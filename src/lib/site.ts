/**
 * Where FMS is served, as a request named it: what feeds and other absolute links are made from
 * (routes/site-origin.ts reads it off the request).
 */
export interface Site {
  /** "https://fms.example.edu" (scheme, host and port, no trailing slash). */
  origin: string;
  /** "fms.example.edu": e.g. the host part of a calendar event's UID. */
  hostname: string;
}
