/** A template or copy file that cannot be compiled; the message names the file and what is wrong. */
export class TemplateCompileError extends Error {
  override name = 'TemplateCompileError';
}
