/** What `bin/compile-templates.ts` compiles, and the shape of the `templates/dist/compiled.ts` it writes. */

export type EmailKind = 'confirm' | 'alert' | 'digest';

/** Mustache templates, filled at send time: `html` escapes values, `subject` and `text` do not. */
export interface CompiledEmail {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

export interface CompiledLocale {
  /** BCP 47 tag of the copy, set as the HTML `lang`. */
  readonly lang: string;
  /** Locale for dates and lists (`Intl`), e.g. en-GB for "27 Nov 2026". */
  readonly dateLocale: string;
  readonly emails: Readonly<Record<EmailKind, CompiledEmail>>;
}

/** Keyed by copy file name: `templates/copy/en.json` becomes `en`. */
export type CompiledTemplates = Readonly<Record<string, CompiledLocale>>;

/** One email in every locale: what `templates/dist/compiled.ts` exports per email kind. */
export type CompiledKind = Readonly<
  Record<string, Pick<CompiledLocale, 'lang' | 'dateLocale'> & { readonly email: CompiledEmail }>
>;

/** The export name of each email kind in `templates/dist/compiled.ts`. */
export const compiledExportNames = {
  confirm: 'confirmEmail',
  alert: 'alertEmail',
  digest: 'digestEmail',
} as const satisfies Record<EmailKind, string>;
