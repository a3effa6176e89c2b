import { css, type CSSResult } from 'lit';

/**
 * Themable through `--btc-checkout-*` custom properties and `::part()`. Light and dark defaults
 * follow `prefers-color-scheme` through `light-dark()`. The QR code keeps dark modules on a light
 * ground in every theme: many phone scanners cannot read inverted codes.
 */
export const styles: CSSResult = css`
  :host {
    color-scheme: light dark;
    --_bg: var(--btc-checkout-background, light-dark(#fff, #17191d));
    --_fg: var(--btc-checkout-color, light-dark(#1b1d21, #eceef2));
    --_muted: var(--btc-checkout-muted, light-dark(#5b616e, #a3a9b5));
    --_accent: var(--btc-checkout-accent, light-dark(#b35900, #f7931a));
    --_accent-fg: var(--btc-checkout-accent-color, light-dark(#fff, #17191d));
    --_border: var(--btc-checkout-border, light-dark(#d6d9de, #353a43));
    --_error: var(--btc-checkout-error, light-dark(#b3261e, #ff8a80));
    --_ok: var(--btc-checkout-success, light-dark(#1e7b34, #7bd88f));
    --_radius: var(--btc-checkout-radius, 12px);
    display: block;
    max-width: var(--btc-checkout-max-width, 22rem);
    font: var(--btc-checkout-font, 1rem/1.45 system-ui, sans-serif);
    color: var(--_fg);
  }
  :host([hidden]) {
    display: none;
  }
  section {
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 1.25rem;
    display: grid;
    gap: 0.75rem;
    text-align: center;
  }
  p,
  h2 {
    margin: 0;
  }
  [part~='amount'],
  .bone-amount {
    font-size: 1.5rem;
    font-weight: 650;
    overflow-wrap: anywhere;
  }
  [part~='sats'],
  [part~='fiat'],
  [part~='message'],
  [part~='status'],
  small {
    display: block;
    font-size: 0.9rem;
    font-weight: 400;
    color: var(--_muted);
  }
  [part~='header'] {
    display: grid;
    justify-items: center;
    gap: 0.5rem;
  }
  ::slotted([slot='logo']) {
    max-height: 3rem;
    max-width: 100%;
  }
  [part~='time-left'],
  [part~='confirmations'],
  .bone-bar {
    width: 100%;
    height: 0.4rem;
    accent-color: var(--_accent);
  }
  [part~='countdown-help'],
  .bone-help {
    font-size: 0.8rem;
  }
  [part~='label'] {
    font-weight: 600;
  }
  h2 {
    font-size: 1.2rem;
  }
  [part~='qr'] {
    width: var(--btc-checkout-qr-size, 100%);
    justify-self: center;
    color: var(--btc-checkout-qr-color, #000);
    background: var(--btc-checkout-qr-background, #fff);
    border-radius: 4px;
  }
  [part~='address'],
  .bone-address {
    font:
      0.95rem ui-monospace,
      Menlo,
      Consolas,
      monospace;
    overflow-wrap: anywhere;
  }
  code {
    font: inherit;
  }
  code span {
    display: inline-block;
    margin-inline-end: 0.35em;
  }
  .actions {
    display: flex;
    gap: 0.5rem;
    flex-wrap: wrap;
  }
  .actions > * {
    flex: 1 1 auto;
    font: inherit;
    font-size: 0.95rem;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 1.5);
    padding: 0.5rem 0.9rem;
    cursor: pointer;
    text-decoration: none;
    background: none;
    color: inherit;
  }
  [part~='wallet-link'] {
    flex-basis: 100%;
    background: var(--_accent);
    color: var(--_accent-fg);
    border-color: var(--_accent);
    font-weight: 600;
  }
  :focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  [data-copied] {
    color: var(--_ok);
    border-color: var(--_ok);
    animation: copied 1.6s step-end forwards;
  }
  @keyframes copied {
    to {
      color: inherit;
      border-color: var(--_border);
    }
  }
  [part~='check'] {
    width: 3.5rem;
    justify-self: center;
    fill: none;
    stroke: var(--_ok);
    stroke-width: 1.8;
    stroke-linecap: round;
  }
  [part~='unmatched'] ul {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.5rem;
    text-align: start;
    font-size: 0.9rem;
  }
  [part~='unmatched'] li,
  [part~='underpaid'] {
    display: grid;
    gap: 0.4rem;
    padding: 0.6rem 0.8rem;
    border: 1px solid var(--_border);
    border-inline-start: 4px solid var(--_accent);
    border-radius: calc(var(--_radius) / 1.5);
  }
  [part~='unmatched'] p {
    margin: 0;
  }
  [part~='txid'] {
    font:
      0.8rem ui-monospace,
      Menlo,
      Consolas,
      monospace;
    overflow-wrap: anywhere;
  }
  [part~='underpaid'] {
    border-inline-start-color: var(--_error);
    text-align: start;
  }
  [part~='receipt'] {
    display: grid;
    grid-template-columns: auto 1fr;
    gap: 0.25rem 0.75rem;
    margin: 0;
    text-align: start;
    font-size: 0.9rem;
  }
  [part~='receipt'] dt {
    color: var(--_muted);
  }
  [part~='receipt'] dd {
    margin: 0;
    overflow-wrap: anywhere;
  }
  [part~='receipt'] [part~='amount'] {
    font-size: inherit;
  }
  [part~='confirmations'] {
    accent-color: var(--_ok);
  }
  [part~='error'] {
    border-color: var(--_error);
    text-align: start;
  }
  [part~='error'] h2,
  [part~='notice'],
  [part~='error'] [part~='status'] {
    color: var(--_error);
  }
  /* On a phone the status stays in sight above the QR while the buyer pays (a live region, so
     moved by the grid, not in the document). */
  [part~='header'] {
    order: -2;
  }
  /* On the error screen: the heading, then the buyer's line, then the details for the shop. */
  section:not([part~='received'], [part~='expired']) > [part~='status'],
  [part~='error'] h2 {
    order: -1;
  }
  .skeleton {
    display: contents;
  }
  /* The loading skeleton: the card's words and boxes as still placeholders (no shimmer: nothing
     moves for those who ask for reduced motion, and a slow API costs no CPU). */
  .bone {
    color: transparent;
    background: var(--_border);
    border-radius: 4px;
  }
  .bone-qr {
    width: var(--btc-checkout-qr-size, 100%);
    aspect-ratio: 1;
    justify-self: center;
  }
  .skeleton .actions > :first-child {
    flex-basis: 100%;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
  }
`;
