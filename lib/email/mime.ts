import MailComposer from 'nodemailer/lib/mail-composer';
import { ValidationError } from '../errors';

export interface RawMessage {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  /** Extra headers, written exactly as given (e.g. List-Unsubscribe); printable ASCII only. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly messageId?: string;
  readonly date?: Date;
}

// Headers MailComposer writes itself; a caller's copy would make the message carry two.
const composedHeaders = new Set([
  'from',
  'to',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
]);

// RFC 5322: a field name is printable ASCII without ':', and no line may exceed 998 characters.
const fieldName = /^[!-9;-~]+$/;
const fieldValue = /^[ -~]*$/;
const maxLineLength = 998;

/**
 * Builds the RFC 5322 message for SES SendRawEmail: multipart/alternative with the text part first (clients
 * show the last part they can render), UTF-8 bodies, an RFC 2047 encoded subject, and CRLF line ends.
 */
export async function buildRawMessage(message: RawMessage): Promise<Buffer> {
  const composer = new MailComposer({
    from: message.from,
    to: message.to,
    subject: message.subject,
    text: { content: message.text, contentType: 'text/plain; charset=utf-8' },
    html: { content: message.html, contentType: 'text/html; charset=utf-8' },
    headers: preparedHeaders(message.headers ?? {}),
    ...(message.messageId === undefined ? {} : { messageId: message.messageId }),
    ...(message.date === undefined ? {} : { date: message.date }),
    newline: 'windows',
  });
  return composer.compile().build();
}

/**
 * Marks each custom header as prepared, so it is written verbatim. MailComposer would otherwise fold
 * `List-Unsubscribe: <https://…>` after the colon; that is legal, but some receivers' one-click unsubscribe
 * handling reads the header naively. Being verbatim, each header is checked here instead.
 */
function preparedHeaders(
  headers: Readonly<Record<string, string>>,
): Record<string, { prepared: true; value: string }> {
  const prepared: Record<string, { prepared: true; value: string }> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!fieldName.test(name) || composedHeaders.has(name.toLowerCase())) {
      throw new ValidationError('invalid_header', `"${name}" cannot be set as a custom email header.`);
    }
    if (!fieldValue.test(value) || name.length + 2 + value.length > maxLineLength) {
      throw new ValidationError(
        'invalid_header',
        `The ${name} header must be printable ASCII on one line of at most ${maxLineLength} characters.`,
      );
    }
    prepared[name] = { prepared: true, value };
  }
  return prepared;
}
