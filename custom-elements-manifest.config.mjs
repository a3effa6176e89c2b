// `cem analyze` (run by `npm run build`): dist/custom-elements.json, the package's `customElements`,
// for editors, Storybook and framework tooling. It reads the element's literal `static properties`
// and its JSDoc (@tag, @fires, @csspart, @cssprop).
export default {
  globs: ['src/element/btc-checkout.ts', 'src/element/events.ts'],
  outdir: 'dist',
  litelement: true,
  packagejson: false,
  plugins: [
    {
      name: 'btc-checkout:shipped-paths',
      // The manifest names the modules a consumer imports (dist/lib), not the TypeScript sources.
      packageLinkPhase({ customElementsManifest }) {
        const shipped = (path) => path.replace(/^src\/(.*)\.ts$/, 'dist/lib/$1.js');
        for (const module of customElementsManifest.modules) {
          module.path = shipped(module.path);
          for (const exported of module.exports ?? []) {
            if (exported.declaration?.module) exported.declaration.module = shipped(exported.declaration.module);
          }
          for (const declaration of module.declarations ?? []) {
            for (const member of declaration.members ?? [])
              if (member.inheritedFrom?.module) member.inheritedFrom.module = shipped(member.inheritedFrom.module);
            if (declaration.superclass?.module) declaration.superclass.module = shipped(declaration.superclass.module);
          }
        }
      },
    },
  ],
};
