// The CDN build's stand-in for dijkstrajs, qrcode's segment optimiser (see vite.config.ts):
// src/element/qr.ts hands qrcode its segments, so qrcode never searches for them. Should
// anything ask, it is told plainly rather than given a wrong QR code.
module.exports = {
  find_path() {
    throw new Error('btc-checkout: qrcode was given a string; give it segments (see src/element/qr.ts)');
  },
};
