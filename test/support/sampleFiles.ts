import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { makeDocx } from './docx';

/**
 * Real files of the kinds patients try to upload, made byte by byte in memory, so the upload
 * diagnosis is tested on true content (not on mocks of `file-type`) and no binary fixture is
 * checked in. Each builder documents the structure it writes.
 */

export { makeDocx };

const u8 = (n: number) => Buffer.from([n & 0xff]);
const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const ascii = (s: string) => Buffer.from(s, 'latin1');

/** An ISO-BMFF box: 32-bit size, 4-character type, payload. */
export function isoBox(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(8 + body.length), ascii(type), body]);
}

/** An ISO-BMFF "full box": a box whose payload starts with version (8 bits) and flags (24 bits). */
function fullBox(type: string, version: number, flags: number, ...payload: Buffer[]): Buffer {
  return isoBox(type, u32((version << 24) | flags), ...payload);
}

/**
 * A HEIF/HEIC still image as an iPhone writes it, structurally: `ftyp` (major brand `heic`,
 * compatible `mif1`, `heic`), `meta` with `hdlr` (`pict`), `pitm`, `iinf`/`infe` (one `hvc1`
 * item), `iprp` (`hvcC` decoder configuration, `ispe` 64×64, `ipma`), `iloc` pointing at the
 * coded data, and `mdat`. The HEVC payload is placeholder bytes: nothing here decodes pixels.
 */
export function makeHeic(): Buffer {
  const ftyp = isoBox('ftyp', ascii('heic'), u32(0), ascii('mif1'), ascii('heic'));
  const hdlr = fullBox('hdlr', 0, 0, u32(0), ascii('pict'), Buffer.alloc(12), Buffer.from([0]));
  const pitm = fullBox('pitm', 0, 0, u16(1));
  const iinf = fullBox('iinf', 0, 0, u16(1), fullBox('infe', 2, 0, u16(1), u16(0), ascii('hvc1'), Buffer.from([0])));
  const hvcC = isoBox(
    'hvcC',
    Buffer.from([0x01, 0x01, 0x60, 0x00, 0x00, 0x00, 0x90, 0x00, 0x00, 0x00, 0x00, 0x00, 0x5a, 0xf0, 0x00, 0xfc, 0xfd, 0xf8, 0xf8, 0x00, 0x00, 0x0f, 0x00]),
  );
  const ispe = fullBox('ispe', 0, 0, u32(64), u32(64));
  const ipma = fullBox('ipma', 0, 0, u32(1), u16(1), u8(2), u8(0x81), u8(0x02));
  const iprp = isoBox('iprp', isoBox('ipco', hvcC, ispe), ipma);
  const coded = Buffer.from([0x00, 0x00, 0x00, 0x08, 0x26, 0x01, 0xaf, 0x13, 0x40, 0x5c, 0xb7, 0x12]);
  const iloc = (offset: number) =>
    fullBox('iloc', 0, 0, u8(0x44), u8(0x00), u16(1), u16(1), u16(0), u16(1), u32(offset), u32(coded.length));
  const meta = (offset: number) => fullBox('meta', 0, 0, hdlr, pitm, iloc(offset), iinf, iprp);
  // The extent offset is absolute: after ftyp, meta and mdat's own 8-byte header.
  const offset = ftyp.length + meta(0).length + 8;
  return Buffer.concat([ftyp, meta(offset), isoBox('mdat', coded)]);
}

/** Builds a classic PDF (cross-reference table) from object bodies; `trailer` adds trailer entries. */
function classicPdf(objects: string[], trailer = ''): Buffer {
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${trailer}>>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const PAGE_OBJECTS = [
  '<< /Type /Catalog /Pages 2 0 R >>',
  '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
  '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
];

function contentStream(text: string): string {
  const ops = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  return `<< /Length ${ops.length} >>\nstream\n${ops}\nendstream`;
}

const FONT = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';

/** A valid one-page PDF with a correct cross-reference table. `text` is drawn on the page. */
export function makePdf(text = 'Immunization record'): Buffer {
  return classicPdf([...PAGE_OBJECTS, contentStream(text), FONT]);
}

/**
 * A PDF encrypted with the Standard security handler (RC4 40-bit, revision 2): an `/Encrypt`
 * dictionary in the trailer and the file `/ID` it requires.
 */
export function makeEncryptedPdf(): Buffer {
  const hex32 = (byte: string) => byte.repeat(32);
  return classicPdf(
    [...PAGE_OBJECTS, contentStream('Secret'), FONT, `<< /Filter /Standard /V 1 /R 2 /O <${hex32('4a')}> /U <${hex32('5b')}> /P -3904 >>`],
    `/Encrypt 6 0 R /ID [<${hex32('01')}> <${hex32('01')}>] `,
  );
}

/**
 * A PDF 1.5 whose cross-reference is a stream (no `trailer` keyword): the `/Encrypt` entry
 * sits in the XRef stream's dictionary, with binary offsets (`/W [1 4 2]`).
 */
export function makeXrefStreamEncryptedPdf(): Buffer {
  const objects = [...PAGE_OBJECTS, contentStream('Secret'), FONT, '<< /Filter /Standard /V 1 /R 2 /O <4a4a> /U <5b5b> /P -3904 >>'];
  let head = '%PDF-1.5\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(head, 'latin1'));
    head += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xrefOffset = Buffer.byteLength(head, 'latin1');
  const entry = (type: number, field2: number, field3: number) => Buffer.concat([u8(type), u32(field2), u16(field3)]);
  const rows = Buffer.concat([entry(0, 0, 0xffff), ...offsets.map((o) => entry(1, o, 0)), entry(1, xrefOffset, 0)]);
  const size = objects.length + 2;
  const dict = `${size - 1} 0 obj\n<< /Type /XRef /Size ${size} /W [1 4 2] /Root 1 0 R /Encrypt 6 0 R /ID [<0101> <0101>] /Length ${rows.length} >>\nstream\n`;
  return Buffer.concat([ascii(head), ascii(dict), rows, ascii(`\nendstream\nendobj\nstartxref\n${xrefOffset}\n%%EOF\n`)]);
}

/** A PNG picture made with pngjs (a real encoder): `width`×`height`, a simple gradient. */
export function makePng(width = 4, height = 4): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    png.data[i * 4] = (i * 37) & 0xff;
    png.data[i * 4 + 1] = (i * 71) & 0xff;
    png.data[i * 4 + 2] = 200;
    png.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}

/**
 * A baseline JPEG (JFIF) of one 8×8 mid-grey block, every marker written by hand: SOI, APP0
 * JFIF, DQT (all ones), SOF0 (8×8, one component), two one-symbol Huffman tables (DC category
 * 0, AC end-of-block: each the single code `0`), SOS, the entropy-coded bits `00` padded with
 * ones (0x3F), EOI. Decoders (libjpeg's djpeg) read it as an 8×8 grey image.
 */
export function makeJpeg(): Buffer {
  const segment = (marker: number, body: Buffer) => Buffer.concat([Buffer.from([0xff, marker]), u16(body.length + 2), body]);
  const oneCodeTable = (tableClassAndId: number) =>
    segment(0xc4, Buffer.concat([u8(tableClassAndId), Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), u8(0x00)]));
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.concat([ascii('JFIF\0'), Buffer.from([1, 1, 0, 0, 1, 0, 1, 0, 0])])),
    segment(0xdb, Buffer.concat([u8(0x00), Buffer.alloc(64, 1)])),
    segment(0xc0, Buffer.from([8, 0, 8, 0, 8, 1, 1, 0x11, 0])),
    oneCodeTable(0x00),
    oneCodeTable(0x10),
    segment(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0])),
    Buffer.from([0x3f]),
    Buffer.from([0xff, 0xd9]),
  ]);
}

/** A ZIP archive (not an Office document) holding one PDF. */
export async function makeZip(): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('record.pdf', makePdf());
  return zip.generateAsync({ type: 'nodebuffer' });
}

/** Bytes no format claims: NULs and control characters, no known signature. */
export function makeUnknownBinary(): Buffer {
  return Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 7 + 3) % 29));
}
