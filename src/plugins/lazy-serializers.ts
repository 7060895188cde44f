// Response serializers built on a route's first answer instead of at start-up. Fastify's default
// compiles every response schema of every route before it listens: fast-json-stringify checks each
// schema against its meta-schema and resolves the shared ones (Student, Error, …) for each, which
// took 0.9 s of a worker's 3 s start with the API's routes (CPU profile, 2026-12-07). Built on first
// use, each costs a few milliseconds once, and a worker that never answers a route never pays for it.
// The serializer itself is the same fast-json-stringify function as Fastify's own.
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type SerializerFactory = ReturnType<typeof SerializerSelector>;

/** Wraps a serializer factory (Fastify's own by default) so each route's serializer is built on first use. */
export function deferredSerializers(eagerFactory: SerializerFactory = SerializerSelector()): SerializerFactory {
  return (externalSchemas, options) => {
    const compile = eagerFactory(externalSchemas, options);
    return (route) => {
      let serialize: ((document: unknown) => string) | undefined;
      return (document) => (serialize ??= compile(route))(document);
    };
  };
}

/** The `schemaController.compilersFactory.buildSerializer` of buildApp. */
export const lazySerializers = deferredSerializers();
