import { expect } from 'chai';
import { formatBip21, parseBip21 } from '../../src/core/bip21.js';

const LUKE = '175tWpb8K1S7NmH4Zx6rewF9WQrcZv245W';

describe('BIP 21 URIs', () => {
  it('carries a Lightning invoice as lightning=, upper case in a QR code as the address (one QR for both)', () => {
    const address = 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu';
    const pr = 'lnbc1m1pexample';
    expect(formatBip21({ address, sats: 100_000, lightning: pr })).to.equal(`bitcoin:${address}?amount=0.001&lightning=${pr}`);
    expect(formatBip21({ address, sats: 100_000, lightning: pr }, true)).to.equal(
      `bitcoin:${address.toUpperCase()}?amount=0.001&lightning=${pr.toUpperCase()}`,
    );
    expect(parseBip21(formatBip21({ address, sats: 100_000, lightning: pr })).params.lightning).to.equal(pr);
  });

  describe("the BIP's own examples", () => {
    const examples: [Parameters<typeof formatBip21>[0], string][] = [
      [{ address: LUKE }, `bitcoin:${LUKE}`],
      [{ address: LUKE, label: 'Luke-Jr' }, `bitcoin:${LUKE}?label=Luke-Jr`],
      [{ address: LUKE, sats: 2_030_000_000, label: 'Luke-Jr' }, `bitcoin:${LUKE}?amount=20.3&label=Luke-Jr`],
      [
        { address: LUKE, sats: 5_000_000_000, label: 'Luke-Jr', message: 'Donation for project xyz' },
        `bitcoin:${LUKE}?amount=50&label=Luke-Jr&message=Donation%20for%20project%20xyz`,
      ],
    ];
    for (const [request, uri] of examples) {
      it(uri, () => {
        expect(formatBip21(request)).to.equal(uri);
        const parsed = parseBip21(uri);
        expect(parsed.address).to.equal(LUKE);
        expect(parsed.sats ?? null).to.equal(request.sats ?? null);
        expect(parsed.label ?? null).to.equal(request.label ?? null);
        expect(parsed.message ?? null).to.equal(request.message ?? null);
      });
    }
    it('refuses unknown req- parameters', () => {
      expect(() => parseBip21(`bitcoin:${LUKE}?req-somethingyoudontunderstand=50&req-somethingelseyoudontget=999`)).to.throw(
        /req-somethingyoudontunderstand/,
      );
    });
    it('keeps unknown optional parameters', () => {
      expect(parseBip21(`bitcoin:${LUKE}?somethingyoudontunderstand=50&somethingelseyoudontget=999`).params).to.deep.equal({
        somethingyoudontunderstand: '50',
        somethingelseyoudontget: '999',
      });
    });
  });

  it('percent-encodes label and message so they cannot inject parameters', () => {
    const uri = formatBip21({ address: LUKE, sats: 1000, label: 'Tom & Jerry', message: 'a=b?c#d 100%' });
    expect(uri).to.equal(`bitcoin:${LUKE}?amount=0.00001&label=Tom%20%26%20Jerry&message=a%3Db%3Fc%23d%20100%25`);
    expect(parseBip21(uri)).to.include({ label: 'Tom & Jerry', message: 'a=b?c#d 100%', sats: 1000 });
  });
  it('encodes non-ASCII text as UTF-8', () => {
    expect(formatBip21({ address: LUKE, label: 'Café ☕' })).to.equal(`bitcoin:${LUKE}?label=Caf%C3%A9%20%E2%98%95`);
  });
  it('never writes an exponent or trailing zeros', () => {
    expect(formatBip21({ address: LUKE, sats: 1 })).to.equal(`bitcoin:${LUKE}?amount=0.00000001`);
    expect(formatBip21({ address: LUKE, sats: 10_000_000 })).to.equal(`bitcoin:${LUKE}?amount=0.1`);
  });
  it('upper-cases bech32 addresses for QR codes only', () => {
    const address = 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu';
    expect(formatBip21({ address, sats: 1000 }, true)).to.equal(`bitcoin:${address.toUpperCase()}?amount=0.00001`);
    expect(formatBip21({ address, sats: 1000 })).to.equal(`bitcoin:${address}?amount=0.00001`);
    expect(formatBip21({ address: LUKE }, true)).to.equal(`bitcoin:${LUKE}`);
  });
});
