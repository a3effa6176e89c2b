/**
 * A Vite plugin that removes layout whitespace from the static parts of lit's `html`, `svg` and
 * `css` tagged templates in our own sources: JS minifiers leave template text as written.
 * It parses with the TypeScript compiler, so only template text is touched, never code.
 */
import ts from 'typescript';
import type { Plugin } from 'vite';

function squeeze(text: string, isCss: boolean): string {
  let out = text.replace(/\s*\n\s*/g, ' ');
  if (isCss)
    out = out
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\s*([{};,>])\s*/g, '$1')
      .replace(/:\s+/g, ':')
      .replace(/;}/g, '}')
      // [part~='amount'] is [part~=amount]: a value that is a CSS identifier needs no quotes.
      .replace(/=\s*'([a-z][-\w]*)'\s*\]/gi, '=$1]')
      // 0.75rem is .75rem.
      .replace(/(^|[^\w.])0\.(\d)/g, '$1.$2');
  else out = out.replace(/>\s+</g, '><');
  return out;
}

export function minifyTemplates(): Plugin {
  return {
    name: 'btc-checkout:minify-templates',
    enforce: 'pre',
    transform(code, id) {
      if (!/\/src\/.*\.ts$/.test(id) || !/\b(html|css|svg)`/.test(code)) return null;
      const source = ts.createSourceFile(id, code, ts.ScriptTarget.Latest, true);
      const edits: [number, number, string][] = [];
      const visit = (node: ts.Node): void => {
        if (ts.isTaggedTemplateExpression(node) && ts.isIdentifier(node.tag) && ['html', 'svg', 'css'].includes(node.tag.text)) {
          const isCss = node.tag.text === 'css';
          const template = node.template;
          const parts = ts.isNoSubstitutionTemplateLiteral(template)
            ? [template]
            : [template.head, ...template.templateSpans.map((span) => span.literal)];
          for (const part of parts) {
            const start = part.getStart(source) + 1;
            const end = part.getEnd() - (ts.isTemplateHead(part) || ts.isTemplateMiddle(part) ? 2 : 1);
            const raw = code.slice(start, end);
            const squeezed = squeeze(raw, isCss);
            if (squeezed !== raw) edits.push([start, end, squeezed]);
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
      let out = code;
      for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + text + out.slice(end);
      return { code: out, map: null };
    },
  };
}
