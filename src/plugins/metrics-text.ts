// The process's metrics in Prometheus's text format: the /metrics route's answer, and the metrics
// port's when one process serves. Apart from the plugin, so that the server's start (server.ts)
// does not load Fastify's plugins to know it.
import client from 'prom-client';

export async function metricsText(): Promise<{ contentType: string; body: string }> {
  return { contentType: client.register.contentType, body: await client.register.metrics() };
}
