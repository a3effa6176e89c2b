import { expect } from 'chai';
import { en, pickLanguage, registerLocales, wordsFor, type Messages, type Plural } from '../../src/element/messages.js';
import { locales } from '../../src/element/locales/index.js';

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).sort();
const formsOf = (entry: string | Plural): [string, string][] => (typeof entry === 'string' ? [['', entry]] : Object.entries(entry));

describe('catalogues', () => {
  for (const [tag, messages] of Object.entries(locales)) {
    describe(tag, () => {
      it('has every entry English has, of the same kind, and nothing else', () => {
        expect(Object.keys(messages).sort()).to.deep.equal(Object.keys(en).sort());
        for (const key of Object.keys(en) as (keyof Messages)[]) expect(typeof messages[key], key).to.equal(typeof en[key]);
      });

      it('fills the same placeholders as English in every sentence and plural form', () => {
        for (const key of Object.keys(en) as (keyof Messages)[]) {
          const wanted = new Set(formsOf(en[key]).flatMap(([, text]) => placeholders(text)));
          for (const [form, text] of formsOf(messages[key])) {
            // A plural form may leave the count out ("dans la minute"), never add one English lacks.
            for (const name of placeholders(text)) expect(wanted, `${key} ${form}: {${name}}`).to.include(name);
            if (typeof en[key] === 'string') expect(placeholders(text), `${key}`).to.deep.equal(placeholders(en[key] as string));
          }
        }
      });

      it('has a plural form for each category its language gives small whole numbers, and an `other`', () => {
        const rules = new Intl.PluralRules(tag);
        const needed = new Set(Array.from({ length: 200 }, (_, n) => rules.select(n)));
        for (const key of Object.keys(en) as (keyof Messages)[]) {
          const entry = messages[key];
          if (typeof entry === 'string') continue;
          expect(entry.other, `${key}.other`).to.be.a('string');
          for (const category of needed) expect(entry[category as keyof Plural] ?? entry.other, `${key}.${category}`).to.be.a('string');
          if (needed.has('one')) expect(entry.one, `${key}.one`).to.be.a('string');
        }
      });

      it('is translated: no sentence left in English', () => {
        const same = (Object.keys(en) as (keyof Messages)[]).filter(
          (key) => typeof en[key] === 'string' && (messages[key] as string) === en[key] && /\s/.test(en[key] as string),
        );
        expect(same).to.deep.equal([]);
      });
    });
  }
});

describe('wordsFor', () => {
  it('fills placeholders and picks the plural form of the language', () => {
    const english = wordsFor(en, 'en');
    expect(english.count('sats', 1)).to.equal('1 sat');
    expect(english.count('sats', 12_500)).to.equal('12,500 sats');
    expect(english.count('confirming', 1, { confirmations: 0 })).to.equal('Payment confirming: 0 of 1 confirmation.');
    expect(english.count('confirming', 6, { confirmations: 2 })).to.equal('Payment confirming: 2 of 6 confirmations.');
    expect(english.say('underpaid', { received: '0.001', total: '0.002' })).to.equal('0.001 of 0.002 BTC received. Please send the rest.');
    const german = wordsFor(locales.de!, 'de-DE');
    expect(german.count('sats', 12_500)).to.equal('12.500 Sats');
    expect(german.count('tag', 1)).to.match(/^Enthält 1 Sat, der/);
  });

  it('counts down in minutes, then in m:ss, in the catalogue’s words', () => {
    const english = wordsFor(en, 'en');
    expect(english.countdown(14 * 60_000 + 1)).to.equal('Pay within 15 minutes');
    expect(english.countdown(299_000)).to.equal('4:59 left to pay');
    expect(english.countdown(-5_000)).to.equal('0:00 left to pay');
    expect(wordsFor(locales.ja!, 'ja').countdown(10 * 60_000)).to.equal('10 分以内にお支払いください');
  });

  it('leaves a placeholder it has no value for as it is, and BTC amounts as given', () => {
    expect(wordsFor({ ...en, paid: 'Paid {nothing}' }, 'de').say('paid')).to.equal('Paid {nothing}');
    expect(wordsFor(locales.de!, 'de').say('expiredPartial', { received: '0.0015' })).to.match(/^0\.0015 BTC/);
  });
});

describe('pickLanguage', () => {
  it('takes the first candidate with a catalogue, by language or by script, else English', () => {
    const loadable = Object.keys(locales);
    expect(pickLanguage(['de-AT', 'fr'], loadable)).to.deep.equal({ tag: 'de', locale: 'de-AT' });
    expect(pickLanguage(['ko', 'pt-BR'], loadable)).to.deep.equal({ tag: 'pt', locale: 'pt-BR' });
    expect(pickLanguage(['zh-CN'], loadable)).to.deep.equal({ tag: 'zh-Hans', locale: 'zh-CN' });
    expect(pickLanguage(['zh-TW'], loadable), 'Traditional Chinese has no catalogue').to.deep.equal({ tag: 'en', locale: 'en' });
    expect(pickLanguage(['en-GB'], loadable)).to.deep.equal({ tag: 'en', locale: 'en-GB' });
  });

  it('gives a page in a language with no catalogue English sentences with English numbers', () => {
    expect(pickLanguage(['ko'], [])).to.deep.equal({ tag: 'en', locale: 'en' });
    expect(pickLanguage(['de-DE'], [])).to.deep.equal({ tag: 'en', locale: 'en' });
  });

  it('skips tags Intl refuses (en_US, empty, nonsense) instead of failing', () => {
    expect(pickLanguage(['en_US', '', null, undefined, 'not a locale', 'es'], ['es'])).to.deep.equal({ tag: 'es', locale: 'es' });
  });

  it('uses catalogues a bundler user registers', () => {
    expect(pickLanguage(['it'], [])).to.deep.equal({ tag: 'en', locale: 'en' });
    registerLocales({ it: locales.it! });
    expect(pickLanguage(['it'], [])).to.deep.equal({ tag: 'it', locale: 'it' });
  });
});
