// Overload protection: when the event loop keeps lagging or the heap is nearly full, answer 503
// with Retry-After at once instead of queueing requests until the process falls over. /healthz
// keeps answering so an orchestrator does not kill a server that is merely busy.
//
// @fastify/under-pressure watches the heap. Event-loop lag is watched here instead: under-pressure
// refuses after a single sample over the limit, and on a loaded machine one long pause while the
// server starts made its first requests fail (see lib/event-loop-lag.ts).
import underPressure from '@fastify/under-pressure';
import fp from 'fastify-plugin';
import { getHeapStatistics } from 'node:v8';
import { AppError } from '../lib/errors.js';
import { SustainedLag } from '../lib/event-loop-lag.js';
import './types.js';

export interface PressureOptions {
  /** Event-loop lag (ms) beyond which, sustained, requests are refused (default 1000). */
  maxEventLoopDelay?: number;
  /** Heap use (bytes) beyond which requests are refused (default 92% of the heap limit). */
  maxHeapUsedBytes?: number;
  /** How often the figures are sampled (ms; default 1000). */
  sampleInterval?: number;
}

/** The lag sampler's period (ms): lag is measured to within this. */
const TICK_MS = 20;

function overloaded(): AppError {
  return new AppError(503, 'overloaded', 'FMS is very busy right now. Try again in a few seconds.');
}

export default fp(
  async (app, options: PressureOptions) => {
    const sampleInterval = options.sampleInterval ?? 1000;
    const lag = new SustainedLag(options.maxEventLoopDelay ?? 1000);
    // Lag is how late our own short timer fires; each window of `sampleInterval` counts its worst.
    // A histogram (perf_hooks.monitorEventLoopDelay) cannot be used: after a reset it drops its first
    // tick, so while the loop is busy between every tick it records nothing at all. And the window's
    // own timer cannot be the measure: it would be late by a turn's length less the window.
    // Measuring starts once the app is ready: building it (compiling schemas, reading the static
    // build) pauses the loop on a busy machine, and that is no request's wait.
    let sampler: NodeJS.Timeout | undefined;
    app.addHook('onReady', async () => {
      let due = performance.now() + TICK_MS;
      let windowEnds = performance.now() + sampleInterval;
      let worst = 0;
      sampler = setInterval(() => {
        const now = performance.now();
        worst = Math.max(worst, now - due);
        due = now + TICK_MS;
        if (now < windowEnds) return;
        lag.record(worst);
        worst = 0;
        windowEnds = now + sampleInterval;
      }, TICK_MS);
      sampler.unref();
    });
    app.addHook('onClose', async () => clearInterval(sampler));

    // A callback hook, not an async one: it runs on every request and is nearly always a no-op.
    app.addHook('onRequest', (request, reply, done) => {
      if (!lag.overloaded || request.url === '/healthz') return done();
      reply.header('retry-after', '10');
      request.log.warn({ type: 'eventLoopDelay', lagMs: Math.round(lag.lastLagMs) }, 'overloaded: refusing a request with 503');
      done(overloaded());
    });

    await app.register(underPressure, {
      maxEventLoopDelay: 0,
      maxHeapUsedBytes: options.maxHeapUsedBytes ?? Math.floor(getHeapStatistics().heap_size_limit * 0.92),
      sampleInterval,
      retryAfter: 10,
      // A rejected promise reaches our error handler, which renders the 503 page or JSON.
      pressureHandler: async (request, reply, type) => {
        if (request.url === '/healthz') return;
        reply.header('retry-after', '10');
        request.log.warn({ type }, 'overloaded: refusing a request with 503');
        throw overloaded();
      },
    });
  },
  { name: 'fms-pressure' },
);
