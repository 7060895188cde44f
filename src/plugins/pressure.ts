// Overload protection: when the event loop lags or the heap is nearly full, answer 503 with
// Retry-After at once instead of queueing requests until the process falls over. /healthz keeps
// answering so an orchestrator does not kill a server that is merely busy.
import underPressure from '@fastify/under-pressure';
import fp from 'fastify-plugin';
import { getHeapStatistics } from 'node:v8';
import { AppError } from '../lib/errors.js';
import './types.js';

export interface PressureOptions {
  /** Event-loop lag (ms) beyond which requests are refused (default 1000). */
  maxEventLoopDelay?: number;
  /** Heap use (bytes) beyond which requests are refused (default 92% of the heap limit). */
  maxHeapUsedBytes?: number;
  /** How often the figures are sampled (ms; default 1000). */
  sampleInterval?: number;
}

export default fp(
  async (app, options: PressureOptions) => {
    await app.register(underPressure, {
      maxEventLoopDelay: options.maxEventLoopDelay ?? 1000,
      maxHeapUsedBytes: options.maxHeapUsedBytes ?? Math.floor(getHeapStatistics().heap_size_limit * 0.92),
      sampleInterval: options.sampleInterval ?? 1000,
      retryAfter: 10,
      // A rejected promise reaches our error handler, which renders the 503 page or JSON.
      pressureHandler: async (request, reply, type, value) => {
        if (request.url === '/healthz') return;
        // under-pressure reports an interval without a single lag sample as Infinity: the loop was
        // busy for all of it once (starting up, parsing a big upload), which is over by now. Only a
        // measured lag means requests keep waiting.
        if (type === 'eventLoopDelay' && value === Infinity) return;
        reply.header('retry-after', '10');
        request.log.warn({ type }, 'overloaded: refusing a request with 503');
        throw new AppError(503, 'overloaded', 'FMS is very busy right now. Try again in a few seconds.');
      },
    });
  },
  { name: 'fms-pressure' },
);
