// processPhoto with real images made by sharp, and with the files people (and attackers) upload
// instead: other formats, truncated files, pixel bombs, images carrying a second file.
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { Invalid } from './errors.js';
import { DEFAULT_PHOTO_LIMITS, processPhoto } from './images.js';

const limits = DEFAULT_PHOTO_LIMITS;

function picture(width: number, height: number, options: { alpha?: boolean } = {}) {
  // A gradient-ish picture (not one flat colour) so the encoders do real work.
  const channels = options.alpha ? 4 : 3;
  const raw = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      raw[i] = (x * 255) / width;
      raw[i + 1] = (y * 255) / height;
      raw[i + 2] = 120;
      if (options.alpha) raw[i + 3] = x < width / 2 ? 0 : 255;
    }
  return sharp(raw, { raw: { width, height, channels } });
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => assert.fail('the photo was accepted'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof Invalid, `expected Invalid, got ${String(error)}`);
  assert.equal(error.statusCode, 422);
  assert.ok(error.fields.photo, 'the message is on the photo field');
  return error.fields.photo;
}

/** A PNG whose header claims `width` × `height` with almost no data: a decompression bomb's shape. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (kind: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(kind, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk('IEND', Buffer.alloc(0))]);
}

/** Inserts a JPEG comment (COM) segment right after the start-of-image marker. */
function withJpegComment(jpeg: Buffer, comment: string): Buffer {
  const data = Buffer.from(comment, 'latin1');
  const segment = Buffer.alloc(4 + data.length);
  segment[0] = 0xff;
  segment[1] = 0xfe;
  segment.writeUInt16BE(data.length + 2, 2);
  data.copy(segment, 4);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

describe('processPhoto', () => {
  test('JPEG, PNG and WebP are accepted, re-encoded as JPEG within 1024 px, with a 160 px square thumbnail', async () => {
    const inputs = {
      jpeg: await picture(3000, 2000).jpeg().toBuffer(),
      png: await picture(640, 480, { alpha: true }).png().toBuffer(),
      webp: await picture(800, 1200).webp().toBuffer(),
    };
    const expected = { jpeg: [1024, 683], png: [640, 480], webp: [683, 1024] };
    for (const [type, bytes] of Object.entries(inputs) as [keyof typeof inputs, Buffer][]) {
      const result = await processPhoto(bytes, limits);
      assert.equal(result.source.type, type);
      assert.equal(result.photo.contentType, 'image/jpeg');
      assert.deepEqual([result.photo.width, result.photo.height], expected[type], `${type}: the longest side is at most 1024 and small photos are not enlarged`);
      const photoMeta = await sharp(result.photo.bytes).metadata();
      assert.equal(photoMeta.format, 'jpeg');
      assert.deepEqual([photoMeta.width, photoMeta.height], expected[type]);
      const thumbMeta = await sharp(result.thumbnail.bytes).metadata();
      assert.equal(thumbMeta.format, 'jpeg');
      assert.deepEqual([thumbMeta.width, thumbMeta.height, result.thumbnail.width, result.thumbnail.height], [160, 160, 160, 160]);
    }
  });

  test('the variants cameras and editors write are accepted: progressive JPEG, interlaced PNG, lossless and alpha WebP', async () => {
    const base = () => picture(300, 200, { alpha: true });
    for (const bytes of [
      await base().jpeg({ progressive: true }).toBuffer(),
      await base().png({ progressive: true }).toBuffer(),
      await base().webp({ lossless: true }).toBuffer(),
      await base().webp({ quality: 50, alphaQuality: 50 }).toBuffer(),
    ]) {
      const result = await processPhoto(bytes, limits);
      assert.deepEqual([result.photo.width, result.photo.height], [300, 200]);
    }
  });

  test('WebP output and other sizes on request', async () => {
    const result = await processPhoto(await picture(900, 300).png().toBuffer(), { ...limits, format: 'webp', maxSide: 300, thumbnailSide: 64 });
    assert.equal(result.photo.contentType, 'image/webp');
    assert.equal((await sharp(result.photo.bytes).metadata()).format, 'webp');
    assert.deepEqual([result.photo.width, result.photo.height], [300, 100]);
    assert.deepEqual([result.thumbnail.width, result.thumbnail.height], [64, 64]);
  });

  test('the photo is turned upright by its EXIF orientation, and EXIF (GPS, owner), ICC and comments are gone', async () => {
    const original = await picture(200, 100)
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExifMerge({ IFD0: { Artist: 'Secret Owner' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '45/1 48/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '15/1 58/1 0/1' } })
      .toBuffer();
    const uploaded = withJpegComment(original, 'shot at home, Ilica 42');
    const before = await sharp(uploaded).metadata();
    assert.equal(before.orientation, 6);
    assert.ok(before.exif && before.exif.includes('Secret Owner'), 'the test image carries EXIF');
    const gpsPointer = [Buffer.from([0x88, 0x25]), Buffer.from([0x25, 0x88])];
    assert.ok(gpsPointer.some((tag) => before.exif!.includes(tag)), 'the test image carries a GPS block');
    assert.ok(before.icc, 'the test image carries an ICC profile');

    const result = await processPhoto(uploaded, limits);
    assert.deepEqual([result.photo.width, result.photo.height], [100, 200], 'rotated by the orientation tag');
    for (const image of [result.photo, result.thumbnail]) {
      const after = await sharp(image.bytes).metadata();
      assert.equal(after.exif, undefined, 'no EXIF');
      assert.equal(after.icc, undefined, 'no ICC profile');
      assert.equal(after.xmp, undefined, 'no XMP');
      assert.ok(!after.orientation || after.orientation === 1);
      assert.ok(!image.bytes.includes('Secret Owner') && !image.bytes.includes('Ilica 42'), 'no trace of the metadata in the bytes');
    }
  });

  test('the content decides, not the name: a PNG is a PNG, text, GIF, SVG, HEIC and PDF are refused naming what is accepted', async () => {
    const png = await picture(50, 50).png().toBuffer();
    assert.equal((await processPhoto(png, limits)).source.type, 'png');

    const text = await refusal(processPhoto(Buffer.from('Just some notes, not a photo at all.\n'), limits));
    assert.match(text, /JPEG, PNG or WebP/);
    assert.match(text, /not an image/);
    assert.match(await refusal(processPhoto(await picture(40, 40).gif().toBuffer(), limits)), /JPEG, PNG or WebP image; this file is a GIF image/);
    const svg = Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>');
    assert.match(await refusal(processPhoto(svg, limits)), /this file is an SVG drawing/);
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(64)]);
    assert.match(await refusal(processPhoto(heic, limits)), /HEIC/);
    assert.match(await refusal(processPhoto(Buffer.from('%PDF-1.7\n1 0 obj\n'), limits)), /a PDF document/);
    assert.match(await refusal(processPhoto(Buffer.alloc(0), limits)), /empty/);
  });

  test('truncated and damaged images are refused, never crash', async () => {
    const jpeg = await picture(400, 300).jpeg().toBuffer();
    const png = await picture(400, 300).png().toBuffer();
    const webp = await picture(400, 300).webp().toBuffer();
    for (const [name, bytes] of [
      ['JPEG', jpeg],
      ['PNG', png],
      ['WebP', webp],
    ] as const) {
      for (const keep of [0.5, 0.95]) {
        const message = await refusal(processPhoto(bytes.subarray(0, Math.floor(bytes.length * keep)), limits));
        assert.match(message, new RegExp(`damaged or incomplete; it cannot be read as a ${name} image`));
      }
    }
    // The right first bytes and nothing sensible after them.
    const garbage = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(2000, 0x5a)]);
    assert.match(await refusal(processPhoto(garbage, limits)), /damaged or incomplete/);
    // Pixels scrambled inside a well-formed PNG: the checksums no longer match.
    const scrambled = Buffer.from(png);
    for (let i = 100; i < scrambled.length - 100; i += 7) scrambled[i] = scrambled[i]! ^ 0x55;
    await refusal(processPhoto(scrambled, limits));
  });

  test('size and pixel limits: too many bytes, and a small file claiming a huge image (pixel bomb), are refused before decoding', async () => {
    const jpeg = await picture(1200, 1000).jpeg().toBuffer();
    assert.match(await refusal(processPhoto(jpeg, { ...limits, maxBytes: 10_000 })), /^The file is \d+ KB; photos may be at most 10 KB/);
    assert.match(await refusal(processPhoto(jpeg, { ...limits, maxPixels: 1_000_000 })), /1200 × 1000 pixels \(1\.2 megapixels\); photos may have at most 1 megapixels/);

    // The bomb's pixel data is an empty stream: decoding it fails as "damaged", as the same file
    // claiming a small size shows. So the pixel-limit refusal can only come from the header, before
    // any decoding, and no stopwatch is needed to tell.
    const bomb = pngClaiming(60_000, 60_000);
    assert.ok(bomb.length < 100, 'the bomb is tiny');
    assert.match(await refusal(processPhoto(bomb, limits)), /^The image is 60000 × 60000 pixels \(3600 megapixels\); photos may have at most 40 megapixels/);
    assert.match(await refusal(processPhoto(pngClaiming(600, 600), limits)), /damaged or incomplete; it cannot be read as a PNG image/, 'decoding this file fails otherwise');
  });

  test('an image carrying a script, a web page, a PDF or a ZIP (a polyglot) is refused; harmless padding is not', async () => {
    const jpeg = await picture(120, 90).jpeg().toBuffer();
    const png = await picture(120, 90).png().toBuffer();
    const cases: [string, Buffer][] = [
      ['script in a JPEG comment', withJpegComment(jpeg, '<script>alert(document.cookie)</script>')],
      ['HTML appended to a PNG', Buffer.concat([png, Buffer.from('<!DOCTYPE html><html><body>hi</body></html>')])],
      ['PHP appended to a JPEG', Buffer.concat([jpeg, Buffer.from('<?php system($_GET["c"]); ?>')])],
      ['PDF appended to a JPEG', Buffer.concat([jpeg, Buffer.from('%PDF-1.4\n%âãÏÓ\n')])],
      ['ZIP appended to a PNG', Buffer.concat([png, Buffer.from('PK\x03\x04payload'), Buffer.from([0x50, 0x4b, 0x05, 0x06]), Buffer.alloc(18)])],
    ];
    for (const [name, bytes] of cases) {
      const message = await refusal(processPhoto(bytes, limits));
      assert.match(message, /carries .* inside it/, name);
    }
    const padded = Buffer.concat([jpeg, Buffer.alloc(64)]);
    const result = await processPhoto(padded, limits);
    assert.equal(result.source.type, 'jpeg');
    assert.ok(!result.photo.bytes.subarray(-64).equals(Buffer.alloc(64)), 'the padding is not carried over');
  });
});
