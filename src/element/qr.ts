/**
 * QR code geometry for an inline SVG: no canvas, no innerHTML.
 * @module
 */
import { create } from 'qrcode/lib/core/qrcode.js';

export interface QrShape {
  /** Modules per side, without the quiet zone. */
  readonly size: number;
  /** SVG path data drawing every dark module in unit squares (horizontal runs merged). */
  readonly path: string;
}

/**
 * The QR code of `text` at error-correction level M, which survives smudges and small print
 * while keeping a BIP 21 URI at a size phones scan from a screen at arm's length.
 */
export function qrShape(text: string): QrShape {
  // Two segments, each in the mode qrcode finds best for it: the scheme and address (upper case
  // for bech32, BIP 21's advice, so alphanumeric mode) and the query (byte mode). That is what
  // qrcode's segment optimiser (a shortest-path search) would pick, without shipping it.
  const query = text.indexOf('?');
  const segments = query < 0 ? [text] : [text.slice(0, query), text.slice(query)];
  const { size, data } = create(segments, { errorCorrectionLevel: 'M' }).modules;
  let path = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size;) {
      if (!data[y * size + x]) {
        x++;
        continue;
      }
      let run = 1;
      while (x + run < size && data[y * size + x + run]) run++;
      path += `M${x} ${y}h${run}v1h-${run}z`;
      x += run;
    }
  }
  return { size, path };
}
