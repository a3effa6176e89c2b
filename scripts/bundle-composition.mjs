// Attributes the minified bytes of dist/btc-checkout.js to what they came from, using its source
// map: by dependency and app module (FILES=1: by dependency file), each with its gzip size alone.
// With a module path, prints the minified text that came from that module instead.
// Usage: vite build --mode cdn --sourcemap && node scripts/bundle-composition.mjs [src/core/config.ts]
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { SourceMapConsumer } from 'source-map-js';

const code = readFileSync('dist/btc-checkout.js', 'utf8');
const map = new SourceMapConsumer(JSON.parse(readFileSync('dist/btc-checkout.js.map', 'utf8')));
const lines = code.split('\n');
const mappings = [];
map.eachMapping((mapping) => mappings.push(mapping));
mappings.sort((a, b) => a.generatedLine - b.generatedLine || a.generatedColumn - b.generatedColumn);

/** Each generated span (from one mapping to the next) with the source it came from. */
const spans = mappings.map((mapping, i) => {
  const next = mappings[i + 1];
  const line = lines[mapping.generatedLine - 1];
  const end = next && next.generatedLine === mapping.generatedLine ? next.generatedColumn : line.length;
  return { source: mapping.source || '(none)', text: line.slice(mapping.generatedColumn, end) };
});

const wanted = process.argv[2];
if (wanted) {
  console.log(
    spans
      .filter((span) => span.source.endsWith(wanted))
      .map((span) => span.text)
      .join(''),
  );
} else {
  const groups = new Map();
  for (const { source, text } of spans) {
    const name = source.replace(/^.*node_modules\//, '').replace(/^.*\/(src|build)\//, '$1/');
    const group =
      process.env.FILES || /^(src|build)\//.test(name)
        ? name
        : name
            .split('/')
            .slice(0, name.startsWith('@') ? 2 : 1)
            .join('/');
    groups.set(group, (groups.get(group) ?? '') + text);
  }
  const rows = [...groups].map(([group, text]) => [group, text.length, gzipSync(text, { level: 9 }).length]).sort((a, b) => b[1] - a[1]);
  for (const [group, bytes, gzip] of rows) console.log(`${String(bytes).padStart(8)} ${String(gzip).padStart(7)}  ${group}`);
  console.log('total minified', code.length, 'gzip', gzipSync(code, { level: 9 }).length);
}
