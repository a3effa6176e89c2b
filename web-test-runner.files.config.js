// Runs the browser test files named in WTR_FILES (comma-separated) alone: `WTR_FILES=test/element/x.test.ts npm run test:browser -- --config web-test-runner.files.config.js`.
import config from './web-test-runner.config.js';

export default { ...config, groups: [{ name: 'one', files: (process.env.WTR_FILES ?? '').split(',') }] };
