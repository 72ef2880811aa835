// compile-templates is left out on purpose: it loads mjml, which must stay out of the Lambda bundles.
export type { CompiledEmail, CompiledLocale, CompiledTemplates, EmailKind } from './compiled-templates';
export type {
  AlertEmailData,
  ConfirmationEmailData,
  DigestEmailData,
  DigestPeriod,
  Frequency,
  MatchedArticle,
  RenderedEmail,
} from './email-data';
export { buildRawMessage, type RawMessage } from './mime';
export { renderAlert, renderConfirmation, renderDigest } from './render';
