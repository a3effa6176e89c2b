/**
 * Debian's Chromium, headless, as every browser run here starts it (the test runner, the device
 * tests and the bench): test tools cannot download a browser on this kind of machine.
 */
export const CHROMIUM: string = process.env.CHROME_PATH || '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  // Without these, Chromium keeps trying to reach the internet, which is closed here.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Pages run side by side; without these, Chromium throttles the timers of background tabs
  // and anything waiting on a timer stalls at random.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  // window.gc(), for the leak check's heap figures.
  '--js-flags=--expose-gc',
];
