import { expect } from 'chai';
import fc from 'fast-check';
import {
  ALLOWED_EXTENSIONS,
  canonicalExtension,
  detectType,
  diagnoseBytes,
  diagnoseFileName,
  type Diagnosis,
  findFileNames,
  isAllowedExtension,
  isEncryptedPdf,
  looksLikeText,
  MAX_FILE_NAME_LENGTH,
  PORTAL_ALLOWED_TYPES_MESSAGE,
  redactDiagnosis,
  suggestFileName,
} from '../../dialogs/flows/uploadRules';
import {
  isoBox,
  makeDocx,
  makeEncryptedPdf,
  makeHeic,
  makeJpeg,
  makePdf,
  makePng,
  makeUnknownBinary,
  makeXrefStreamEncryptedPdf,
  makeZip,
} from '../support/sampleFiles';

const codes = (d: Diagnosis) => d.problems.map((p) => p.code);

/** Name pieces for property tests: the troublesome characters and endings, or any code point. */
const NAME_UNIT = fc.oneof(
  fc.constantFrom('.', ' ', '*', '%', '&', 'é', '💉', '\u0007', 'a', 'Z', '0', '-', '_', '(', ')', 'pdf', 'heic', 'jpg', 'docx', '/', '\\'),
  fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)),
);

/** `file-type` itself, to show the fixtures are what they claim before the rules see them. */
async function sniff(bytes: Uint8Array): Promise<{ ext: string; mime: string } | undefined> {
  const { fileTypeFromBuffer } = await import('file-type');
  return fileTypeFromBuffer(bytes);
}

describe('uploadRules', () => {
  describe('diagnoseFileName: the ending', () => {
    for (const name of ['card.pdf', 'CARD.PDF', 'photo.JpEg', 'photo.jpg', 'scan.tif', 'scan.TIFF', 'chart.gif', 'notes.txt', 'shot.png', 'scan (1).pdf', 'my_file-2.pdf', 'my vaccine card.pdf', 'report v1.2 final.pdf', 'John.Smith.pdf']) {
      it(`accepts ${JSON.stringify(name)}`, () => {
        const d = diagnoseFileName(name);
        expect(d.problems, JSON.stringify(d.problems)).to.deep.equal([]);
        expect(d.ok).to.equal(true);
        expect(d.conversion).to.equal(null);
        expect(d.suggestedName).to.equal(null);
        expect(d.checked).to.equal('name');
      });
    }

    it('knows exactly the FAQ list of endings, in any case', () => {
      expect([...ALLOWED_EXTENSIONS].sort()).to.deep.equal(['gif', 'jpeg', 'jpg', 'pdf', 'png', 'tif', 'tiff', 'txt']);
      expect(PORTAL_ALLOWED_TYPES_MESSAGE).to.equal('Only images (.gif, .png, .tiff, .tif, .jpg, .jpeg) and documents (.txt, .pdf) are allowed!');
      expect(isAllowedExtension('.PDF')).to.equal(true);
      expect(isAllowedExtension('heic')).to.equal(false);
      expect(canonicalExtension('JPEG')).to.equal('jpg');
      expect(canonicalExtension('tiff')).to.equal('tif');
    });

    const conversions: Array<[string, string | null, RegExp]> = [
      ['IMG_0412.HEIC', 'jpg', /Settings → Camera → Formats and choose "Most Compatible"/],
      ['IMG_0412.heif', 'jpg', /Most Compatible/],
      ['letter.docx', 'pdf', /Word, File → Save As \(or Export\) → PDF/],
      ['letter.DOC', 'pdf', /PDF/],
      ['letter.pages', 'pdf', /Pages, File → Export To → PDF/],
      ['letter.odt', 'pdf', /PDF/],
      ['letter.rtf', 'pdf', /PDF/],
      ['sheet.xlsx', 'pdf', /Excel/],
      ['picture.webp', 'png', /PNG/],
      ['picture.BMP', 'png', /Paint/],
      ['picture.avif', 'png', /PNG/],
      ['records.zip', null, /unzip/],
      ['clip.mov', null, /video/],
    ];
    for (const [name, to, how] of conversions) {
      it(`refuses ${name} and names the conversion to ${to ?? 'something else'}`, () => {
        const d = diagnoseFileName(name);
        expect(d.ok).to.equal(false);
        expect(codes(d)).to.include('not-allowed-type');
        const problem = d.problems.find((p) => p.code === 'not-allowed-type');
        expect(problem?.severity).to.equal('blocker');
        expect(problem?.message).to.include(PORTAL_ALLOWED_TYPES_MESSAGE);
        expect(d.conversion?.to).to.equal(to);
        expect(d.conversion?.renameOnly).to.equal(false);
        expect(d.conversion?.how).to.match(how);
        expect(d.advice[0]).to.equal(d.conversion?.how);
      });
    }

    it('says a .jfif only needs renaming to .jpg (it is a JPEG inside)', () => {
      const d = diagnoseFileName('card.jfif');
      expect(codes(d)).to.deep.equal(['not-allowed-type']);
      expect(d.conversion).to.deep.include({ from: 'jpg', to: 'jpg', renameOnly: true });
      expect(d.suggestedName).to.equal('card.jpg');
    });

    it('gives general advice for an ending it does not know', () => {
      const d = diagnoseFileName('scan.xyz');
      expect(codes(d)).to.deep.equal(['not-allowed-type']);
      expect(d.conversion?.to).to.equal(null);
      expect(d.conversion?.how).to.match(/PDF .*JPG/);
      expect(d.suggestedName).to.equal(null);
    });

    it('flags a missing ending', () => {
      for (const name of ['vaccine card', 'card.']) {
        const d = diagnoseFileName(name);
        expect(codes(d), name).to.include('missing-extension');
        expect(d.extension).to.equal(null);
      }
    });

    it('flags an empty name', () => {
      expect(codes(diagnoseFileName(''))).to.deep.equal(['empty-name']);
      expect(codes(diagnoseFileName('   '))).to.deep.equal(['empty-name']);
    });

    it('uses only the last part of a pasted path', () => {
      const d = diagnoseFileName('C:\\Users\\me\\Downloads\\card.pdf');
      expect(d.fileName).to.equal('card.pdf');
      expect(d.ok).to.equal(true);
      expect(diagnoseFileName('/Users/me/card.heic').conversion?.to).to.equal('jpg');
    });
  });

  describe('diagnoseFileName: double endings', () => {
    it('explains card.pdf.docx: only the last ending counts, Windows hides it', () => {
      const d = diagnoseFileName('card.pdf.docx');
      expect(codes(d)).to.deep.equal(['not-allowed-type', 'double-extension']);
      const double = d.problems[1];
      expect(double.severity).to.equal('blocker');
      expect(double.message).to.include('.pdf and then .docx');
      expect(double.message).to.include('Windows often hides the last ending');
      expect(d.conversion?.to).to.equal('pdf');
      expect(d.suggestedName).to.equal('card.pdf');
    });

    it('warns about photo.heic.jpg: renaming does not convert', () => {
      const d = diagnoseFileName('photo.heic.jpg');
      expect(codes(d)).to.deep.equal(['double-extension']);
      expect(d.problems[0].severity).to.equal('risk');
      expect(d.problems[0].message).to.include("Renaming a file doesn't convert it");
      expect(d.suggestedName).to.equal('photo.jpg');
    });

    it('asks to drop a repeated ending (scan.pdf.pdf)', () => {
      const d = diagnoseFileName('scan.pdf.pdf');
      expect(codes(d)).to.deep.equal(['double-extension']);
      expect(d.problems[0].message).to.include('the same ending twice');
      expect(d.suggestedName).to.equal('scan.pdf');
    });
  });

  describe('diagnoseFileName: characters and length', () => {
    it('flags the FAQ\'s * % & and lists the ones found', () => {
      const d = diagnoseFileName('vaccine*card 100%&.pdf');
      expect(codes(d)).to.deep.equal(['special-characters']);
      expect(d.problems[0].severity).to.equal('blocker');
      expect(d.problems[0].message).to.include(': * % &.');
      expect(d.problems[0].message).to.include('Remove any special characters (i.e.) * % &');
      expect(d.suggestedName).to.equal('vaccine-card-100.pdf');
    });

    for (const ch of ['#', '?', ';', '+', '{', '}', '[', ']', '~', '`', '^', '$', '@', '!', ',', '=', "'", '"', '<', '>', '|', ':']) {
      it(`flags ${JSON.stringify(ch)}`, () => {
        const d = diagnoseFileName(`card${ch}1.pdf`);
        expect(codes(d)).to.include('special-characters');
        expect(d.problems.find((p) => p.code === 'special-characters')?.message).to.include(`: ${ch}.`);
      });
    }

    it('flags accents and emoji as a risk, and suggests plain letters', () => {
      const accented = diagnoseFileName('Carnet de vaccination café.pdf');
      expect(codes(accented)).to.deep.equal(['non-ascii']);
      expect(accented.problems[0].severity).to.equal('risk');
      expect(accented.suggestedName).to.equal('Carnet-de-vaccination-cafe.pdf');
      expect(codes(diagnoseFileName('💉card.jpg'))).to.deep.equal(['non-ascii']);
    });

    it('flags control characters', () => {
      const d = diagnoseFileName('card\u0007.pdf');
      expect(codes(d)).to.deep.equal(['control-characters']);
      expect(d.problems[0].severity).to.equal('blocker');
    });

    it('flags leading and trailing dots and spaces', () => {
      expect(codes(diagnoseFileName(' card.pdf'))).to.deep.equal(['leading-trailing']);
      expect(codes(diagnoseFileName('card.pdf '))).to.deep.equal(['leading-trailing']);
      expect(codes(diagnoseFileName('card.pdf.'))).to.deep.equal(['leading-trailing']);
      expect(codes(diagnoseFileName('.pdf'))).to.deep.equal(['missing-extension', 'leading-trailing']);
    });

    it(`flags names over ${MAX_FILE_NAME_LENGTH} characters, not at ${MAX_FILE_NAME_LENGTH}`, () => {
      const atLimit = `${'a'.repeat(MAX_FILE_NAME_LENGTH - 4)}.pdf`;
      expect(diagnoseFileName(atLimit).ok).to.equal(true);
      const over = diagnoseFileName(`${'a'.repeat(MAX_FILE_NAME_LENGTH - 3)}.pdf`);
      expect(codes(over)).to.deep.equal(['name-too-long']);
      expect(over.problems[0].severity).to.equal('risk');
      expect(over.problems[0].message).to.include(`${MAX_FILE_NAME_LENGTH + 1} characters`);
      expect(over.suggestedName?.length).to.equal(MAX_FILE_NAME_LENGTH);
    });
  });

  describe('suggestFileName and findFileNames', () => {
    it('makes a safe name with exactly one ending', () => {
      expect(suggestFileName('My *Vaccine* Card!!.pdf.docx', 'pdf')).to.equal('My-Vaccine-Card.pdf');
      expect(suggestFileName('***.heic', 'jpg')).to.equal('document.jpg');
      expect(suggestFileName('Résumé (final).HEIC', 'jpg')).to.equal('Resume-(final).jpg');
    });

    it('finds file names mentioned in a message, not URLs or emails', () => {
      expect(findFileNames("my card.HEIC won't upload")).to.deep.equal(['card.HEIC']);
      expect(findFileNames('I tried "IMG_0412.heic" and scan.pdf.')).to.deep.equal(['IMG_0412.heic', 'scan.pdf']);
      expect(findFileNames('see https://umass.medicatconnect.com or email nsip@uhs.umass.edu')).to.deep.equal([]);
      expect(findFileNames('I cannot upload a pdf')).to.deep.equal([]);
    });

    it('every suggested name passes the rules itself (property)', () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 120 }), fc.constantFrom(...ALLOWED_EXTENSIONS), (stem, ext) => {
          const suggestion = suggestFileName(stem, ext);
          const d = diagnoseFileName(suggestion);
          return d.ok && d.extension === ext;
        }),
        { numRuns: 500 },
      );
    });

    it('never throws, and ok means no problems, for any name (property)', () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 200, unit: NAME_UNIT }), (name) => {
          const d = diagnoseFileName(name);
          return d.ok === (d.problems.length === 0) && (d.suggestedName === null || diagnoseFileName(d.suggestedName).ok);
        }),
        { numRuns: 500 },
      );
    });
  });

  describe('diagnoseBytes on real files', () => {
    it('the fixtures are what they claim (file-type agrees)', async () => {
      expect(await sniff(makeHeic())).to.deep.equal({ ext: 'heic', mime: 'image/heic' });
      expect(await sniff(await makeDocx())).to.deep.equal({ ext: 'docx', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' });
      expect(await sniff(makePdf())).to.deep.equal({ ext: 'pdf', mime: 'application/pdf' });
      expect(await sniff(makeEncryptedPdf())).to.deep.equal({ ext: 'pdf', mime: 'application/pdf' });
      expect(await sniff(makePng())).to.deep.equal({ ext: 'png', mime: 'image/png' });
      expect(await sniff(makeJpeg())).to.deep.equal({ ext: 'jpg', mime: 'image/jpeg' });
      expect(await sniff(makeUnknownBinary())).to.equal(undefined);
    });

    it('the HEIC fixture is a well-formed ISO-BMFF file (box sizes add up; meta/hdlr is "pict")', () => {
      const heic = makeHeic();
      const types: string[] = [];
      for (let at = 0; at < heic.length; at += heic.readUInt32BE(at)) types.push(heic.toString('latin1', at + 4, at + 8));
      expect(types).to.deep.equal(['ftyp', 'meta', 'mdat']);
      const hdlr = heic.indexOf('hdlr');
      expect(heic.toString('latin1', hdlr + 12, hdlr + 16)).to.equal('pict');
      expect(isoBox('free').length).to.equal(8);
    });

    it('a real HEIC photo named .jpg: "really an iPhone photo", convert to JPG', async () => {
      const d = await diagnoseBytes('IMG_0412.jpg', makeHeic());
      expect(d.checked).to.equal('content');
      expect(d.detectedType).to.deep.equal({ ext: 'heic', mime: 'image/heic', label: 'an iPhone photo (HEIC)' });
      expect(codes(d)).to.deep.equal(['type-mismatch']);
      expect(d.problems[0].severity).to.equal('blocker');
      expect(d.problems[0].message).to.equal(
        "The name ends in .jpg, but the file is really an iPhone photo (HEIC). Changing the name doesn't change what's inside, and the portal can't use it.",
      );
      expect(d.conversion).to.deep.include({ from: 'heic', to: 'jpg', renameOnly: false });
      expect(d.advice.join(' ')).to.include('"Most Compatible"');
      expect(d.suggestedName).to.equal(null);
      expect(d.ok).to.equal(false);
    });

    it('a real HEIC named .heic: not allowed, no mismatch', async () => {
      const d = await diagnoseBytes('IMG_0412.HEIC', makeHeic());
      expect(codes(d)).to.deep.equal(['not-allowed-type']);
      expect(d.suggestedName).to.equal('IMG_0412.jpg');
    });

    it('a real DOCX: named .docx it needs saving as PDF', async () => {
      const d = await diagnoseBytes('letter.docx', await makeDocx());
      expect(d.detectedType?.ext).to.equal('docx');
      expect(codes(d)).to.deep.equal(['not-allowed-type']);
      expect(d.conversion).to.deep.include({ from: 'docx', to: 'pdf', renameOnly: false });
    });

    it('a real DOCX renamed .pdf: "really a Word document"', async () => {
      const d = await diagnoseBytes('letter.pdf', await makeDocx());
      expect(codes(d)).to.deep.equal(['type-mismatch']);
      expect(d.problems[0].severity).to.equal('blocker');
      expect(d.problems[0].message).to.include('really a Word document');
      expect(d.conversion?.how).to.include('Save As (or Export) → PDF');
    });

    it('an empty file', async () => {
      const d = await diagnoseBytes('card.pdf', new Uint8Array(0));
      expect(codes(d)).to.deep.equal(['empty-file']);
      expect(d.sizeBytes).to.equal(0);
      expect(d.detectedType).to.equal(null);
      expect(d.advice[0]).to.match(/save or export it again/);
    });

    it('a valid PDF is fine', async () => {
      const pdf = makePdf();
      const d = await diagnoseBytes('card.pdf', pdf);
      expect(d).to.deep.include({ ok: true, checked: 'content', sizeBytes: pdf.length, conversion: null, suggestedName: null });
      expect(d.problems).to.deep.equal([]);
      expect(d.detectedType?.ext).to.equal('pdf');
    });

    it('a valid PDF without an ending only needs ".pdf"', async () => {
      const d = await diagnoseBytes('scan', makePdf());
      expect(codes(d)).to.deep.equal(['missing-extension']);
      expect(d.conversion).to.deep.include({ to: 'pdf', renameOnly: true });
      expect(d.suggestedName).to.equal('scan.pdf');
    });

    it('an encrypted PDF (trailer /Encrypt)', async () => {
      const d = await diagnoseBytes('card.pdf', makeEncryptedPdf());
      expect(codes(d)).to.deep.equal(['encrypted-pdf']);
      expect(d.problems[0].message).to.include('password-protected');
      expect(d.advice[0]).to.include('without the password');
    });

    it('an encrypted PDF 1.5 (/Encrypt in the cross-reference stream)', async () => {
      expect(isEncryptedPdf(makeXrefStreamEncryptedPdf())).to.equal(true);
      expect(codes(await diagnoseBytes('card.pdf', makeXrefStreamEncryptedPdf()))).to.deep.equal(['encrypted-pdf']);
    });

    it('"/Encrypt" written on a page is not encryption', async () => {
      const pdf = makePdf('How to /Encrypt 1 0 R files');
      expect(pdf.includes('/Encrypt 1 0 R')).to.equal(true);
      expect(isEncryptedPdf(pdf)).to.equal(false);
      expect((await diagnoseBytes('card.pdf', pdf)).ok).to.equal(true);
    });

    it('a cut-off PDF', async () => {
      const pdf = makePdf();
      const d = await diagnoseBytes('card.pdf', pdf.subarray(0, pdf.length - 40));
      expect(codes(d)).to.deep.equal(['incomplete-pdf']);
      expect(d.problems[0].severity).to.equal('risk');
    });

    it('a PNG named .png is fine; named .jpg only needs the right ending', async () => {
      expect((await diagnoseBytes('shot.png', makePng())).ok).to.equal(true);
      const d = await diagnoseBytes('shot.jpg', makePng());
      expect(codes(d)).to.deep.equal(['type-mismatch']);
      expect(d.problems[0].severity).to.equal('risk');
      expect(d.conversion).to.deep.include({ to: 'png', renameOnly: true });
      expect(d.suggestedName).to.equal('shot.png');
    });

    it('a JPEG named .jpg or .JPEG is fine', async () => {
      for (const name of ['photo.jpg', 'photo.JPEG']) {
        const d = await diagnoseBytes(name, makeJpeg());
        expect(d.ok, name).to.equal(true);
        expect(d.detectedType?.mime).to.equal('image/jpeg');
      }
    });

    it('plain text: UTF-8, legacy single-byte, and text starting with "BM" (a BMP signature)', async () => {
      expect((await diagnoseBytes('notes.txt', Buffer.from('Tdap given 2019 – café\n', 'utf8'))).ok).to.equal(true);
      expect((await diagnoseBytes('notes.txt', Buffer.from('caf\xe9\r\n', 'latin1'))).ok).to.equal(true);
      const bm = await detectType(Buffer.from('BMI: 22\nMMR: 2 doses\n'));
      expect(bm?.ext).to.equal('txt');
      expect(looksLikeText(makeUnknownBinary())).to.equal(false);
    });

    it('text named .pdf is a mismatch; a CSV stays a CSV', async () => {
      const asPdf = await diagnoseBytes('card.pdf', Buffer.from('just some text\n'));
      expect(codes(asPdf)).to.deep.equal(['type-mismatch']);
      expect(asPdf.problems[0].severity).to.equal('blocker');
      const csv = await diagnoseBytes('shots.csv', Buffer.from('vaccine,date\nMMR,2010\n'));
      expect(codes(csv)).to.deep.equal(['not-allowed-type']);
      expect(csv.detectedType?.label).to.equal('a CSV spreadsheet');
      expect(csv.conversion?.to).to.equal('pdf');
    });

    it('unknown binary content', async () => {
      const d = await diagnoseBytes('card.pdf', makeUnknownBinary());
      expect(codes(d)).to.deep.equal(['unrecognised-content']);
      expect(d.detectedType).to.equal(null);
    });

    it('a ZIP named .pdf: unzip and upload each', async () => {
      const d = await diagnoseBytes('records.pdf', await makeZip());
      expect(d.detectedType?.ext).to.equal('zip');
      expect(codes(d)).to.deep.equal(['type-mismatch']);
      expect(d.conversion?.how).to.include('unzip');
    });

    it('combines name and content problems', async () => {
      const d = await diagnoseBytes('my*card.jpg', makeHeic());
      expect(codes(d)).to.deep.equal(['special-characters', 'type-mismatch']);
      expect(d.suggestedName).to.equal('my-card.jpg');
    });
  });

  describe('the diagnosis as data', () => {
    it('is plain JSON (it travels into the handoff case)', async () => {
      const d = await diagnoseBytes('IMG 0412*.jpg', makeHeic());
      expect(JSON.parse(JSON.stringify(d))).to.deep.equal(d);
    });

    it('redactDiagnosis masks a date of birth in the file name and the suggestion', () => {
      const d = redactDiagnosis(diagnoseFileName('card 04-15-2003*.heic'));
      expect(d.fileName).to.equal('card [date redacted]*.heic');
      expect(d.suggestedName).to.not.match(/2003/);
      expect(JSON.stringify(d)).to.not.include('04-15-2003');
    });
  });
});
