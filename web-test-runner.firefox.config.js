// The element suites in a second engine: Debian's firefox-esr, driven over WebDriver BiDi by
// puppeteer-core (no downloaded browser build). `npm run test:firefox`; FIREFOX_PATH overrides.
import { chromeLauncher, puppeteerCore } from '@web/test-runner-chrome';
import config from './web-test-runner.config.js';

export default {
  ...config,
  browsers: [
    chromeLauncher({
      puppeteer: puppeteerCore,
      launchOptions: { browser: 'firefox', executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', headless: true },
    }),
  ],
  groups: process.env.WTR_FILES ? [{ name: 'one', files: process.env.WTR_FILES.split(',') }] : config.groups,
};
