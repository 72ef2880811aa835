// compile-templates is left out on purpose: it loads mjml, which must stay out of the Lambda bundles.
export type { CompiledEmail, CompiledLocale, CompiledTemplates, EmailKind } from './compiled-templates';
export type {
  AlertArticleData,
  AlertEmailData,
  AlertLinks,
  ConfirmationEmailData,
  DigestEmailData,
  DigestPeriod,
  Frequency,
  MatchedArticle,
  RenderedEmail,
  TopicMatch,
} from './email-data';
export { buildRawMessage, composeRawMessage, type RawMessage } from './mime';
export {
  type PreparedEmail,
  personaliseAlert,
  prepareAlert,
  renderAlert,
  renderConfirmation,
  renderDigest,
} from './render';
