/**
 * Records of one stream batch the send function handles at once: each spends most of its time waiting on
 * SES and DynamoDB, and the shared send-rate cap is what bounds the rate. This number also bounds the
 * messages SES may have accepted but the ledger not yet recorded when an instance dies, so a crash costs at
 * most five duplicates (ten let the kill -9 test see nine). The send bench runs the same number.
 */
export const SEND_CONCURRENCY = 5;
