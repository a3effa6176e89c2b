import { expect, fixture, html } from '@open-wc/testing';
import type { BtcCheckout } from '../../src/element/btc-checkout.js';
import { untilStatus, ZPUB } from '../helpers/element.js';
import { newChain, type TestChain } from '../helpers/devnet.js';

/** The shipped CDN file, with its exports (the other suites load it for its side effect alone). */
const BUNDLE = new URL('../../dist/btc-checkout.js', import.meta.url).href;
const { defineBtcCheckout } = (await import(BUNDLE)) as typeof import('../../src/index.js');

interface ManifestAttribute {
  name: string;
  fieldName: string;
}
interface ManifestDeclaration {
  tagName?: string;
  attributes?: ManifestAttribute[];
  events?: { name: string }[];
  members?: { name: string; kind: string; readonly?: boolean; privacy?: string }[];
}

const elementClass = (): typeof BtcCheckout => customElements.get('btc-checkout') as typeof BtcCheckout;

describe('<btc-checkout> as editors and frameworks see it (shipped bundle)', () => {
  let chain: TestChain;
  before(async () => {
    chain = await newChain();
  });

  it('custom-elements.json names the tag and every observed attribute with the property it sets', async () => {
    const manifest = (await (await fetch('/dist/custom-elements.json')).json()) as { modules: { declarations?: ManifestDeclaration[] }[] };
    const element = manifest.modules
      .flatMap((module) => module.declarations ?? [])
      .find((declaration) => declaration.tagName === 'btc-checkout')!;
    expect(element, 'the manifest declares <btc-checkout>').to.exist;
    const observed = [...elementClass().observedAttributes].sort();
    expect(element.attributes!.map((attribute) => attribute.name).sort()).to.deep.equal(observed);
    for (const { name, fieldName } of element.attributes!) {
      // One to one: the attribute and the property of that name are the same input.
      const options = elementClass().elementProperties.get(fieldName);
      expect(options, `${name} has a property`).to.exist;
      const attribute = options!.attribute ?? true;
      expect(attribute === true ? fieldName.toLowerCase() : attribute, name).to.equal(name);
    }
    expect(element.events!.map((event) => event.name).sort()).to.deep.equal([
      'btc-checkout-claim',
      'btc-checkout-error',
      'btc-checkout-paid',
      'btc-checkout-status',
      'btc-checkout-unmatched',
      'btc-checkout-webhook',
    ]);
    const outputs = element.members!.filter((member) => member.readonly && member.privacy !== 'private').map((member) => member.name);
    expect(outputs).to.include.members(['status', 'receiveAddress', 'receiveIndex', 'uri', 'amountSats', 'invoice', 'deliveries', 'error']);
  });

  it('every property mirrors its attribute: setting el.address, el.index or el.amount is the attribute', async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const byProperty = document.createElement('btc-checkout');
    Object.assign(byProperty, { xpub: ZPUB, index: '3', amount: '0.001', api: chain.api, expires: '0' });
    const byAttribute = document.createElement('btc-checkout');
    for (const [name, value] of Object.entries({ xpub: ZPUB, index: '3', amount: '0.001', api: chain.api, expires: '0' }))
      byAttribute.setAttribute(name, value);
    host.append(byProperty, byAttribute);
    await Promise.all([untilStatus(byProperty, 'awaiting'), untilStatus(byAttribute, 'awaiting')]);
    expect(byProperty.receiveIndex).to.equal(3);
    expect([byProperty.receiveAddress, byProperty.amountSats]).to.deep.equal([byAttribute.receiveAddress, byAttribute.amountSats]);
    expect(byAttribute.index, 'an attribute shows in its property').to.equal('3');

    // A fixed address, set as a property (it used to be a read-only output, and setting it did nothing).
    const fixed = document.createElement('btc-checkout');
    Object.assign(fixed, { address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', amount: '0.001', api: chain.api, network: 'mainnet' });
    host.append(fixed);
    await untilStatus(fixed, 'awaiting');
    expect(fixed.receiveAddress).to.equal('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu');
    expect(fixed.receiveIndex).to.equal(null);
  });

  it('defineBtcCheckout registers any further tag name, each working, and keeps an existing one', async () => {
    const shop = defineBtcCheckout('shop-checkout');
    expect(customElements.get('shop-checkout')).to.equal(shop);
    expect(shop).not.to.equal(elementClass(), 'a second name needs a constructor of its own');
    expect(defineBtcCheckout('shop-checkout'), 'defining again keeps it').to.equal(shop);
    expect(defineBtcCheckout(), 'and the default tag is untouched').to.equal(elementClass());
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const el = document.createElement('shop-checkout') as BtcCheckout;
    Object.assign(el, { xpub: ZPUB, index: '0', amount: '0.001', api: chain.api });
    host.append(el);
    await untilStatus(el, 'awaiting');
    expect(el.receiveAddress).to.equal('bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu');
    expect(el.shadowRoot!.querySelector('[part~=qr]'), 'styled and rendered as the original').to.exist;
  });
});
