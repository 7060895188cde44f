// Sending stored files from a real Fastify app (with the app's security headers, whose page CSP the
// file's own must replace) out of the local-folder storage in a temporary folder: whole files, ranges,
// conditional requests, HEAD, and the headers that keep an upload from acting as a page of FMS.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import securityPlugin from '../plugins/security.js';
import { createLocalStorage, newStorageKey, type Storage } from '../storage/index.js';
import { contentDisposition, requestedRange, sendStoredFile, servedContentType, type SendableFile } from './send-file.js';
import { collectGarbage } from '../../test/collect-garbage.js';

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const storedAt = new Date('2026-03-02T09:30:00Z');

interface Fixture {
  key: string;
  size: number;
  sha256: string;
  contentType: string;
  originalName: string;
}

/** A test app: GET /files/:name sends a stored file, ?inline asks for it inline; it counts the opens. */
async function fileServer(storage: Storage, files: Map<string, Fixture>) {
  const opens: ({ start: number; end: number } | undefined)[] = [];
  const app = Fastify();
  // The app's own security headers: a page CSP on every answer, which a file's must replace.
  app.decorate('deps', { config: { isProduction: false } } as never);
  await app.register(securityPlugin);
  app.get<{ Params: { name: string }; Querystring: { inline?: string } }>('/files/:name', async (request, reply) => {
    const fixture = files.get(request.params.name);
    if (!fixture) return reply.code(404).send({ error: 'no such file' });
    const file: SendableFile = {
      ...fixture,
      createdAt: storedAt,
      open: async (range) => {
        opens.push(range);
        return (await storage.get(fixture.key, range ? { range } : {})).stream;
      },
    };
    return sendStoredFile(request, reply, file, { inline: request.query.inline !== undefined });
  });
  await app.ready();
  return { app, opens };
}

describe('sending a stored file', () => {
  let folder: string;
  let storage: Storage;
  let app: FastifyInstance;
  let opens: ({ start: number; end: number } | undefined)[];
  const files = new Map<string, Fixture>();
  const slides = randomBytes(100_000);
  const etag = `"${sha256(slides)}"`;

  async function store(name: string, bytes: Buffer, contentType: string, originalName: string) {
    const key = newStorageKey(storedAt);
    const { size, sha256 } = await storage.put(key, Readable.from([bytes]), { contentType });
    files.set(name, { key, size, sha256, contentType, originalName });
  }

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'fms-send-file-'));
    storage = createLocalStorage(folder);
    await store('slides', slides, 'application/pdf', 'Predavanje 1.pdf');
    await store('page', Buffer.from('<script>alert(document.cookie)</script>'), 'text/html', 'page.html');
    await store('drawing', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'image/svg+xml', 'drawing.svg');
    await store('script', Buffer.from('alert(1)'), 'text/javascript', 'helper.js');
    await store('notes', Buffer.from('Bilješke s predavanja\n'), 'text/plain', 'notes.txt');
    await store('recording', randomBytes(4000), 'audio/mpeg', 'lecture.mp3');
    await store('photo', randomBytes(2000), 'image/png', 'board.png');
    await store('empty', Buffer.alloc(0), 'text/plain', 'empty.txt');
    await store('gone', Buffer.from('x'), 'application/pdf', 'gone.pdf');
    await storage.delete(files.get('gone')!.key);
    ({ app, opens } = await fileServer(storage, files));
  });
  after(async () => {
    await app.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const download = (url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') => {
    opens.length = 0;
    return app.inject({ method, url, headers });
  };

  function assertFileHeaders(response: LightMyRequestResponse, csp = "default-src 'none'; sandbox") {
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.equal(response.headers['content-security-policy'], csp, 'the file\'s CSP replaces the page CSP');
    assert.equal(response.headers['cache-control'], 'private, no-cache');
    assert.equal(response.headers.etag, etag);
    assert.equal(response.headers['last-modified'], 'Mon, 02 Mar 2026 09:30:00 GMT');
    assert.equal(response.headers['accept-ranges'], 'bytes');
  }

  test('a whole file: 200, its bytes, type, length and name, as an attachment by default, read in one open', async () => {
    const response = await download('/files/slides');
    assert.equal(response.statusCode, 200);
    assert.ok(response.rawPayload.equals(slides));
    assert.equal(response.headers['content-type'], 'application/pdf');
    assert.equal(response.headers['content-length'], String(slides.length));
    assert.equal(response.headers['content-disposition'], `attachment; filename="Predavanje 1.pdf"; filename*=UTF-8''Predavanje%201.pdf`);
    assert.equal(response.headers['content-range'], undefined);
    assertFileHeaders(response);
    assert.deepEqual(opens, [undefined]);
  });

  test('each form of range answers 206 with its bytes, Content-Range and length, and reads only them', async () => {
    const size = slides.length;
    for (const [header, start, end] of [
      ['bytes=0-99', 0, 99],
      ['bytes=1000-1999', 1000, 1999],
      ['bytes=0-0', 0, 0],
      ['bytes=99000-', 99_000, size - 1],
      ['bytes=-500', size - 500, size - 1],
      ['bytes=-1', size - 1, size - 1],
      ['bytes=-200000', 0, size - 1], // a suffix longer than the file is the whole file
      ['bytes=99990-200000', 99_990, size - 1], // an end past the last byte is the last byte
      ['BYTES=10-19', 10, 19],
      ['bytes=5-9,', 5, 9], // an empty list element is no second range
    ] as const) {
      const response = await download('/files/slides', { range: header });
      assert.equal(response.statusCode, 206, header);
      assert.equal(response.headers['content-range'], `bytes ${start}-${end}/${size}`, header);
      assert.equal(response.headers['content-length'], String(end - start + 1), header);
      assert.ok(response.rawPayload.equals(slides.subarray(start, end + 1)), `${header}: the bytes ${start}-${end}`);
      assert.equal(response.headers['content-type'], 'application/pdf');
      assert.match(String(response.headers['content-disposition']), /^attachment; /);
      assertFileHeaders(response);
      assert.deepEqual(opens, [{ start, end }], `${header}: storage was asked for the range only`);
    }
  });

  test('a range past the end: 416 with bytes */size, no body, nothing opened', async () => {
    for (const header of [`bytes=${slides.length}-`, `bytes=${slides.length + 10}-${slides.length + 20}`, 'bytes=-0']) {
      const response = await download('/files/slides', { range: header });
      assert.equal(response.statusCode, 416, header);
      assert.equal(response.headers['content-range'], `bytes */${slides.length}`);
      assert.equal(response.rawPayload.length, 0);
      assert.equal(response.headers['content-disposition'], undefined);
      assertFileHeaders(response);
      assert.deepEqual(opens, []);
    }
  });

  test('ranges it does not serve get the whole file: several ranges, another unit, malformed or reversed', async () => {
    for (const header of ['bytes=0-9,20-29', 'items=0-9', 'bytes=abc', 'bytes=9-5', 'bytes=-', 'bytes 0-9', 'bytes=0-9;x']) {
      const response = await download('/files/slides', { range: header });
      assert.equal(response.statusCode, 200, header);
      assert.equal(response.headers['content-length'], String(slides.length));
      assert.ok(response.rawPayload.equals(slides), header);
    }
    // An empty file has no byte a range could name.
    const empty = await download('/files/empty', { range: 'bytes=0-' });
    assert.equal(empty.statusCode, 200);
    assert.equal(empty.headers['content-length'], '0');
    assert.equal(empty.rawPayload.length, 0);
  });

  test('If-Range: the same ETag serves the range; another tag, a weak one or a date sends the whole file', async () => {
    const same = await download('/files/slides', { range: 'bytes=0-9', 'if-range': etag });
    assert.equal(same.statusCode, 206);
    assert.ok(same.rawPayload.equals(slides.subarray(0, 10)));
    for (const ifRange of ['"0000"', `W/${etag}`, storedAt.toUTCString()]) {
      const changed = await download('/files/slides', { range: 'bytes=0-9', 'if-range': ifRange });
      assert.equal(changed.statusCode, 200, ifRange);
      assert.equal(changed.headers['content-range'], undefined);
      assert.ok(changed.rawPayload.equals(slides), ifRange);
      assert.deepEqual(opens, [undefined]);
    }
  });

  test('If-None-Match with its ETag: 304 without the bytes and without opening the file, a Range notwithstanding', async () => {
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const response = await download('/files/slides', { 'if-none-match': ifNoneMatch, range: 'bytes=0-9' });
      assert.equal(response.statusCode, 304, ifNoneMatch);
      assert.equal(response.rawPayload.length, 0);
      assertFileHeaders(response);
      assert.deepEqual(opens, []);
    }
    const stale = await download('/files/slides', { 'if-none-match': '"another-version"' });
    assert.equal(stale.statusCode, 200);
    assert.ok(stale.rawPayload.equals(slides));
  });

  test('HEAD: the GET\'s headers and length, no body, the file not opened; its Range is ignored', async () => {
    for (const headers of [{}, { range: 'bytes=0-9' }] as Record<string, string>[]) {
      const response = await download('/files/slides', headers, 'HEAD');
      assert.equal(response.statusCode, 200);
      assert.equal(response.rawPayload.length, 0);
      assert.equal(response.headers['content-length'], String(slides.length));
      assert.equal(response.headers['content-type'], 'application/pdf');
      assert.match(String(response.headers['content-disposition']), /^attachment; filename="Predavanje 1.pdf"/);
      assertFileHeaders(response);
      assert.deepEqual(opens, []);
    }
    const conditional = await download('/files/slides', { 'if-none-match': etag }, 'HEAD');
    assert.equal(conditional.statusCode, 304);
  });

  test('inline only when asked and only for passive types: a PDF, an image, text and audio show; HTML, SVG and scripts download as octet-stream', async () => {
    const shown = async (name: string) => {
      const response = await download(`/files/${name}?inline`);
      assert.equal(response.statusCode, 200, name);
      return response;
    };
    const pdf = await shown('slides');
    assert.equal(pdf.headers['content-disposition'], `inline; filename="Predavanje 1.pdf"; filename*=UTF-8''Predavanje%201.pdf`);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assertFileHeaders(pdf, "default-src 'none'; style-src 'unsafe-inline'");

    const png = await shown('photo');
    assert.match(String(png.headers['content-disposition']), /^inline; /);
    assert.equal(png.headers['content-security-policy'], "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    const text = await shown('notes');
    assert.match(String(text.headers['content-disposition']), /^inline; /);
    assert.equal(text.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(text.payload, 'Bilješke s predavanja\n');
    const audio = await shown('recording');
    assert.match(String(audio.headers['content-disposition']), /^inline; /);
    assert.equal(audio.headers['content-security-policy'], "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'", 'the media page may load the file again');

    for (const [name, filename] of [
      ['page', 'page.html'],
      ['drawing', 'drawing.svg'],
      ['script', 'helper.js'],
    ] as const) {
      const response = await shown(name);
      assert.equal(response.headers['content-disposition'], `attachment; filename="${filename}"; filename*=UTF-8''${filename}`, `${name} is never inline`);
      assert.equal(response.headers['content-type'], 'application/octet-stream', `${name} cannot be run or applied as its own type`);
      assert.equal(response.headers['content-security-policy'], "default-src 'none'; sandbox");
      assert.equal(response.headers['x-content-type-options'], 'nosniff');
    }
  });

  test('a file missing from storage: the error answer carries none of the file\'s headers', async () => {
    const response = await download('/files/gone');
    assert.equal(response.statusCode, 404, 'ObjectNotFound is a NotFound');
    assert.deepEqual(opens, [undefined]);
    for (const header of ['content-disposition', 'etag', 'accept-ranges', 'last-modified']) assert.equal(response.headers[header], undefined, header);
    assert.notEqual(response.headers['content-security-policy'], "default-src 'none'; sandbox");
  });
});

describe('the name in Content-Disposition', () => {
  test('an ASCII fallback without quotes, accents or paths, and the exact name in filename*', () => {
    assert.equal(
      contentDisposition('attachment', 'Predavanje č1 "uvod".pdf'),
      `attachment; filename="Predavanje c1 uvod.pdf"; filename*=UTF-8''Predavanje%20%C4%8D1%20%22uvod%22.pdf`,
    );
    assert.equal(contentDisposition('attachment', '../../x.pdf'), `attachment; filename="x.pdf"; filename*=UTF-8''x.pdf`);
    assert.equal(contentDisposition('inline', 'C:\\Users\\ana\\Vježba 2.docx'), `inline; filename="Vjezba 2.docx"; filename*=UTF-8''Vje%C5%BEba%202.docx`);
    assert.equal(contentDisposition('attachment', 'a\\"b.txt'), `attachment; filename="b.txt"; filename*=UTF-8''%22b.txt`, 'a backslash is a path separator');
    // Control characters could end the header; a right-to-left override would show evil\u202Efdp.exe as evilexe.pdf.
    assert.equal(contentDisposition('attachment', 'line\r\nSet-Cookie: x=1\u0000.txt'), `attachment; filename="lineSet-Cookie: x=1.txt"; filename*=UTF-8''lineSet-Cookie%3A%20x%3D1.txt`);
    assert.equal(contentDisposition('attachment', 'evil\u202Efdp.exe'), `attachment; filename="evilfdp.exe"; filename*=UTF-8''evilfdp.exe`);
    assert.equal(contentDisposition('attachment', "it's (50%) *done*.txt"), `attachment; filename="it's (50_) *done*.txt"; filename*=UTF-8''it%27s%20%2850%25%29%20%2Adone%2A.txt`);
    assert.equal(contentDisposition('attachment', '讲义.pdf'), `attachment; filename="__.pdf"; filename*=UTF-8''%E8%AE%B2%E4%B9%89.pdf`);
    for (const nameless of ['', '..', '../', '\u0007']) assert.equal(contentDisposition('attachment', nameless), `attachment; filename="download"; filename*=UTF-8''download`, JSON.stringify(nameless));
    assert.equal(contentDisposition('attachment', 'half \uD800 a pair.txt'), `attachment; filename="half  a pair.txt"; filename*=UTF-8''half%20%20a%20pair.txt`, 'an unpaired surrogate is dropped');
  });

  test('filename* decodes back to the name the browser saves', () => {
    for (const name of ['Predavanje č1 "uvod".pdf', 'Ćevapi & šljivovica; (final) v2.xlsx', "O'Brien — seminar.odt", 'emoji 📚.txt']) {
      const header = contentDisposition('attachment', name);
      const encoded = /filename\*=UTF-8''([A-Za-z0-9!#$&+\-.^_`|~%]+)$/.exec(header);
      assert.ok(encoded, `only attr-char and percent escapes: ${header}`);
      assert.equal(decodeURIComponent(encoded[1]!), name);
      assert.match(/filename="([^"]*)"/.exec(header)![1]!, /^[\x20-\x7e]+$/, 'the fallback is printable ASCII');
    }
  });
});

describe('the type sent', () => {
  test('passive types as themselves (UTF-8 for text), active and malformed ones as octet-stream', () => {
    for (const [stored, sent] of [
      ['application/pdf', 'application/pdf'],
      ['IMAGE/PNG', 'image/png'],
      ['text/plain', 'text/plain; charset=utf-8'],
      ['text/csv; charset=windows-1250', 'text/csv; charset=utf-8'],
      ['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
      ['video/mp4', 'video/mp4'],
      ['application/x-unknown-thing', 'application/x-unknown-thing'],
      ['text/html; charset=utf-8', 'application/octet-stream'],
      ['image/svg+xml', 'application/octet-stream'],
      ['application/xhtml+xml', 'application/octet-stream'],
      ['application/atom+xml', 'application/octet-stream'],
      ['text/xml', 'application/octet-stream'],
      ['application/xml', 'application/octet-stream'],
      ['application/javascript', 'application/octet-stream'],
      ['text/css', 'application/octet-stream'],
      ['application/wasm', 'application/octet-stream'],
      ['', 'application/octet-stream'],
      ['text/plain\r\nSet-Cookie: a=1', 'application/octet-stream'],
      ['pdf', 'application/octet-stream'],
    ]) {
      assert.equal(servedContentType(stored!), sent, stored);
    }
  });
});

describe('reading a Range header', () => {
  test('one range of a 1000-byte file, or null for the whole file, or unsatisfiable', () => {
    const cases: [string | undefined, ReturnType<typeof requestedRange>][] = [
      [undefined, null],
      ['bytes=0-499', { start: 0, end: 499 }],
      ['bytes=500-', { start: 500, end: 999 }],
      ['bytes=-100', { start: 900, end: 999 }],
      ['bytes=999-999', { start: 999, end: 999 }],
      [' bytes=0-0 ', { start: 0, end: 0 }],
      ['bytes=0-99999999999999999999999', { start: 0, end: 999 }],
      ['bytes=1000-', 'unsatisfiable'],
      ['bytes=99999999999999999999999-', 'unsatisfiable'],
      ['bytes=-0', 'unsatisfiable'],
      ['bytes=0-1,5-6', null],
      ['bytes=5-4', null],
      ['bytes=-', null],
      ['bytes=1.5-2', null],
      ['bytes=+1-2', null],
      ['pages=1-2', null],
    ];
    for (const [header, expected] of cases) assert.deepEqual(requestedRange(header, 1000), expected, String(header));
    assert.equal(requestedRange('bytes=0-', 0), null, 'an empty file is sent whole');
  });
});


test('a 24 MB file streams to the browser: memory does not grow by anything near its size', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'fms-send-file-'));
  const storage = createLocalStorage(folder);
  const total = 24 * MiB;
  const chunk = randomBytes(MiB);
  const key = newStorageKey(storedAt);
  const put = await storage.put(key, Readable.from(Array.from({ length: total / MiB }, () => chunk)), { contentType: 'video/mp4' });
  const { app } = await fileServer(storage, new Map([['lecture', { key, ...put, contentType: 'video/mp4', originalName: 'lecture.mp4' }]]));
  t.after(async () => {
    await app.close();
    rmSync(folder, { recursive: true, force: true });
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });

  collectGarbage();
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakBuffers = before.arrayBuffers;
  const received = await new Promise<number>((resolve, reject) => {
    httpGet(`${address}/files/lecture`, (response) => {
      let bytes = 0;
      let chunks = 0;
      response.on('data', (data: Buffer) => {
        bytes += data.length;
        // A collection every few chunks makes the samples show what is still referenced, not garbage.
        if (++chunks % 32 !== 0) return;
        collectGarbage();
        const now = process.memoryUsage();
        peakHeap = Math.max(peakHeap, now.heapUsed);
        peakBuffers = Math.max(peakBuffers, now.arrayBuffers);
      });
      response.on('end', () => resolve(bytes));
      response.on('error', reject);
    }).on('error', reject);
  });
  assert.equal(received, total);
  const heapGrowth = (peakHeap - before.heapUsed) / MiB;
  const bufferGrowth = (peakBuffers - before.arrayBuffers) / MiB;
  t.diagnostic(`peak heapUsed +${heapGrowth.toFixed(1)} MiB, peak arrayBuffers +${bufferGrowth.toFixed(1)} MiB while 24 MiB streamed`);
  assert.ok(heapGrowth < 8, `heapUsed grew by ${heapGrowth.toFixed(1)} MiB`);
  assert.ok(bufferGrowth < 8, `buffers grew by ${bufferGrowth.toFixed(1)} MiB`);
});
