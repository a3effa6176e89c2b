// qrcode's encoder core, imported directly so that none of its renderers (canvas, terminal,
// file system) reach the bundle: only the module matrix is needed to draw an SVG path.
declare module 'qrcode/lib/core/qrcode.js' {
  /** A string is split into segments by qrcode's own optimiser; an array gives the segments, each in its best mode. */
  export function create(
    text: string | readonly string[],
    options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' },
  ): { modules: { size: number; data: Uint8Array } };
}
