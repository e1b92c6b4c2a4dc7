import { expect } from 'chai';
import { depthWithin, parseJsonText } from '../../../bot/directline/httpKit';
import { cleanFileName, cleanMediaType } from '../../../bot/directline/uploads';

describe('local Direct Line input hygiene', () => {
  it('keeps only the last path segment of a file name, without control characters, and keeps * % &', () => {
    expect(cleanFileName('C:\\Users\\me\\card.pdf')).to.equal('card.pdf');
    expect(cleanFileName('../../etc/passwd')).to.equal('passwd');
    expect(cleanFileName('vaccine*card%1&2.jpg')).to.equal('vaccine*card%1&2.jpg');
    expect(cleanFileName('a\u0000b\nc.txt')).to.equal('abc.txt');
    expect(cleanFileName('')).to.equal('file');
    expect(cleanFileName('..')).to.equal('file');
    expect(cleanFileName(`${'n'.repeat(300)}.pdf`)).to.have.length(255);
  });

  it('keeps well-formed media types and replaces anything else with octet-stream', () => {
    expect(cleanMediaType('Image/JPEG; charset=x')).to.equal('image/jpeg');
    expect(cleanMediaType('application/vnd.openxmlformats-officedocument.wordprocessingml.document')).to.equal(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    for (const bad of [undefined, '', 'text', 'text/html<script>', 'a/b c']) expect(cleanMediaType(bad)).to.equal('application/octet-stream');
  });

  it('refuses JSON nested deeper than the limit (it would overflow JSON.stringify later)', () => {
    expect(depthWithin(JSON.parse('[[[[1]]]]'), 4)).to.equal(true);
    expect(depthWithin(JSON.parse('[[[[[1]]]]]'), 4)).to.equal(false);
    expect(depthWithin({ a: { b: 'x'.repeat(10) } }, 2)).to.equal(true);
    expect(() => parseJsonText(`${'['.repeat(100)}${']'.repeat(100)}`)).to.throw(/deeper/);
    expect(() => parseJsonText('{"a":')).to.throw(/not valid JSON/);
  });
});
