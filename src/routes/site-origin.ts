// The site's own address as the request names it, for what must carry absolute links (calendar
// feeds, the news feed). Only a host of a sane shape is used: a Host header (or a trusted proxy's
// X-Forwarded-Host) that is anything else would end up inside UIDs and links.
import type { FastifyRequest } from 'fastify';
import type { Site } from '../lib/site.js';

const hostShape = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;


export function siteOf(request: FastifyRequest): Site {
  const fits = hostShape.test(request.host);
  return { origin: `${request.protocol}://${fits ? request.host : 'localhost'}`, hostname: fits ? request.hostname : 'localhost' };
}
