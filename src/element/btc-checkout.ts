import { html, LitElement, nothing, svg, type CSSResultGroup, type PropertyDeclarations, type TemplateResult } from 'lit';
import type { CheckoutEffects, PaymentView } from '../core/checkout.js';
import { attributeOf, type CheckoutInput } from '../core/config.js';
import { formatBtc } from '../core/amount.js';
import type { Invoice, InvoiceStatus } from '../core/invoice.js';
import type { DeliveryRecord } from '../core/outbox.js';
import { styles } from './btc-checkout.styles.js';
import { CheckoutController, type CheckoutHost } from './checkout-controller.js';
import type { ErrorDetail } from './events.js';
import { CheckoutError } from '../core/errors.js';
import { wordsFor, type Messages, type Words } from './messages.js';
import { qrShape } from './qr.js';

/** What a copy button copies: the address, the amount, the receipt, or an unmatched payment's transaction id. */
type CopyTarget = 'address' | 'amount' | 'receipt' | 'lightning' | `txid:${string}`;

/**
 * A bitcoin checkout: derives a receive address from the merchant's extended public key,
 * shows the amount, a QR code and a wallet link (BIP 21), and reports the invoice's status.
 *
 * @tag btc-checkout
 * @fires btc-checkout-status - `{status, previous, invoice}` on every change of status.
 * @fires btc-checkout-error - `{message, source, code}` when the checkout cannot work, the API is unreachable, or Lightning cannot be offered (source `lightning`).
 * @fires btc-checkout-paid - `{invoice}` once, when the full amount has the confirmations asked for.
 * @fires btc-checkout-webhook - a delivery record after each webhook attempt.
 * @fires btc-checkout-unmatched - `{payment, invoice}` when a payment arrives at the address that does not count for this invoice.
 * @fires btc-checkout-claim - `{payment, invoice}` when the buyer says an unmatched payment was theirs.
 * @csspart checkout - the card around everything.
 * @csspart amount - the amount in BTC.
 * @csspart sats - the amount in sats (`show-sats`).
 * @csspart fiat - the price in its currency.
 * @csspart tag - the note on the amount tag.
 * @csspart label - the `label` text.
 * @csspart message - the `message` text.
 * @csspart qr - the QR code (SVG).
 * @csspart address - the address.
 * @csspart copy - every copy button; each also has its own part: `copy-address`, `copy-amount`, `copy-txid`.
 * @csspart copy-address - the button copying the address.
 * @csspart copy-amount - the button copying the amount.
 * @csspart wallet-link - the "Open in wallet" link.
 * @csspart lightning-link - the link opening the Lightning invoice alone (`lightning`).
 * @csspart copy-lightning - the button copying the Lightning invoice.
 * @csspart lightning-note - the note that only the shop can see a Lightning payment (`lightning-unverified="show"`).
 * @csspart status - the status line.
 * @csspart error - the error view.
 * @csspart received - the view after payment.
 * @csspart expired - the view after expiry.
 * @csspart check - the check mark.
 * @csspart countdown - time left.
 * @csspart time-left - the bar that empties as time runs out.
 * @csspart countdown-help - what happens when the time is up.
 * @slot logo - the shop's logo, above the label.
 * @csspart header - the shop's logo and name (`label`).
 * @csspart notice - connection problems.
 * @csspart reference - the order reference.
 * @csspart explanation - what an expired request means.
 * @csspart unmatched - the notices of payments that do not count for this invoice.
 * @csspart txid - an unmatched payment's transaction id.
 * @csspart copy-txid - the button copying it.
 * @csspart claim - the button saying an unmatched payment was the buyer's.
 * @csspart claimed - the note that it was.
 * @csspart underpaid - the banner after part of the amount arrived: received and still due.
 * @csspart receipt - what was paid (amount, transactions, address, date, order), once a payment is seen.
 * @csspart confirmations - the progress bar of confirmations while confirming.
 * @csspart overpaid - the note that more than the amount arrived.
 * @csspart copy-receipt - the button copying the receipt.
 * @csspart return-link - the link back to the shop (`return-url`).
 * @csspart error-detail - the setup mistake, for the merchant, in the error view.
 * @cssprop --btc-checkout-background - the card's background.
 * @cssprop --btc-checkout-color - its text.
 * @cssprop --btc-checkout-muted - secondary text.
 * @cssprop --btc-checkout-accent - buttons and links.
 * @cssprop --btc-checkout-accent-color - text on the accent.
 * @cssprop --btc-checkout-border - borders.
 * @cssprop --btc-checkout-error - errors and shortfalls.
 * @cssprop --btc-checkout-success - the check mark and paid states.
 * @cssprop --btc-checkout-radius - corner radius.
 * @cssprop --btc-checkout-font - the font family.
 * @cssprop --btc-checkout-max-width - the card's width at most.
 * @cssprop --btc-checkout-qr-size - the QR code's size.
 * @cssprop --btc-checkout-qr-color - the QR code's dark modules.
 * @cssprop --btc-checkout-qr-background - the QR code's light modules and quiet zone.
 */
export class BtcCheckout extends LitElement implements CheckoutHost {
  static override styles: CSSResultGroup = styles;

  // One property per attribute, each of the same name in camelCase (lit's attribute option names
  // the attribute): a literal, so the types and custom-elements.json see every one of them.
  static override properties: PropertyDeclarations = {
    xpub: {},
    address: {},
    addressType: { attribute: 'address-type' },
    network: {},
    index: {},
    indexUrl: { attribute: 'index-url' },
    amount: {},
    currency: {},
    priceToken: { attribute: 'price-token' },
    item: {},
    label: {},
    message: {},
    showSats: { type: Boolean, attribute: 'show-sats' },
    api: {},
    ws: {},
    confirmations: {},
    tolerance: {},
    expires: {},
    orderId: { attribute: 'order-id' },
    webhook: {},
    webhookFormat: { attribute: 'webhook-format' },
    returnUrl: { attribute: 'return-url' },
    gapLimit: { attribute: 'gap-limit' },
    exactAmount: { type: Boolean, attribute: 'exact-amount' },
    rates: {},
    lightning: {},
    lightningProxy: { attribute: 'lightning-proxy' },
    lightningUnverified: { attribute: 'lightning-unverified' },
    effects: { attribute: false },
    messages: { attribute: false },
  };

  /** Extended public key (xpub, ypub, zpub, tpub, upub, vpub) or output descriptor. */
  declare xpub: string | null;
  /** A fixed address to be paid at, instead of a key (shared by every buyer: see the README). */
  declare address: string | null;
  /** Script type for a plain xpub: p2pkh, p2sh-p2wpkh, p2wpkh or p2tr. */
  declare addressType: string | null;
  /** mainnet, testnet, testnet4, signet or regtest; by default the key's. */
  declare network: string | null;
  /** The receive index to use, instead of choosing one (a whole number, as text). */
  declare index: string | null;
  /** URL of the merchant's server that hands out a receive index per buyer. */
  declare indexUrl: string | null;
  /** Amount as a decimal string in `currency`. */
  declare amount: string | null;
  /** BTC (default) or sats. */
  declare currency: string | null;
  /** The price signed by the merchant (`btc-checkout-price`): amount and currency come from it. */
  declare priceToken: string | null;
  /** The merchant's reference for what is sold, for its price list. */
  declare item: string | null;
  /** BIP 21 label: who is being paid. Shown as text. */
  declare label: string | null;
  /** BIP 21 message: what the payment is for. Shown as text. */
  declare message: string | null;
  /** Also show the amount in sats. */
  declare showSats: boolean;
  /** Esplora / mempool REST API base URLs, separated by spaces, tried in order. */
  declare api: string | null;
  /** mempool websocket URL, or `none` for REST polling only. */
  declare ws: string | null;
  /** Confirmations the full amount needs to be paid (default 1). */
  declare confirmations: string | null;
  /** Accepted shortfall in percent (default 0). */
  declare tolerance: string | null;
  /** Minutes before the request expires (default 15; 0 = never). */
  declare expires: string | null;
  /** The merchant's order reference, carried in the invoice and webhooks. */
  declare orderId: string | null;
  /** http(s) URL called on every status change. */
  declare webhook: string | null;
  /** json (default), blockonomics or blockchain-info. */
  declare webhookFormat: string | null;
  /** The shop's page the receipt links back to once paid ("Back to the shop"). */
  declare returnUrl: string | null;
  /** Unused addresses the merchant's wallet looks ahead (default 20): new addresses stay within them. */
  declare gapLimit: string | null;
  /** Ask for exactly `amount`, without the 1–99 sat tag that tells buyers sharing an address apart. */
  declare exactAmount: boolean;
  /** URL of fiat prices shaped like mempool's /v1/prices; by default the API's. */
  declare rates: string | null;
  /** The shop's Lightning Address (`name@domain`, LUD-16): offered beside the address, in the same QR code. */
  declare lightning: string | null;
  /** A same-origin forwarder for Lightning Address services that send no CORS headers, such as the reference receiver's `/lightning?url=`. */
  declare lightningProxy: string | null;
  /** `hide` (default) or `show`: whether to offer Lightning when the service has no verify URL, so only the shop can see it paid. */
  declare lightningUnverified: string | null;
  /** Replaces the browser's effects (clock, randomness); for tests and embedding. */
  declare effects: Partial<CheckoutEffects> | null;
  /** Replaces any of the strings shown (over the catalogue of the language chosen; see the README). */
  declare messages: Partial<Messages> | null;
  /** The copy button showing "Copied", until its animation ends (internal state, not an attribute). */
  private copiedTarget: CopyTarget | null = null;
  private set copied(target: CopyTarget | null) {
    this.copiedTarget = target;
    this.requestUpdate();
  }
  private get copied(): CopyTarget | null {
    return this.copiedTarget;
  }

  private readonly controller = new CheckoutController(this);

  /**
   * The countdown's text and bar, nodes of their own: each tick rewrites them alone (re-rendering
   * the whole checkout every second was nearly all of its idle CPU). Lit keeps nodes it is given
   * in place.
   */
  private readonly countdownText = document.createTextNode('');
  private readonly countdownBar = document.createElement('progress');
  private countdownTick: () => void = () => undefined;

  constructor() {
    super();
    // The words say the same: the bar is for the eye only.
    this.countdownBar.setAttribute('part', 'time-left');
    this.countdownBar.setAttribute('aria-hidden', 'true');
    this.controller.onTick(() => this.countdownTick());
  }

  /** The countdown to `expiresAt` from `createdAt`: the time left in words, and as a bar that empties. */
  private countdown(m: Words, createdAt: number, expiresAt: number): TemplateResult {
    const max = (this.countdownBar.max = expiresAt - createdAt);
    this.countdownTick = () => {
      const left = expiresAt - this.controller.now();
      this.countdownText.data = m.countdown(left);
      // The bar moves in hundredths: repainted every second, it cost 1.4 ms per element per
      // second (npm run bench, idle), four times the rest of an idle checkout.
      this.countdownBar.value = (Math.ceil((left / max) * 100) * max) / 100;
    };
    this.countdownTick();
    return html`${this.countdownBar}<small part="countdown" role="timer">${this.countdownText}</small>
      <small part="countdown-help">${m.countdownHelp}</small>`;
  }

  /** The invoice status, also reflected as the `status` attribute. */
  get status(): InvoiceStatus {
    return this.controller.state.status;
  }
  /** The address the buyer is asked to pay, once its history is known. */
  get receiveAddress(): string | null {
    return this.controller.state.payment?.address ?? null;
  }
  /** The receive index of that address; null for a fixed address. */
  get receiveIndex(): number | null {
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
  /** The latest webhook delivery attempts (time, URL, format, attempt, HTTP status, answer). */
  get deliveries(): readonly DeliveryRecord[] {
    return this.controller.state.deliveries;
  }
  /** Frozen snapshot of the invoice. */
  get invoice(): Invoice | null {
    return this.controller.state.invoice;
  }
  /** Why the checkout is not working, what it is retrying, or why Lightning is not offered (the technical detail); null when all is well. */
  get error(): ErrorDetail | null {
    // The technical detail of a passing problem too: the buyer reads it in plain words.
    const { error, notice, lightningError } = this.controller.state;
    const problem = error ?? notice ?? lightningError;
    return problem && { message: problem.message, source: problem.source, code: problem.code };
  }

  /**
   * Tells the merchant that an unmatched payment (`invoice.unmatched`) was the buyer's: a
   * `claimed` webhook for them to review, and a `btc-checkout-claim` event. It never counts as
   * paid. Returns false for a transaction that is not unmatched here, or was claimed already.
   */
  claim(txid: string): boolean {
    return this.controller.claim(txid);
  }

  /** The attributes, as the core reads them: every property that is one. */
  private get input(): CheckoutInput {
    const names = Object.keys(BtcCheckout.properties).filter((name) => BtcCheckout.properties[name]!.attribute !== false);
    return {
      ...Object.fromEntries(names.map((name) => [name, Reflect.get(this, name)])),
      // An https page blocks plain http:// requests (mixed content): the core says so at once (A95).
      pageSecure: globalThis.location?.protocol === 'https:',
    };
  }

  /** Removes private key material from `field` (a property, and its attribute): it must not stay in the page. */
  scrubPrivateInput(field: keyof CheckoutInput): void {
    this.removeAttribute(attributeOf(field));
    Reflect.set(this, field, null);
  }

  protected override willUpdate(): void {
    this.controller.configure(this.input);
  }

  protected override update(changed: Map<PropertyKey, unknown>): void {
    this.setAttribute('status', this.status);
    // A new screen can take away what had focus (a copy button, once paid): the buyer's place is
    // then the new screen's heading, not the top of the page.
    const hadFocus = !!this.shadowRoot?.activeElement;
    super.update(changed);
    if (hadFocus && !this.shadowRoot!.activeElement) this.shadowRoot!.querySelector<HTMLElement>('h2')?.focus();
  }

  /**
   * The words shown: in the first language with a catalogue among the element's `lang`, its
   * nearest ancestor's, and the browser's languages (read at each render), with the page's own
   * replacements (`messages`) over them.
   */
  private get words(): { m: Words; locale: string } {
    const candidates = [this.closest('[lang]')?.getAttribute('lang'), ...(globalThis.navigator?.languages ?? [])];
    const { messages, locale } = this.controller.language(candidates);
    return { m: wordsFor({ ...messages, ...this.messages }, locale), locale };
  }

  protected override render(): TemplateResult {
    const { m, locale } = this.words;
    const { status, payment, error, notice, invoice } = this.controller.state;
    const btc = formatBtc;
    let view: unknown = this.renderSkeleton(m);
    let line: string = m.loading;
    let kind = '';
    if (error) {
      kind = 'error';
      line = m.error;
      // The buyer reads that checkout is unavailable; the setup mistake is for the merchant, so
      // it comes last (the styles order the heading and the status line first).
      view = html`<h2 tabindex="-1">${m.errorHeading}</h2>
        <div role="alert">
          <details part="error-detail">
            <summary>${m.errorForShop}</summary>
            <p>${error.message}</p>
          </details>
        </div>`;
    } else if (invoice && payment) {
      if (status === 'expired') {
        kind = 'expired';
        line = m.expired;
        view = html`<h2 tabindex="-1">${m.expiredHeading}</h2>
          <p part="explanation">
            ${invoice.late ? m.late : invoice.receivedSats ? m.say('expiredPartial', { received: btc(invoice.receivedSats) }) : m.expiredEmpty}
          </p>`;
      } else if (status === 'awaiting' || status === 'underpaid') {
        line =
          status === 'underpaid'
            ? m.say('underpaid', { received: btc(invoice.receivedSats), total: btc(invoice.expectedSats) })
            : m.awaiting;
        view = this.renderRequest(m, locale, payment, invoice);
      } else {
        kind = 'received';
        line =
          status === 'paid'
            ? m.paid
            : status === 'confirming'
              ? m.count('confirming', invoice.requiredConfirmations, { confirmations: invoice.confirmations })
              : m.unconfirmed;
        view = html`${svg`<svg part="check" viewBox="0 0 24 24" aria-hidden="true"><circle cx="12" cy="12" r="11"></circle><path d="M6.5 12.5l3.5 3.5 7.5-8"></path></svg>`}
          <h2 tabindex="-1">${m.received}</h2>
          ${
            status === 'confirming'
              ? html`<progress
                  part="confirmations"
                  max=${invoice.requiredConfirmations}
                  value=${invoice.confirmations}
                  aria-hidden="true"
                ></progress>`
              : nothing
          }
          ${this.renderReceipt(m, locale, invoice)}`;
      }
    }
    // One template for every status, so that the status line (a live region) stays in place and
    // screen readers announce each change.
    const label = !error && payment?.label;
    return html`<section part="checkout ${kind}" aria-busy=${!error && !payment}>
      ${
        label || this.querySelector('[slot=logo]')
          ? html`<header part="header"><slot name="logo"></slot>${label ? html`<p part="label">${label}</p>` : nothing}</header>`
          : nothing
      }
      ${view}
      <p part="status" role="status">${line}</p>
      ${invoice && payment && !error ? this.renderUnmatched(m, invoice) : nothing}
      ${invoice?.orderId ? html`<small part="reference">${m.say('orderReference', { order: invoice.orderId })}</small>` : nothing}
      ${
        notice
          ? html`<small part="notice" role="status"
              >${notice.source === 'rates' ? m.noticePrice : notice.source === 'index-url' ? m.noticeShop : m.noticeNetwork}</small
            >`
          : nothing
      }
    </section>`;
  }

  /**
   * The request's shape while the address's history is read: the words and boxes of the card to
   * come, drawn as placeholders of the same size, so that nothing jumps when it arrives.
   */
  private renderSkeleton(m: Words): TemplateResult {
    const bone = (text: string): TemplateResult => html`<span class="bone">${text}</span>`;
    const setup = this.controller.setup;
    const priced = setup?.amountSats || setup?.fiat;
    const expiresMs = setup?.expiresMs ?? null;
    return html`<div class="skeleton" aria-hidden="true">
      ${
        priced
          ? html`<p class="bone-amount">
                ${bone('0.00000000 BTC')}${setup!.fiat ? html`<small>${bone(setup!.fiat.text)}</small>` : nothing}
              </p>
              ${setup!.shared ? html`<small>${bone(m.count('tag', 99))}</small>` : nothing}`
          : nothing
      }
      <div class="bone bone-qr"></div>
      <p class="bone-address">
        <code>${Array.from({ length: 11 }, () => html`<span class="bone">bc1q</span>`)}</code>
      </p>
      <div class="actions">${[m.openWallet, m.copyAddress, ...(priced ? [m.copyAmount] : [])].map(bone)}</div>
      ${
        expiresMs === null
          ? nothing
          : html`<small class="bone bone-bar"></small><small>${bone(m.countdown(expiresMs))}</small>
              <small class="bone-help">${bone(m.countdownHelp)}</small>`
      }
    </div>`;
  }

  private renderRequest(
    m: Words,
    lang: string,
    payment: PaymentView,
    { fiat, tagSats, createdAt, expiresAt, receivedSats }: Invoice,
  ): TemplateResult {
    const due = payment.sats ? formatBtc(payment.sats) : null;
    let qr: ReturnType<typeof qrShape>;
    try {
      qr = qrShape(payment.qrText);
    } catch {
      // More than a QR code holds (a very long label or message): say so, never "Preparing…" forever.
      queueMicrotask(() =>
        this.controller.renderFailed(
          new CheckoutError('message', 'out-of-range', 'The label and message are too long to fit in a QR code: shorten them.'),
        ),
      );
      return html``;
    }
    const span = qr.size + 8;
    return html`${
        receivedSats && due
          ? html`<p part="underpaid" role="note">
              <strong>${m.underpaidHeading}</strong> ${m.say('underpaidFigures', { received: formatBtc(receivedSats), due })}
            </p>`
          : nothing
      }
      ${
        due
          ? html`<p part="amount">
                ${due} BTC${this.showSats ? html`<span part="sats">${m.count('sats', payment.sats!)}</span>` : nothing}
                ${
                  fiat && !receivedSats
                    ? html`<span part="fiat"
                        >${new Intl.NumberFormat(lang, { style: 'currency', currency: fiat.currency }).format(Number(fiat.amount))}</span
                      >`
                    : nothing
                }
              </p>
              ${tagSats ? html`<small part="tag">${m.count('tag', tagSats)}</small>` : nothing}`
          : nothing
      }
      ${payment.message ? html`<p part="message">${payment.message}</p>` : nothing}
      <svg
        part="qr"
        role="img"
        aria-label=${due ? m.say('qrLabel', { amount: due, address: payment.address }) : m.say('qrLabelOpen', { address: payment.address })}
        viewBox="-4 -4 ${span} ${span}"
        shape-rendering="crispEdges"
      >
        ${svg`<rect x="-4" y="-4" width=${span} height=${span} fill="#fff"></rect><path d=${qr.path} fill="currentColor"></path>`}
      </svg>
      <p part="address">
        <span class="visually-hidden">${m.addressHeading}: </span
        ><code>${payment.address.match(/.{1,4}/g)!.map((group) => html`<span>${group}</span>`)}</code>
      </p>
      <div class="actions">
        <a part="wallet-link" href=${payment.uri}>${m.openWallet}</a>
        ${this.copyButton('address', payment.address, m.copyAddress, m)} ${due ? this.copyButton('amount', due, m.copyAmount, m) : nothing}
        ${
          payment.lightning
            ? html`<a part="lightning-link" href="lightning:${payment.lightning}">${m.openLightning}</a>
                ${this.copyButton('lightning', payment.lightning, m.copyLightning, m)}`
            : nothing
        }
      </div>
      ${payment.lightningUnverified ? html`<small part="lightning-note">${m.lightningUnverified}</small>` : nothing}
      ${expiresAt === null ? nothing : this.countdown(m, createdAt, expiresAt)}`;
  }

  /** What was paid, for the buyer to keep: copied as text, or printed with the page. */
  private renderReceipt(m: Words, locale: string, invoice: Invoice): TemplateResult {
    const { receivedSats, expectedSats, txids, address, createdAt, orderId, overpaid, lightning } = invoice;
    const amount = `${formatBtc(receivedSats)} BTC`;
    const rows: [string, string, unknown][] = [
      [m.receiptAmount, amount, html`<span part="amount">${amount}</span>`],
      ...(lightning
        ? [[m.receiptLightning, lightning.paymentHash, html`<code>${lightning.paymentHash}</code>`] as [string, string, unknown]]
        : []),
      ...txids.map((txid): [string, string, unknown] => {
        const page = this.controller.txUrl(txid);
        return [m.receiptTransaction, txid, html`<a part="txid" href=${page} target="_blank" rel="noopener noreferrer">${txid}</a>`];
      }),
      [m.addressHeading, address, html`<code>${address}</code>`],
      [m.receiptDate, new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(createdAt), null],
      ...(orderId ? [[m.receiptOrder, orderId, null] as [string, string, unknown]] : []),
    ];
    const returnUrl = this.controller.setup?.returnUrl;
    return html`<dl part="receipt">
        ${rows.map(
          ([label, text, shown]) =>
            html`<dt>${label}</dt>
              <dd>${shown ?? text}</dd>`,
        )}
      </dl>
      ${overpaid ? html`<p part="overpaid">${m.say('overpaid', { extra: formatBtc(receivedSats - expectedSats) })}</p>` : nothing}
      <div class="actions">
        ${this.copyButton('receipt', rows.map(([label, text]) => `${label}: ${text}`).join('\n'), m.copyReceipt, m)}
        ${returnUrl ? html`<a part="return-link" href=${returnUrl}>${m.returnToShop}</a>` : nothing}
      </div>`;
  }

  /** Payments at the address that do not count for this invoice: what they are, and what the buyer can do. */
  private renderUnmatched(m: Words, invoice: Invoice): unknown {
    // The latest three: on a busy shared address the oldest matter least.
    const shown = invoice.unmatched.slice(-3);
    if (!shown.length) return nothing;
    const { canClaim } = this.controller.state;
    return html`<div part="unmatched" role="status">
      <ul>
        ${shown.map(
          (payment) =>
            html`<li>
              <p>
                ${invoice.expectedSats ? m.say('unmatched', { amount: formatBtc(payment.sats) }) : m.say('unmatchedOpen', { amount: formatBtc(payment.sats) })}
              </p>
              <code part="txid">${payment.txid}</code>
              <div class="actions">
                ${this.copyButton(`txid:${payment.txid}`, payment.txid, m.copyTxid, m)}
                ${
                  canClaim && !payment.claimed
                    ? html`<button part="claim" type="button" @click=${() => this.claim(payment.txid)}>${m.claim}</button>`
                    : nothing
                }
              </div>
              ${payment.claimed ? html`<p part="claimed">${m.claimed}</p>` : nothing}
            </li>`,
        )}
      </ul>
    </div>`;
  }

  private copyButton(what: CopyTarget, text: string, label: string, m: Words): TemplateResult {
    const copied = this.copied === what;
    return html`<button
      part="copy copy-${what.startsWith('txid:') ? 'txid' : what}"
      type="button"
      ?data-copied=${copied}
      aria-live="polite"
      @click=${() => this.copy(what, text)}
      @animationend=${() => (this.copied = null)}
    >
      ${copied ? m.copied : label}
    </button>`;
  }

  private async copy(what: CopyTarget, text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // No clipboard access (insecure context, denied permission): select the text instead so
      // the buyer can copy it by hand.
      const selectors = {
        address: '[part~=address] code',
        amount: '[part~=amount]',
        receipt: '[part~=receipt]',
        lightning: '[part~=lightning-link]',
      } as Record<string, string>;
      const selector = selectors[what] ?? '[part~=txid]';
      const target = [...this.renderRoot.querySelectorAll(selector)].find(
        (node) => !what.startsWith('txid:') || what === `txid:${node.textContent}`,
      );
      if (target) getSelection()?.selectAllChildren(target);
      return;
    }
    this.copied = null;
    await this.updateComplete;
    this.copied = what;
  }
}
