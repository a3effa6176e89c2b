/**
 * The README's pictures of the checkout: one per scene of the demo's gallery, taken by
 * `npm run screenshots` (scripts/screenshots.ts), each a real PNG the README shows.
 */
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SCENES } from '../../demo/gallery.js';

const root = resolve(import.meta.dirname, '../..');
const folder = join(root, 'docs/screenshots');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('the README’s screenshots', () => {
  it('has a picture of every scene in the gallery, and nothing else', () => {
    expect(readdirSync(folder).sort()).to.deep.equal(
      Object.keys(SCENES)
        .map((scene) => `${scene}.png`)
        .sort(),
    );
  });

  it('each is a PNG of the four cards (a phone and the default width, light and dark), not an empty page', () => {
    for (const scene of Object.keys(SCENES)) {
      const png = readFileSync(join(folder, `${scene}.png`));
      expect(png.subarray(0, 8).equals(PNG_SIGNATURE), scene).to.equal(true);
      // IHDR: width and height, big-endian, after the signature and the chunk's length and type.
      const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
      expect(width, `${scene}: four cards side by side`).to.be.above(1300);
      expect(height, scene).to.be.above(250);
    }
  });

  it('the README shows every one, and every picture it shows exists', () => {
    const shown = [...readme.matchAll(/docs\/screenshots\/([\w-]+\.png)/g)].map((match) => match[1]!);
    for (const scene of Object.keys(SCENES)) expect(shown, scene).to.include(`${scene}.png`);
    for (const file of shown) expect(existsSync(join(folder, file)), file).to.equal(true);
  });
});
