import { expect } from 'chai';
import { descriptorChecksum, parseDescriptor } from '../../src/core/descriptor.js';
import { deriveAddress, parseAccount } from '../../src/core/account.js';
import { expectCheckoutError } from '../helpers/expect-error.js';
import { scriptOf } from '../helpers/script.js';

const XPUB_13H = 'xpub69H7F5d8KSRgmmdJg2KhpAK8SR3DjMwAdkxj3ZuxV27CprR9LgpeyGmXUbC6wb7ERfvrnKZjXoUmmDznezpbZb7ap6r1D3tgFxHmwMkQTPH';
const XPUB_TV2 = 'xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGRjaDMzQLcgJvLJuZZvRcEL';
const XPUB_86 = 'xpub6BgBgsespWvERF3LHQu6CnqdvfEvtMcQjYrcRzx53QJjSxarj2afYWcLteoGVky7D3UKDP9QyrLprQ3VCECoY49yfdDEHGCtMMj92pReUsQ';
const CORE_DOC =
  'wpkh([d34db33f/84h/0h/0h]xpub6DJ2dNUysrn5Vt36jH2KLBT2i1auw1tTSSomg8PhqNiUtx8QX2SvC9nrHu81fT41fvDUnhMjEzQgXnQjKEu3oaqMSzhSrHMxyyoEAmUHQbY/0/*)';

const scripts = (descriptor: string, count = 3): string[] => {
  const account = parseAccount(descriptor);
  return Array.from({ length: count }, (_, i) => scriptOf(deriveAddress(account, i)));
};

describe('output descriptors', () => {
  describe('BIP 380 checksum', () => {
    it('raw(deadbeef)#89f8spxm (BIP 380 vector)', () => {
      expect(descriptorChecksum('raw(deadbeef)')).to.equal('89f8spxm');
    });
    it('Bitcoin Core deriveaddresses example #cjjspncu', () => {
      expect(descriptorChecksum(CORE_DOC)).to.equal('cjjspncu');
      expect(parseDescriptor(`${CORE_DOC}#cjjspncu`).scriptType).to.equal('p2wpkh');
    });
    it('refuses characters outside the descriptor character set (raw(Ü))', () => {
      expect(descriptorChecksum('raw(Ü)')).to.equal(null);
      expectCheckoutError(() => parseDescriptor('wpkh(Ü)#00000000'), 'syntax');
    });
    const bad: [string, string][] = [
      ['missing checksum', `${CORE_DOC}#`],
      ['too long checksum', `${CORE_DOC}#cjjspncuu`],
      ['too short checksum', `${CORE_DOC}#cjjspnc`],
      ['error in checksum', `${CORE_DOC}#cjjspnca`],
      ['error in payload', `${CORE_DOC.replace('d34db33f', 'd34db33e')}#cjjspncu`],
    ];
    for (const [name, text] of bad) {
      it(`${name} is refused`, () => {
        const error = expectCheckoutError(() => parseDescriptor(text), 'checksum', 'xpub');
        expect(error.message).to.match(/checksum/);
      });
    }
    it('a checksum is optional', () => {
      expect(parseDescriptor(CORE_DOC).origin).to.deep.equal({ fingerprint: 'd34db33f', path: 'm/84h/0h/0h' });
    });
  });

  describe('scripts match the BIPs', () => {
    it("BIP 382 wpkh([ffffffff/13']xpub…/1/2/*)", () => {
      expect(scripts(`wpkh([ffffffff/13']${XPUB_13H}/1/2/*)`)).to.deep.equal([
        '0014326b2249e3a25d5dc60935f044ee835d090ba859',
        '0014af0bd98abc2f2cae66e36896a39ffe2d32984fb7',
        '00141fa798efd1cbf95cebf912c031b8a4a6e9fb9f27',
      ]);
    });
    it('BIP 389 multipath wpkh(…/<1;3>/2/*) uses the first branch', () => {
      expect(scripts(`wpkh([ffffffff/13h]${XPUB_13H}/<1;3>/2/*)`)).to.deep.equal(scripts(`wpkh([ffffffff/13']${XPUB_13H}/1/2/*)`));
    });
    it('BIP 381 pkh([bd16bee5/2147483647h]xpub…/*): child 0 is the published script', () => {
      const xpub = 'xpub69H7F5dQzmVd3vPuLKtcXJziMEQByuDidnX3YdwgtNsecY5HRGtAAQC5mXTt4dsv9RzyjgDjAQs9VGVV6ydYCHnprc9vvaA5YtqWyL6hyds';
      expect(scripts(`pkh([bd16bee5/2147483647h]${xpub}/*)`, 1)).to.deep.equal(['76a914ebdc90806a9c4356c1c88e42216611e1cb4c1c1788ac']);
    });
    it('BIP 86 tr(xpub/0/*) and tr(xpub/<0;1>/*)', () => {
      const receive = [
        'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr',
        'bc1p4qhjn9zdvkux4e44uhx8tc55attvtyu358kutcqkudyccelu0was9fqzwh',
      ];
      for (const text of [`tr(${XPUB_86}/0/*)`, `tr([73c5da0a/86h/0h/0h]${XPUB_86}/<0;1>/*)`]) {
        const account = parseAccount(text);
        expect([deriveAddress(account, 0), deriveAddress(account, 1)]).to.deep.equal(receive);
      }
      expect(deriveAddress(parseAccount(`tr(${XPUB_86}/1/*)`), 0)).to.equal(
        'bc1p3qkhfews2uk44qtvauqyr2ttdsw7svhkl9nkm9s9c3x4ax5h60wqwruhk7',
      );
    });
    it('BIP 49 sh(wpkh(upub/0/*)) on testnet', () => {
      const upub = 'upub5EFU65HtV5TeiSHmZZm7FUffBGy8UKeqp7vw43jYbvZPpoVsgU93oac7Wk3u6moKegAEWtGNF8DehrnHtv21XXEMYRUocHqguyjknFHYfgY';
      expect(deriveAddress(parseAccount(`sh(wpkh(${upub}/0/*))`), 0)).to.equal('2Mww8dCYPUpKHofjgcXcBCEGmniw9CoaiD2');
    });
  });

  describe('refusals', () => {
    const cases: [string, string, string][] = [
      ['multi()', `multi(1,${XPUB_TV2}/0/*)`, 'multisig'],
      ['sortedmulti()', `sortedmulti(1,${XPUB_TV2}/0/*)`, 'multisig'],
      ['wsh()', `wsh(pkh(${XPUB_TV2}/0/*))`, 'multisig'],
      ['sh(wsh())', `sh(wsh(sortedmulti(1,${XPUB_TV2}/0/*)))`, 'multisig'],
      ['taproot script tree', `tr(${XPUB_TV2}/0/*,pk(${XPUB_13H}/0/*))`, 'unsupported'],
      ['combo()', `combo(${XPUB_TV2}/0/*)`, 'unsupported'],
      ['addr()', 'addr(bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu)', 'unsupported'],
      ["hardened step /0'/*", `wpkh(${XPUB_TV2}/0'/*)`, 'hardened'],
      ['hardened step /0h/*', `wpkh(${XPUB_TV2}/0h/*)`, 'hardened'],
      ['hardened wildcard /*h', `wpkh(${XPUB_TV2}/0/*h)`, 'hardened'],
      ['hardened multipath /<0h;1h>/*', `wpkh(${XPUB_TV2}/<0h;1h>/*)`, 'hardened'],
      ['no wildcard', `wpkh(${XPUB_TV2}/0/5)`, 'not-ranged'],
      ['single public key', 'wpkh(03a34b99f22c790c4e36b2b3c2c35a36db06226e41c692fc82b8b56ac1c540c5bd)', 'not-ranged'],
      ['x-only key', 'tr(a34b99f22c790c4e36b2b3c2c35a36db06226e41c692fc82b8b56ac1c540c5bd)', 'not-ranged'],
      ['BIP 389: two multipath steps', `pkh(${XPUB_TV2}/<0;1>/<2;3>/*)`, 'syntax'],
      ['BIP 389: empty multipath', `wpkh(${XPUB_TV2}/<>/*)`, 'syntax'],
      ['BIP 389: missing index', `wpkh(${XPUB_TV2}/<0;>/*)`, 'syntax'],
      ['BIP 389: missing end', `wpkh(${XPUB_TV2}/<0/*)`, 'syntax'],
      ['BIP 389: duplicate', `wpkh(${XPUB_TV2}/<0;0>/*)`, 'syntax'],
      ['BIP 380: too short fingerprint', `wpkh([deadbef/0h]${XPUB_TV2}/0/*)`, 'syntax'],
      ['BIP 380: invalid hardened indicator', `wpkh([deadbeef/0f]${XPUB_TV2}/0/*)`, 'syntax'],
      ['index out of range', `wpkh(${XPUB_TV2}/2147483648/*)`, 'out-of-range'],
      ['not a number', `wpkh(${XPUB_TV2}/1aa/*)`, 'syntax'],
      [
        'xprv inside',
        "wpkh([ffffffff/13']xprv9vHkqa6EV4sPZHYqZznhT2NPtPCjKuDKGY38FBWLvgaDx45zo9WQRUT3dKYnjwih2yJD9mkrocEZXo1ex8G81dwSM1fwqWpWkeS3v86pgKt/1/2/*)",
        'private-key',
      ],
      ['WIF inside', 'tr(L4rK1yDtCWekvXuE6oXD9jCYfFNV2cWRpVuPLBcCU2z8TrisoyY1)', 'private-key'],
    ];
    for (const [name, text, code] of cases) {
      it(`${name} → ${code}`, () => {
        expectCheckoutError(() => parseDescriptor(text), code, 'xpub', text.includes('prv') || code === 'private-key' ? text : undefined);
      });
    }
    it('says "not supported yet" for multisig', () => {
      expect(expectCheckoutError(() => parseDescriptor(`wsh(sortedmulti(1,${XPUB_TV2}/0/*))`), 'multisig').message).to.match(
        /not supported yet/,
      );
    });
  });
});
