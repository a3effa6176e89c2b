import { html, LitElement, nothing, svg, type CSSResultGroup, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { CheckoutEffects } from '../core/checkout.js';
import type { CheckoutInput } from '../core/config.js';
import { formatBtc } from '../core/amount.js';
import type { Invoice, InvoiceStatus } from '../core/invoice.js';
import { styles } from './btc-checkout.styles.js';
import { CheckoutController, type CheckoutHost } from './checkout-controller.js';
import type { ErrorDetail } from './events.js';
import { en, type Messages } from './messages.js';
import { qrShape } from './qr.js';

/**
 * A bitcoin checkout: derives a receive address from the merchant's extended public key,
 * shows the amount, a QR code and a wallet link (BIP 21), and reports the invoice's status.
 *
 * @fires btc-checkout-status - `{status, previous, invoice}` on every change of status.
 * @fires btc-checkout-error - `{message, source, code}` when the checkout cannot work.
 * @csspart checkout - the card around everything.
 * @csspart amount - the amount in BTC. @csspart sats - the amount in sats (`show-sats`).
 * @csspart label - @csspart message - the `label` and `message` text.
 * @csspart qr - the QR code (SVG). @csspart address - the address.
 * @csspart copy - both copy buttons; also `copy-address` and `copy-amount`.
 * @csspart wallet-link - the "Open in wallet" link. @csspart status - the status line.
 * @csspart error - the error view.
 * @cssprop --btc-checkout-background @cssprop --btc-checkout-color @cssprop --btc-checkout-muted
 * @cssprop --btc-checkout-accent @cssprop --btc-checkout-accent-color @cssprop --btc-checkout-border
 * @cssprop --btc-checkout-error @cssprop --btc-checkout-success @cssprop --btc-checkout-radius
 * @cssprop --btc-checkout-font @cssprop --btc-checkout-max-width @cssprop --btc-checkout-qr-size
 * @cssprop --btc-checkout-qr-color @cssprop --btc-checkout-qr-background
 */
export class BtcCheckout extends LitElement implements CheckoutHost {
  static override styles: CSSResultGroup = styles;

  static override properties: PropertyDeclarations = {
    xpub: {},
    fixedAddress: { attribute: 'address' },
    addressType: { attribute: 'address-type' },
    network: {},
    requestedIndex: { attribute: 'index' },
    amount: {},
    currency: {},
    label: {},
    message: {},
    showSats: { type: Boolean, attribute: 'show-sats' },
    effects: { attribute: false },
    messages: { attribute: false },
    copied: { state: true },
  };

  /** Extended public key (xpub, ypub, zpub, tpub, upub, vpub) or output descriptor. */
  declare xpub: string | null;
  /** A fixed address instead of a key (the `address` attribute). */
  declare fixedAddress: string | null;
  /** Script type for a plain xpub: p2pkh, p2sh-p2wpkh, p2wpkh or p2tr. */
  declare addressType: string | null;
  /** mainnet, testnet, testnet4, signet or regtest; by default the key's. */
  declare network: string | null;
  /** Receive index to use (the `index` attribute). */
  declare requestedIndex: string | null;
  /** Amount as a decimal string in `currency`. */
  declare amount: string | null;
  /** BTC (default) or sats. */
  declare currency: string | null;
  /** BIP 21 label: who is being paid. Shown as text. */
  declare label: string | null;
  /** BIP 21 message: what the payment is for. Shown as text. */
  declare message: string | null;
  /** Also show the amount in sats. */
  declare showSats: boolean;
  /** Replaces the browser's effects (clock, randomness); for tests and embedding. */
  declare effects: Partial<CheckoutEffects> | null;
  /** Replaces the English strings. */
  declare messages: Messages | null;
  declare private copied: 'address' | 'amount' | null;

  private readonly controller = new CheckoutController(this);

  /** The invoice status, also reflected as the `status` attribute. */
  get status(): InvoiceStatus {
    return this.controller.state.status;
  }
  /** The address the buyer is asked to pay, once known. */
  get address(): string | null {
    return this.controller.state.payment?.address ?? null;
  }
  /** The receive index of that address; null for a fixed address. */
  get index(): number | null {
    return this.controller.state.invoice?.index ?? null;
  }
  /** The BIP 21 URI of the current request. */
  get uri(): string | null {
    return this.controller.state.payment?.uri ?? null;
  }
  /** The amount asked for, in sats; null for an open amount. */
  get amountSats(): number | null {
    return this.controller.state.invoice?.expectedSats || null;
  }
  /** Frozen snapshot of the invoice. */
  get invoice(): Invoice | null {
    return this.controller.state.invoice;
  }
  /** Why the checkout is not working, or null. */
  get error(): ErrorDetail | null {
    const { error } = this.controller.state;
    return error && { message: error.message, source: error.source, code: error.code };
  }

  /** The attributes, as the core reads them. */
  private get input(): CheckoutInput {
    return {
      xpub: this.xpub,
      address: this.fixedAddress,
      addressType: this.addressType,
      network: this.network,
      index: this.requestedIndex,
      amount: this.amount,
      currency: this.currency,
      label: this.label,
      message: this.message,
    };
  }

  scrubPrivateInput(source: 'xpub' | 'address'): void {
    this.removeAttribute(source);
    if (source === 'xpub') this.xpub = null;
    else this.fixedAddress = null;
  }

  protected override willUpdate(): void {
    this.controller.configure(this.input);
  }

  protected override update(changed: Map<PropertyKey, unknown>): void {
    this.setAttribute('status', this.status);
    super.update(changed);
  }

  protected override render(): TemplateResult {
    const m = this.messages ?? en;
    const { status, payment, error } = this.controller.state;
    if (error) {
      return html`<section part="checkout error" role="alert">
        <h2>${m.errorHeading}</h2>
        <p>${error.message}</p>
      </section>`;
    }
    const statusLine = html`<p part="status" role="status">${m.status[status]}</p>`;
    if (!payment) return html`<section part="checkout" aria-busy="true">${statusLine}</section>`;
    const btc = payment.sats ? formatBtc(payment.sats) : null;
    const qr = qrShape(payment.qrText);
    const span = qr.size + 8;
    return html`<section part="checkout">
      ${btc
        ? html`<p part="amount">
            ${btc} BTC${this.showSats
              ? html`<span part="sats">${m.sats(new Intl.NumberFormat(this.lang || undefined).format(payment.sats!))}</span>`
              : nothing}
          </p>`
        : nothing}
      ${payment.label ? html`<p part="label">${payment.label}</p>` : nothing}
      ${payment.message ? html`<p part="message">${payment.message}</p>` : nothing}
      <svg part="qr" role="img" aria-label=${m.qrLabel(btc, payment.address)} viewBox="-4 -4 ${span} ${span}" shape-rendering="crispEdges">
        ${svg`<rect x="-4" y="-4" width=${span} height=${span} fill="#fff"></rect><path d=${qr.path} fill="currentColor"></path>`}
      </svg>
      <p part="address">
        <span class="visually-hidden">${m.addressHeading}: </span><code>${payment.address.match(/.{1,4}/g)!.map((group) => html`<span>${group}</span>`)}</code>
      </p>
      <div class="actions">
        <a part="wallet-link" href=${payment.uri}>${m.openWallet}</a>
        ${this.copyButton('address', payment.address, m.copyAddress, m)}
        ${btc ? this.copyButton('amount', btc, m.copyAmount, m) : nothing}
      </div>
      ${statusLine}
    </section>`;
  }

  private copyButton(what: 'address' | 'amount', text: string, label: string, m: Messages): TemplateResult {
    const copied = this.copied === what;
    return html`<button
      part="copy copy-${what}"
      type="button"
      ?data-copied=${copied}
      @click=${() => this.copy(what, text)}
      @animationend=${() => (this.copied = null)}
    >
      ${copied ? m.copied : label}
    </button>`;
  }

  private async copy(what: 'address' | 'amount', text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // No clipboard access (insecure context, denied permission): select the text instead so
      // the buyer can copy it by hand.
      const target = this.renderRoot.querySelector(what === 'address' ? '[part~=address] code' : '[part~=amount]');
      if (target) getSelection()?.selectAllChildren(target);
      return;
    }
    this.copied = null;
    await this.updateComplete;
    this.copied = what;
  }
}
