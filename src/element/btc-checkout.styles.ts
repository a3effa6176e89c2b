import { css, type CSSResult } from 'lit';

/**
 * Themable through `--btc-checkout-*` custom properties and `::part()`. The QR code keeps dark
 * modules on a light ground in every theme: many phone scanners cannot read inverted codes.
 */
export const styles: CSSResult = css`
  :host {
    --_bg: var(--btc-checkout-background, #fff);
    --_fg: var(--btc-checkout-color, #1b1d21);
    --_muted: var(--btc-checkout-muted, #5b616e);
    --_accent: var(--btc-checkout-accent, #b35900);
    --_accent-fg: var(--btc-checkout-accent-color, #fff);
    --_border: var(--btc-checkout-border, #d6d9de);
    --_error: var(--btc-checkout-error, #b3261e);
    --_ok: var(--btc-checkout-success, #1e7b34);
    --_radius: var(--btc-checkout-radius, 12px);
    display: block;
    max-width: var(--btc-checkout-max-width, 22rem);
    font: var(--btc-checkout-font, 1rem/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif);
    color: var(--_fg);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --_bg: var(--btc-checkout-background, #17191d);
      --_fg: var(--btc-checkout-color, #eceef2);
      --_muted: var(--btc-checkout-muted, #a3a9b5);
      --_accent: var(--btc-checkout-accent, #f7931a);
      --_accent-fg: var(--btc-checkout-accent-color, #17191d);
      --_border: var(--btc-checkout-border, #353a43);
      --_error: var(--btc-checkout-error, #ff8a80);
      --_ok: var(--btc-checkout-success, #7bd88f);
    }
  }
  :host([hidden]) {
    display: none;
  }
  [part~='checkout'] {
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 1.25rem;
    display: grid;
    gap: 0.75rem;
    text-align: center;
  }
  [part~='amount'] {
    font-size: 1.5rem;
    font-weight: 650;
    margin: 0;
    overflow-wrap: anywhere;
  }
  [part~='sats'],
  [part~='label'],
  [part~='message'],
  [part~='status'] {
    margin: 0;
    color: var(--_muted);
  }
  [part~='sats'] {
    display: block;
    font-size: 0.9rem;
    font-weight: 400;
  }
  [part~='label'] {
    font-weight: 600;
    color: var(--_fg);
  }
  [part~='qr'] {
    width: var(--btc-checkout-qr-size, 100%);
    max-width: 100%;
    height: auto;
    justify-self: center;
    color: var(--btc-checkout-qr-color, #000);
    background: var(--btc-checkout-qr-background, #fff);
    border-radius: 4px;
  }
  [part~='address'] {
    margin: 0;
    font-family: ui-monospace, 'SF Mono', Menlo, Consolas, monospace;
    font-size: 0.95rem;
    overflow-wrap: anywhere;
  }
  [part~='address'] code {
    font: inherit;
  }
  [part~='address'] code span {
    display: inline-block;
  }
  [part~='address'] code span:not(:last-child) {
    margin-inline-end: 0.35em;
  }
  .actions {
    display: flex;
    gap: 0.5rem;
    justify-content: center;
    flex-wrap: wrap;
  }
  .actions > * {
    flex: 1 1 auto;
  }
  a[part~='wallet-link'] {
    flex-basis: 100%;
  }
  button,
  a[part~='wallet-link'] {
    font: inherit;
    font-size: 0.95rem;
    border-radius: calc(var(--_radius) / 1.5);
    padding: 0.5rem 0.9rem;
    cursor: pointer;
    text-decoration: none;
  }
  button {
    background: transparent;
    color: var(--_fg);
    border: 1px solid var(--_border);
  }
  a[part~='wallet-link'] {
    background: var(--_accent);
    color: var(--_accent-fg);
    border: 1px solid var(--_accent);
    font-weight: 600;
  }
  button:focus-visible,
  a:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  button[data-copied] {
    color: var(--_ok);
    border-color: var(--_ok);
    animation: copied 1.6s step-end forwards;
  }
  @keyframes copied {
    to {
      color: var(--_fg);
      border-color: var(--_border);
    }
  }
  [part~='error'] {
    border-color: var(--_error);
    text-align: start;
  }
  [part~='error'] h2 {
    margin: 0;
    font-size: 1.05rem;
    color: var(--_error);
  }
  [part~='error'] p {
    margin: 0;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      animation-duration: 0s !important;
    }
  }
`;
