import { expect } from 'chai';
import { CheckoutError } from '../../src/core/errors.js';

/**
 * Runs `fn`, expects a CheckoutError with `code` (and `source` when given), and checks that
 * its message never repeats `input` (it may be a private key).
 */
export function expectCheckoutError(fn: () => unknown, code: string, source?: string, input?: string): CheckoutError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected a CheckoutError').to.be.instanceOf(CheckoutError);
  const error = caught as CheckoutError;
  expect(error.code, error.message).to.equal(code);
  if (source) expect(error.source).to.equal(source);
  if (input) {
    for (const token of input.split(/[()[\],/#<>;*'\s]+/).filter((t) => t.length > 8)) {
      expect(error.message).not.to.include(token);
    }
  }
  return error;
}
