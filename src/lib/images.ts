// Photos people upload. What a file is comes from its bytes, never from its name; only JPEG, PNG and
// WebP are accepted, within a size and a pixel budget (a small file may decode to gigabytes). The
// photo is turned upright by its EXIF orientation and re-encoded, which drops every byte of the
// original that is not pixels: EXIF (GPS position, camera serial), XMP, ICC profiles, comments and
// anything hidden in them. A square thumbnail is cut from the result.
import type { Metadata, Sharp } from 'sharp';
import { formatBytes } from './bytes.js';
import { Invalid } from './errors.js';

// sharp and libvips (14 MB of memory, 40 ms) load with the first photo, not with every process.
let loaded: Promise<typeof import('sharp')> | null = null;
const loadSharp = async () => (await (loaded ??= import('sharp'))).default;

export type PhotoSourceType = 'jpeg' | 'png' | 'webp';
export type PhotoOutputFormat = 'jpeg' | 'webp';

export interface PhotoLimits {
  /** Largest upload accepted, in bytes. */
  maxBytes: number;
  /** Largest width × height accepted: the decompression-bomb guard. */
  maxPixels: number;
  /** The stored photo's longest side, in pixels (smaller photos are not enlarged). Default 1024. */
  maxSide?: number;
  /** The square thumbnail's side, in pixels. Default 160. */
  thumbnailSide?: number;
  /** What the photo and thumbnail are stored as. Default JPEG (every browser and mail client shows it). */
  format?: PhotoOutputFormat;
}

export const DEFAULT_PHOTO_LIMITS: Required<PhotoLimits> = Object.freeze({
  maxBytes: 5 * 1024 * 1024,
  maxPixels: 40_000_000,
  maxSide: 1024,
  thumbnailSide: 160,
  format: 'jpeg',
});

export interface EncodedImage {
  bytes: Buffer;
  contentType: 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
}

export interface ProcessedPhoto {
  /** What was uploaded, as its content says (orientation not applied to width and height). */
  source: { type: PhotoSourceType; width: number; height: number };
  photo: EncodedImage;
  thumbnail: EncodedImage;
}

export const ACCEPTED_PHOTO_TYPES = 'JPEG, PNG or WebP';

/** What the image is called in refusals, and the form field they are said under. */
export interface ImageNaming {
  field: string;
  /** "photo", "cover image" */
  noun: string;
}

export const PHOTO_NAMING: ImageNaming = Object.freeze({ field: 'photo', noun: 'photo' });

function refuse(naming: ImageNaming, reason: string): Invalid {
  // The field's message stands alone under the field, so it starts with a capital.
  return new Invalid(`The ${naming.noun} cannot be used: ${reason}`, { [naming.field]: reason.charAt(0).toUpperCase() + reason.slice(1) });
}

const damaged = (naming: ImageNaming, type: string) =>
  refuse(naming, `the file is damaged or incomplete; it cannot be read as a ${type} image. Upload the original ${ACCEPTED_PHOTO_TYPES} file again.`);

/**
 * Checks, re-encodes and thumbnails an uploaded photo. Throws Invalid (on `naming.field`) for anything
 * that is not a whole JPEG, PNG or WebP image within the limits; never anything else for bad input.
 */
export async function processPhoto(bytes: Buffer, limits: PhotoLimits, naming: ImageNaming = PHOTO_NAMING): Promise<ProcessedPhoto> {
  const options = { ...DEFAULT_PHOTO_LIMITS, ...limits };
  if (bytes.length === 0) throw refuse(naming, `the file is empty. Upload a ${ACCEPTED_PHOTO_TYPES} image.`);
  if (bytes.length > options.maxBytes)
    throw refuse(naming, `the file is ${formatBytes(bytes.length)}; ${naming.noun}s may be at most ${formatBytes(options.maxBytes)}. Make it smaller (fewer pixels or more compression) and upload it again.`);

  const sniffed = sniff(bytes);
  if (typeof sniffed !== 'string') throw refuse(naming, `upload a ${ACCEPTED_PHOTO_TYPES} image; this file is ${sniffed.other}.`);
  const type = sniffed;
  const label = typeLabels[type];

  const structure = walk(type, bytes, naming);
  const hidden = hiddenContent(bytes, structure);
  if (hidden) throw refuse(naming, `the ${label} image carries ${hidden} inside it, which is not allowed in a ${naming.noun}. Save the picture again from an image editor and upload that copy.`);

  const input = { limitInputPixels: options.maxPixels, failOn: 'error' as const, pages: 1 };
  const sharp = await loadSharp();
  let metadata: Metadata;
  try {
    // Reading the header decodes no pixels, so the pixel limit is checked below, with a clearer message.
    metadata = await sharp(bytes, { ...input, limitInputPixels: false }).metadata();
  } catch {
    throw damaged(naming, label);
  }
  // The header and the decoder must agree on what this is: a file that parses as one format from
  // its first bytes and as another to the decoder is a polyglot.
  if (metadata.format !== type) throw refuse(naming, `the file starts like a ${label} image but does not decode as one. Upload a ${ACCEPTED_PHOTO_TYPES} image.`);
  const { width, height } = metadata;
  if (!width || !height) throw damaged(naming, label);
  if (width * height > options.maxPixels)
    throw refuse(
      naming,
      `the image is ${width} × ${height} pixels (${megapixels(width * height)}); ${naming.noun}s may have at most ${megapixels(options.maxPixels)}. Scale it down and upload it again.`,
    );

  try {
    const rendered = await encode(
      sharp(bytes, input).autoOrient().resize({ width: options.maxSide, height: options.maxSide, fit: 'inside', withoutEnlargement: true }),
      options.format,
    );
    const thumbnail = await encode(
      sharp(rendered.bytes).resize({ width: options.thumbnailSide, height: options.thumbnailSide, fit: 'cover', position: sharp.strategy.attention }),
      options.format,
    );
    return { source: { type, width, height }, photo: rendered, thumbnail };
  } catch (error) {
    if (error instanceof Invalid) throw error;
    throw damaged(naming, label);
  }
}

async function encode(pipeline: Sharp, format: PhotoOutputFormat): Promise<EncodedImage> {
  // No keepMetadata()/withMetadata(): sharp writes none of the input's metadata. Transparency is
  // flattened onto white so a PNG with an alpha channel looks the same as a JPEG.
  const flattened = pipeline.flatten({ background: '#ffffff' }).toColourspace('srgb').timeout({ seconds: 30 });
  const encoded = format === 'webp' ? flattened.webp({ quality: 82 }) : flattened.jpeg({ quality: 85, mozjpeg: true });
  const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
  return { bytes: data, contentType: format === 'webp' ? 'image/webp' : 'image/jpeg', width: info.width, height: info.height };
}

const typeLabels: Record<PhotoSourceType, string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP' };

function startsWith(bytes: Buffer, signature: readonly number[], at = 0): boolean {
  if (bytes.length < at + signature.length) return false;
  return signature.every((b, i) => bytes[at + i] === b);
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The accepted type by magic bytes, or a description of what the file is instead. */
export function sniff(bytes: Buffer): PhotoSourceType | { other: string } {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return { other: 'a GIF image' };
  if (startsWith(bytes, ascii('ftyp'), 4)) {
    const brand = bytes.toString('latin1', 8, 12);
    if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'].includes(brand)) return { other: 'a HEIC/HEIF image (iPhone photos: choose "Most Compatible" or export as JPEG)' };
    if (['avif', 'avis'].includes(brand)) return { other: 'an AVIF image' };
    return { other: 'a video or other media file' };
  }
  if (startsWith(bytes, ascii('II*\0')) || startsWith(bytes, ascii('MM\0*'))) return { other: 'a TIFF image' };
  if (startsWith(bytes, ascii('BM'))) return { other: 'a BMP image' };
  if (startsWith(bytes, [0, 0, 1, 0])) return { other: 'an icon (ICO) file' };
  if (startsWith(bytes, [0xff, 0x0a]) || startsWith(bytes, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) return { other: 'a JPEG XL image' };
  if (startsWith(bytes, ascii('%PDF'))) return { other: 'a PDF document' };
  if (startsWith(bytes, ascii('PK'))) return { other: 'a ZIP archive or office document' };
  const head = bytes.subarray(0, 4096).toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().toLowerCase();
  if (head.startsWith('<')) return { other: head.includes('<svg') ? 'an SVG drawing' : 'a web page or XML text' };
  return { other: 'not an image FMS can read' };
}

interface Structure {
  /** Offset just past the image's last byte: anything after it is appended data. */
  end: number;
  /** Byte ranges [start, end) of metadata and comments: what a decoder skips, where payloads hide. */
  metadata: [number, number][];
}

class Truncated extends Error {}

function walk(type: PhotoSourceType, bytes: Buffer, naming: ImageNaming): Structure {
  try {
    if (type === 'jpeg') return walkJpeg(bytes);
    if (type === 'png') return walkPng(bytes);
    return walkWebp(bytes);
  } catch (error) {
    if (error instanceof Truncated || error instanceof RangeError) throw damaged(naming, typeLabels[type]);
    throw error;
  }
}

function walkJpeg(b: Buffer): Structure {
  const metadata: [number, number][] = [];
  let p = 2;
  for (;;) {
    if (p >= b.length || b[p] !== 0xff) throw new Truncated();
    while (b[p] === 0xff) p++;
    if (p >= b.length) throw new Truncated();
    const marker = b[p++]!;
    if (marker === 0xd9) return { end: p, metadata };
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (marker === 0x00 || marker === 0xd8) throw new Truncated();
    if (p + 2 > b.length) throw new Truncated();
    const length = b.readUInt16BE(p);
    if (length < 2 || p + length > b.length) throw new Truncated();
    if ((marker >= 0xe0 && marker <= 0xef) || marker === 0xfe) metadata.push([p + 2, p + length]);
    p += length;
    if (marker !== 0xda) continue;
    // Entropy-coded data follows a start of scan: it runs to the next marker, where 0xFF 0x00 is
    // an escaped 0xFF and 0xFF 0xD0–D7 are restart markers inside the scan.
    for (;;) {
      p = b.indexOf(0xff, p);
      if (p < 0 || p + 1 >= b.length) throw new Truncated();
      const next = b[p + 1]!;
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) p += 2;
      else if (next === 0xff) p += 1;
      else break;
    }
  }
}

function walkPng(b: Buffer): Structure {
  const metadata: [number, number][] = [];
  let p = 8;
  for (;;) {
    if (p + 12 > b.length) throw new Truncated();
    const length = b.readUInt32BE(p);
    const kind = b.toString('latin1', p + 4, p + 8);
    const start = p + 8;
    const end = start + length;
    if (!/^[A-Za-z]{4}$/.test(kind) || end + 4 > b.length) throw new Truncated();
    if (kind === 'IEND') return { end: end + 4, metadata };
    // Ancillary chunks (lower-case first letter: text, EXIF, profiles, private data) are skipped by
    // decoders; critical ones are the image.
    if (kind[0]! >= 'a' && kind[0]! <= 'z') metadata.push([start, end]);
    p = end + 4;
  }
}

function walkWebp(b: Buffer): Structure {
  const metadata: [number, number][] = [];
  if (b.length < 12) throw new Truncated();
  const end = 8 + b.readUInt32LE(4);
  if (end > b.length) throw new Truncated();
  let p = 12;
  while (p < end) {
    if (p + 8 > end) throw new Truncated();
    const kind = b.toString('latin1', p, p + 4);
    const size = b.readUInt32LE(p + 4);
    const start = p + 8;
    if (start + size > end) throw new Truncated();
    if (!['VP8 ', 'VP8L', 'ALPH', 'ANMF'].includes(kind)) metadata.push([start, start + size]);
    p = start + size + (size & 1);
  }
  return { end, metadata };
}

// Markup a browser would run or render, and documents other programs would open, found where no
// pixels are: the signs of a file built to be a photo and something else at once. Long signatures
// only, so compressed bytes in an ICC profile or a phone's appended data do not match by chance.
const markupSignatures = ['<script', '<html', '<?php', '<svg ', '<svg>', '<svg\n', '<iframe', '<!doctype', '<body', '<object', '<embed', 'javascript:'];

function hiddenContent(bytes: Buffer, structure: Structure): string | null {
  const regions: [number, number][] = [...structure.metadata];
  if (structure.end < bytes.length) regions.push([structure.end, bytes.length]);
  for (const [start, end] of regions) {
    const text = bytes.toString('latin1', start, end).toLowerCase();
    if (markupSignatures.some((s) => text.includes(s))) return 'web page markup or script';
    if (text.includes('%pdf-')) return 'a PDF document';
    // A ZIP (or JAR, or office document) is read from its end record, wherever its entries start:
    // that is how an archive rides along inside an image.
    if (text.includes('pk\x05\x06')) return 'a ZIP archive';
  }
  return null;
}

function megapixels(pixels: number): string {
  return `${(pixels / 1_000_000).toFixed(1).replace(/\.0$/, '')} megapixels`;
}
