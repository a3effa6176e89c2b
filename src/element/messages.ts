/**
 * Every string the element shows, as data: one typed catalogue per language (English here, the
 * others in locales/), each sentence a template with `{placeholders}`, so a translation orders
 * words as its language needs, and each count-dependent sentence in the plural forms of its
 * language (`Intl.PluralRules`). A page can replace any string (`el.messages`).
 * @module
 */

/** A sentence for each plural category of the language (`Intl.PluralRules`); `other` always. `{count}` is the number. */
export interface Plural {
  readonly zero?: string;
  readonly one?: string;
  readonly two?: string;
  readonly few?: string;
  readonly many?: string;
  readonly other: string;
}

/** The catalogue: each entry's placeholders are named in its comment. */
export interface Messages {
  readonly loading: string;
  readonly awaiting: string;
  /** `{received}`, `{total}`: amounts in BTC. */
  readonly underpaid: string;
  readonly unconfirmed: string;
  /** `{count}`: the confirmations needed; `{confirmations}`: those it has. */
  readonly confirming: Plural;
  readonly paid: string;
  readonly received: string;
  readonly expired: string;
  /** Expired with nothing received. */
  readonly expiredEmpty: string;
  /** Expired with part of the amount received: `{received}` BTC. */
  readonly expiredPartial: string;
  /** The full amount arrived after expiry. */
  readonly late: string;
  /** `{order}`: the merchant's order reference. */
  readonly orderReference: string;
  readonly error: string;
  readonly errorHeading: string;
  /** The disclosure holding the setup mistake, for the merchant. */
  readonly errorForShop: string;
  /** More than five minutes left: `{count}` whole minutes. */
  readonly payWithinMinutes: Plural;
  /** Five minutes or less: `{time}` as m:ss. */
  readonly timeLeft: string;
  /** Under the countdown: what happens when the time is up. */
  readonly countdownHelp: string;
  /** Passing problems, in words for the buyer (the technical detail goes to the console and `el.error`): the chain's API cannot be reached. */
  readonly noticeNetwork: string;
  /** No exchange rate for the price's currency yet. */
  readonly noticePrice: string;
  /** The merchant's own server (index-url) does not answer. */
  readonly noticeShop: string;
  /** Part of the amount arrived: the banner's heading. */
  readonly underpaidHeading: string;
  /** `{received}` and `{due}`, amounts in BTC. */
  readonly underpaidFigures: string;
  readonly expiredHeading: string;
  /** The receipt's rows. */
  readonly receiptAmount: string;
  readonly receiptTransaction: string;
  readonly receiptDate: string;
  readonly receiptOrder: string;
  readonly copyReceipt: string;
  /** More than asked for arrived: `{extra}` BTC. */
  readonly overpaid: string;
  /** The link back to the shop (`return-url`). */
  readonly returnToShop: string;
  readonly copied: string;
  readonly copyAddress: string;
  readonly copyAmount: string;
  readonly openWallet: string;
  /** The link that opens the Lightning invoice alone (`lightning:`), for wallets that need it. */
  readonly openLightning: string;
  readonly copyLightning: string;
  /** Lightning offered without a way for this page to see it paid (`lightning-unverified="show"`). */
  readonly lightningUnverified: string;
  /** The receipt's row for a Lightning payment: its payment hash. */
  readonly receiptLightning: string;
  readonly addressHeading: string;
  /** The QR code's accessible name: `{amount}` BTC, `{address}`. */
  readonly qrLabel: string;
  /** The same for an open amount: `{address}`. */
  readonly qrLabelOpen: string;
  /** The amount in sats: `{count}`. */
  readonly sats: Plural;
  /** The amount tag (1–99 sats) that tells this payment apart from another buyer's: `{count}` sats. */
  readonly tag: Plural;
  /** A payment at the address that does not count for this request (another amount): `{amount}` BTC. */
  readonly unmatched: string;
  /** A payment at an open-amount address others are shown too, which cannot be told to be this buyer's: `{amount}` BTC. */
  readonly unmatchedOpen: string;
  readonly copyTxid: string;
  /** The button that tells the shop an unmatched payment was the buyer's. */
  readonly claim: string;
  /** After the buyer claimed an unmatched payment. */
  readonly claimed: string;
}

export const en: Messages = {
  loading: 'Preparing your payment request…',
  awaiting: 'Waiting for your payment.',
  underpaid: '{received} of {total} BTC received. Please send the rest.',
  unconfirmed: 'Payment received. Waiting for the first confirmation.',
  confirming: {
    one: 'Payment confirming: {confirmations} of {count} confirmation.',
    other: 'Payment confirming: {confirmations} of {count} confirmations.',
  },
  paid: 'Paid. Thank you!',
  received: 'Payment received',
  expired: 'This payment request has expired.',
  expiredEmpty: 'Please do not pay to it any more; start a new payment instead.',
  expiredPartial: '{received} BTC arrived before it expired. Please contact the merchant to settle the rest.',
  late: 'Your payment arrived after the request expired. It is safe in the merchant’s wallet: please contact them to settle the order.',
  orderReference: 'Order {order}',
  error: 'This checkout cannot take payments right now.',
  errorHeading: 'This checkout is not working',
  errorForShop: 'Details for the shop',
  payWithinMinutes: { one: 'Pay within {count} minute', other: 'Pay within {count} minutes' },
  timeLeft: '{time} left to pay',
  countdownHelp: 'After that the price is no longer guaranteed, but this address keeps working and a late payment is still seen.',
  noticeNetwork: 'The connection to the Bitcoin network is interrupted. This page keeps trying; a payment you send is not lost.',
  noticePrice: 'The exchange rate is not available yet. This page keeps trying.',
  noticeShop: 'The shop’s server is not answering yet. This page keeps trying.',
  underpaidHeading: 'Partly paid',
  underpaidFigures: 'Received {received} BTC · still to pay {due} BTC',
  expiredHeading: 'Payment request expired',
  receiptAmount: 'Amount',
  receiptTransaction: 'Transaction',
  receiptDate: 'Date',
  receiptOrder: 'Order',
  copyReceipt: 'Copy receipt',
  overpaid: 'You paid {extra} BTC more than asked: the shop will settle the difference with you.',
  returnToShop: 'Back to the shop',
  copied: 'Copied',
  copyAddress: 'Copy address',
  copyAmount: 'Copy amount',
  openWallet: 'Open in wallet',
  openLightning: 'Pay with Lightning',
  copyLightning: 'Copy Lightning invoice',
  lightningUnverified: 'Paid by Lightning? This page cannot see it: the shop confirms it to you.',
  receiptLightning: 'Lightning payment',
  addressHeading: 'Address',
  qrLabel: 'QR code: pay {amount} BTC to {address}',
  qrLabelOpen: 'QR code: pay to {address}',
  sats: { one: '{count} sat', other: '{count} sats' },
  tag: {
    one: 'Includes {count} sat that marks this payment as yours. Please pay the exact amount.',
    other: 'Includes {count} sats that mark this payment as yours. Please pay the exact amount.',
  },
  unmatched:
    'A payment of {amount} BTC reached this address, but it is not the exact amount of this request, so it does not count for it. If you sent it, contact the shop with its transaction id; if not, it is another customer’s and you can ignore it.',
  unmatchedOpen:
    'A payment of {amount} BTC reached this address. Other visitors are shown this address too, so this page cannot tell whether it was yours. If you sent it, you can tell the shop.',
  copyTxid: 'Copy transaction id',
  claim: 'This was my payment',
  claimed: 'The shop has been told this payment is yours. They will check it and settle your order by hand.',
};

/** `{name}` in `template` replaced by `values[name]` (a name with no value stays as it is). */
const fill = (template: string, values: Record<string, string | number>): string =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => String(values[name] ?? whole));

/** The entries that are one sentence, and those with plural forms. */
export type SentenceKey = { [K in keyof Messages]: Messages[K] extends string ? K : never }[keyof Messages];
export type PluralKey = { [K in keyof Messages]: Messages[K] extends string ? never : K }[keyof Messages];

/**
 * The sentences of `messages` for the element to show, numbers formatted for `locale` (the
 * catalogue's language). BTC amounts come in as text and stay as they are: they are what the
 * buyer types or pastes into a wallet, with a full stop whatever the language.
 */
export function wordsFor(messages: Messages, locale: string): Words {
  const number = new Intl.NumberFormat(locale);
  const rules = new Intl.PluralRules(locale);
  const say = (key: SentenceKey, values: Record<string, string | number> = {}): string => fill(messages[key], values);
  const count = (key: PluralKey, n: number, values: Record<string, number> = {}): string => {
    const forms = messages[key];
    const numbers = Object.fromEntries(Object.entries({ ...values, count: n }).map(([name, value]) => [name, number.format(value)]));
    return fill(forms[rules.select(n)] ?? forms.other, numbers);
  };
  return {
    ...messages,
    say,
    count,
    countdown: (msLeft: number): string => {
      if (msLeft > 300_000) return count('payWithinMinutes', Math.ceil(msLeft / 60_000));
      const seconds = Math.max(Math.ceil(msLeft / 1000), 0);
      return say('timeLeft', { time: `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}` });
    },
  };
}

/** What the element shows: the chosen catalogue, and its sentences filled in. */
export interface Words extends Messages {
  /** The sentence `key` with its placeholders filled in. */
  say(key: SentenceKey, values?: Record<string, string | number>): string;
  /** The plural form of `key` for `n`, its numbers formatted. */
  count(key: PluralKey, n: number, values?: Record<string, number>): string;
  /** Time left to pay, in minutes or as m:ss. */
  countdown(msLeft: number): string;
}

/** The catalogues the page can use at once, by language tag (`en`, `de`, `zh-Hans`): English, and those registered. */
const catalogues = new Map<string, Messages>([['en', en]]);

/**
 * Makes catalogues available by language tag (`de`, `pt`, `zh-Hans`): for bundler users, who
 * import them from `btc-checkout/locales`; the CDN file loads its own from beside it.
 */
export function registerLocales(byTag: Readonly<Record<string, Messages>>): void {
  for (const [tag, messages] of Object.entries(byTag)) catalogues.set(tag, messages);
}

/** `tag` as Intl writes it (`en-us` → `en-US`), or null for a tag it refuses (`en_US`, ``). */
function canonical(tag: string | null | undefined): string | null {
  try {
    return tag ? (Intl.getCanonicalLocales(tag)[0] ?? null) : null;
  } catch {
    return null;
  }
}

/** The catalogue tags that can serve `tag`: with its script (`zh-Hans`, Simplified Chinese), then its language. */
function tagsFor(tag: string): string[] {
  const { language, script } = new Intl.Locale(tag).maximize();
  return [`${language}-${script}`, language];
}

/** The language chosen: its catalogue's tag, and the locale numbers and dates are formatted in. */
export interface Language {
  /** The catalogue's tag (`de`), which may be one still to load. */
  readonly tag: string;
  readonly locale: string;
}

/**
 * The first of `candidates` (the element's or its nearest ancestor's `lang`, then the browser's
 * languages) that has a catalogue, here or among `loadable`; English otherwise. Numbers are
 * formatted in the language of the sentences around them, so a page in a language with no
 * catalogue does not get German digits inside English sentences.
 */
export function pickLanguage(candidates: readonly (string | null | undefined)[], loadable: readonly string[] = []): Language {
  for (const candidate of candidates) {
    const locale = canonical(candidate);
    const tag = locale && tagsFor(locale).find((option) => catalogues.has(option) || loadable.includes(option));
    if (tag) return { tag, locale: locale! };
  }
  return { tag: 'en', locale: 'en' };
}

/** The catalogue registered (or loaded) for `tag`, if any. */
export const catalogueOf = (tag: string): Messages | undefined => catalogues.get(tag);
