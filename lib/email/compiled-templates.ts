/** The shape of `templates/dist/compiled.ts`, written by `bin/compile-templates.ts`. */

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
