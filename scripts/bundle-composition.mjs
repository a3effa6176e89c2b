// Attributes the minified bytes of dist/btc-checkout.js to source modules, using its source map.
// Usage: vite build --mode cdn --sourcemap && node scripts/bundle-composition.mjs
import { readFileSync } from 'node:fs';
import { SourceMapConsumer } from 'source-map-js';
import { gzipSync } from 'node:zlib';

const code = readFileSync('dist/btc-checkout.js', 'utf8');
const map = new SourceMapConsumer(JSON.parse(readFileSync('dist/btc-checkout.js.map', 'utf8')));
const lines = code.split('\n');
const bytes = new Map();
const text = new Map();
map.eachMapping((m) => {}, null);
// Walk every generated position in order; attribute the span until the next mapping.
const mappings = [];
map.eachMapping((m) => mappings.push(m));
mappings.sort((a, b) => a.generatedLine - b.generatedLine || a.generatedColumn - b.generatedColumn);
for (let i = 0; i < mappings.length; i++) {
  const m = mappings[i];
  const next = mappings[i + 1];
  const line = lines[m.generatedLine - 1];
  const end = next && next.generatedLine === m.generatedLine ? next.generatedColumn : line.length;
  const source = (m.source || '(none)').replace(/^.*node_modules\//, '').replace(/^.*\/src\//, 'src/');
  const group =
    process.env.FILES && !source.startsWith('src/')
      ? source
      : source.startsWith('src/')
        ? source
        : source
            .split('/')
            .slice(0, source.startsWith('@') ? 2 : 1)
            .join('/');
  bytes.set(group, (bytes.get(group) || 0) + (end - m.generatedColumn));
  text.set(group, (text.get(group) || '') + line.slice(m.generatedColumn, end));
}
const rows = [...bytes].map(([k, v]) => [k, v, gzipSync(text.get(k), { level: 9 }).length]).sort((a, b) => b[1] - a[1]);
for (const [k, v, gz] of rows) console.log(`${String(v).padStart(8)} ${String(gz).padStart(7)}  ${k}`);
console.log('total minified', code.length, 'gzip', gzipSync(code, { level: 9 }).length);
